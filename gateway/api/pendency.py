"""The seven-working-day rule: the holder's explanation of a late receipt or file, and an
office's thresholds (read by anyone signed in; set by its admin or nodal officer)."""

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller, json_body, versioned_body
from gateway.openapi import documented
from gateway.rpc import rpc
from services.files.schemas import (
    DelayExplanation,
    EFile,
    PendencyRule,
    PendencyThresholds,
    Receipt,
)


@api.post("/receipts/<receipt_id>/explanation")
@documented(
    "Explain why a receipt you hold has been with you long (from the office's day of "
    "explanation, 8 working days by default, it moves on only once explained): one line in "
    "its history",
    body=DelayExplanation,
    response=Receipt,
    errors=(404, 409, 422),
)
def explain_receipt_delay(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.explain_receipt_delay(actor, receipt_id, versioned_body()))


@api.post("/files/<file_id>/explanation")
@documented(
    "Explain why a file you hold has been with you long (from the office's day of explanation, "
    "8 working days by default, it moves on only once explained): one line in its history, "
    "shown on the note side",
    body=DelayExplanation,
    response=EFile,
    errors=(404, 409, 422),
)
def explain_file_delay(file_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.explain_file_delay(actor, file_id, versioned_body()))


@api.get("/pendency-thresholds")
@documented(
    "The thresholds of the seven-working-day rule in an office (default: your own), in working "
    "days held: warning, explanation required, escalation, and every how many days more it "
    "goes a level up. An office that set none has its parent's, or the defaults 5, 8, 10, 5",
    query={"office_code": "the office's code (default: your own office)"},
    response=PendencyRule,
    errors=(404,),
)
def pendency_thresholds() -> Response:
    actor = caller()
    return jsonify(rpc().files.pendency_thresholds(actor, request.args.get("office_code")))


@api.put("/pendency-thresholds")
@documented(
    "Set an office's thresholds of the seven-working-day rule (its admin or nodal officer); "
    "each stage on or after the one before",
    body=PendencyThresholds,
    response=PendencyRule,
    errors=(403, 404, 422),
)
def set_pendency_thresholds() -> Response:
    actor = caller()
    return jsonify(rpc().files.set_pendency_thresholds(actor, json_body()))
