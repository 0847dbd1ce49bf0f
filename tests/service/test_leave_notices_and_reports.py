"""Leave's events read by notify and reports over the real broker: the officer an application
reaches is told it waits for them, its applicant is told each word on it, the officer who
sanctioned it is told of its cancellation; reports count it waiting at each officer's post and
the days taken per office and month, once per event whatever the order events arrive in."""

from datetime import timedelta

import pytest
from nameko.standalone.events import event_dispatcher

from common.clock import IST, utcnow
from common.logs import REQUEST_ID
from common.trust import Principal
from tests.service.conftest import eventually

# Sanctioning issues its order under the office's seal.
pytestmark = pytest.mark.usefixtures("sealed")

SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"


def day(offset: int) -> str:
    return (utcnow().astimezone(IST).date() + timedelta(days=offset)).isoformat()


def leave_of(kind: str, starts: int, days: int) -> dict:
    return {
        "kind": kind,
        "from_date": day(starts),
        "to_date": day(starts + days - 1),
        "reason": "बहन का विवाह",
        "address": "ग्राम नगला, सासनी",
    }


def told(office, actor, application_id: str, kind: str) -> dict | None:
    """The actor's notice of ``kind`` about an application, once it has arrived."""

    def found():
        items = office.rpc.notify.notices(actor)["items"]
        mine = [
            n for n in items if n["params"].get("item_id") == application_id and n["kind"] == kind
        ]
        return mine[0] if mine else None

    return eventually(found)


def waiting_at(office, viewer, post_id: str) -> int:
    officers = office.rpc.reports.leave_pending(viewer)["officers"]
    return sum(r["total"] for r in officers if r["post_id"] == post_id)


def taken_in(office, viewer, month: str, kind: str) -> float:
    year = int(month[:4])
    (row, *_) = office.rpc.reports.leave_taken(viewer, None, year)["rows"]
    return sum(m["kinds"].get(kind, 0) for m in row["months"] if m["month"] == month)


def test_each_step_tells_the_officer_it_waits_for_and_the_applicant_and_reports_follow(
    office, desks
):
    leave = office.rpc.leave
    sho, co, asp, sp = desks[SHO], desks[CO], desks[ASP], desks[SP]
    co_post, asp_post, sp_post = (desks.post(a) for a in ("CO-SADAR-HTR", "ASP-HTR", "SP-HTR"))
    request = leave_of("earned", 20, 3)
    month = request["from_date"][:7]

    app = leave.apply(sho, request)
    notice = told(office, co, app["id"], "leave_to_act_on")
    assert notice["post_id"] == co_post and notice["params"]["days"] == 3
    assert eventually(lambda: waiting_at(office, sp, co_post) == 1)

    app = leave.recommend(co, app["id"], {"version": 1})
    assert told(office, asp, app["id"], "leave_to_act_on")["post_id"] == asp_post
    recommended = told(office, sho, app["id"], "leave_recommended")
    assert recommended["user_id"] == sho["user_id"]
    assert recommended["params"]["to_post_id"] == asp_post
    assert eventually(lambda: waiting_at(office, sp, asp_post) == 1)
    assert waiting_at(office, sp, co_post) == 0

    app = leave.recommend(asp, app["id"], {"version": 2})
    assert told(office, sp, app["id"], "leave_to_act_on")
    app = leave.sanction(sp, app["id"], {"version": 3})
    sanctioned = told(office, sho, app["id"], "leave_sanctioned")
    assert sanctioned["params"]["from_date"] == request["from_date"]
    assert eventually(lambda: taken_in(office, sp, month, "earned") == 3)
    assert waiting_at(office, sp, sp_post) == 0
    # The officers are not told what concerns the applicant, nor the applicant what waits.
    assert not [n for n in office.rpc.notify.notices(co)["items"] if n["kind"] != "leave_to_act_on"]

    # Cancelled before it begins: the officer who sanctioned it hears; its days come back.
    leave.cancel(sho, app["id"], {"version": 4})
    cancelled = told(office, sp, app["id"], "leave_cancelled")
    assert cancelled["post_id"] == sp_post and cancelled["params"]["was"] == "sanctioned"
    assert eventually(lambda: taken_in(office, sp, month, "earned") == 0)


