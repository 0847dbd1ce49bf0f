"""Reports for supervisors and HQ: pendency, adoption, month-wise flows and registers for any
node of the office tree within the caller's scope, as JSON, CSV or XLSX, the monthly district
report as a PDF, and the HQ feed of what changed since the last pull."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.errors import InvalidInput, NotFound
from common.validation import whole_number
from gateway.api import api
from gateway.api.common import caller
from gateway.openapi import choice, documented
from gateway.rpc import long_rpc, rpc
from gateway.uploads import download
from services.reports.schemas import (
    MONTH_PATTERN,
    Changes,
    LateItems,
    LeavePending,
    LeaveTaken,
    Monthly,
    NodeRows,
    Pendency,
    PendingWithOthers,
    Register,
)

Query = dict[str, str | tuple[str, dict[str, Any]]]
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV, "xlsx": XLSX}  # beside JSON
NODE: Query = {
    "office": "an office id, a department, or post:<id> (default: the top of your part of the "
    "tree, or your own desk); outside your scope it does not exist (404)",
}
ROWS: Query = {
    **NODE,
    "level": (
        "rows under it: the offices right under (child), every office (office), every post "
        "(post), the departments of its state (department), or every office of a named level "
        "of the tree there (district, range, zone, tehsil, ward, ...: an unknown one is refused "
        "with the levels there are)",
        {"type": "string", "maxLength": 40, "examples": ["child", "post", "district", "range"]},
    ),
    "department": "only rows within this department (the office id of the department)",
}
REGISTER: Query = {**NODE, "month": "YYYY-MM (default: every month)"}
ERRORS = (400, 403, 404, 422)
YEAR = {"type": "integer", "minimum": 2000, "maximum": 2099}


@api.get("/reports/pendency")
@documented(
    "Items pending per post in an office and below",
    response=Pendency,
    query={
        "office": "office id (default: yours; others need HQ viewer or admin, and count only "
        "what waits within that grant's scope)"
    },
    errors=(403,),
)
def pendency() -> Response:
    return jsonify(rpc().reports.pendency(caller(), request.args.get("office") or None))


def report_args(*names: str) -> dict[str, str | None]:
    """The report's query arguments by name, an empty one as None (the API and the screens)."""
    return {name: request.args.get(name) or None for name in names}


def _by_age() -> dict[str, Any]:
    a = report_args("office", "level", "department")
    return rpc().reports.pendency_by_age(caller(), a["office"], a["level"], a["department"])


def _adoption() -> dict[str, Any]:
    a = report_args("office", "level", "department")
    return rpc().reports.adoption(caller(), a["office"], a["level"], a["department"])


def _late() -> dict[str, Any]:
    return rpc().reports.late_items(caller(), report_args("office")["office"])


def _with_others() -> dict[str, Any]:
    return rpc().reports.pending_with_others(caller(), report_args("post")["post"])


def _monthly() -> dict[str, Any]:
    return rpc().reports.monthly(caller(), report_args("office")["office"])


def _register(register: str) -> dict[str, Any]:
    a = report_args("office", "month")
    return rpc().reports.register(caller(), register, a["office"], a["month"])


@api.get("/reports/pendency/ages")
@documented(
    "Pending items by age in working days (0-7, 8-15, 16-30, over 30), kind, priority and "
    "the seven-working-day rule's stage, for a node and the rows under it",
    response=NodeRows,
    query=ROWS,
    errors=ERRORS,
)
def pendency_by_age() -> Response:
    return jsonify(_by_age())


@api.get("/reports/pendency/ages.<fmt>")
@documented("Pending items by age, as CSV or XLSX", binary=(CSV, XLSX), query=ROWS, errors=ERRORS)
def pendency_by_age_export(fmt: str) -> Response:
    return export_table(fmt, "pendency", lambda: _by_age()["rows"])


