"""A crash between a state change and its publication delays the event; it never loses it, and
nobody sees it twice."""

import base64

from nameko.standalone.events import event_dispatcher

from tests.service.conftest import eventually
from tests.support.pdfs import pdf

LETTER = {"subject": "Court summons", "sender": "District Court, Hathras"}


def test_an_event_written_before_a_crash_arrives_exactly_once_after_the_restart(office):
    # Files runs with its relay switched off: the state changes and their events are stored,
    # nothing is published, as if it died right after each write.
    office.kill("files")
    office.start("files", OUTBOX_RELAY=False)
    cru, reader = office.actor("cru.hathras"), office.actor("reader.hathras")
    reader_post = office.post_id("RDR-SP-HTR")

    receipt = office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())
    office.rpc.files.send_receipt(cru, receipt["id"], {"to_post_id": reader_post})
    assert office.rpc.files.inbox(reader)["items"]  # the change itself is there ...
    assert not eventually(
        lambda: office.rpc.notify.notices(reader)["items"], seconds=2
    )  # ... its event not yet

    office.kill("files")  # the crash
    office.start("files")  # the restart, on the same data directory, relay working

    notices = eventually(lambda: office.rpc.notify.notices(reader)["items"])
    assert [n["params"]["number"] for n in notices] == [receipt["number"]]

    def at_reader():
        return [
            r for r in office.rpc.reports.pendency(reader)["posts"] if r["post_id"] == reader_post
        ]

    assert [r["items"] for r in eventually(at_reader)] == [1]


def test_a_redelivered_event_changes_nothing(office):
    cru, reader = office.actor("cru.hathras"), office.actor("reader.hathras")
    reader_post = office.post_id("RDR-SP-HTR")
    receipt = office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())
    office.rpc.files.send_receipt(cru, receipt["id"], {"to_post_id": reader_post})
    (notice,) = eventually(lambda: office.rpc.notify.notices(reader)["items"])
    event_id = notice["id"].split(":")[0]

    # The same event again, as a relay that crashed after publishing but before clearing its
    # outbox would send it: rebuild it from the one files published.
    event = {
        "event_id": event_id,
        "type": "receipt.sent",
        "occurred_at": notice["created_at"],
        "actor": {"user_id": cru["user_id"], "name": cru["name"], "on_behalf_of": None},
        "office_path": list(cru["office_path"]),
        "v": 1,
        "payload": {
            "receipt_id": receipt["id"],
            "number": receipt["number"],
            "subject": LETTER["subject"],
            "from_post_id": cru["post_ids"][0],
            "to_post_id": reader_post,
            "from_post_name": {"en": "CRU", "hi": "सी.आर.यू."},
            "to_post_name": {"en": "Reader to SP, Hathras", "hi": "वाचक"},
            "to_office_id": cru["office_id"],
            "to_office_path": list(cru["office_path"]),
            "remark": "",
            "seq": 2,
        },
    }
    dispatch = event_dispatcher(office.config)
    dispatch("files", "receipt.sent", event)
    dispatch("files", "receipt.sent", event)
    # A later, different event for another receipt shows both consumers have caught up.
    marker = office.rpc.files.diarise(
        cru, {**LETTER, "subject": "marker"}, base64.b64encode(pdf()).decode()
    )
    office.rpc.files.send_receipt(cru, marker["id"], {"to_post_id": reader_post})
    assert eventually(lambda: len(office.rpc.notify.notices(reader)["items"]) == 2)
    assert eventually(
        lambda: (
            sum(
                r["items"]
                for r in office.rpc.reports.pendency(reader)["posts"]
                if r["post_id"] == reader_post
            )
            == 2
        )
    )
    numbers = sorted(n["params"]["number"] for n in office.rpc.notify.notices(reader)["items"])
    assert numbers == sorted([receipt["number"], marker["number"]])
