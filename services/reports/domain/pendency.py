"""Pendency from events, pure: where each item waits now, how that is counted up the office
tree, and how old the counted items are in working days."""

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Any

from common.clock import IST
from common.events import (
    Event,
    FileCreated,
    FileSent,
    FileStatusChanged,
    ReceiptClosed,
    ReceiptDiarised,
    ReceiptFiled,
    ReceiptSent,
)
from common.workdays import Calendar

# (post, its names, its office path) of an item that waits nowhere.
NOWHERE: tuple[None, None, list[str]] = (None, None, [])

# Age bands of DOMAIN.md, in working days held at one desk: (name, first day, last day).
AGES: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7),
    ("8-15", 8, 15),
    ("16-30", 16, 30),
    ("over_30", 31, None),
)
# The rule's stages, least to most pressing ("none": not past the rule).
STAGES = ("none", "warning", "explanation_required", "escalated")
POST_NODE = "post:"


def whereabouts(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(item id, where it now waits) for an event that moves an item, else None."""
    body = event.body()
    post_id: str | None
    post_name: dict[str, Any] | None
    office_path: list[str]
    if isinstance(body, (ReceiptFiled, ReceiptClosed)):  # waits in its file, or nowhere
        item, kind, (post_id, post_name, office_path) = body.receipt_id, "receipt", NOWHERE
    elif isinstance(body, FileStatusChanged):  # parked, closed, merged: set aside, not pending
        item, kind = body.file_id, "file"
        post_id, post_name, office_path = (
            (body.post_id, body.post_name.model_dump(), body.office_path)
            if body.status == "open"
            else NOWHERE
        )
    elif isinstance(body, (ReceiptDiarised, FileCreated)):  # waits where it was made
        item, kind = (
            (body.receipt_id, "receipt")
            if isinstance(body, ReceiptDiarised)
            else (body.file_id, "file")
        )
        post_id, post_name, office_path = (
            body.post_id,
            body.post_name.model_dump(),
            event.office_path,
        )
    elif isinstance(body, (ReceiptSent, FileSent)):
        item, kind = (
            (body.receipt_id, "receipt")
            if isinstance(body, ReceiptSent)
            else (body.file_id, "file")
        )
        post_id, post_name, office_path = (
            body.to_post_id,
            body.to_post_name.model_dump(),
            body.to_office_path,
        )
    else:
        return None
    since = event.occurred_at.isoformat(timespec="microseconds")
    where = {"post_id": post_id, "post_name": post_name, "office_path": office_path, "since": since}
    return item, {**where, "kind": kind, "number": body.number, "seq": body.seq}


def priority_of(event: Event) -> tuple[str, str, int] | None:
    """(file id, priority, seq) when an event says how urgent a file is (a sending does)."""
    body = event.body()
    return (body.file_id, body.priority, body.seq) if isinstance(body, FileSent) else None


def late_state(item: Mapping[str, Any]) -> tuple[str, bool]:
    """How far past the rule an item is at its present desk, and whether its holder has
    explained the delay: only marks raised at that post since the item reached it count."""
    stage, explained = "none", False
    for mark in item.get("marks", []):
        if mark["post_id"] != item.get("post_id") or mark["seq"] < item.get("seq", 0):
            continue  # an earlier hold, here or elsewhere
        if mark.get("explained"):
            explained = True
        else:
            stage = max(stage, mark["stage"], key=STAGES.index)
    return stage, explained


def position(item: Mapping[str, Any]) -> str | None:
    """Where a pending item is counted: the nodes above it (its office path and its post), the
    day it arrived (IST) and its kind, priority and rule stage. None: counted nowhere."""
    if not item.get("post_id") or not item.get("office_path") or "since" not in item:
        return None
    stage, explained = late_state(item)
    nodes = [*item["office_path"], POST_NODE + item["post_id"]]
    key = "|".join((item["kind"], item.get("priority", "normal"), stage, "1" if explained else "0"))
    return json.dumps([nodes, ist_day(datetime.fromisoformat(item["since"])), key])


def ist_day(moment: datetime) -> str:
    """The day (IST) an event happened on: late events land on their own day."""
    return moment.astimezone(IST).date().isoformat()


def pendency_by_post(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many items wait at each post and since when the oldest has waited; most first."""
    posts: dict[str, dict[str, Any]] = {}
    for item in items:
        row = posts.setdefault(
            item["post_id"],
            {
                "post_id": item["post_id"],
                "post_name": item["post_name"],
                "items": 0,
                "oldest_since": item["since"],
            },
        )
        row["items"] += 1
        row["oldest_since"] = min(row["oldest_since"], item["since"])
    return sorted(posts.values(), key=lambda r: (-r["items"], r["oldest_since"]))


def age_band(days: int) -> str:
    """The age band of an item held ``days`` working days."""
    return next(name for name, _, last in AGES if last is None or days <= last)


def pendency_row(
    node: str,
    counts: Iterable[Mapping[str, Any]],
    calendar: Callable[[date], Calendar],
    now: datetime,
) -> dict[str, Any]:
    """One report row from a node's counters (one per day items arrived): pending items by
    age band, kind and priority, the oldest arrival day, and the items past the rule by stage
    with how many of them are explained. ``calendar(day)`` gives the state calendar to count by."""
    row: dict[str, Any] = {
        "node": node,
        "total": 0,
        "ages": {name: 0 for name, _, _ in AGES},
        "kinds": {"receipt": 0, "file": 0},
        "priorities": {},
        "late": {stage: 0 for stage in STAGES[1:]},
        "late_explained": 0,
        "oldest_day": None,
    }
    for doc in counts:
        held = sum(doc["c"].values())
        if held <= 0:
            continue
        arrived = date.fromisoformat(doc["day"])
        since = datetime.combine(arrived, time(12), IST)
        row["ages"][age_band(calendar(arrived).working_days_held(since, now))] += held
        row["total"] += held
        row["oldest_day"] = min(filter(None, (row["oldest_day"], doc["day"])))
        for key, n in doc["c"].items():
            kind, priority, stage, explained = key.split("|")
            row["kinds"][kind] += n
            row["priorities"][priority] = row["priorities"].get(priority, 0) + n
            if stage != "none":
                row["late"][stage] += n
                row["late_explained"] += n if explained == "1" else 0
    return row


def listed(
    item: Mapping[str, Any], calendar: Callable[[str, int], Calendar], now: datetime
) -> dict[str, Any]:
    """An item as a list of items shows it: its number (never its subject: these lists travel
    to HQ), the desk it waits at, since when and for how many working days, the rule's stage
    and whether its holder has explained. ``calendar(state, year)`` gives the calendar."""
    since = datetime.fromisoformat(item["since"])
    year = since.astimezone(IST).year
    stage, explained = late_state(item)
    return {
        "item_id": item["_id"],
        "kind": item["kind"],
        "number": item["number"],
        "post_id": item["post_id"],
        "post_name": item["post_name"],
        "office_path": item["office_path"],
        "since": item["since"],
        "working_days": calendar(item["office_path"][0], year).working_days_held(since, now),
        "stage": stage,
        "explained": explained,
    }


def longest_first(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(lines, key=lambda i: (-i["working_days"], i["since"], i["item_id"]))


def is_late(item: Mapping[str, Any]) -> bool:
    """Past the seven-working-day rule at the desk it waits at."""
    return bool(item.get("post_id")) and late_state(item)[0] != "none"


def waits_elsewhere(item: Mapping[str, Any], desk: str) -> bool:
    """Pending at a desk other than ``desk`` (not closed, filed, or back with it)."""
    return item.get("post_id") not in (None, desk) and "since" in item
