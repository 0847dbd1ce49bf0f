"""The record room: scanned legacy files uploaded in batches, a batch's progress row by row,
and the recorded files due for review (JSON, CSV, XLSX)."""

import base64
from typing import Any

from flask import Response, jsonify, request
from flask_babel import force_locale

from common.errors import InvalidInput
from gateway.api import api
from gateway.api.common import caller
from gateway.api.reports import CSV, XLSX, export_table, report_args
from gateway.limits import limited, person_calling
from gateway.messages import message_for
from gateway.openapi import Upload, documented
from gateway.rpc import long_rpc, rpc
from gateway.uploads import form_fields
from services.files.record_schemas import LegacyRecord, RecordBatch, RecordsDue

UPLOADS = "application/zip, application/pdf, text/csv, " + XLSX
DUE: dict[str, str | tuple[str, dict[str, Any]]] = {
    "from": ("review dates from (YYYY-MM-DD)", {"type": "string", "format": "date"}),
    "to": ("review dates up to (YYYY-MM-DD; default: today)", {"type": "string", "format": "date"}),
    "section": "only files of this section (as the sheet or the head named it)",
}


def explained_batch(batch: dict[str, Any]) -> dict[str, Any]:
    """Each refused row's reason in English and Hindi (a batch report is kept and shared)."""
    for row in batch["rows"]:
        if row.get("code"):
            reason = {}
            for lang in ("en", "hi"):
                with force_locale(lang):
                    reason[lang] = message_for(row["code"])
            row["reason"] = reason
    return batch


def record_upload() -> dict[str, Any]:
    """The uploaded file (field 'file') and the form's fields, as files takes them."""
    upload = request.files.get("file")
    content = upload.read() if upload is not None else b""
    if upload is None or not content:
        raise InvalidInput("RECORDS_UPLOAD_MISSING")
    return {
        "filename": upload.filename or "",
        "content_b64": base64.b64encode(content).decode(),
        "fields": {k: v for k, v in form_fields().items() if k != "csrf_token"},  # a page's
    }


@api.post("/records/batches")
@limited("records", person_calling)
@documented(
    "Record scanned legacy files (multipart, file field 'file'): a ZIP of PDFs with its sheet "
    "records.xlsx or records.csv (columns: old file number, subject, year, section, retention "
    "category, file name [, grading]); a sheet alone (its PDFs then follow one by one with "
    "batch_id; the same sheet again answers its batch, to resume); a PDF into a batch "
    "(batch_id); or one PDF with its fields. Answers the batch, each row recorded, already "
    "recorded, waiting for its PDF, or refused with a code and a reason in English and Hindi",
    upload=Upload("file", UPLOADS, LegacyRecord),
    response=RecordBatch,
    status=201,
    errors=(400, 404, 409, 413, 429),
)
def record_batch() -> tuple[Response, int]:
    actor, upload = caller(), record_upload()
    return jsonify(explained_batch(long_rpc().files.record_batch(actor, upload))), 201


@api.get("/records/batches/<batch_id>")
@documented(
    "A batch's progress (rows done of total) and its rows, for the post that uploaded it and "
    "the posts above it",
    response=RecordBatch,
    errors=(404,),
)
def record_batch_report(batch_id: str) -> Response:
    return jsonify(explained_batch(rpc().files.record_batch_report(caller(), batch_id)))


def records_due() -> dict[str, Any]:
    return rpc().files.records_due(caller(), report_args("from", "to", "section"))


@api.get("/records/due-for-review")
@documented(
    "Recorded files (scanned legacy files too) you may see whose review date falls in the "
    "dates asked, soonest first",
    response=RecordsDue,
    query=DUE,
    errors=(400,),
)
def due_for_review() -> Response:
    return jsonify(records_due())


@api.get("/records/due-for-review.<fmt>")
@documented(
    "Recorded files due for review, as CSV or XLSX", binary=(CSV, XLSX), query=DUE, errors=(400,)
)
def due_for_review_export(fmt: str) -> Response:
    return export_table(fmt, "records-due-for-review", lambda: records_due()["items"])
