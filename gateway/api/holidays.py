"""The holiday calendar of a state for a year: read by anyone signed in, uploaded as a sheet by
the state's admin (the per-row report is the answer)."""

from flask import Response, jsonify

from gateway.api import api
from gateway.api.common import caller
from gateway.api.people import XLSX, explained
from gateway.limits import limited, person_calling
from gateway.openapi import Upload, documented
from gateway.rpc import long_rpc, rpc
from gateway.uploads import form_fields, uploaded_sheet
from services.identity.calendar_schemas import HolidayCalendar, HolidayReport, Saturdays


@api.get("/holidays/<state_id>/<int:year>")
@documented(
    "A state's holiday calendar for a year (the state is the first office of any office's "
    "path): the gazetted holidays the working-day clock skips, the restricted ones (shown, "
    "never counted), which Saturdays are off, and who uploaded which version when. The default "
    "(no holidays, second Saturdays off) until one is uploaded",
    response=HolidayCalendar,
    errors=(404, 422),
)
def holiday_calendar(state_id: str, year: int) -> Response:
    return jsonify(rpc().identity.holiday_calendar(caller(), state_id, year))


@api.post("/holidays/<state_id>/<int:year>")
@limited("upload", person_calling)
@documented(
    "Upload the year's holiday sheet (state admin; multipart file field 'sheet', XLSX or CSV: "
    "date, holiday in English and in Hindi, kind gazetted or restricted) with which Saturdays "
    "are off. Checked row by row: bad rows are rejected with their reasons, the others become "
    "the year's calendar, replacing the previous one (kept in the history). A sheet with no "
    "good row changes nothing (applied: false)",
    upload=Upload("sheet", f"{XLSX}, text/csv", Saturdays),
    response=HolidayReport,
    status=201,
    errors=(403, 404, 413, 422, 429),
)
def upload_holiday_calendar(state_id: str, year: int) -> tuple[Response, int]:
    actor = caller()
    sheet = {**form_fields(), **uploaded_sheet()}
    report = long_rpc().identity.upload_holiday_calendar(actor, state_id, year, sheet)
    return jsonify(explained(report)), 201
