"""The working-day clock's calendar: the state admin uploads a holiday sheet per year; anyone
(every service that counts working days) reads it, the default until one is uploaded."""

import pytest

from common.errors import InvalidInput, NotFound


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
