"""Dak: diarise, receive, open, correct, send (with copies), reply, close, history,
documents."""

from flask import Response, jsonify, request

from common.errors import UnsupportedMedia
from gateway.api import api
from gateway.api.common import caller, versioned_body
from gateway.limits import limited, pdf_attached, person_calling
from gateway.openapi import Upload, documented
from gateway.rpc import rpc
from gateway.uploads import form_fields, pdf_response, uploaded_pdf_b64
from services.files.schemas import (
    ChainCheck,
    DiariseReceipt,
    DocumentText,
    EditReceipt,
    History,
    Receipt,
    ReceiptAction,
    Reply,
    SendReceipt,
)


@api.post("/receipts")
@limited("upload", person_calling, when=pdf_attached)
@documented(
    "Diarise a receipt (multipart form; file field 'pdf', which a physical letter may omit)",
    upload=Upload("pdf", "application/pdf", DiariseReceipt, optional_when="physical"),
    response=Receipt,
    headers={
        "Idempotency-Key": (
            "a key of your own for this letter (1-200 visible ASCII characters): a retry with "
            "the same key answers with the receipt the first try made and diarises nothing new",
            {"type": "string", "pattern": "^[!-~]{1,200}$"},
        )
    },
    status=201,
    errors=(409, 413, 415, 422, 429),
)
def diarise() -> tuple[Response, int]:
    # A form; a physical letter without a scan may come as a plain (url-encoded) one.
    if request.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UnsupportedMedia("UNSUPPORTED_MEDIA_TYPE")
    actor = caller()
    receipt = rpc().files.diarise(
        actor, form_fields(), uploaded_pdf_b64(), request.headers.get("Idempotency-Key")
    )
    return jsonify(receipt), 201


@api.get("/receipts/<receipt_id>")
@documented("Open a receipt (the holder's first open is recorded)", response=Receipt, errors=(404,))
def receipt(receipt_id: str) -> Response:
    return jsonify(rpc().files.get_receipt(caller(), receipt_id))


@api.post("/receipts/<receipt_id>/send")
@documented(
    "Send a receipt you hold to another post",
    body=SendReceipt,
    response=Receipt,
    errors=(404, 409, 422),
)
def send_receipt(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.send_receipt(actor, receipt_id, versioned_body()))


@api.patch("/receipts/<receipt_id>")
@documented(
    "Correct a receipt you hold (its dates and delivery mode are fixed at diarisation)",
    body=EditReceipt,
    response=Receipt,
    errors=(404, 409, 422),
)
def edit_receipt(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.edit_receipt(actor, receipt_id, versioned_body()))


@api.post("/receipts/<receipt_id>/receive")
@documented(
    "Confirm that a physical letter marked to your desk has reached it",
    body=ReceiptAction,
    body_optional=True,
    response=Receipt,
    errors=(404, 409),
)
def receive_receipt(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.receive_receipt(actor, receipt_id, versioned_body(optional=True)))


@api.post("/receipts/<receipt_id>/reply")
@documented(
    "Draft a reply to a receipt you hold (a draft letter to its sender)",
    body=Reply,
    response=Receipt,
    errors=(404, 409),
)
def reply_to_receipt(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.reply_to_receipt(actor, receipt_id, versioned_body()))


@api.post("/receipts/<receipt_id>/drafts/<draft_id>/discard")
@documented("Discard an unsigned draft reply", response=Receipt, errors=(404, 409))
def discard_receipt_draft(receipt_id: str, draft_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.discard_receipt_draft(actor, receipt_id, draft_id))


@api.post("/receipts/<receipt_id>/close")
@documented(
    "Close a receipt you hold (not while a reply to it has not gone out)",
    body=ReceiptAction,
    body_optional=True,
    response=Receipt,
    errors=(404, 409),
)
def close_receipt(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.close_receipt(actor, receipt_id, versioned_body(optional=True)))


@api.get("/receipts/<receipt_id>/history")
@documented(
    "Every action on the receipt, each entry chained to the one before by SHA-256",
    response=History,
    errors=(404,),
)
def receipt_history(receipt_id: str) -> Response:
    return jsonify(rpc().files.receipt_history(caller(), receipt_id))


@api.get("/receipts/<receipt_id>/history/verify")
@documented("Check the receipt's history chain", response=ChainCheck, errors=(404,))
def verify_receipt_history(receipt_id: str) -> Response:
    return jsonify(rpc().files.verify_receipt_history(caller(), receipt_id))


@api.get("/documents/<sha256>")
@documented("A stored PDF, by the SHA-256 of its bytes", binary="application/pdf", errors=(404,))
def document(sha256: str) -> Response:
    return pdf_response(rpc().files.document(caller(), sha256), sha256)


@api.get("/documents/<sha256>/text")
@documented(
    "The words read out of a stored PDF (its text layer, or OCR of its pages), and how far "
    "reading it has got: queued, reading, done, or failed with the reason",
    response=DocumentText,
    errors=(404,),
)
def document_text(sha256: str) -> Response:
    return jsonify(rpc().files.document_text(caller(), sha256))
