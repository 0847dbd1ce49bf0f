"""What reports and notify make of events."""

from datetime import UTC, datetime

import pytest

from common.actor import Actor, Grant
from common.errors import Forbidden, NotFound
from common.events import Event, Names, ReceiptOpened, ReceiptSent, new_event
from services.notify.domain import notices as notify
from services.reports import domain as reports

CRU = Actor(
    user_id="u1", name="Pooja Yadav", post_ids=("cru",), office_id="sp", office_path=("up", "sp")
)


def sent_event(to="reader", seq=2) -> Event:
    return Event.model_validate(
        new_event(
            ReceiptSent(
                receipt_id="r1",
                number="1/2026/SP-HTR",
                subject="शिकायत",
                from_post_id="cru",
                from_post_name=Names(en="CRU", hi="केंद्रीय आवती इकाई"),
                to_post_id=to,
                to_post_name=Names(en="Reader to SP", hi="वाचक"),
                to_office_id="sp",
                to_office_path=["up", "sp"],
                remark="pl. put up",
                seq=seq,
            ),
            CRU,
            ["up", "sp"],
            datetime(2026, 1, 5, tzinfo=UTC),
        )
    )


def test_a_sent_receipt_raises_one_notice_for_the_receiving_post():
    event = sent_event()
    (notice,) = notify.notices_for(event)
    assert notice["post_id"] == "reader" and notice["kind"] == "receipt_received"
    assert notice["params"]["from_post_name"] == {"en": "CRU", "hi": "केंद्रीय आवती इकाई"}
    assert notice["params"]["number"] == "1/2026/SP-HTR" and notice["item_id"] == "r1"
    assert notice["_id"].startswith(event.event_id)  # a redelivery maps to the same notice


def test_opening_a_receipt_raises_no_notice_and_reads_the_desks_notices_of_it():
    event = Event.model_validate(
        new_event(ReceiptOpened(receipt_id="r1", number="1", post_id="reader", seq=3), CRU, ["sp"])
    )
    assert notify.notices_for(event) == []
    assert notify.seen_by_opening(event) == ("reader", "r1")
    assert notify.seen_by_opening(sent_event()) is None


def test_a_notice_of_another_post_is_not_yours():
    with pytest.raises(NotFound):
        notify.require_own(CRU, {"post_id": "reader"})


def test_a_sent_receipt_now_waits_at_the_receiving_post_since_it_was_sent():
    item, where = reports.whereabouts(sent_event())
    assert item == "r1"
    assert (
        where["post_id"] == "reader"
        and where["since"].startswith("2026-01-05")
        and where["seq"] == 2
    )


def test_pendency_counts_items_and_the_oldest_per_post_busiest_first():
    rows = reports.pendency_by_post(
        [
            {"post_id": "a", "post_name": "A", "since": "2026-01-03"},
            {"post_id": "b", "post_name": "B", "since": "2026-01-01"},
            {"post_id": "b", "post_name": "B", "since": "2026-01-02"},
        ]
    )
    assert rows == [
        {"post_id": "b", "post_name": "B", "items": 2, "oldest_since": "2026-01-01"},
        {"post_id": "a", "post_name": "A", "items": 1, "oldest_since": "2026-01-03"},
    ]


def test_pendency_of_another_office_needs_hq_or_admin():
    assert reports.office_to_report(CRU, None) == "sp"
    with pytest.raises(Forbidden):
        reports.office_to_report(CRU, "aligarh")
    hq_viewer = Grant(role="hq_viewer", scope="up")
    hq = Actor(user_id="h", name="HQ", grants=(hq_viewer,), office_id="up")
    assert reports.office_to_report(hq, "aligarh") == "aligarh"


def test_a_viewer_of_one_district_counts_only_what_waits_inside_it():
    hathras = Grant(role="hq_viewer", scope="htr")
    viewer = Actor(user_id="v", name="Viewer", grants=(hathras,), office_id="htr")
    in_hathras = {"office_path": ["up", "range", "htr", "kotwali"]}
    in_aligarh = {"office_path": ["up", "range", "alg"]}
    assert reports.may_count(viewer, "range", in_hathras)
    assert not reports.may_count(viewer, "range", in_aligarh)
    # Anyone's own office counts whole, whatever grants they hold.
    assert reports.may_count(CRU, "sp", {"office_path": ["up", "sp", "ps"]})


def test_an_event_with_an_unknown_field_in_its_payload_is_refused():
    raw = sent_event().model_dump(mode="json")
    raw["payload"]["surprise"] = 1
    with pytest.raises(ValueError):
        Event.model_validate(raw).body()
