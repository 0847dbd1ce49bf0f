"""The working-day clock's calendar: the state admin uploads a holiday sheet per year; anyone
(every service that counts working days) reads it, the default until one is uploaded."""

import base64

import pytest

from common.errors import Forbidden, InvalidInput, NotFound


def state_id(office) -> str:
    return office.rpc.identity.office_by_code(office.actor("admin.up"), "UP")["id"]


def test_before_any_upload_the_default_calendar_is_answered(office):
    up = state_id(office)
    assert office.rpc.identity.working_calendar(up, 2026) == {
        "state_id": up,
        "year": 2026,
        "holidays": [],
        "restricted": [],
        "second_saturday": True,
        "fourth_saturday": False,
        "uploaded": False,
    }


def test_only_a_state_is_asked_for_and_a_year_in_range(office):
    admin = office.actor("admin.up")
    district = office.rpc.identity.office_by_code(admin, "SP-HTR")["id"]
    with pytest.raises(NotFound):
        office.rpc.identity.working_calendar(district, 2026)
    with pytest.raises(InvalidInput):
        office.rpc.identity.working_calendar(state_id(office), 20260)


HEADERS = "Date / तिथि,Holiday (English),अवकाश (हिन्दी),Kind / प्रकार"


def upload(*lines: str, **saturdays) -> dict:
    content = "\n".join((HEADERS, *lines)).encode()
    return {
        "filename": "holidays-2026.csv",
        "content_b64": base64.b64encode(content).decode(),
        **saturdays,
    }


def test_the_state_admin_uploads_a_calendar_which_the_clock_then_reads(office):
    admin, up = office.actor("admin.up"), state_id(office)
    report = office.rpc.identity.upload_holiday_calendar(
        admin,
        up,
        2026,
        upload(
            "26-01-2026,Republic Day,गणतन्त्र दिवस,gazetted",
            "31-02-2026,Nonesuch,,gazetted",
            "14-01-2026,Makar Sankranti,मकर संक्रान्ति,restricted",
            "26-01-2026,Republic Day again,,gazetted",
            fourth_saturday=True,
        ),
    )
    assert report["applied"] is True
    assert report["summary"] == {"gazetted": 1, "restricted": 1, "reject": 2}
    assert [(r["row"], r["action"], [x["code"] for x in r["reasons"]]) for r in report["rows"]] == [
        (2, "gazetted", []),
        (3, "reject", ["DATE_NOT_REAL"]),
        (4, "restricted", []),
        (5, "reject", ["HOLIDAY_DATE_DUPLICATE"]),
    ]
    assert office.rpc.identity.working_calendar(up, 2026) == {
        "state_id": up,
        "year": 2026,
        "holidays": ["2026-01-26"],
        "restricted": ["2026-01-14"],
        "second_saturday": True,
        "fourth_saturday": True,
        "uploaded": True,
    }
    # Another year keeps the default.
    assert office.rpc.identity.working_calendar(up, 2027)["uploaded"] is False


def test_a_new_upload_replaces_the_years_calendar_and_the_old_one_stays_in_the_history(office):
    admin, up = office.actor("admin.up"), state_id(office)
    first = upload("26-01-2026,Republic Day,,gazetted")
    office.rpc.identity.upload_holiday_calendar(admin, up, 2026, first)
    second = upload("15-08-2026,Independence Day,,gazetted", "02-10-2026,Gandhi Jayanti,,G")
    office.rpc.identity.upload_holiday_calendar(admin, up, 2026, second)
    assert office.rpc.identity.working_calendar(up, 2026)["holidays"] == [
        "2026-08-15",
        "2026-10-02",
    ]
    shown = office.rpc.identity.holiday_calendar(office.actor("sp.hathras"), None, 2026)
    assert shown["state_id"] == up
    assert [d["name_en"] for d in shown["days"]] == ["Independence Day", "Gandhi Jayanti"]
    assert [h["summary"]["gazetted"] for h in shown["history"]] == [2, 1]
    assert {h["uploaded_by_name"] for h in shown["history"]} == {"State e-Office Team"}


def test_a_sheet_with_no_good_row_changes_nothing(office):
    admin, up = office.actor("admin.up"), state_id(office)
    office.rpc.identity.upload_holiday_calendar(
        admin, up, 2026, upload("26-01-2026,Republic Day,,gazetted")
    )
    report = office.rpc.identity.upload_holiday_calendar(
        admin, up, 2026, upload("26-01-2025,Republic Day,,gazetted")
    )
    assert report["applied"] is False
    assert report["rows"][0]["reasons"][0]["code"] == "HOLIDAY_DATE_OUTSIDE_YEAR"
    assert office.rpc.identity.working_calendar(up, 2026)["holidays"] == ["2026-01-26"]
    assert len(report["calendar"]["history"]) == 1


def test_a_district_nodal_officer_may_not_upload_the_states_calendar(office):
    nodal, up = office.actor("asp.hathras"), state_id(office)
    with pytest.raises(Forbidden):
        office.rpc.identity.upload_holiday_calendar(
            nodal, up, 2026, upload("26-01-2026,Republic Day,,gazetted")
        )
    assert office.rpc.identity.working_calendar(up, 2026)["uploaded"] is False


def test_a_file_that_is_no_sheet_is_refused_whole(office):
    admin, up = office.actor("admin.up"), state_id(office)
    pdf = {"filename": "h.pdf", "content_b64": base64.b64encode(b"%PDF-1.7 junk").decode()}
    with pytest.raises(InvalidInput) as refused:
        office.rpc.identity.upload_holiday_calendar(admin, up, 2026, pdf)
    assert refused.value.code == "SHEET_NOT_SPREADSHEET"
