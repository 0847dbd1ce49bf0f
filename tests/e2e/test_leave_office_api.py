"""An office's leave over the API: who is away in a month (sanctioned leave only, in the
office and the offices below it) and the leave register of every application with its
filters and CSV, for the office's officers and those over it; to anyone else the office does
not exist (404), as in reports.

The office is the shared one of tests/e2e: the SHO's casual leave here is in July 2034, a
month no other test uses, and nothing here counts what it did not make."""

import csv
import io

import pytest

from tests.e2e.test_api import Desk, assert_error
from tests.e2e.test_leave_api import ASP, CO, LEAVE, SHO, SP, act, apply, ok

STRANGERS = (
    ("hc.estt.hathras", "SP-HTR"),  # the SP office's head clerk: no officer
    (SHO, "CO-SADAR-HTR"),  # an officer, of an office below the circle: not above him
    ("dm.hathras", "PS-KOTWALI-HTR"),  # an officer of another department
)


@pytest.fixture
def desk(office, login):
    return lambda username: Desk(office.url, login(username))


def casual(from_date: str, to_date: str) -> dict:
    return {
        "kind": "casual",
        "from_date": from_date,
        "to_date": to_date,
        "reason": "पारिवारिक कार्य",
    }


def calendar_of(person: Desk, office: str | None, month: str) -> dict:
    params = {"month": month, **({"office": office} if office else {})}
    return ok(person.get(f"{LEAVE}/calendar", params=params))


def test_the_office_calendar_shows_sanctioned_leave_to_the_officers_over_it(desk):
    sho, co, asp, sp = desk(SHO), desk(CO), desk(ASP), desk(SP)
    away = act(co, apply(sho, casual("2034-07-03", "2034-07-04")), "sanction")
    waiting = apply(sho, casual("2034-07-12", "2034-07-12"))  # not sanctioned: not away
    assert away["status"] == "sanctioned"

    for person, office in ((co, "CO-SADAR-HTR"), (asp, "SP-HTR"), (sp, None), (sho, None)):
        answer = calendar_of(person, office, "2034-07")
        mine = [a for a in answer["items"] if a["user_id"] == sho.user["id"]]
        assert [a["application_id"] for a in mine] == [away["id"]], person.user["username"]
        assert (mine[0]["kind_name_hi"], mine[0]["from_date"], mine[0]["days"]) == (
            "आकस्मिक अवकाश",
            "2034-07-03",
            2,
        )
        days = {d["date"]: d["application_ids"] for d in answer["days"]}
        assert away["id"] in days["2034-07-03"] and away["id"] in days["2034-07-04"]
        assert all(away["id"] not in ids for day, ids in days.items() if day > "2034-07-04")
        assert all(waiting["id"] not in ids for ids in days.values())
    assert calendar_of(sp, None, "2034-07")["office"]["code"] == "SP-HTR"  # their own
    august = calendar_of(co, None, "2034-08")  # the circle officer's own office
    assert august["office"]["code"] == "CO-SADAR-HTR"
    assert away["id"] not in [a["application_id"] for a in august["items"]]


def test_the_register_lists_every_application_with_its_filters_and_as_csv(desk):
    sho, co = desk(SHO), desk(CO)
    sanctioned = act(co, apply(sho, casual("2034-07-17", "2034-07-18")), "sanction")
    waiting = apply(sho, casual("2034-07-24", "2034-07-24"))

    def listed(**params) -> list[str]:
        answer = ok(co.get(f"{LEAVE}/register", params={"office": "CO-SADAR-HTR", **params}))
        assert answer["office"]["code"] == "CO-SADAR-HTR"
        return [a["id"] for a in answer["items"]]

    every = listed(month="2034-07")
    assert {sanctioned["id"], waiting["id"]} <= set(every)
    assert every.index(waiting["id"]) < every.index(sanctioned["id"])  # newest first
    assert sanctioned["id"] in listed(month="2034-07", status="sanctioned", kind="casual")
    assert waiting["id"] not in listed(month="2034-07", status="sanctioned")
    assert waiting["id"] in listed(status="applied")
    assert sanctioned["id"] not in listed(month="2034-07", kind="earned")
    assert sanctioned["id"] not in listed(month="2034-06")

    r = co.get(f"{LEAVE}/register.csv", params={"office": "CO-SADAR-HTR", "month": "2034-07"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert (rows[sanctioned["id"]]["status"], rows[sanctioned["id"]]["from_date"]) == (
        "sanctioned",
        "2034-07-17",
    )
    assert rows[waiting["id"]]["applicant_name"] == sho.user["name_en"]


@pytest.mark.parametrize(("username", "code"), STRANGERS)
def test_an_office_one_may_not_see_does_not_exist(desk, username, code):
    person = desk(username)
    for path, params in (
        ("calendar", {"office": code, "month": "2034-07"}),
        ("register", {"office": code}),
        ("register.csv", {"office": code}),
    ):
        assert_error(person.get(f"{LEAVE}/{path}", params=params), 404, "OFFICE_NOT_FOUND")


def test_an_unknown_office_or_a_month_mistyped_is_refused(desk):
    sp = desk(SP)
    params = {"office": "NO-SUCH-OFFICE", "month": "2034-07"}
    assert_error(sp.get(f"{LEAVE}/calendar", params=params), 404, "OFFICE_NOT_FOUND")
    for month in ("2034-13", "34-07", "July"):
        assert_error(sp.get(f"{LEAVE}/calendar", params={"month": month}), 400, "INVALID_FIELDS")
        assert_error(sp.get(f"{LEAVE}/register", params={"month": month}), 400, "INVALID_FIELDS")
