"""A person's leave balance: a fold over their ledger entries, kind by kind.

The ledger holds an opening balance (from the office's records when a person comes onto the
system: the balance at the end of its day, as the office's sheet gives it), the credits of
each period (earned leave half-yearly, casual and medical leave yearly), a debit for each
sanctioned application and a refund when sanctioned leave is cancelled or cut short. Every
entry's id is made from what it is for (a person's credit for a period, an application's
debit, a person's opening of a kind), so writing one twice keeps one. An opening stands for
everything before it: entries dated on or before its day are not counted again, and a later
opening of the same kind replaces it.

A kind taken within a yearly limit (restricted holidays, station leave) has no credits: its
balance is the limit less what was taken that year. A lapsing kind (casual leave) counts one
year only; the others carry on, capped where the rules cap them (earned leave at 300 days).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from services.leave.domain.rules import Kind

ORDER = {"opening": 0, "credit": 1, "debit": 2, "refund": 3}
# An application still on its way: its days are spoken for, though not yet debited.
ON_THE_WAY = ("applied", "recommended", "returned")


def entry(
    user_id: str,
    kind: str,
    what: str,
    days: float,
    on: date,
    key: str,
    application_id: str | None = None,
) -> dict[str, Any]:
    """A ledger entry; ``key`` names what it is for, so the same one is never written twice."""
    return {
        "_id": f"{user_id}:{kind}:{key}",
        "user_id": user_id,
        "kind": kind,
        "entry": what,
        "days": days,
        "on": on.isoformat(),
        "year": on.year,
        "application_id": application_id,
    }


def opening(user_id: str, kind: str, days: float, on: date) -> dict[str, Any]:
    """A person's opening balance of a kind as on a day: one per person and kind."""
    return entry(user_id, kind, "opening", days, on, "opening")


def periods(kind: Kind, since: date, today: date) -> list[tuple[str, date]]:
    """The credit periods of ``kind`` that began between ``since``'s period and ``today``
    (label, first day): ``2026`` for a yearly credit, ``2026-H1`` and ``2026-H2`` half-yearly."""
    if kind.credit is None:
        return []
    found = []
    for year in range(since.year, today.year + 1):
        if kind.credit == "yearly":
            found.append((str(year), date(year, 1, 1)))
        else:
            found.extend([(f"{year}-H1", date(year, 1, 1)), (f"{year}-H2", date(year, 7, 1))])
    first = max((p for p in found if p[1] <= since), key=lambda p: p[1])
    return [p for p in found if first[1] <= p[1] <= today]


def credits_due(
    user_id: str, kind: Kind, since: date, today: date, kept: Iterable[str]
) -> list[dict[str, Any]]:
    """The credits of every period from ``since`` (when the person's ledger begins) to today
    that are not among the ``kept`` entry ids."""
    have = set(kept)
    due = [
        entry(user_id, kind.code, "credit", kind.days, first, f"credit:{label}")
        for label, first in periods(kind, since, today)
    ]
    return [e for e in due if e["_id"] not in have]


def days_of(starts: date, ends: date, half: str | None) -> float:
    """The days an application asks for: every day from its first to its last, or half a day."""
    return 0.5 if half else float((ends - starts).days + 1)


def entries_of(application: dict[str, Any]) -> list[dict[str, Any]]:
    """What a decided application has written in its applicant's ledger: a debit once it was
    sanctioned, and a refund of the days not taken when it was cancelled or cut short."""
    sanctioned_on = application.get("sanctioned_on")
    if not sanctioned_on:
        return []
    user, kind, app_id = application["user_id"], application["kind"], application["_id"]
    # A debit counts in the year the leave begins (casual leave of that year's quota).
    starts = date.fromisoformat(application["from_date"])
    found = [entry(user, kind, "debit", application["days"], starts, f"debit:{app_id}", app_id)]
    refund = application.get("refunded_days") or 0
    if refund:
        found.append(entry(user, kind, "refund", refund, starts, f"refund:{app_id}", app_id))
    return found


def balance(kind: Kind, entries: Iterable[dict[str, Any]], year: int) -> float:
    """The days of ``kind`` left to the person at the end of ``year`` by their ledger."""
    mine = sorted(
        (e for e in entries if e["kind"] == kind.code and e["year"] <= year),
        key=lambda e: (e["on"], ORDER[e["entry"]], e["_id"]),
    )
    if kind.lapses or kind.credit is None:
        mine = [e for e in mine if e["year"] == year]
    left = kind.days if kind.credit is None else 0.0
    opened = [e for e in mine if e["entry"] == "opening"]
    if opened:  # the office's figure stands for everything up to the end of its day
        left, since = opened[-1]["days"], opened[-1]["on"]
        mine = [e for e in mine if e["on"] > since]
    for e in mine:
        if e["entry"] in ("credit", "refund"):
            left += e["days"]
            if e["entry"] == "credit" and kind.most_kept is not None:
                left = min(left, kind.most_kept)
        else:
            left -= e["days"]
    return left


def in_flight(applications: Iterable[dict[str, Any]], kind: str, year: int) -> float:
    """Days asked for in applications of ``kind`` still on their way (not yet sanctioned,
    rejected or cancelled): they are spoken for."""
    return sum(
        float(a["days"])
        for a in applications
        if a["kind"] == kind
        and a["status"] in ON_THE_WAY
        and date.fromisoformat(a["from_date"]).year == year
    )
