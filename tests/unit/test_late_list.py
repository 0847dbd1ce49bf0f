"""The late list from events: the items past the seven-working-day rule at their present desk,
each with its working days held, stage and explanation, longest held first; an item sent on
leaves it, and a stage raised at an earlier desk does not follow the item."""

from datetime import UTC, datetime
from typing import Any

import litemongo
import pytest

from common.actor import Actor
from common.events import (
    Event,
    FileCreated,
    FileOverdue,
    Names,
    ReceiptDelayExplained,
    ReceiptDiarised,
    ReceiptOverdue,
    ReceiptSent,
    new_event,
)
from common.workdays import Calendar
from services.reports import answers, projection, store
from services.reports.schemas import LateItems

HATHRAS = ["up", "police", "hathras"]
CLERK = Actor(user_id="u1", name="Pooja", post_ids=("cru",), office_id="hathras")
CRU, HC = Names(en="CRU", hi="सीआरयू"), Names(en="Head Clerk", hi="प्रधान लिपिक")
NOW = datetime(2026, 3, 20, 6, tzinfo=UTC)  # a Friday; the first Saturday (7th) is worked


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 6, tzinfo=UTC)


def event(payload: Any, when: datetime) -> Event:
    return Event.model_validate(new_event(payload, CLERK, HATHRAS, when))


@pytest.fixture
def db(tmp_path: Any) -> Any:
    database = litemongo.connect(str(tmp_path / "db"))["eoffice_reports"]
    store.ensure_indexes(database)
    return database


def take(db: Any, *events: Event) -> None:
    for e in events:
        projection.take(db, e.model_dump(mode="json"), e)


def late(db: Any, node: str = "hathras") -> list[dict[str, Any]]:
    here = store.office(db, node)
    assert here is not None
    return answers.late_list(db, here, lambda state, year: Calendar(), NOW)


def diarised(item: str, day: int) -> Event:
    receipt = ReceiptDiarised(
        receipt_id=item,
        number=f"{item}/2026/SP-HTR",
        subject="s",
        office_id="hathras",
        post_id="cru",
        post_name=CRU,
        seq=1,
    )
    return event(receipt, at(day))


def sent(item: str, seq: int, to: str, name: Names, day: int) -> Event:
    moved = ReceiptSent(
        receipt_id=item,
        number=f"{item}/2026/SP-HTR",
        subject="s",
        from_post_id="cru",
        from_post_name=CRU,
        to_post_id=to,
        to_post_name=name,
        to_office_id="hathras",
        to_office_path=HATHRAS,
        seq=seq,
    )
    return event(moved, at(day))


def overdue(item: str, stage: str, day: int, to: str | None = None) -> Event:
    """The rule's stage reached by a receipt at the CRU's desk (escalated ``to`` a post)."""
    reached = ReceiptOverdue(
        receipt_id=item,
        holder_post_id="cru",
        working_days=8,
        stage=stage,
        escalated_to_post_id=to,
        seq=1,
    )
    return event(reached, at(day))


def test_each_late_item_is_listed_with_its_stage_and_explanation_longest_held_first(
    db: Any,
) -> None:
    file = FileCreated(
        file_id="f1",
        number="A-1/2026",
        subject="s",
        office_id="hathras",
        post_id="hc",
        post_name=HC,
        seq=1,
    )
    take(
        db,
        diarised("r1", 2),  # Monday the 2nd: 16 working days by Friday the 20th
        diarised("r2", 9),  # Monday the 9th: 10 (the 14th is a second Saturday)
        diarised("r3", 18),  # not late
        event(file, at(3)),
        overdue("r1", "escalated", 13, to="hc"),
        overdue("r2", "explanation_required", 19),
        event(ReceiptDelayExplained(receipt_id="r2", post_id="cru", working_days=8, seq=1), at(19)),
        event(
            FileOverdue(file_id="f1", holder_post_id="hc", working_days=5, stage="warning", seq=1),
            at(9),
        ),
    )
    listed = late(db)
    assert [(i["item_id"], i["stage"], i["explained"]) for i in listed] == [
        ("r1", "escalated", False),
        ("f1", "warning", False),
        ("r2", "explanation_required", True),
    ]
    r1, f1, r2 = listed
    assert (r1["working_days"], f1["working_days"], r2["working_days"]) == (16, 15, 10)
    assert (r1["number"], r1["kind"], r1["post_name"]) == (
        "r1/2026/SP-HTR",
        "receipt",
        CRU.model_dump(),
    )
    assert f1["kind"] == "file" and f1["post_id"] == "hc"
    assert "subject" not in r1  # numbers only: the list travels to HQ
    # One desk's list is its own items only.
    assert [i["item_id"] for i in late(db, "post:hc")] == ["f1"]


