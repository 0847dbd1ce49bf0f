"""The seven-working-day rule (CSMOP): no desk holds a receipt or file more than seven working
days unless its holder records why. On working day ``warning`` the holder is warned; from day
``explanation`` the item moves on only once the holder has explained the delay (one line in its
history); from day ``escalation`` it is shown to the post above, and to the next post up every
``every`` working days more. The days are working days of the state's calendar
(common.workdays), counted from the day the item reached its holder.

Nothing here reads a database, a bus or a clock: the moment, the calendar and the chain of
command are given."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.actor import Actor
from common.errors import Conflict, Refused
from common.events import (
    FileDelayExplained,
    FileOverdue,
    Payload,
    ReceiptDelayExplained,
    ReceiptOverdue,
)
from common.workdays import Calendar
from services.files.domain.change import Change, Event, Item, change

WARNING, EXPLANATION, ESCALATED = "warning", "explanation_required", "escalated"
_ID = {"receipts": "receipt_id", "files": "file_id"}
_OVERDUE: dict[str, type[Payload]] = {"receipts": ReceiptOverdue, "files": FileOverdue}
_EXPLAINED: dict[str, type[Payload]] = {
    "receipts": ReceiptDelayExplained,
    "files": FileDelayExplained,
}
LONGEST_THRESHOLD = 60  # working days: a threshold beyond a quarter's work is a typing error


@dataclass(frozen=True)
class Thresholds:
    """An office's thresholds, in working days held (DOMAIN.md's defaults)."""

    warning: int = 5
    explanation: int = 8
    escalation: int = 10
    every: int = 5

    @classmethod
    def of(cls, stored: dict[str, Any] | None) -> "Thresholds":
        """The thresholds an office set (its stored record), or the defaults."""
        if not stored:
            return cls()
        return cls(stored["warning"], stored["explanation"], stored["escalation"], stored["every"])

    def checked(self) -> "Thresholds":
        """These thresholds, if they make sense: each stage after the one before, none zero."""
        days = (self.warning, self.explanation, self.escalation)
        if not 1 <= self.warning <= self.explanation <= self.escalation <= LONGEST_THRESHOLD:
            raise Refused("PENDENCY_THRESHOLDS_INVALID", {"days": list(days)})
        if not 1 <= self.every <= LONGEST_THRESHOLD:
            raise Refused("PENDENCY_THRESHOLDS_INVALID", {"every": self.every})
        return self

    def as_dict(self) -> dict[str, int]:
        return {
            "warning": self.warning,
            "explanation": self.explanation,
            "escalation": self.escalation,
            "every": self.every,
        }


def working_days(item: Item, calendar: Calendar, now: datetime) -> int:
    """Working days the item has been with its holder (the day it arrived is day 1)."""
    return calendar.working_days_held(datetime.fromisoformat(item["holder_since"]), now)


def stage(days: int, thresholds: Thresholds) -> str | None:
    """The stage of an item held ``days`` working days: None while it is on time."""
    if days >= thresholds.escalation:
        return ESCALATED
    if days >= thresholds.explanation:
        return EXPLANATION
    if days >= thresholds.warning:
        return WARNING
    return None


def escalation_level(days: int, thresholds: Thresholds) -> int:
    """How many posts up the item has gone: 0 before ``escalation``, 1 from it, one more every
    ``every`` working days after."""
    if days < thresholds.escalation:
        return 0
    return 1 + (days - thresholds.escalation) // thresholds.every


def escalated_to(chain: list[str], level: int) -> str | None:
    """The post an item escalated ``level`` times is shown to (``chain``: the holder's chain of
    command, nearest first); None above the top of the chain."""
    return chain[level - 1] if 1 <= level <= len(chain) else None


# --- the explanation ---------------------------------------------------------------------------


def is_explained(item: Item) -> bool:
    """Whether the holder explained the delay since the item reached them (an explanation
    given at an earlier desk, or before the item came back, does not count)."""
    given = item.get("delay_explanation") or {}
    return bool(given) and (given.get("post_id"), given.get("holder_since")) == (
        item["holder_post_id"],
        item["holder_since"],
    )


def needs_explanation(item: Item, days: int, thresholds: Thresholds) -> bool:
    return days >= thresholds.explanation and not is_explained(item)


def require_explained(item: Item, days: int, thresholds: Thresholds) -> None:
    """What has been held ``explanation`` working days or more moves on only once explained."""
    if needs_explanation(item, days, thresholds):
        raise Conflict("DELAY_NOT_EXPLAINED", {"working_days": days})


def explained(
    kind: str, item: Item, actor: Actor, post_id: str, now: str, text: str, days: int
) -> Change:
    """The holder records why the item has been with them ``days`` working days: one line in
    its history (the text stays there); the office is told that, not what."""
    given = {
        "post_id": post_id,
        "holder_since": item["holder_since"],
        "at": now,
        "working_days": days,
        "text": text,
    }
    told = {_ID[kind]: item["_id"], "post_id": post_id, "working_days": days}
    return change(
        "delay_explained",
        actor,
        post_id,
        now,
        {"text": text, "working_days": days},
        set={"delay_explanation": given},
        events=(Event(_EXPLAINED[kind], told),),
    )


# --- stages raised by the timer ----------------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    """A stage reached and not yet told: ``key`` names it among those told for this arrival
    (``escalated:2`` for the second level)."""

    stage: str
    key: str
    escalated_to_post_id: str | None = None


def told_so_far(item: Item) -> list[str]:
    """The stages already told while the item is with its present holder."""
    record = item.get("overdue") or {}
    same_stay = (record.get("post_id"), record.get("holder_since")) == (
        item["holder_post_id"],
        item["holder_since"],
    )
    return list(record.get("told", [])) if same_stay else []


def due(item: Item, days: int, thresholds: Thresholds, chain: list[str]) -> list[Overdue]:
    """The stages an item held ``days`` working days has reached and not yet told, in order
    (a timer that missed some days tells each once, late rather than never)."""
    reached: list[Overdue] = []
    if days >= thresholds.warning:
        reached.append(Overdue(WARNING, WARNING))
    if days >= thresholds.explanation:
        reached.append(Overdue(EXPLANATION, EXPLANATION))
    for level in range(1, escalation_level(days, thresholds) + 1):
        target = escalated_to(chain, level)
        if target is not None:
            reached.append(Overdue(ESCALATED, f"{ESCALATED}:{level}", target))
    told = set(told_so_far(item))
    return [o for o in reached if o.key not in told]


def overdue_told(
    kind: str, item: Item, reached: Overdue, days: int, actor: Actor, now: str
) -> Change:
    """Tell the office the item reached a stage, note it in the item's history, and show an
    escalated item in the inbox of the post it went up to."""
    holder = item["holder_post_id"]
    record = {
        "post_id": holder,
        "holder_since": item["holder_since"],
        "told": [*told_so_far(item), reached.key],
        "stage": reached.stage,
        "working_days": days,
    }
    told = {
        _ID[kind]: item["_id"],
        "holder_post_id": holder,
        "working_days": days,
        "stage": reached.stage,
        "escalated_to_post_id": reached.escalated_to_post_id,
    }
    escalation = (
        {"escalated_to_post_ids": reached.escalated_to_post_id}
        if reached.escalated_to_post_id
        else {}
    )
    return change(
        "overdue",
        actor,
        holder,
        now,
        {k: v for k, v in told.items() if k != _ID[kind]},
        set={"overdue": record},
        add_to_set=escalation,
        events=(Event(_OVERDUE[kind], told),),
    )
