"""The reports screens: the SP's view of their district (pendency by desk and age in working
days, the desks holding items past the seven-working-day rule with how many are explained, each
late item by number, the month-by-month trend) and HQ's view (districts and departments ranked
by adoption and by late items, adoption week by week). They read the same reports calls as the
API, within the same scope: an SP their district, an HQ viewer their part of the state, a desk
its own posts."""

from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _

from common.errors import Forbidden, NotFound, OfficeError
from gateway.api.reports import report_args, year_arg
from gateway.auth import session_actor
from gateway.rpc import rpc
from gateway.web.charts import bar_chart
from gateway.web.common import local_name

pages = Blueprint("reports", __name__, url_prefix="/reports")

AGES = ("0-7", "8-15", "16-30", "over_30")


def _names(actor: dict[str, Any], top: str) -> dict[str, dict[str, Any]]:
    """The offices under ``top`` by id and by code, for their names and levels. A top identity
    does not show this person (a desk's post node) leaves the rows named by their ids."""
    try:
        offices = rpc().identity.offices_under(actor, top)["items"]
    except OfficeError:
        return {}
    return {key: o for o in offices for key in (o["id"], o["code"])}


def _label(row: dict[str, Any], names: dict[str, dict[str, Any]]) -> str:
    return local_name(names.get(row["node"])) or row["node"]


def made_electronically(row: dict[str, Any]) -> int:
    """e-Receipts and e-files: what was made, less the paper entered in the diary."""
    return int(row["receipts_created"] + row["files_created"] - row.get("paper_items", 0))


def late(row: dict[str, Any]) -> int:
    """Items past the seven-working-day rule, at any stage."""
    return sum(row["late"].values())


@pages.get("/")
def district() -> str:
    """The SP's view: their office (or the one asked for, within scope) desk by desk."""
    actor = session_actor()
    office = report_args("office")["office"]
    reports = rpc().reports
    ages = reports.pendency_by_age(actor, office, "post", None)
    node = ages["office_id"]
    top, desks = ages["rows"][0], ages["rows"][1:]
    posts = {} if node.startswith("post:") else _post_names(actor, node)
    # A desk the viewer cannot name (another district's, now empty) adds nothing to the table.
    desks = [r for r in desks if r["node"] in posts or r["total"]]
    for row in desks:
        row["label"] = posts.get(row["node"]) or row["node"].removeprefix("post:")
    months = reports.monthly(actor, node)["months"][-12:]
    late_items = reports.late_items(actor, node)["items"]
    with_others: list[dict[str, Any]] | None = None  # the viewer's own desk's, if any
    try:
        with_others = reports.pending_with_others(actor)["items"]
    except NotFound:  # the desk has done nothing yet that reports know of
        with_others = []
    except Forbidden:  # no post: no desk of one's own
        pass
    age_names = _age_names()
    return render_template(
        "reports/district.html",
        node=node,
        title=local_name(_names(actor, node).get(node)) or node,
        as_of=ages["as_of"],
        top=top,
        desks=desks,
        late_desks=[r for r in desks if late(r)],
        late_items=late_items,
        with_others=with_others,
        ages=AGES,
        age_names=age_names,
        months=months,
        late=late,
        age_chart=bar_chart(
            _("Pending items by age"), [(age_names[a], top["ages"][a]) for a in AGES]
        ),
        trend_chart=bar_chart(
            _("Items received per month"), [(m["month"], m["received"]) for m in months]
        ),
    )


def _post_names(actor: dict[str, Any], office: str) -> dict[str, str]:
    """Desk names (``post:<id>`` → name): the posts holding items, from the pendency call, and
    every post of the viewer's own district (a desk with nothing pending has a name too)."""
    names: dict[str, str] = {}
    try:
        for p in rpc().identity.markable_posts(actor)["items"]:
            names[f"post:{p['id']}"] = local_name(p)
        for p in rpc().reports.pendency(actor, office)["posts"]:
            names[f"post:{p['post_id']}"] = local_name(p["post_name"])
    except OfficeError:
        pass
    return names