@api.get("/reports/pendency/late")
@documented(
    "The late list: items held past the seven-working-day rule under a node, longest held "
    "first, each with its desk, working days held, the rule's stage and whether its holder "
    "has explained (items are named by number, never by subject)",
    response=LateItems,
    query=NODE,
    errors=ERRORS,
)
def late_items() -> Response:
    return jsonify(_late())


@api.get("/reports/pendency/late.<fmt>")
@documented("The late list, as CSV or XLSX", binary=(CSV, XLSX), query=NODE, errors=ERRORS)
def late_items_export(fmt: str) -> Response:
    return export_table(fmt, "late-items", lambda: _late()["items"])


DESK: Query = {
    "post": "a post id (default: your first post); another desk's only if you see its office "
    "in reports, else it does not exist (404)"
}


@api.get("/reports/pending-with-others")
@documented(
    "Items pending with others: what a desk diarised or opened that now waits at other desks, "
    "each with where it waits, since when and for how many working days, longest first",
    response=PendingWithOthers,
    query=DESK,
    errors=ERRORS,
)
def pending_with_others() -> Response:
    return jsonify(_with_others())


@api.get("/reports/pending-with-others.<fmt>")
@documented(
    "Items pending with others, as CSV or XLSX", binary=(CSV, XLSX), query=DESK, errors=ERRORS
)
def pending_with_others_export(fmt: str) -> Response:
    return export_table(fmt, "pending-with-others", lambda: _with_others()["items"])


@api.get("/reports/adoption")
@documented(
    "Adoption: staff onboarded with Gov ID, VPN and DSC, e-receipts and e-files created, "
    "movements, first day of work and the weekly trend, ranked",
    response=NodeRows,
    query=ROWS,
    errors=ERRORS,
)
def adoption() -> Response:
    return jsonify(_adoption())


@api.get("/reports/adoption.<fmt>")
@documented("Adoption, as CSV or XLSX", binary=(CSV, XLSX), query=ROWS, errors=ERRORS)
def adoption_export(fmt: str) -> Response:
    return export_table(fmt, "adoption", lambda: _adoption()["rows"])


@api.get("/reports/monthly")
@documented(
    "Month by month: created, received, sent and closed",
    response=Monthly,
    query=NODE,
    errors=ERRORS,
)
def monthly() -> Response:
    return jsonify(_monthly())


@api.get("/reports/monthly.<fmt>")
@documented("Month by month, as CSV or XLSX", binary=(CSV, XLSX), query=NODE, errors=ERRORS)
def monthly_export(fmt: str) -> Response:
    return export_table(fmt, "monthly", lambda: _monthly()["months"])


@api.get("/reports/monthly-report.pdf")
@documented(
    "The monthly district report as a PDF: the office's pending items by age and by desk, "
    "items held past seven working days and whether each desk explained them (as of now), "
    "adoption, and month-wise receipts and files made, received, sent and closed up to the "
    "month",
    binary="application/pdf",
    query={
        **NODE,
        "month": ("YYYY-MM (default: this month)", {"type": "string", "pattern": MONTH_PATTERN}),
        "lang": choice("in (default: yours)", "hi", "en"),
    },
    errors=ERRORS,
)
def monthly_report() -> Response:
    actor, a = caller(), report_args("office", "month", "lang")
    content = long_rpc().reports.monthly_report_pdf(
        actor, a["office"], a["month"], a["lang"] or actor["lang"]
    )
    return download(content, "application/pdf", f"monthly-report-{a['month'] or 'now'}.pdf")


@api.get("/reports/registers/<register>")
@documented(
    "An office's register: diary (receipts), files, dispatch or closed files",
    response=Register,
    query=REGISTER,
    errors=ERRORS,
)
def register(register: str) -> Response:
    return jsonify(_register(register))


@api.get("/reports/registers/<register>.<fmt>")
@documented(
    "An office's register, as CSV or XLSX", binary=(CSV, XLSX), query=REGISTER, errors=ERRORS
)
def register_export(register: str, fmt: str) -> Response:
    return export_table(fmt, f"register-{register}", lambda: _register(register)["lines"])


