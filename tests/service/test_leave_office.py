"""An office's leave over the real broker: its officers (and those over it) see who of the
office and the offices below is away in a month, cut-short leave to its last day taken, and its
register of every application; anyone else is told the office does not exist."""

from datetime import timedelta

import pytest

from common.clock import IST, utcnow
from common.errors import InvalidInput, NotFound
from tests.service.desks import refused
from tests.service.test_leave import ASP, CO, SHO, casual, day

# Sanctioning issues its order under the office's seal.
pytestmark = pytest.mark.usefixtures("sealed")


def test_the_calendar_and_register_show_an_office_to_those_over_it_and_to_nobody_else(
    office, desks
):
    leave = office.rpc.leave
    sho, co, asp = desks[SHO], desks[CO], desks[ASP]
    app = leave.apply(sho, casual(40, 2))
    sanctioned = leave.sanction(co, app["id"], {"version": app["version"]})
    waiting = leave.apply(sho, casual(50, 1))
    month = day(40)[:7]

    for person, code in ((co, "CO-SADAR-HTR"), (asp, "SP-HTR"), (sho, None)):
        calendar = leave.office_calendar(
            person, {"month": month, **({"office": code} if code else {})}
        )
        assert [a["application_id"] for a in calendar["items"]] == [sanctioned["id"]]
        away = [d["date"] for d in calendar["days"]]
        assert away == [d for d in (day(40), day(41)) if d[:7] == month]
    register = leave.office_register(co, {"office": "CO-SADAR-HTR"})
    mine = [a for a in register["items"] if a["id"] in (waiting["id"], sanctioned["id"])]
    assert [a["id"] for a in mine] == [waiting["id"], sanctioned["id"]]  # newest first
    assert mine[0]["history"] == []  # the register is a list: no histories
    only = leave.office_register(co, {"status": "sanctioned", "kind": "casual", "month": month})
    assert [a["id"] for a in only["items"]] == [sanctioned["id"]]
    assert leave.office_register(co, {"kind": "earned"})["items"] == []

    for stranger, code in (("hc.estt.hathras", "SP-HTR"), (SHO, "CO-SADAR-HTR")):
        asked = {"office": code, "month": month}
        assert refused(NotFound, leave.office_calendar, desks[stranger], asked) == (
            "OFFICE_NOT_FOUND"
        )
        assert refused(NotFound, leave.office_register, desks[stranger], {"office": code}) == (
            "OFFICE_NOT_FOUND"
        )
    assert refused(InvalidInput, leave.office_calendar, co, {"month": "2034-13"}) == (
        "INVALID_FIELDS"
    )


def test_leave_cut_short_is_away_only_to_its_last_day_taken(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    today = utcnow().astimezone(IST).date()
    begun = leave.apply(sho, casual(-2, 5))  # began two days ago (casual may be dated back)
    begun = leave.sanction(co, begun["id"], {"version": begun["version"]})
    last = (today - timedelta(days=1)).isoformat()
    cut = leave.cancel(sho, begun["id"], {"version": begun["version"], "last_day": last})
    assert cut["status"] == "curtailed"
    months = {day(-2)[:7], last[:7]}
    items = [
        a
        for month in months
        for a in leave.office_calendar(co, {"month": month})["items"]
        if a["application_id"] == begun["id"]
    ]
    assert {(a["to_date"], a["days"]) for a in items} == {(last, 2)}
    seen = {
        d["date"]
        for month in months | {day(2)[:7]}
        for d in leave.office_calendar(co, {"month": month})["days"]
        if begun["id"] in d["application_ids"]
    }
    assert seen == {day(-2), last}


def test_leave_ended_by_a_joining_report_is_away_to_the_day_before_joining(office, desks):
    """Back two days early: the calendar shows the days taken, as for leave cut short."""
    leave = office.rpc.leave
    co, asp = desks[CO], desks[ASP]
    begun = leave.apply(co, casual(-2, 4))  # the circle officer's: the ASP sanctions it
    begun = leave.sanction(asp, begun["id"], {"version": begun["version"]})
    joined = leave.join(co, begun["id"], {"version": begun["version"], "joined_on": day(0)})
    assert (joined["status"], joined["curtailed_to"]) == ("joined", day(-1))
    months = {day(-2)[:7], day(1)[:7]}
    items = [
        a
        for month in months
        for a in leave.office_calendar(asp, {"month": month})["items"]
        if a["application_id"] == begun["id"]
    ]
    assert {(a["to_date"], a["days"]) for a in items} == {(day(-1), 2)}
