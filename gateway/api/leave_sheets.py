"""Leave's sheets: the opening balances an office's admin or nodal officer uploads when its
people come onto the system (the per-row report is the answer)."""

from flask import Response, jsonify

from gateway.api import api
from gateway.api.common import caller
from gateway.api.people import XLSX, explained
from gateway.limits import limited, person_calling
from gateway.openapi import Upload, documented
from gateway.rpc import long_rpc
from gateway.uploads import uploaded_sheet
from services.leave.schemas import OpeningReport


@api.post("/leave/opening-balances")
@limited("upload", person_calling)
@documented(
    "Upload opening leave balances (an office's admin or nodal officer; multipart file field "
    "'sheet', XLSX or CSV: username or user id, kind of leave, balance in days, as on date). "
    "Checked row by row: a person unknown or outside your offices, a kind their department "
    "lacks, days that are not a number or negative, a second row for one person and kind are "
    "rejected with their reasons, and every good row becomes that person's opening balance of "
    "that kind as on that day (replacing an earlier one: uploading the same sheet again "
    "changes nothing)",
    upload=Upload("sheet", f"{XLSX}, text/csv"),
    response=OpeningReport,
    status=201,
    errors=(403, 413, 422, 429),
)
def upload_opening_balances() -> tuple[Response, int]:
    actor = caller()
    report = long_rpc().leave.upload_opening_balances(actor, uploaded_sheet())
    return jsonify(explained(report)), 201
