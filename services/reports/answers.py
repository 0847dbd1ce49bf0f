"""The reports' answers, read from the pre-aggregated counters: each row is one node (an office,
a department, a post) and costs one small query, whatever the number of events recorded."""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any

from common.clock import IST
from common.errors import InvalidInput, NotFound, Refused
from common.storage import Db
from common.workdays import Calendar
from services.reports import store
from services.reports.domain import effects
from services.reports.domain.pendency import (
    POST_NODE,
    is_late,
    listed,
    longest_first,
    pendency_row,
    waits_elsewhere,
)
from services.reports.schemas import MONTH_PATTERN

# Which rows a report has under the node asked for: these, or a named level of the office tree
# (district, range, zone, tehsil, ward, ...: whatever levels identity's offices there have).
LEVELS = ("child", "office", "post", "department")
MONTH = re.compile(MONTH_PATTERN)
MONTHS_SHOWN = 12  # the monthly report's flows: the month asked for and the eleven before
CalendarOf = Callable[[str, int], Calendar]  # (state id, year) -> that year's calendar


def rows_of(
    db: Db,
    node: str,
    level: str | None,
    department: str | None,
    named: Callable[[], Mapping[str, str]] = dict,
) -> list[dict[str, Any]]:
    """The node asked for (first) and the rows under it at ``level``, within ``department``.
    ``named()`` gives the offices under the node by id with their named level (asked only for
    a level that is not one of LEVELS)."""
    here = store.office(db, node)
    if here is None:
        raise NotFound("OFFICE_NOT_FOUND", {"office": node})
    level_of: Mapping[str, str] = {}
    if level is not None and level not in LEVELS:
        level_of = named()
        if level not in level_of.values():
            levels = [*LEVELS, *sorted(set(level_of.values()))]
            raise Refused("UNKNOWN_LEVEL", {"level": level, "levels": levels})
    if department is not None:
        known = store.office(db, department)
        if known is None or len(known["path"]) != 2:
            raise NotFound("DEPARTMENT_NOT_FOUND", {"department": department})
    under: list[dict[str, Any]] = []
    if level == "child":
        under = store.nodes_right_under(db, node)
    elif level in ("office", "post"):
        posts = level == "post"
        under = [
            n
            for n in store.nodes_under(db, node)
            if n["_id"] != node and n["_id"].startswith(POST_NODE) == posts
        ]
    elif level == "department":
        under = [n for n in store.nodes_right_under(db, here["path"][0]) if len(n["path"]) == 2]
    elif level is not None:  # a named level: every office of it under the node
        under = [
            n
            for n in store.nodes_under(db, node)
            if n["_id"] != node and level_of.get(n["_id"]) == level
        ]
    if department is not None:
        under = [n for n in under if department in n["path"]]
    return [here, *sorted(under, key=lambda n: n["_id"])]


def pendency(
    db: Db, nodes: list[dict[str, Any]], calendar_of: CalendarOf, now: datetime
) -> list[dict[str, Any]]:
    """Pending items per node by age in working days, kind, priority and rule stage."""
    rows = []
    for n in nodes:
        row = pendency_row(
            n["_id"],
            store.pending_counts_at(db, n["_id"]),
            partial(_calendar_for_day, calendar_of, n["path"][0]),
            now,
        )
        rows.append({**row, "path": n["path"]})
    return rows