def _age_names() -> dict[str, str]:
    return {
        "0-7": _("0–7 working days"),
        "8-15": _("8–15 working days"),
        "16-30": _("16–30 working days"),
        "over_30": _("Over 30 working days"),
    }


@pages.get("/hq")
def hq() -> str:
    """HQ's view: districts and departments in the viewer's part of the state, ranked."""
    actor = session_actor()
    office = report_args("office")["office"]
    reports = rpc().reports
    offices = reports.adoption(actor, office, "office", None)
    node = offices["office_id"]
    names = _names(actor, node)
    late_by = {
        r["node"]: late(r) for r in reports.pendency_by_age(actor, node, "office", None)["rows"]
    }
    districts = [
        r for r in offices["rows"][1:] if names.get(r["node"], {}).get("level") == "district"
    ]
    departments = reports.adoption(actor, node, "department", None)["rows"][1:]
    department_late = {
        r["node"]: late(r) for r in reports.pendency_by_age(actor, node, "department", None)["rows"]
    }
    for row in districts + departments:
        row["label"] = _label(row, names)
        row["live_since"] = names.get(row["node"], {}).get("live_since")
        row["made"] = made_electronically(row)
    for row in districts:
        row["late_items"] = late_by.get(row["node"], 0)
    for row in departments:
        row["late_items"] = department_late.get(row["node"], 0)
    by_adoption = sorted(districts, key=lambda r: -r["made"])
    departments.sort(key=lambda r: -r["made"])  # the chart in the table's order
    weeks = offices["rows"][0]["weeks"][-12:]
    return render_template(
        "reports/hq.html",
        title=_label(offices["rows"][0], names),
        by_adoption=by_adoption,
        by_late=sorted(districts, key=lambda r: -r["late_items"]),
        departments=departments,
        weeks=weeks,
        adoption_chart=bar_chart(
            _("e-Receipts and e-files made, by district"),
            [(r["label"], r["made"]) for r in by_adoption],
        ),
        department_chart=bar_chart(
            _("e-Receipts and e-files made, by department"),
            [(r["label"], r["made"]) for r in departments],
        ),
        weeks_chart=bar_chart(
            _("Work done electronically, week by week"),
            [(w["week"], made_electronically(w) + w["movements"]) for w in weeks],
        ),
    )


@pages.get("/leave")
def leave() -> str:
    """Leave in an office (the viewer's, or one asked for within scope): applications waiting
    at each officer by days since they reached them, and the days of leave taken in a year by
    month and kind, with the offices right under it."""
    actor = session_actor()
    year = year_arg()
    reports = rpc().reports
    pending = reports.leave_pending(actor, report_args("office")["office"], None, None)
    node = pending["office_id"]
    taken = reports.leave_taken(actor, node, year, "child", None)
    posts = {} if node.startswith("post:") else _post_names(actor, node)
    officers = pending["officers"]
    for row in officers:
        row["label"] = posts.get(f"post:{row['post_id']}") or row["post_id"]
    names = _names(actor, node)
    own, under = taken["rows"][0], taken["rows"][1:]
    for row in under:
        row["label"] = _label(row, names)
    kinds = sorted({k for m in own["months"] for k in m["kinds"]})
    return render_template(
        "reports/leave.html",
        node=node,
        title=local_name(names.get(node)) or node,
        as_of=pending["as_of"],
        waiting=pending["rows"][0],
        officers=officers,
        ages=AGES,
        age_names={
            "0-7": _("0–7 days"),
            "8-15": _("8–15 days"),
            "16-30": _("16–30 days"),
            "over_30": _("Over 30 days"),
        },
        year=taken["year"],
        own=own,
        kinds=kinds,
        under=[r for r in under if r["total"]],
    )
