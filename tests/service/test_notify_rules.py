"""Notify over the broker for what is not a desk's daily dak: a circular that reaches every
post of the state in batches; a delegation's end told when it comes, even to a notify that was
down when it came (what is due lives in the store); an event notify cannot read kept aside,
never lost and never stopping it."""

import time
from datetime import timedelta

from nameko.standalone.events import event_dispatcher

from common.clock import iso, utcnow
from common.errors import Forbidden
from common.events import Names, ReceiptSent, new_event
from common.trust import Principal, principal_actor
from tests.service.conftest import eventually
from tests.service.desks import refused


def test_a_state_circular_reaches_every_post_of_the_state_once(office):
    identity, notify = office.rpc.identity, office.rpc.notify
    admin = office.actor("admin.up")
    posts = identity.posts_under(admin, "UP")["items"]
    assert len(posts) > 10  # both departments, every district of the demo

    told = notify.circulate(
        admin, {"office_code": "UP", "title": "Holi: office hours", "text": "10-2"}
    )
    assert told["posts"] == len(posts)
    for username in ("reader.hathras", "sa.estt.collectorate.hathras"):
        [circular] = [
            n for n in notify.notices(office.actor(username))["items"] if n["kind"] == "circular"
        ]
        assert circular["params"]["title"] == "Holi: office hours"
        assert circular["params"]["from_office"]["en"] == "Uttar Pradesh"

    # A district's admin may not speak for the state; a clerk for nobody.
    assert (
        refused(
            Forbidden,
            notify.circulate,
            office.actor("cru.hathras"),
            {"office_code": "UP", "title": "x"},
        )
        == "OUTSIDE_YOUR_SCOPE"
    )


def test_a_delegations_end_is_told_once_even_to_a_notify_that_was_down_when_it_came(office):
    identity, notify = office.rpc.identity, office.rpc.notify
    sp, asp = office.actor("sp.hathras"), office.actor("asp.hathras")
    ends = utcnow() + timedelta(seconds=4)
    identity.delegate_post(
        sp, office.post_id("SP-HTR"), {"to_user_id": asp["user_id"], "ends": iso(ends)}
    )
    assert eventually(lambda: notify.notices(asp)["items"])  # its reminders are stored too
    office.kill("notify")
    time.sleep(max(0.0, (ends - utcnow()).total_seconds()) + 1)
    office.start("notify")

    def ended(actor) -> list:
        return [n for n in notify.notices(actor)["items"] if n["kind"] == "delegation_ended"]

    assert eventually(lambda: ended(asp) and ended(sp), 20)
    office.kill("notify")
    office.start("notify")  # again: what was raised stays raised once
    time.sleep(6)
    assert len(ended(asp)) == 1 and len(ended(sp)) == 1
    assert [n for n in notify.notices(asp)["items"] if n["kind"] == "delegation_ending"] == []


def test_an_event_notify_cannot_read_is_kept_aside_and_the_next_is_read(office):
    notify, cru = office.rpc.notify, office.actor("cru.hathras")
    reader_post = office.post_id("RDR-SP-HTR")
    names = Names(en="x", hi="x")
    payload = ReceiptSent(
        receipt_id="r-new",
        number="SP-HTR/1/2026",
        subject="s",
        from_post_id=office.post_id("CRU-SP-HTR"),
        from_post_name=names,
        to_post_id=reader_post,
        to_post_name=names,
        to_office_id="x",
        to_office_path=[],
        seq=1,
    )
    files = Principal.load("files", office.config)
    admin = office.actor("admin.up")
    state = [office.rpc.identity.office_by_code(admin, "UP")["id"]]
    newer = {**new_event(payload, principal_actor("files"), state), "v": 2}
    unknown = new_event(payload, principal_actor("files"), state)
    unknown["payload"] = {**unknown["payload"], "a_field_from_the_future": 1}
    readable = new_event(payload, principal_actor("files"), [])
    dispatch = event_dispatcher(office.config)
    for event in (newer, unknown, readable):
        dispatch("files", "receipt.sent", files.seal_event(event))

    reader = office.actor("reader.hathras")
    assert eventually(
        lambda: [
            n for n in notify.notices(reader)["items"] if n["params"].get("item_id") == "r-new"
        ]
    )
    kept = {k["event_id"]: k for k in notify.unread_events(admin)["items"]}
    assert kept[newer["event_id"]]["reason"] == "version_unknown"
    assert kept[unknown["event_id"]]["reason"] == "payload_unknown"
    assert refused(Forbidden, notify.unread_events, cru) == "OUTSIDE_YOUR_SCOPE"
    assert office.containers["notify"]._died.ready() is False
