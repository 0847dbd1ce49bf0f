"""E-Leave over the API, as a client sees it: the SHO of Kotwali applies for earned leave, the
circle officer and the ASP recommend it, the SP sanctions it and the SHO's balance is debited;
an application returned, corrected and rejected, another withdrawn; and each refusal a client
must tell apart (an overlap, more days than the balance, dates out of order, a stale version,
an application not at your post or not yours to see, sanctioning twice, a medical certificate
missing).

The office is the shared one of tests/e2e and the SHO's leave is one ledger for every test, so
each test asks for days of its own (far ahead, a year or month no other test here uses) and
nothing here counts what it did not make."""

import io
import uuid
from datetime import date, timedelta

import openpyxl
import pytest

from common.clock import IST, utcnow
from tests.e2e.test_api import Desk, assert_error

LEAVE = "/api/v1/leave"
SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"
STRANGER = "hc.estt.hathras"  # the SP office's head clerk: no post of the SHO's chain
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


def ok(r, status: int = 200) -> dict:
    assert r.status_code == status, f"{r.status_code} {r.text[:500]}"
    return r.json()


def earned(from_date: str, to_date: str, **fields) -> dict:
    return {
        "kind": "earned",
        "from_date": from_date,
        "to_date": to_date,
        "reason": "बहन का विवाह",
        "address": "ग्राम नगला, सासनी",
        **fields,
    }


def apply(person: Desk, body: dict) -> dict:
    return ok(person.post(f"{LEAVE}/applications", json=body), 201)


def act(person: Desk, application: dict, action: str, **body) -> dict:
    body.setdefault("version", application["version"])
    return ok(person.post(f"{LEAVE}/applications/{application['id']}/{action}", json=body))


def earned_balance(person: Desk, year: int) -> dict:
    answer = ok(person.get(f"{LEAVE}/balance", params={"year": year}))
    return next(k for k in answer["kinds"] if k["kind"] == "earned")


def test_earned_leave_goes_up_the_chain_and_the_sp_sanctions_it(desk):
    sho, co, asp, sp = desk(SHO), desk(CO), desk(ASP), desk(SP)
    app = apply(sho, earned("2030-03-02", "2030-03-04"))
    assert (app["status"], app["at_post_id"], app["level"], app["days"]) == (
        "applied",
        co.post_ids[0],
        "reporting",
        3,
    )
    assert app["id"] in [a["id"] for a in ok(sho.get(f"{LEAVE}/applications"))["items"]]
    assert app["id"] in [a["id"] for a in ok(co.get(f"{LEAVE}/to-act-on"))["items"]]
    # Asked for, not yet debited: spoken for.
    waiting = earned_balance(sho, 2030)
    assert waiting["on_the_way"] >= 3
    assert waiting["available"] == waiting["balance"] - waiting["on_the_way"]

    app = act(co, app, "recommend", remark="संस्तुत")
    assert (app["status"], app["at_post_id"], app["level"], app["version"]) == (
        "recommended",
        asp.post_ids[0],
        "controlling",
        2,
    )
    assert app["id"] not in [a["id"] for a in ok(co.get(f"{LEAVE}/to-act-on"))["items"]]
    app = act(asp, app, "recommend")
    assert (app["at_post_id"], app["level"]) == (sp.post_ids[0], "sanctioning")
    # The SP decides; recommending further up is not theirs to do.
    assert_error(
        sp.post(f"{LEAVE}/applications/{app['id']}/recommend", json={"version": 3}),
        422,
        "LEAVE_SANCTION_NOT_RECOMMEND",
    )
    # The version may come as If-Match instead of in the body.
    r = sp.post(f"{LEAVE}/applications/{app['id']}/sanction", json={}, headers={"If-Match": '"3"'})
    app = ok(r)
    assert (app["status"], app["at_post_id"], app["version"]) == ("sanctioned", None, 4)
    assert [h["action"] for h in app["history"]] == [
        "applied",
        "recommended",
        "recommended",
        "sanctioned",
    ]
    assert app["history"][-1]["by"]["user_id"] == sp.user["id"]

    after = earned_balance(sho, 2030)
    assert (after["balance"], after["on_the_way"]) == (
        waiting["balance"] - 3,
        waiting["on_the_way"] - 3,
    )
    # The applicant and the posts it passed may read it.
    for person in (sho, co, asp, sp):
        assert ok(person.get(f"{LEAVE}/applications/{app['id']}"))["status"] == "sanctioned"


def test_an_application_returned_is_corrected_then_rejected_with_a_reason(desk):
    sho, co = desk(SHO), desk(CO)
    app = apply(sho, earned("2031-05-04", "2031-05-05"))
    # Returning says what to correct.
    assert_error(
        co.post(f"{LEAVE}/applications/{app['id']}/return", json={"version": 1}),
        422,
        "LEAVE_REASON_REQUIRED",
    )
    app = act(co, app, "return", remark="तिथियाँ जाँचें")
    assert (app["status"], app["at_post_id"]) == ("returned", sho.post_ids[0])
    fix = {"from_date": "2031-05-11", "to_date": "2031-05-13"}
    app = act(sho, app, "resubmit", **fix)
    assert (app["status"], app["at_post_id"], app["days"]) == ("applied", co.post_ids[0], 3)
    app = act(co, app, "reject", remark="थाने पर त्योहार ड्यूटी")
    assert (app["status"], app["at_post_id"]) == ("rejected", None)
    assert app["history"][-1]["remark"] == "थाने पर त्योहार ड्यूटी"