def test_a_returned_and_a_rejected_application_tell_the_applicant_why(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    request = leave_of("casual", 30, 1)
    app = leave.apply(sho, request)
    app = leave.return_for_correction(co, app["id"], {"version": 1, "remark": "तिथि जाँचें"})
    assert told(office, sho, app["id"], "leave_returned")["params"]["reason"] == "तिथि जाँचें"
    fixed = {"version": 2, "from_date": day(31), "to_date": day(31)}
    app = leave.resubmit(sho, app["id"], fixed)
    # Resubmitted: the circle officer is told again, by the new event.
    assert eventually(
        lambda: (
            len(
                [
                    n
                    for n in office.rpc.notify.notices(co)["items"]
                    if n["params"].get("item_id") == app["id"] and n["kind"] == "leave_to_act_on"
                ]
            )
            == 2
        )
    )
    leave.reject(co, app["id"], {"version": 3, "remark": "कानून व्यवस्था ड्यूटी"})
    rejected = told(office, sho, app["id"], "leave_rejected")
    assert rejected["params"]["reason"] == "कानून व्यवस्था ड्यूटी"
    assert eventually(lambda: waiting_at(office, desks[SP], desks.post("CO-SADAR-HTR")) == 0)


def test_events_arriving_out_of_order_and_twice_are_counted_once_by_their_latest(office, desks):
    """Leave's relay is held back; its events are then published newest first, then relayed
    again in order (a relay that crashed after publishing): each counts once, and where an
    application waits is what its newest version says."""
    office.kill("leave")
    office.start("leave", OUTBOX_RELAY=False)
    leave = office.rpc.leave
    sho, co, asp, sp = desks[SHO], desks[CO], desks[ASP], desks[SP]
    request = leave_of("earned", 50, 2)
    month = request["from_date"][:7]
    app = leave.apply(sho, request)
    app = leave.recommend(co, app["id"], {"version": 1})
    app = leave.recommend(asp, app["id"], {"version": 2})
    app = leave.sanction(sp, app["id"], {"version": 3})

    outbox = storage_outbox(office, app["id"])
    assert [e["type"] for e in outbox] == [
        "leave.applied",
        "leave.recommended",
        "leave.recommended",
        "leave.sanctioned",
    ]
    leave_principal = Principal.load("leave", office.config)
    dispatch = event_dispatcher(office.config)
    for event in reversed(outbox):
        sealed = leave_principal.seal_event({k: v for k, v in event.items() if k != REQUEST_ID})
        dispatch("leave", event["type"], sealed)
    assert told(office, sho, app["id"], "leave_sanctioned")
    assert eventually(lambda: taken_in(office, sp, month, "earned") == 2)

    office.kill("leave")
    office.start("leave")  # its relay publishes all four again
    assert eventually(lambda: not storage_outbox(office, app["id"]))
    # A later application shows every consumer has caught up with what came before it.
    marker = leave.apply(sho, leave_of("casual", 60, 1))
    co_post = desks.post("CO-SADAR-HTR")
    assert eventually(lambda: waiting_at(office, sp, co_post) == 1)
    assert told(office, co, marker["id"], "leave_to_act_on")
    assert taken_in(office, sp, month, "earned") == 2
    for post in (desks.post("ASP-HTR"), desks.post("SP-HTR")):
        assert waiting_at(office, sp, post) == 0  # the late "recommended" moved nothing
    sanctions = [
        n
        for n in office.rpc.notify.notices(sho)["items"]
        if n["params"].get("item_id") == app["id"] and n["kind"] == "leave_sanctioned"
    ]
    assert len(sanctions) == 1


def storage_outbox(office, application_id: str) -> list:
    container = office.containers["leave"]
    (storage,) = [d for d in container.dependencies if d.attr_name == "storage"]
    return storage.storage.db.applications.find_one({"_id": application_id}).get("outbox", [])
