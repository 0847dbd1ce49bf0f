"""The seven-working-day rule as pure domain functions: every stage boundary, counted across a
weekend (Sunday and the second Saturday) and a gazetted holiday."""

from datetime import date, datetime, time
from typing import Any

import pytest

from common.actor import Actor
from common.clock import IST
from common.errors import Conflict, Refused
from common.events import FileDelayExplained, FileOverdue, ReceiptOverdue
from common.workdays import Calendar
from services.files.domain import pendency_rule as rule
from services.files.domain.change import Change
from services.files.domain.pendency_rule import Thresholds

# January 2026: Monday the 5th is day 1; Saturday the 10th (second Saturday) and Sunday the 11th
# are off; Wednesday the 14th is a gazetted holiday (Makar Sankranti).
CALENDAR = Calendar.of(["2026-01-14"])
ARRIVED = datetime(2026, 1, 5, 10, 0, tzinfo=IST)
HOLDER, ABOVE, TOP = "post-dh", "post-so", "post-sp"
CHAIN = [ABOVE, TOP]
CLERK = Actor(user_id="u1", name="Clerk", post_ids=(HOLDER,))
FILES = Actor(user_id="principal:files", name="files")


def on(day: int, hour: int = 15) -> datetime:
    """A moment of 2026-01-``day`` in IST."""
    return datetime.combine(date(2026, 1, day), time(hour), tzinfo=IST)


def item(**more: Any) -> dict[str, Any]:
    return {
        "_id": "f1",
        "holder_post_id": HOLDER,
        "holder_since": ARRIVED.isoformat(),
        "status": "open",
        **more,
    }


def applied(doc: dict[str, Any], step: Change) -> dict[str, Any]:
    """``doc`` as ``store.apply`` would leave it (the fields the rule sets and adds)."""
    after = {**doc, **step.set}
    for key, value in step.add_to_set.items():
        after[key] = sorted({*after.get(key, []), value})
    return after


# working day held on each date: the weekend and the holiday do not count
HELD = {
    5: 1,
    8: 4,
    9: 5,
    10: 5,  # second Saturday
    11: 5,  # Sunday
    12: 6,
    13: 7,
    14: 7,  # gazetted holiday
    15: 8,
    16: 9,
    17: 10,  # third Saturday: a working day
    22: 14,
    23: 15,
}


@pytest.mark.parametrize(("day", "held"), sorted(HELD.items()))
def test_working_days_held_skip_the_weekend_and_the_holiday(day: int, held: int) -> None:
    assert rule.working_days(item(), CALENDAR, on(day)) == held


@pytest.mark.parametrize(
    ("days", "stage", "level"),
    [
        (1, None, 0),
        (4, None, 0),
        (5, rule.WARNING, 0),
        (7, rule.WARNING, 0),
        (8, rule.EXPLANATION, 0),
        (9, rule.EXPLANATION, 0),
        (10, rule.ESCALATED, 1),
        (14, rule.ESCALATED, 1),
        (15, rule.ESCALATED, 2),
        (19, rule.ESCALATED, 2),
        (20, rule.ESCALATED, 3),
    ],
)
def test_each_stage_begins_on_its_working_day(days: int, stage: str | None, level: int) -> None:
    assert rule.stage(days, Thresholds()) == stage
    assert rule.escalation_level(days, Thresholds()) == level


def test_an_office_sets_its_own_thresholds() -> None:
    mine = Thresholds.of({"warning": 3, "explanation": 4, "escalation": 6, "every": 2})
    assert [rule.stage(d, mine) for d in (2, 3, 4, 6)] == [
        None,
        rule.WARNING,
        rule.EXPLANATION,
        rule.ESCALATED,
    ]
    assert rule.escalation_level(8, mine) == 2
    assert Thresholds.of(None) == Thresholds(5, 8, 10, 5)


@pytest.mark.parametrize(
    "bad",
    [
        Thresholds(8, 5, 10, 5),
        Thresholds(0, 8, 10, 5),
        Thresholds(5, 8, 7, 5),
        Thresholds(5, 8, 10, 0),
    ],
)
def test_thresholds_out_of_order_are_refused(bad: Thresholds) -> None:
    with pytest.raises(Refused) as refused:
        bad.checked()
    assert refused.value.code == "PENDENCY_THRESHOLDS_INVALID"