def test_an_item_sent_on_leaves_the_late_list_and_its_old_stage_stays_behind(db: Any) -> None:
    take(db, diarised("r1", 2), overdue("r1", "explanation_required", 11))
    assert [i["item_id"] for i in late(db)] == ["r1"]
    take(db, sent("r1", 2, "hc", HC, 12))
    assert late(db) == []  # a fresh hold at the head clerk's desk


# --- items pending with others -----------------------------------------------------------------


def with_others(db: Any, desk: str = "post:cru") -> list[tuple[str, str, int]]:
    found = answers.pending_with_others(db, desk, lambda state, year: Calendar(), NOW)
    return [(i["item_id"], i["post_id"], i["working_days"]) for i in found]


def test_the_items_a_desk_made_that_wait_elsewhere_longest_first(db: Any) -> None:
    take(
        db,
        sent("r2", 2, "hc", HC, 16),  # its sending arrives before its diarising
        diarised("r2", 9),
        diarised("r1", 2),
        sent("r1", 2, "hc", HC, 9),
        diarised("r3", 18),  # still at the CRU's desk: not with others
    )
    assert with_others(db) == [("r1", "hc", 10), ("r2", "hc", 5)]
    assert with_others(db, "post:hc") == []  # the head clerk made none of them
    # Back at the desk that made it, an item is no longer pending with others.
    take(db, sent("r1", 3, "cru", CRU, 19))
    assert with_others(db) == [("r2", "hc", 5)]


# --- the SP's screen shows the list ------------------------------------------------------------


def shown(items: list[dict[str, Any]], lang: str) -> str:
    from flask import render_template_string

    from gateway.app import create_app

    with create_app().test_request_context("/reports/", headers={"Accept-Language": lang}):
        return render_template_string(
            '{% from "reports/_items.html" import items_table with context %}'
            "{{ items_table(items, 'late-items') }}",
            items=items,
        )


def test_the_sps_screen_lists_each_late_item_by_number_in_english_and_hindi(db: Any) -> None:
    take(
        db,
        diarised("r1", 2),
        overdue("r1", "escalated", 13, to="hc"),
    )
    items = LateItems.model_validate(
        {"office_id": "hathras", "as_of": NOW.isoformat(), "items": late(db)}
    ).model_dump()["items"]
    page = shown(items, "en")
    assert 'id="late-items"' in page and 'data-item="r1"' in page
    cells = [c.split(">", 1)[1] for c in page.split("<td")[1:]]
    assert [c.split("<")[0] for c in cells] == [
        "r1/2026/SP-HTR",
        "Receipt",
        "CRU",
        "",  # the time, inside its own element
        "16",
        "Escalated",
        "No",
    ]
    hindi = shown(items, "hi")
    assert "इस पटल पर कब से" in hindi and "सीआरयू" in hindi and "नहीं" in hindi
    # In a list of items pending elsewhere, an item on time has no stage and no explanation.
    on_time = shown([{**items[0], "stage": "none"}], "en")
    assert "Escalated" not in on_time and on_time.count("<td>—</td>") == 2