def adoption(db: Db, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per node: staff onboarded with Gov ID, VPN and DSC (counts and shares), receipts and
    files created and the share of them made electronically, movements, the first day of work
    seen, the trend by ISO week; ranked (among the rows below the first) by receipts and files
    created."""
    rows = []
    for n in nodes:
        staff = store.staff_at(db, n["_id"])
        onboarded = sum(v for k, v in staff.items() if k[0] == "1")
        held = {
            what: sum(v for k, v in staff.items() if k[0] == "1" and k[i] == "1")
            for i, what in ((1, "vpn"), (2, "dsc"))
        }
        days = store.daily_at(db, n["_id"])
        total = next((d for d in days if d["day"] == "all"), {})
        dated = sorted(d for d in (d["day"] for d in days) if d != "all")
        weeks: dict[str, dict[str, int]] = {}
        for d in days:
            if d["day"] != "all":
                year, week, _ = date.fromisoformat(d["day"]).isocalendar()
                row = weeks.setdefault(f"{year}-W{week:02d}", {})
                for f in ("receipts_created", "files_created", "paper_items", "movements"):
                    row[f] = row.get(f, 0) + d.get(f, 0)
        rows.append(
            {
                "node": n["_id"],
                "path": n["path"],
                "staff_onboarded": onboarded,
                "staff_with_vpn": held["vpn"],
                "staff_with_dsc": held["dsc"],
                "share_with_vpn": round(held["vpn"] / onboarded, 3) if onboarded else 0.0,
                "share_with_dsc": round(held["dsc"] / onboarded, 3) if onboarded else 0.0,
                **{f: total.get(f, 0) for f in effects.FLOWS},
                "share_electronic": share_electronic(total),
                "first_day": dated[0] if dated else None,
                "weeks": [{"week": w, **c} for w, c in sorted(weeks.items())],
            }
        )
    made = sorted(rows[1:], key=lambda r: -(r["receipts_created"] + r["files_created"]))
    for rank, row in enumerate(made, 1):
        row["rank"] = rank
    return rows


def monthly(db: Db, node: str) -> list[dict[str, Any]]:
    """Month by month: receipts and files created, items received and sent, files closed."""
    months: dict[str, dict[str, Any]] = {}
    for d in store.daily_at(db, node):
        if d["day"] != "all":
            row = months.setdefault(d["day"][:7], {"month": d["day"][:7]})
            for f in ("receipts_created", "files_created", "received", "sent", "closed"):
                row[f] = row.get(f, 0) + d.get(f, 0)
    return [months[m] for m in sorted(months)]


def register(db: Db, name: str, office: str, month: str | None) -> list[dict[str, Any]]:
    """An office's register (diary, files, dispatch, closed), oldest line first."""
    if name not in effects.REGISTERS:
        raise NotFound(
            "REGISTER_NOT_FOUND", {"register": name, "registers": list(effects.REGISTERS)}
        )
    lines = store.register_lines(db, name, office, month)
    return sorted(lines, key=lambda line: (line["at"], line["id"]))


def monthly_report(
    db: Db,
    nodes: list[dict[str, Any]],
    calendar_of: CalendarOf,
    now: datetime,
    month: str | None,
    lang: str,
) -> dict[str, Any]:
    """What the monthly district report shows for ``nodes`` (an office, then its posts):
    pendency by age and past the rule, as of ``now``, for the office and each desk holding
    something; its adoption; its month-wise flows up to ``month`` (default: this month, IST)."""
    month = month or now.astimezone(IST).strftime("%Y-%m")
    if not MONTH.fullmatch(month):
        raise InvalidInput("MONTH_INVALID", {"month": month[:20], "expected": "YYYY-MM"})
    here = nodes[0]["_id"]
    names = {
        f"{POST_NODE}{i['post_id']}": i["post_name"].get(lang) or i["post_name"].get("en", "")
        for i in store.items_under(db, here)
    }
    rows = pendency(db, nodes, calendar_of, now)
    desks = [{**r, "name": names.get(r["node"], r["node"])} for r in rows[1:] if r["total"]]
    return {
        "office_id": here,
        "path": nodes[0]["path"],
        "month": month,
        "as_of": now.isoformat(timespec="seconds"),
        "office": rows[0],
        "desks": desks,
        "adoption": adoption(db, nodes[:1])[0],
        "months": [m for m in monthly(db, here) if m["month"] <= month][-MONTHS_SHOWN:],
    }


def share_electronic(total: dict[str, int]) -> float | None:
    """Of the receipts and files made, the share made electronically (None: none made yet)."""
    made = total.get("receipts_created", 0) + total.get("files_created", 0)
    return round(1 - total.get("paper_items", 0) / made, 3) if made else None


def late_list(
    db: Db, node: dict[str, Any], calendar_of: CalendarOf, now: datetime
) -> list[dict[str, Any]]:
    """The items past the seven-working-day rule under a node (an office, a department, or
    one desk ``post:<id>``), longest held first."""
    here = node["_id"]
    if here.startswith(POST_NODE):
        office = node["path"][-2]
        items = [i for i in store.items_under(db, office) if POST_NODE + i["post_id"] == here]
    else:
        items = store.items_under(db, here)
    return longest_first(listed(i, calendar_of, now) for i in items if is_late(i))


def pending_with_others(
    db: Db, desk: str, calendar_of: CalendarOf, now: datetime
) -> list[dict[str, Any]]:
    """The items made at a desk (``post:<id>``) and now pending at others, longest first."""
    post = desk.removeprefix(POST_NODE)
    mine = store.made_at(db, post)
    return longest_first(listed(i, calendar_of, now) for i in mine if waits_elsewhere(i, post))


def _calendar_for_day(calendar_of: CalendarOf, state: str, day: date) -> Calendar:
    return calendar_of(state, day.year)