def test_escalation_goes_up_the_chain_and_stops_at_its_top() -> None:
    assert [rule.escalated_to(CHAIN, n) for n in (0, 1, 2, 3)] == [None, ABOVE, TOP, None]


# --- the explanation ---------------------------------------------------------------------------


def test_held_seven_working_days_across_the_holiday_it_moves_without_explanation() -> None:
    days = rule.working_days(item(), CALENDAR, on(14))
    rule.require_explained(item(), days, Thresholds())  # day 7: nothing asked yet


def test_on_day_eight_it_moves_only_once_explained() -> None:
    doc = item()
    days = rule.working_days(doc, CALENDAR, on(15))
    with pytest.raises(Conflict) as refused:
        rule.require_explained(doc, days, Thresholds())
    assert (refused.value.code, refused.value.details) == (
        "DELAY_NOT_EXPLAINED",
        {"working_days": 8},
    )
    step = rule.explained("files", doc, CLERK, HOLDER, on(15).isoformat(), "Awaiting report", 8)
    assert (step.history.action, step.history.details) == (
        "delay_explained",
        {"text": "Awaiting report", "working_days": 8},
    )
    (event,) = step.events
    assert event.at(7) == FileDelayExplained(file_id="f1", post_id=HOLDER, working_days=8, seq=7)
    explained = applied(doc, step)
    assert rule.is_explained(explained)
    rule.require_explained(explained, days, Thresholds())


def test_an_explanation_from_an_earlier_stay_does_not_count() -> None:
    earlier = rule.explained("files", item(), CLERK, HOLDER, on(15).isoformat(), "Why", 8)
    came_back = {**applied(item(), earlier), "holder_since": on(19).isoformat()}
    assert not rule.is_explained(came_back)
    at_another_desk = {**applied(item(), earlier), "holder_post_id": ABOVE}
    assert not rule.is_explained(at_another_desk)


# --- what the timer tells ----------------------------------------------------------------------


def told(doc: dict[str, Any], days: int, chain: list[str] = CHAIN) -> tuple[list[str], dict]:
    """Tell every stage due on ``days``; the keys told, and the item afterwards."""
    keys = []
    for reached in rule.due(doc, days, Thresholds(), chain):
        doc = applied(doc, rule.overdue_told("files", doc, reached, days, FILES, "now"))
        keys.append(reached.key)
    return keys, doc


def test_each_stage_is_told_once_and_escalation_climbs_every_five_days() -> None:
    doc = item()
    assert told(doc, 4) == ([], doc)
    keys, doc = told(doc, 5)
    assert keys == ["warning"]
    assert told(doc, 7)[0] == []
    keys, doc = told(doc, 10)
    assert keys == ["explanation_required", "escalated:1"]
    assert doc["escalated_to_post_ids"] == [ABOVE]
    assert told(doc, 14)[0] == []
    keys, doc = told(doc, 15)
    assert keys == ["escalated:2"]
    assert doc["escalated_to_post_ids"] == sorted([ABOVE, TOP])
    assert told(doc, 25)[0] == []  # nobody above the top of the chain


def test_a_new_stay_at_a_desk_is_told_afresh() -> None:
    _, doc = told(item(), 10)
    moved = {**doc, "holder_post_id": ABOVE, "holder_since": on(19).isoformat()}
    assert rule.told_so_far(moved) == []
    assert [o.key for o in rule.due(moved, 5, Thresholds(), [TOP])] == ["warning"]


def test_the_overdue_event_names_the_holder_the_stage_and_where_it_went() -> None:
    (escalation,) = rule.due(item(overdue=None), 10, Thresholds(), CHAIN)[2:]
    step = rule.overdue_told("receipts", item(), escalation, 10, FILES, "now")
    (event,) = step.events
    assert event.at(4) == ReceiptOverdue(
        receipt_id="f1",
        holder_post_id=HOLDER,
        working_days=10,
        stage="escalated",
        escalated_to_post_id=ABOVE,
        seq=4,
    )
    assert step.history.action == "overdue"
    assert step.history.post_id == HOLDER
    warning = rule.overdue_told("files", item(), rule.Overdue("warning", "warning"), 5, FILES, "x")
    assert warning.add_to_set == {}
    assert isinstance(warning.events[0].at(2), FileOverdue)
