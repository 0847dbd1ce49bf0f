"""Leave from leave's events, pure: where each application waits for an officer (counted per
office up the tree, by officer's post and the day it reached them), and the days of leave
taken per office, month and kind (days sanctioned, less those refunded when it is cancelled or
cut short).

Leave taken is a sum keyed by the application's own facts (the month its leave begins), so it
comes out the same in any order of events; where an application waits follows its newest
version (``seq``), so an older event arriving late changes nothing."""

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from common.errors import InvalidInput
from common.events import (
    Event,
    LeaveApplied,
    LeaveCancelled,
    LeaveEvent,
    LeaveRecommended,
    LeaveSanctioned,
)
from services.reports.domain.pendency import AGES, age_band, ist_day

YEARS = (2000, 2099)  # the years leave is kept for (as leave's balances)


def year_asked(year: Any, this_year: int) -> int:
    """The year a report of leave taken is for (default: this one), or LEAVE_YEAR_INVALID."""
    if year is None:
        return this_year
    if isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise InvalidInput("LEAVE_YEAR_INVALID")
    return year


def whereabouts(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(application id, where it waits now) for a leave event: at the officer's post it went
    to, or (decided, returned to its applicant, cancelled) with no officer."""
    body = event.body()
    if not isinstance(body, LeaveEvent):
        return None
    post = body.to_post_id if isinstance(body, (LeaveApplied, LeaveRecommended)) else None
    where = {
        "post_id": post,
        "office_path": event.office_path,
        "kind": body.kind,
        "since": event.occurred_at.isoformat(timespec="microseconds"),
        "seq": body.seq,
    }
    return body.application_id, where


def position(application: Mapping[str, Any]) -> str | None:
    """Where a waiting application is counted: the offices above its applicant, the day it
    reached the officer (IST) and the officer's post with the kind. None: counted nowhere."""
    if not application.get("post_id") or not application.get("office_path"):
        return None
    day = ist_day(datetime.fromisoformat(application["since"]))
    key = f"{application['post_id']}|{application['kind']}"
    return json.dumps([application["office_path"], day, key])


def taken(event: Event) -> tuple[list[str], str, str, float] | None:
    """(office path, month, kind, days) a sanction adds to leave taken, or a cancellation
    takes back (the days refunded), counted in the month the leave begins."""
    body = event.body()
    if isinstance(body, LeaveSanctioned):
        days = body.days
    elif isinstance(body, LeaveCancelled) and body.refunded_days:
        days = -body.refunded_days
    else:
        return None
    return list(event.office_path), body.from_date[:7], body.kind, days


def pending_rows(counts: Iterable[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """Per officer's post, from a node's counters (one per day applications reached a post):
    applications waiting by age band in days since they reached it, by kind, and the oldest
    day; most waiting first."""
    posts: dict[str, dict[str, Any]] = {}
    for doc in counts:
        age = age_band((today - date.fromisoformat(doc["day"])).days)
        for key, n in doc.get("c", {}).items():
            if n <= 0:
                continue
            post, kind = key.split("|")
            row = posts.setdefault(post, _row(post_id=post))
            _add(row, age, kind, n, doc["day"])
    return sorted(posts.values(), key=lambda r: (-r["total"], r["oldest_day"], r["post_id"]))


def pending_total(rows: Iterable[Mapping[str, Any]], **named: Any) -> dict[str, Any]:
    """The officers' rows added up (a node's own row)."""
    total = _row(**named)
    for row in rows:
        for age, n in row["ages"].items():
            total["ages"][age] += n
        for kind, n in row["kinds"].items():
            total["kinds"][kind] = total["kinds"].get(kind, 0) + n
        total["total"] += row["total"]
        total["oldest_day"] = min(filter(None, (total["oldest_day"], row["oldest_day"])))
    return total


def taken_row(months: Iterable[Mapping[str, Any]], year: int, **named: Any) -> dict[str, Any]:
    """A node's leave taken in ``year``: days by kind, and month by month."""
    row: dict[str, Any] = {**named, "year": year, "total": 0.0, "kinds": {}, "months": []}
    for doc in sorted(months, key=lambda d: d["month"]):
        if not doc["month"].startswith(f"{year}-"):
            continue
        kinds = {k: v for k, v in doc.get("c", {}).items() if v}
        if not kinds:
            continue
        row["months"].append({"month": doc["month"], "kinds": kinds, "total": sum(kinds.values())})
        for kind, days in kinds.items():
            row["kinds"][kind] = row["kinds"].get(kind, 0) + days
        row["total"] += sum(kinds.values())
    return row


def _row(**named: Any) -> dict[str, Any]:
    return {
        **named,
        "total": 0,
        "ages": {name: 0 for name, _, _ in AGES},
        "kinds": {},
        "oldest_day": None,
    }


def _add(row: dict[str, Any], age: str, kind: str, n: int, day: str) -> None:
    row["ages"][age] += n
    row["kinds"][kind] = row["kinds"].get(kind, 0) + n
    row["total"] += n
    row["oldest_day"] = min(filter(None, (row["oldest_day"], day)))
