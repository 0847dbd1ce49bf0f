"""The dry-run plan: what applying checked rows would do to the people already stored
(create, update, leave unchanged, reject), deterministic and idempotent."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from common.sheets import reason
from services.identity.domain.sheets.checking import RowCheck
from services.identity.domain.sheets.layout import FIELDS, OPTIONAL

_COMPARED = tuple(f for f in FIELDS if f != "employee_code")

Action = Literal["create", "update", "unchanged", "reject"]


@dataclass(frozen=True)
class RowPlan:
    """What applying the sheet does with one row. ``changes`` (for an update) maps each changed
    field to ``{"from": stored, "to": new}``; ``values`` is the person as they will be."""

    row: int
    employee_code: str
    action: Action
    values: dict[str, Any] = field(default_factory=dict[str, Any])
    changes: dict[str, dict[str, Any]] = field(default_factory=dict[str, Any])
    reasons: tuple[dict[str, Any], ...] = ()
    notes: tuple[dict[str, Any], ...] = ()  # e.g. which full name a short designation became

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "employee_code": self.employee_code,
            "action": self.action,
            "values": self.values,
            "changes": self.changes,
            "reasons": list(self.reasons),
            "notes": list(self.notes),
        }


# Fields that name one person only: an email is one login, a post has one holder.
_ONE_HOLDER = (("email", "EMAIL_TAKEN"), ("post", "POST_TAKEN"))


def plan(
    rows: list[RowCheck], existing: dict[str, dict[str, Any]], outside_scope: Iterable[str] = ()
) -> list[RowPlan]:
    """What applying the checked rows would do, given the people already stored (by employee
    code, their normalised fields). Rows come back in sheet order. A code that appears twice in
    the sheet rejects every row carrying it; an email or post that would end up with two people
    rejects the rows that newly claim it. Blank optional cells keep what is stored.

    ``outside_scope`` are the employee codes of stored people whose office the uploader does
    not set up: employee codes are state-wide, so a sheet could otherwise pull a person of
    another district into one's own (and then read their VPN key). Their rows are rejected."""
    stored = {code.strip().upper(): person for code, person in existing.items()}
    reasons = [list(r.reasons) for r in rows]
    foreign = {code.strip().upper() for code in outside_scope}
    for i, check in enumerate(rows):
        if check.employee_code in foreign:
            reasons[i].append(reason("employee_code", "PERSON_OUTSIDE_YOUR_SCOPE"))

    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for check in rows:
        if check.employee_code:
            rows_by_code[check.employee_code].append(check.row)
    for i, check in enumerate(rows):
        numbers = rows_by_code.get(check.employee_code, [])
        if len(numbers) > 1:
            other_rows = [n for n in numbers if n != check.row]
            reasons[i].append(reason("employee_code", "DUPLICATE_IN_SHEET", rows=other_rows))

    accepted = [i for i in range(len(rows)) if not reasons[i]]
    # Rejecting a row puts its stored email/post back in play, which may reject another row:
    # repeat until nothing changes (it only ever rejects more, so it ends).
    while True:
        fresh: dict[int, list[dict[str, Any]]] = {}
        for name, code in _ONE_HOLDER:
            holders = _holders(name, rows, accepted, stored)
            for i in accepted:
                value = rows[i].values.get(name)
                if value and _newly_claims(rows[i], name, stored):
                    others = sorted(holders[value] - {rows[i].employee_code})
                    if others:
                        fresh.setdefault(i, []).append(reason(name, code, employee_codes=others))
        if not fresh:
            break
        for i, found in fresh.items():
            reasons[i].extend(found)
        accepted = [i for i in accepted if i not in fresh]

    # Tell a rejected row now, too, if its email or post is someone else's: fix everything at once.
    taken = {name: _holders(name, rows, accepted, stored) for name, _ in _ONE_HOLDER}
    accepted_set = set(accepted)
    for i, check in enumerate(rows):
        if i in accepted_set:
            continue
        for name, code in _ONE_HOLDER:
            value = check.values.get(name)
            already = any(r["code"] == code for r in reasons[i])
            if value and not already and _newly_claims(check, name, stored):
                others = sorted(taken[name].get(value, set()) - {check.employee_code})
                if others:
                    reasons[i].append(reason(name, code, employee_codes=others))

    plans = []
    for i, check in enumerate(rows):
        if i not in accepted_set:
            plans.append(
                RowPlan(
                    check.row,
                    check.employee_code,
                    "reject",
                    reasons=tuple(reasons[i]),
                    notes=check.notes,
                )
            )
            continue
        person = stored.get(check.employee_code)
        if person is None:
            plans.append(
                RowPlan(
                    check.row, check.employee_code, "create", dict(check.values), notes=check.notes
                )
            )
            continue
        values, changes = _merge(check.values, person)
        action: Action = "update" if changes else "unchanged"
        plans.append(
            RowPlan(check.row, check.employee_code, action, values, changes, notes=check.notes)
        )
    return plans


def _holders(
    name: str, rows: list[RowCheck], accepted: list[int], stored: dict[str, dict[str, Any]]
) -> dict[str, set[str]]:
    """Who would hold each value of ``name`` after applying the accepted rows."""
    final = {code: person.get(name) for code, person in stored.items()}
    for i in accepted:
        value = rows[i].values.get(name)
        if value:
            final[rows[i].employee_code] = value
    holders: dict[str, set[str]] = defaultdict(set)
    for code, value in final.items():
        if value:
            holders[value].add(code)
    return holders


def _newly_claims(check: RowCheck, name: str, stored: dict[str, dict[str, Any]]) -> bool:
    return (stored.get(check.employee_code) or {}).get(name) != check.values.get(name)


def _merge(
    new: dict[str, Any], person: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    values = dict(new)
    changes: dict[str, dict[str, Any]] = {}
    for name in _COMPARED:
        old = person.get(name)
        if name == "roles" and old is not None:
            old = sorted(old)
        if values.get(name) is None and name in OPTIONAL:
            values[name] = old  # a blank optional cell keeps what is stored
            continue
        if values.get(name) != old:
            changes[name] = {"from": old, "to": values.get(name)}
    return values, changes


def summarise(plans: list[RowPlan]) -> dict[str, int]:
    """Counts per action, for the dry run's headline ("198 to create, 2 rejected")."""
    counts = dict.fromkeys(("create", "update", "unchanged", "reject"), 0)
    for p in plans:
        counts[p.action] += 1
    return counts
