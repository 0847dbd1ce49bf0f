"""A district goes live in a day: the nodal officer's master data sheet."""

import base64

import pytest

from common.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from tests.service.conftest import PASSWORD
from tests.support.sheets import csv_sheet, person, with_last_row_numbered, xlsx_sheet

NEW_PASSWORD = "Hathras-2026-new"


def upload(rows, name="staff.csv") -> dict:
    return {"filename": name, "content_b64": base64.b64encode(csv_sheet(rows)).decode()}


def staff_codes(office, actor) -> dict:
    return {
        u["username"]: u
        for u in office.rpc.identity.staff(actor)["items"]
        if u["username"].endswith("@up.gov.in") or "@" in u["username"]
    }


# Another district of the same range, for what a Hathras nodal officer may not touch.
ALIGARH = {
    "code": "SP-ALG",
    "name_en": "SP Office Aligarh",
    "name_hi": "पुलिस अधीक्षक कार्यालय अलीगढ़",
    "level": "district",
    "parent_code": "ALIGARH-RANGE",
}


def test_a_dry_run_shows_each_row_and_changes_nothing(office):
    nodal = office.actor("asp.hathras")
    rows = [person(1), person(2, email="someone@gmail.com"), person(3, designation="Wizard")]
    report = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    assert report["summary"] == {"create": 1, "update": 0, "unchanged": 0, "reject": 2}
    reasons = {r["employee_code"]: [x["code"] for x in r["reasons"]] for r in report["rows"]}
    assert reasons == {
        "UPP000001": [],
        "UPP000002": ["EMAIL_NOT_GOVERNMENT"],
        "UPP000003": ["DESIGNATION_UNKNOWN"],
    }
    assert staff_codes(office, nodal) == {}
    assert office.rpc.identity.onboarding_sheet(nodal, report["id"])["summary"] == report["summary"]


def test_applying_onboards_the_good_rows_who_then_activate_and_log_in(office):
    nodal = office.actor("asp.hathras")
    rows = [person(n) for n in range(1, 6)] + [person(6, mobile="12345")]
    rows[0]["post"] = "HC-ESTT-SP-HTR"  # takes over the head clerk's desk
    rows[1]["email"] = "sunita.devi@up.gov.in"
    report = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    applied = office.rpc.identity.onboarding_apply(nodal, report["id"])
    assert applied["summary"] == {"create": 5, "update": 0, "unchanged": 0, "reject": 1}
    logins = {a["employee_code"]: a for a in applied["activations"]}
    assert set(logins) == {f"UPP00000{n}" for n in range(1, 6)}
    assert logins["UPP000002"]["login"] == "sunita.devi@up.gov.in"
    assert logins["UPP000001"]["login"].endswith("@up.gov.in")

    first = logins["UPP000001"]
    with pytest.raises(Unauthenticated):  # no password until they activate
        office.rpc.identity.login({"username": first["login"], "password": NEW_PASSWORD})
    with pytest.raises(Unauthenticated) as wrong:
        office.rpc.identity.activate(
            {"login": first["login"], "code": "WRONGCODE2", "password": NEW_PASSWORD}
        )
    assert wrong.value.code == "ACTIVATION_INVALID"
    office.rpc.identity.activate(
        {"login": first["login"], "code": first["code"], "password": NEW_PASSWORD}
    )
    tokens = office.rpc.identity.login({"username": first["login"], "password": NEW_PASSWORD})
    assert [p["abbreviation"] for p in tokens["user"]["posts"]] == ["HC-ESTT-SP-HTR"]
    with pytest.raises(Unauthenticated):  # the slip works once
        office.rpc.identity.activate(
            {"login": first["login"], "code": first["code"], "password": "another-pass"}
        )


def test_someone_who_lost_their_slip_gets_a_fresh_code_and_the_old_one_stops_working(office):
    nodal = office.actor("asp.hathras")
    report = office.rpc.identity.onboarding_dry_run(nodal, upload([person(1)]))
    (lost,) = office.rpc.identity.onboarding_apply(nodal, report["id"])["activations"]
    user_id = staff_codes(office, nodal)[lost["login"]]["id"]

    fresh = office.rpc.identity.reissue_activation(nodal, user_id)
    assert (fresh["login"], fresh["employee_code"]) == (lost["login"], "UPP000001")
    assert fresh["code"] != lost["code"] and fresh["expires_at"] > lost["expires_at"]
    with pytest.raises(Unauthenticated) as old_slip:
        office.rpc.identity.activate(
            {"login": lost["login"], "code": lost["code"], "password": NEW_PASSWORD}
        )
    assert old_slip.value.code == "ACTIVATION_INVALID"
    office.rpc.identity.activate(
        {"login": lost["login"], "code": fresh["code"], "password": NEW_PASSWORD}
    )
    assert office.rpc.identity.login({"username": lost["login"], "password": NEW_PASSWORD})


def test_someone_who_forgot_their_password_sets_a_new_one_with_a_fresh_code(office):
    """Until the new code is used, the password they had still works (a code they never
    collect changes nothing); once used, only the new password does."""
    nodal = office.actor("asp.hathras")
    reader = office.actor("reader.hathras")
    fresh = office.rpc.identity.reissue_activation(nodal, reader["user_id"])
    assert (fresh["login"], fresh["employee_code"]) == ("reader.hathras", None)
    assert office.rpc.identity.login({"username": "reader.hathras", "password": PASSWORD})

    office.rpc.identity.activate(
        {"login": "reader.hathras", "code": fresh["code"], "password": NEW_PASSWORD}
    )
    assert office.rpc.identity.login({"username": "reader.hathras", "password": NEW_PASSWORD})
    with pytest.raises(Unauthenticated):
        office.rpc.identity.login({"username": "reader.hathras", "password": PASSWORD})