def leave_pending_report() -> dict[str, Any]:
    a = report_args("office", "level", "department")
    return rpc().reports.leave_pending(caller(), a["office"], a["level"], a["department"])


def year_arg() -> int | None:
    """The year asked for (None: this one), or LEAVE_YEAR_INVALID (the API and the screen)."""
    raw = report_args("year")["year"]
    year = None if raw is None else whole_number(raw)
    if raw is not None and year is None:
        raise InvalidInput("LEAVE_YEAR_INVALID")
    return year


def leave_taken_report() -> dict[str, Any]:
    a = report_args("office", "level", "department")
    return rpc().reports.leave_taken(caller(), a["office"], year_arg(), a["level"], a["department"])


@api.get("/reports/leave-pending")
@documented(
    "Leave applications waiting for officers under a node, by age in days since they reached "
    "the officer (0-7, 8-15, 16-30, over 30) and kind of leave: the node and the rows under "
    "it, and each officer's post with what waits there",
    response=LeavePending,
    query=ROWS,
    errors=ERRORS,
)
def leave_pending() -> Response:
    return jsonify(leave_pending_report())


@api.get("/reports/leave-taken")
@documented(
    "Days of leave taken in a year per office, by kind and month (the month the leave "
    "begins): days sanctioned, less those refunded when leave was cancelled or cut short",
    response=LeaveTaken,
    query={
        **ROWS,
        "year": ("the year, 2000-2099 (default: this one)", YEAR),
    },
    errors=ERRORS,
)
def leave_taken() -> Response:
    return jsonify(leave_taken_report())


@api.get("/reports/changes")
@documented(
    "The HQ feed: which offices' reports changed since your last pull. Without a cursor: "
    "a cursor to start from (pull every report once, then only what changes). A forged, "
    "expired (30 days) or other scope's cursor is refused (422, CURSOR_INVALID, "
    "CURSOR_EXPIRED, CURSOR_OTHER_SCOPE): pull again without one",
    response=Changes,
    query={
        "cursor": (
            "the cursor of your last pull",
            {"type": "string", "pattern": "^[A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$"},
        )
    },
    errors=(422,),
)
def changes() -> Response:
    return jsonify(rpc().reports.changes(caller(), request.args.get("cursor") or None))


def export_table(fmt: str, name: str, rows: Callable[[], list[dict[str, Any]]]) -> Response:
    """Rows as a CSV or XLSX download (the API's exports and the register screens')."""
    if fmt not in FORMATS:
        raise NotFound("UNKNOWN_FORMAT", {"format": fmt[:20], "formats": ["json", *FORMATS]})
    flat = [_flat(r) for r in rows()]
    content = table_xlsx(flat) if fmt == "xlsx" else table_csv(flat).encode()
    return Response(
        content,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _columns(flat: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for r in flat for k in r))


def table_csv(flat: list[dict[str, Any]]) -> str:
    """Flat rows as CSV, one column per key any row has."""
    out = io.StringIO()
    writer = csv.DictWriter(out, _columns(flat))
    writer.writeheader()
    writer.writerows(flat)
    return out.getvalue()


def table_xlsx(flat: list[dict[str, Any]]) -> bytes:
    """Flat rows as one XLSX sheet with the same columns as the CSV: counts and shares stay
    numbers, the header row stays in view when scrolling."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    columns = _columns(flat)
    sheet.append(columns)
    for number, row in enumerate(flat, 2):
        for column, key in enumerate(columns, 1):
            value = row.get(key)
            if isinstance(value, str):
                # Text stays text: a subject starting with "=" is never a formula, and a control
                # character (which XLSX cannot hold) is dropped rather than failing the export.
                cell = sheet.cell(number, column, ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
            else:
                sheet.cell(number, column, value)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV line: nested counts as ``ages.0-7``, a path as ``up/police/...``."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat[prefix + key] = "/".join(value)
        elif isinstance(value, list):
            flat[prefix + key] = json.dumps(value, ensure_ascii=False)
        else:
            flat[prefix + key] = value
    return flat