def test_an_application_is_withdrawn_and_its_days_are_free_again(desk):
    sho = desk(SHO)
    app = apply(sho, earned("2031-08-03", "2031-08-04"))
    app = act(sho, app, "cancel")
    assert app["status"] == "cancelled"
    # The same days may be asked for again.
    assert apply(sho, earned("2031-08-03", "2031-08-04"))["status"] == "applied"


def test_a_retry_with_the_same_idempotency_key_applies_once(desk):
    sho = desk(SHO)
    key = {"Idempotency-Key": f"leave-{uuid.uuid4().hex}"}
    body = earned("2031-10-05", "2031-10-05")
    first = ok(sho.post(f"{LEAVE}/applications", json=body, headers=key), 201)
    again = ok(sho.post(f"{LEAVE}/applications", json=body, headers=key), 201)
    assert again["id"] == first["id"]


# --- refusals ---------------------------------------------------------------------------------


def test_days_already_applied_for_are_refused(desk):
    sho = desk(SHO)
    first = apply(sho, earned("2029-04-08", "2029-04-12"))
    error = assert_error(
        sho.post(f"{LEAVE}/applications", json=earned("2029-04-12", "2029-04-14")),
        422,
        "LEAVE_OVERLAPS",
    )
    assert error["details"] == {"application_id": first["id"]}


def test_more_days_than_the_balance_are_refused(desk):
    sho = desk(SHO)
    available = earned_balance(sho, 2027)["available"]
    days = int(available) + 1
    assert days <= 120  # the most earned leave granted at one time: the rule tried is the balance
    starts = date(2027, 2, 1)
    asked = earned(starts.isoformat(), (starts + timedelta(days=days - 1)).isoformat())
    error = assert_error(sho.post(f"{LEAVE}/applications", json=asked), 422, "LEAVE_BALANCE_SHORT")
    assert error["details"] == {"available": available, "asked": days}


def test_dates_in_the_wrong_order_are_refused(desk):
    assert_error(
        desk(SHO).post(f"{LEAVE}/applications", json=earned("2029-06-10", "2029-06-08")),
        422,
        "LEAVE_DATES_OUT_OF_ORDER",
    )


