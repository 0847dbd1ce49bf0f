"""Opening balances from the office's records: the sheet an office's admin or nodal officer
uploads when its people come onto the system (who, which kind, how many days, as on which day),
checked row by row like the master data sheet. A bad row (a person unknown or outside the
uploader's offices, a kind their department lacks, days that are not a number of days, a
second row for the same person and kind) is rejected with its reason; every good row is kept.
Each kept row gives the person's one opening of that kind, so uploading the sheet again changes
nothing and a corrected sheet replaces the earlier figures. Pure: rows in, checked rows out.

The sheet is read by the same careful reader as identity's sheets (sizes, row numbers and
formulas not trusted), with these columns."""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.sheets import Column, SheetLayout, parse_date, reason
from services.leave.domain import balances
from services.leave.domain.applications import FIRST_YEAR
from services.leave.domain.rules import Department

# An office's people in one sheet: a district of a few thousand, with a row per kind.
MAX_ROWS = 20_000
# More than any kind's balance can be (earned leave is capped at 300, medical at 365).
MOST_DAYS = 1000

OPENING_SHEET = SheetLayout(
    (
        Column(
            "person",
            "Username or user id",
            "उपयोगकर्ता नाम या आईडी",
            aliases=("username", "user id", "login", "user", "उपयोगकर्ता नाम", "लॉगिन"),
        ),
        Column(
            "kind",
            "Kind of leave",
            "अवकाश का प्रकार",
            "casual / earned / medical ...",
            aliases=("kind", "leave kind", "leave type", "प्रकार"),
        ),
        Column(
            "days",
            "Balance (days)",
            "शेष (दिन)",
            aliases=("balance", "days", "opening balance", "शेष", "दिन", "अवशेष"),
        ),
        Column(
            "as_on",
            "As on",
            "दिनांक तक",
            "DD-MM-YYYY",
            aliases=("as on date", "date", "तिथि", "दिनांक"),
        ),
    ),
    max_rows=MAX_ROWS,
)


@dataclass(frozen=True)
class Person:
    """Whom a sheet's name stands for, as identity answers: their user id and office, and
    whether the uploader sets up that office."""

    user_id: str
    office_id: str
    yours: bool


@dataclass
class OpeningRow:
    """One row of an opening balance sheet as checked: the opening it gives, or why not."""

    row: int
    person: str
    kind: str
    days: str
    as_on: str
    user_id: str | None = None
    action: str = "reject"  # "open", "replace", "unchanged" or "reject"
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return not self.reasons

    def entry(self) -> dict[str, Any]:
        """The ledger entry a kept row gives."""
        assert self.user_id is not None
        return balances.opening(
            self.user_id, self.kind, float(self.days), date.fromisoformat(self.as_on)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "person": self.person,
            "user_id": self.user_id,
            "kind": self.kind,
            "days": float(self.days) if self.kept else None,
            "as_on": self.as_on,
            "action": self.action if self.kept else "reject",
            "reasons": self.reasons,
        }


def check_rows(
    rows: list[dict[str, Any]],
    people: Mapping[str, Person],
    department_of: Callable[[str], Department | None],
    kept: Mapping[str, dict[str, Any]],
    today: date,
) -> list[OpeningRow]:
    """Each row (as ``read_sheet`` gives it) checked on its own, then a second row for a
    person and kind an earlier kept row already gives is rejected. ``people`` maps the names
    written in the sheet to whom identity found; ``department_of`` gives an office's rules
    (None: leave is not set up there); ``kept`` the openings already in the ledger by id."""
    checked = [_check_row(row, people, department_of, today) for row in rows]
    first_row_of: dict[tuple[str | None, str], int] = {}
    for row in checked:
        if not row.kept:
            continue
        key = (row.user_id, row.kind)
        if key in first_row_of:
            row.reasons.append(
                reason("person", "LEAVE_OPENING_DUPLICATE_ROW", first_row=first_row_of[key])
            )
            continue
        first_row_of[key] = row.row
        before = kept.get(row.entry()["_id"])
        if before is None:
            row.action = "open"
        elif (before["days"], before["on"]) == (float(row.days), row.as_on):
            row.action = "unchanged"
        else:
            row.action = "replace"
    return checked


def _check_row(
    row: dict[str, Any],
    people: Mapping[str, Person],
    department_of: Callable[[str], Department | None],
    today: date,
) -> OpeningRow:
    checked = OpeningRow(
        row["row"], row["person"], _kind(row), row["days"].strip(), row["as_on"].strip()
    )
    problems = checked.reasons
    formulas = set(row.get("formulas", []))
    problems.extend(reason(name, "FORMULA_NOT_ALLOWED") for name in row.get("formulas", []))
    for name in ("person", "kind", "days", "as_on"):
        if name not in formulas and not row[name]:
            problems.append(reason(name, "REQUIRED"))
    person = people.get(checked.person) if checked.person else None
    if checked.person and "person" not in formulas:
        if person is None:
            problems.append(reason("person", "PERSON_UNKNOWN"))
        elif not person.yours:
            problems.append(reason("person", "PERSON_OUTSIDE_YOUR_OFFICES"))
        else:
            checked.user_id = person.user_id
    if checked.user_id and person and checked.kind and "kind" not in formulas:
        department = department_of(person.office_id)
        if department is None:
            problems.append(reason("kind", "LEAVE_NOT_SET_UP_FOR_DEPARTMENT"))
        elif checked.kind not in {k.code for k in department.kinds}:
            problems.append(
                reason("kind", "LEAVE_KIND_NOT_IN_DEPARTMENT", department=department.name)
            )
    if checked.days and "days" not in formulas:
        days = _days(checked.days)
        if days is None:
            problems.append(reason("days", "LEAVE_OPENING_DAYS_INVALID"))
        elif days > MOST_DAYS:
            problems.append(reason("days", "LEAVE_OPENING_DAYS_TOO_MANY", most=MOST_DAYS))
        else:
            checked.days = str(days)
    if checked.as_on and "as_on" not in formulas:
        on = parse_date(checked.as_on)
        if on is None:
            problems.append(reason("as_on", "DATE_NOT_REAL"))
        elif not date(FIRST_YEAR, 1, 1) <= on <= today:
            problems.append(reason("as_on", "LEAVE_OPENING_DATE_OUT_OF_RANGE", first=FIRST_YEAR))
        else:
            checked.as_on = on.isoformat()
    return checked


def _kind(row: dict[str, Any]) -> str:
    return str(row["kind"]).strip().casefold()


def kept_ids(rows: list[dict[str, Any]], people: Mapping[str, Person]) -> list[str]:
    """The ids of the openings a sheet's rows may replace (to read what is kept of them)."""
    return [
        balances.opening(p.user_id, _kind(r), 0, date.min)["_id"]
        for r in rows
        if (p := people.get(r["person"])) and p.yours
    ]


def _days(text: str) -> float | None:
    """A number of days (12, 7.5; a decimal comma too): never negative, never "NaN"."""
    try:
        days = float(text.replace(",", "."))
    except ValueError:
        return None
    return days if math.isfinite(days) and days >= 0 else None


def summarise(rows: list[OpeningRow]) -> dict[str, int]:
    """How many rows opened a balance, replaced one, left one as it was, or were rejected."""
    actions = [r.as_dict()["action"] for r in rows]
    return {a: actions.count(a) for a in ("open", "replace", "unchanged", "reject")}
