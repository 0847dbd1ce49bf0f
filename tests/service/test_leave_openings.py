"""Opening balances over the real broker: the district's nodal officer uploads a sheet of 200
rows (her district's people, each kind of leave their department has) with a few bad rows
among them; the bad ones are rejected with their reasons, the rest become each person's opening
balance, and uploading the sheet again changes nothing."""

import base64
import io
from datetime import timedelta

import openpyxl

from common.clock import IST, utcnow
from common.errors import Forbidden
from tests.service.desks import refused
from tests.service.test_offices_and_posts import new_person

KINDS = ("casual", "earned", "medical", "restricted", "station")  # the police's
HEADERS = ("Username or user id", "Kind of leave", "Balance (days)", "As on")


def sheet(rows: list[tuple]) -> dict:
    book = openpyxl.Workbook()
    page = book.active
    page.append(["Opening leave balances, SP office Hathras"])  # a title above the headers
    page.append(HEADERS)
    for row in rows:
        page.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return {"filename": "openings.xlsx", "content_b64": base64.b64encode(out.getvalue()).decode()}


def test_a_sheet_of_200_rows_keeps_the_good_ones_and_says_why_each_bad_one_is_not(office, desks):
    leave, identity = office.rpc.leave, office.rpc.identity
    nodal = desks["asp.hathras"]
    people = [f"const{n:02d}.hathras" for n in range(39)]
    for username in people:
        identity.create_user(nodal, new_person(username, "PS-KOTWALI-HTR"))
    yesterday = utcnow().astimezone(IST).date() - timedelta(days=1)
    as_on = yesterday.strftime("%d-%m-%Y")
    rows = [(u, k, 10 + n % 7, as_on) for n, u in enumerate(people) for k in KINDS]
    rows += [
        ("sho.kotwali.hathras", "earned", 120.5, as_on),
        ("sho.kotwali.hathras", "casual", 4, as_on),
    ]
    # Bad rows, in place of good ones: 200 rows in all.
    bad = {
        10: ("nobody.hathras", "earned", 3, as_on),
        50: ("dm.hathras", "earned", 3, as_on),  # the Collectorate: not her district
        90: (people[0], "compensatory", 3, as_on),  # the police have no such kind
        130: (people[1], "medical", -2, as_on),
        170: (people[2], "medical", "ten", as_on),
        196: ("sho.kotwali.hathras", "earned", 100, as_on),  # a second earned row for him
    }
    rows = [bad.get(i, row) for i, row in enumerate(rows[:194])] + [rows[-2], rows[-1]]
    rows += [bad[196], (people[3], "casual", 5, "31-02-2026"), (people[4], "earned", 15, as_on)]
    rows += [(people[4], "earned", 15, as_on)]  # the same row twice
    assert len(rows) == 200

    report = leave.upload_opening_balances(nodal, sheet(rows))
    rejected = {
        r["row"] - 3: [x["code"] for x in r["reasons"]] for r in report["rows"] if r["reasons"]
    }
    assert rejected == {
        10: ["PERSON_UNKNOWN"],
        50: ["PERSON_OUTSIDE_YOUR_OFFICES"],
        90: ["LEAVE_KIND_NOT_IN_DEPARTMENT"],
        130: ["LEAVE_OPENING_DAYS_INVALID"],
        170: ["LEAVE_OPENING_DAYS_INVALID"],
        196: ["LEAVE_OPENING_DUPLICATE_ROW"],
        197: ["DATE_NOT_REAL"],
        # people[4]'s earned row already came among the first 194; both later ones repeat it
        198: ["LEAVE_OPENING_DUPLICATE_ROW"],
        199: ["LEAVE_OPENING_DUPLICATE_ROW"],
    }
    assert report["summary"] == {"open": 191, "replace": 0, "unchanged": 0, "reject": 9}

    sho = desks["sho.kotwali.hathras"]
    year = yesterday.year

    def balance(kind: str) -> float:
        return next(k for k in leave.balance(sho, year)["kinds"] if k["kind"] == kind)["balance"]

    assert (balance("earned"), balance("casual")) == (120.5, 4)
    ledger = leave.balance(sho, year)["ledger"]
    assert [e["days"] for e in ledger if e["entry"] == "opening" and e["kind"] == "earned"] == [
        120.5
    ]

    # The same sheet again: nothing new, nothing doubled.
    again = leave.upload_opening_balances(nodal, sheet(rows))
    assert again["summary"] == {"open": 0, "replace": 0, "unchanged": 191, "reject": 9}
    assert (balance("earned"), balance("casual")) == (120.5, 4)
    # A corrected figure replaces the earlier one.
    fixed = leave.upload_opening_balances(
        nodal, sheet([("sho.kotwali.hathras", "earned", 90, as_on)])
    )
    assert fixed["summary"]["replace"] == 1 and balance("earned") == 90


def test_only_whoever_sets_up_offices_uploads_openings(office, desks):
    row = [("sho.kotwali.hathras", "earned", 30, "01-01-2026")]
    assert (
        refused(
            Forbidden,
            office.rpc.leave.upload_opening_balances,
            desks["sho.kotwali.hathras"],
            sheet(row),
        )
        == "OUTSIDE_YOUR_SCOPE"
    )
    # The Collectorate's nodal officer may upload, but the SHO is not one of hers.
    report = office.rpc.leave.upload_opening_balances(desks["adm.hathras"], sheet(row))
    assert [x["code"] for x in report["rows"][0]["reasons"]] == ["PERSON_OUTSIDE_YOUR_OFFICES"]