def test_the_same_sheet_again_changes_nothing_and_a_corrected_one_updates_in_place(office):
    nodal = office.actor("asp.hathras")
    rows = [person(n) for n in range(1, 4)] + [person(4, email="x@gmail.com")]
    first = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    office.rpc.identity.onboarding_apply(nodal, first["id"])
    before = staff_codes(office, nodal)

    again = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    assert again["summary"] == {"create": 0, "update": 0, "unchanged": 3, "reject": 1}
    office.rpc.identity.onboarding_apply(nodal, again["id"])
    assert staff_codes(office, nodal) == before

    rows[3]["email"] = ""  # corrected: let the office issue a Gov ID
    rows[0]["mobile"] = "9123456789"  # a changed mobile number
    corrected = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    assert corrected["summary"] == {"create": 1, "update": 1, "unchanged": 2, "reject": 0}
    (update,) = [r for r in corrected["rows"] if r["action"] == "update"]
    assert update["changes"] == {"mobile": {"from": "9800000001", "to": "9123456789"}}
    office.rpc.identity.onboarding_apply(nodal, corrected["id"])
    assert len(staff_codes(office, nodal)) == 4


def test_a_run_cut_off_half_way_and_run_again_ends_as_one_clean_run(office):
    nodal = office.actor("asp.hathras")
    rows = [person(n) for n in range(1, 7)]
    rows[2]["post"] = "RDR-SP-HTR"
    partial = office.rpc.identity.onboarding_dry_run(
        nodal, upload(rows[:3])
    )  # the first half got in
    office.rpc.identity.onboarding_apply(nodal, partial["id"])
    full = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    result = office.rpc.identity.onboarding_apply(nodal, full["id"])
    assert result["summary"] == {"create": 3, "update": 0, "unchanged": 3, "reject": 0}
    people = staff_codes(office, nodal)
    assert len(people) == 6 and len({u["id"] for u in people.values()}) == 6
    holders = [
        u for u in people.values() if any(p["abbreviation"] == "RDR-SP-HTR" for p in u["posts"])
    ]
    assert len(holders) == 1


def test_a_nodal_officer_onboards_only_into_their_district(office):
    admin = office.actor("admin.up")
    office.rpc.identity.create_office(admin, ALIGARH)
    report = office.rpc.identity.onboarding_dry_run(
        office.actor("asp.hathras"), upload([person(1, office_code="SP-ALG")])
    )
    assert [x["code"] for x in report["rows"][0]["reasons"]] == ["OFFICE_UNKNOWN"]
    with pytest.raises(Forbidden):
        office.rpc.identity.onboarding_dry_run(office.actor("cru.hathras"), upload([person(1)]))
    with pytest.raises(NotFound):  # someone else's sheet
        office.rpc.identity.onboarding_sheet(admin, report["id"])


def test_a_sheet_cannot_change_a_person_of_another_district(office):
    """Employee codes are state-wide: the Hathras nodal officer's sheet naming an Aligarh
    constable's code must not pull them into Hathras (and so under Hathras's hand)."""
    admin = office.actor("admin.up")
    office.rpc.identity.create_office(admin, ALIGARH)
    aligarh = office.rpc.identity.onboarding_dry_run(
        admin, upload([person(1, office_code="SP-ALG", name_en="Mahesh Chand")])
    )
    office.rpc.identity.onboarding_apply(admin, aligarh["id"])
    before = office.rpc.identity.staff(admin, "SP-ALG")["items"]
    assert [u["name_en"] for u in before] == ["Mahesh Chand"]

    nodal = office.actor("asp.hathras")
    rows = [person(1, office_code="SP-HTR", name_en="Taken Over"), person(2)]
    report = office.rpc.identity.onboarding_dry_run(nodal, upload(rows))
    assert report["summary"] == {"create": 1, "update": 0, "unchanged": 0, "reject": 1}
    refused = next(r for r in report["rows"] if r["employee_code"] == "UPP000001")
    assert refused["reasons"] == [{"field": "employee_code", "code": "PERSON_OUTSIDE_YOUR_SCOPE"}]
    applied = office.rpc.identity.onboarding_apply(nodal, report["id"])
    assert [a["employee_code"] for a in applied["activations"]] == ["UPP000002"]
    assert office.rpc.identity.staff(admin, "SP-ALG")["items"] == before
    assert "Taken Over" not in {u["name_en"] for u in office.rpc.identity.staff(nodal)["items"]}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (
            with_last_row_numbered(xlsx_sheet([person(1), person(2)]), 2_000_000_000),
            "SHEET_TOO_MANY_ROWS",
        ),
        (b"%PDF-1.7 not a sheet", "SHEET_NOT_SPREADSHEET"),
        (b"Name (English),Employee code\n", "SHEET_MISSING_COLUMNS"),
        (csv_sheet([]), "SHEET_EMPTY"),
    ],
)
def test_a_file_that_is_no_usable_sheet_is_refused_whole(office, content, code):
    with pytest.raises(InvalidInput) as refused:
        office.rpc.identity.onboarding_dry_run(
            office.actor("asp.hathras"),
            {"filename": "staff.csv", "content_b64": base64.b64encode(content).decode()},
        )
    assert refused.value.code == code