def test_medical_leave_without_its_certificate_is_refused(desk):
    asked = {**earned("2029-07-06", "2029-07-08"), "kind": "medical"}
    error = assert_error(
        desk(SHO).post(f"{LEAVE}/applications", json=asked), 422, "LEAVE_CERTIFICATE_REQUIRED"
    )
    assert error["details"] == {"kind": "medical"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(desk):
    sho, co = desk(SHO), desk(CO)
    app = apply(sho, earned("2029-09-03", "2029-09-04"))
    error = assert_error(
        co.post(f"{LEAVE}/applications/{app['id']}/recommend", json={"version": 2}),
        409,
        "VERSION_CONFLICT",
    )
    assert error["details"] == {"current_version": 1}
    assert ok(co.get(f"{LEAVE}/applications/{app['id']}"))["version"] == 1


def test_an_application_not_at_your_post_is_not_yours_to_know_of(desk):
    sho, asp, stranger = desk(SHO), desk(ASP), desk(STRANGER)
    app = apply(sho, earned("2029-10-08", "2029-10-09"))
    path = f"{LEAVE}/applications/{app['id']}"
    # Up the chain but not there yet, or not on it at all: the same answer as no such id.
    for action in ("recommend", "return", "reject", "sanction"):
        r = asp.post(f"{path}/{action}", json={"version": 1, "remark": "x"})
        assert_error(r, 404, "LEAVE_APPLICATION_NOT_FOUND")
    for person in (asp, stranger):
        assert_error(person.get(path), 404, "LEAVE_APPLICATION_NOT_FOUND")
    # Only its applicant corrects or withdraws it.
    for action, body in (
        ("cancel", {"version": 1}),
        ("resubmit", {"version": 1, "from_date": "2029-10-08", "to_date": "2029-10-09"}),
    ):
        assert_error(
            stranger.post(f"{path}/{action}", json=body), 404, "LEAVE_APPLICATION_NOT_FOUND"
        )
    assert_error(
        stranger.get(f"{LEAVE}/applications/{uuid.uuid4().hex}"), 404, "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert app["id"] not in [a["id"] for a in ok(stranger.get(f"{LEAVE}/to-act-on"))["items"]]


def test_sanctioning_twice_is_refused_and_debits_once(desk):
    sho, co, asp, sp = desk(SHO), desk(CO), desk(ASP), desk(SP)
    app = apply(sho, earned("2029-11-05", "2029-11-06"))
    app = act(asp, act(co, app, "recommend"), "recommend")
    app = act(sp, app, "sanction")
    debited = earned_balance(sho, 2029)["balance"]
    assert_error(
        sp.post(f"{LEAVE}/applications/{app['id']}/sanction", json={"version": app["version"]}),
        409,
        "LEAVE_ALREADY_DECIDED",
    )
    assert earned_balance(sho, 2029)["balance"] == debited


def test_a_year_that_is_not_a_year_is_refused(desk):
    sho = desk(SHO)
    for year in ("twenty", "1999"):
        assert_error(sho.get(f"{LEAVE}/balance", params={"year": year}), 400, "LEAVE_YEAR_INVALID")


def test_dates_beyond_the_years_kept_are_refused(desk):
    """Not a 500 for the last date there is, nor a ledger credited up to the year 9000."""
    sho = desk(SHO)
    for starts, ends in (("2099-12-31", "9999-12-31"), ("9000-01-01", "9000-01-02")):
        r = sho.post(f"{LEAVE}/applications", json=earned(starts, ends))
        assert_error(r, 422, "LEAVE_DATES_OUT_OF_RANGE")


# --- opening balances and joining --------------------------------------------------------------


def opening_sheet(*rows: tuple) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Username or user id", "Kind of leave", "Balance (days)", "As on"])
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_nodal_officer_uploads_opening_balances_row_by_row(desk):
    """The Collectorate's nodal officer sets the Registrar Kanungo's compensatory leave (a kind
    revenue has); a row for the police, a kind revenue lacks and days that are no number are
    rejected, each with its reason in the uploader's language."""
    adm, rk = desk("adm.hathras"), desk("rk.sadar.hathras")
    yesterday = (utcnow().astimezone(IST).date() - timedelta(days=1)).strftime("%d-%m-%Y")
    content = opening_sheet(
        ("rk.sadar.hathras", "compensatory", 3, yesterday),
        ("cru.hathras", "casual", 3, yesterday),
        ("rk.sadar.hathras", "maternity", 3, yesterday),
        ("rk.sadar.hathras", "earned", "many", yesterday),
    )
    r = adm.post(
        f"{LEAVE}/opening-balances",
        files={"sheet": ("openings.xlsx", content, XLSX)},
        headers={"Accept-Language": "hi"},
    )
    report = ok(r, 201)
    assert [(x["row"], x["action"]) for x in report["rows"]] == [
        (2, "open"),
        (3, "reject"),
        (4, "reject"),
        (5, "reject"),
    ]
    reasons = [[x["code"] for x in row["reasons"]] for row in report["rows"][1:]]
    assert reasons == [
        ["PERSON_OUTSIDE_YOUR_OFFICES"],
        ["LEAVE_KIND_NOT_IN_DEPARTMENT"],
        ["LEAVE_OPENING_DAYS_INVALID"],
    ]
    assert report["rows"][1]["reasons"][0]["message"] == (
        "यह व्यक्ति आपके द्वारा स्थापित किसी कार्यालय में नहीं है।"
    )
    answer = ok(rk.get(f"{LEAVE}/balance"))
    assert next(k for k in answer["kinds"] if k["kind"] == "compensatory")["balance"] == 3
    # The same sheet again changes nothing.
    again = adm.post(f"{LEAVE}/opening-balances", files={"sheet": ("o.xlsx", content, XLSX)})
    assert ok(again, 201)["summary"] == {"open": 0, "replace": 0, "unchanged": 1, "reject": 3}
    # Someone who sets up no office may not upload.
    assert_error(
        rk.post(f"{LEAVE}/opening-balances", files={"sheet": ("o.xlsx", content, XLSX)}),
        403,
        "OUTSIDE_YOUR_SCOPE",
    )


def test_the_applicant_reports_joining_after_sanctioned_leave(desk):
    """The circle officer takes casual leave from yesterday to tomorrow (the ASP sanctions it)
    and joins back today: today and tomorrow go back to his balance."""
    co, asp, stranger = desk(CO), desk(ASP), desk(STRANGER)
    today = utcnow().astimezone(IST).date()
    body = {
        **earned((today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()),
        "kind": "casual",
    }
    app = act(asp, apply(co, body), "sanction")
    path = f"{LEAVE}/applications/{app['id']}/joining"
    joined_on = {"joined_on": today.isoformat()}
    assert_error(
        stranger.post(path, json={"version": app["version"], **joined_on}),
        404,
        "LEAVE_APPLICATION_NOT_FOUND",
    )
    assert_error(co.post(path, json={"version": 1, **joined_on}), 409, "VERSION_CONFLICT")
    assert_error(
        co.post(path, json={"version": app["version"], "joined_on": body["from_date"]}),
        422,
        "LEAVE_JOINING_BEFORE_START",
    )
    joined = act(co, app, "joining", **joined_on)
    assert (joined["status"], joined["joined_on"], joined["refunded_days"]) == (
        "joined",
        today.isoformat(),
        2,
    )
    assert_error(
        co.post(path, json={"version": joined["version"], **joined_on}),
        409,
        "LEAVE_ALREADY_JOINED",
    )
