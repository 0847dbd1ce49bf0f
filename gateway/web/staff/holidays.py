"""The state's holiday calendar: the year's holidays as the working-day clock counts them,
the template sheet, and the state admin's upload answered with its per-row report."""

import base64
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as Redirect

from common.clock import IST
from common.errors import OfficeError
from gateway.limits import limited, person_calling
from gateway.messages import message_for
from gateway.rpc import long_rpc, rpc
from gateway.web.common import hindi
from gateway.web.staff.common import XLSX, actor, back, refused
from services.identity.domain.calendar import FIRST_YEAR, HOLIDAY_SHEET, LAST_YEAR

pages = Blueprint("holidays", __name__)

KINDS = {
    "gazetted": _l("Gazetted"),
    "restricted": _l("Restricted (not counted)"),
    "reject": _l("Rejected"),
}


def _year() -> int:
    """The year asked for (``?year=``), this year in India unless a sensible one is given."""
    raw = request.args.get("year", "")
    if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return datetime.now(IST).year


def holiday_column(field: str) -> str:
    """A holiday sheet field as the template's heading says it, in the reader's language."""
    column = next((c for c in HOLIDAY_SHEET.columns if c.field == field), None)
    if column is None:
        return field
    return column.hi if hindi() else column.en


def _page(year: int, report: dict[str, Any] | None = None) -> str:
    calendar = (report or {}).get("calendar") or rpc().identity.holiday_calendar(
        actor(), None, year
    )
    return render_template(
        "staff/holidays.html",
        calendar=calendar,
        report=report,
        year=year,
        kind_label=lambda kind: str(KINDS.get(kind, kind)),
        holiday_column=holiday_column,
    )


@pages.get("/staff/holidays")
def holidays() -> str:
    return _page(_year())


@pages.get("/staff/holidays/template.xlsx")
def holiday_template() -> Response:
    year = _year()
    return Response(
        base64.b64decode(rpc().identity.holiday_template(year)),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="holidays-{year}.xlsx"'},
    )


@pages.post("/staff/holidays/<state_id>/<int:year>")
@limited("upload", person_calling)
def upload_calendar(state_id: str, year: int) -> ResponseReturnValue:
    """The report is shown in this answer (nothing to come back to when no row was kept); a
    reload lands on the year's calendar."""
    upload = request.files.get("sheet")
    content = upload.read() if upload else b""
    if not upload or not content:
        flash(message_for("SHEET_NOT_SPREADSHEET"), "error")
        return back("staff.holidays.holidays", year=year)
    sheet = {
        "filename": upload.filename or "",
        "content_b64": base64.b64encode(content).decode(),
        "second_saturday": "second_saturday" in request.form,
        "fourth_saturday": "fourth_saturday" in request.form,
    }
    try:
        report = long_rpc().identity.upload_holiday_calendar(actor(), state_id, year, sheet)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.holidays.holidays", year=year)
    return _page(year, report)


@pages.get("/staff/holidays/<state_id>/<int:year>")
def uploaded_calendar(state_id: str, year: int) -> Redirect:
    """Reloading or switching language after an upload lands on the year's calendar."""
    return back("staff.holidays.holidays", year=year)
