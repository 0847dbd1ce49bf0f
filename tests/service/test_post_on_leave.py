"""A post whose holder is on sanctioned leave says so (delegated or not), from leave's own
events: sanctioned leave covering today shows on the post and in the lists work is sent from;
cancelled it does not; an event told twice or late changes nothing; a forged one is refused."""

import time

import pytest
from nameko.standalone.events import event_dispatcher

from common.events import LeaveCancelled, LeaveSanctioned, new_event
from common.trust import Principal, principal_actor
from tests.service.conftest import eventually
from tests.service.test_leave import ASP, CO, casual, day

# A sanction issues its order under the office's seal.
pytestmark = pytest.mark.usefixtures("sealed")


def _on_leave(office, actor, post_id: str) -> tuple:
    """What the post itself and the list work is sent from say of its holder's leave."""
    listed = office.rpc.identity.markable_posts(actor)["items"]
    return (
        office.rpc.identity.post(actor, post_id)["on_leave"],
        next(p for p in listed if p["id"] == post_id)["on_leave"],
    )


def test_sanctioned_leave_of_today_shows_on_the_post_and_cancelled_it_does_not(office, desks):
    leave = office.rpc.leave
    co, asp = desks[CO], desks[ASP]
    post = desks.post("CO-SADAR-HTR")
    app = leave.apply(co, casual(0))
    assert _on_leave(office, asp, post) == (None, None)  # applied is not sanctioned
    leave.sanction(asp, app["id"], {"version": 1})
    today = {"from_date": day(0), "to_date": day(0)}
    assert eventually(lambda: _on_leave(office, asp, post) == (today, today))
    # Leave sanctioned for later is not leave today.
    later = leave.apply(co, casual(20))
    leave.sanction(asp, later["id"], {"version": 1})
    leave.cancel(co, app["id"], {"version": 2})
    assert eventually(lambda: _on_leave(office, asp, post) == (None, None))


def _leave_event(desks, body_type, post_abbreviation: str, holder: str, **fields) -> dict:
    post = desks.post(post_abbreviation)
    body = body_type(
        **{
            "applicant_user_id": desks[holder]["user_id"],
            "applicant_post_id": post,
            "kind": "casual",
            "from_date": day(-1),
            "to_date": day(2),
            "days": 4,
            **fields,
        }
    )
    return new_event(body, principal_actor("leave"), ["UP"])


def test_an_event_told_twice_or_late_changes_nothing(office, desks):
    """Leave's events may come twice, and out of order: the application's version decides."""
    dispatch = event_dispatcher(office.config)
    seal = Principal.load("leave", office.config).seal_event
    asp = desks[ASP]
    co_post, sho_post = desks.post("CO-SADAR-HTR"), desks.post("SHO-KOTWALI-HTR")
    sanctioned = _leave_event(
        desks,
        LeaveSanctioned,
        "CO-SADAR-HTR",
        CO,
        application_id="told-twice",
        seq=2,
        by_post_id=desks.post("ASP-HTR"),
    )
    dispatch("leave", "leave.sanctioned", seal(sanctioned))
    dispatch("leave", "leave.sanctioned", seal(sanctioned))
    away = {"from_date": day(-1), "to_date": day(2)}
    assert eventually(lambda: _on_leave(office, asp, co_post) == (away, away))
    # Cut short after yesterday: not on leave today; the sanction told again after it: still not.
    dispatch(
        "leave",
        "leave.cancelled",
        seal(
            _leave_event(
                desks,
                LeaveCancelled,
                "CO-SADAR-HTR",
                CO,
                application_id="told-twice",
                seq=3,
                was="sanctioned",
                curtailed_to=day(-1),
            )
        ),
    )
    assert eventually(lambda: _on_leave(office, asp, co_post) == (None, None))
    dispatch("leave", "leave.sanctioned", seal(sanctioned))

    # The SHO's leave: its cancel comes before its sanction.
    dispatch(
        "leave",
        "leave.cancelled",
        seal(
            _leave_event(
                desks,
                LeaveCancelled,
                "SHO-KOTWALI-HTR",
                "sho.kotwali.hathras",
                application_id="cancel-first",
                seq=3,
                was="sanctioned",
            )
        ),
    )
    dispatch(
        "leave",
        "leave.sanctioned",
        seal(
            _leave_event(
                desks,
                LeaveSanctioned,
                "SHO-KOTWALI-HTR",
                "sho.kotwali.hathras",
                application_id="cancel-first",
                seq=2,
                by_post_id=co_post,
            )
        ),
    )
    # A later sanction of the circle officer's, as a marker that the events before it are in.
    dispatch(
        "leave",
        "leave.sanctioned",
        seal(
            _leave_event(
                desks,
                LeaveSanctioned,
                "CO-SADAR-HTR",
                CO,
                application_id="marker",
                seq=2,
                by_post_id=desks.post("ASP-HTR"),
                to_date=day(0),
            )
        ),
    )
    marked = {"from_date": day(-1), "to_date": day(0)}
    assert eventually(lambda: _on_leave(office, asp, co_post) == (marked, marked))
    assert _on_leave(office, asp, sho_post) == (None, None)


def test_a_forged_sanction_is_refused(office, desks):
    """Only leave may say leave was sanctioned: proved by files' key, or unproved, it is not
    believed."""
    dispatch = event_dispatcher(office.config)
    asp, post = desks[ASP], desks.post("CO-SADAR-HTR")
    event = _leave_event(
        desks,
        LeaveSanctioned,
        "CO-SADAR-HTR",
        CO,
        application_id="forged",
        seq=2,
        by_post_id=desks.post("ASP-HTR"),
    )
    dispatch("leave", "leave.sanctioned", Principal.load("files", office.config).seal_event(event))
    dispatch("leave", "leave.sanctioned", event)
    time.sleep(2)  # identity has had every chance to act on them
    assert _on_leave(office, asp, post) == (None, None)
    # The genuine article is believed (so the wait above was enough).
    dispatch("leave", "leave.sanctioned", Principal.load("leave", office.config).seal_event(event))
    away = {"from_date": day(-1), "to_date": day(2)}
    assert eventually(lambda: _on_leave(office, asp, post) == (away, away))
