"""Dak: diarise, open, send, history, documents."""

import base64

from flask import Response, jsonify, request

from common.errors import InvalidInput, UnsupportedMedia
from gateway.api import api
from gateway.api.common import caller, versioned_body
from gateway.openapi import documented
from gateway.rpc import rpc
from services.files.schemas import ChainCheck, DiariseReceipt, History, Receipt, SendReceipt


def form_fields() -> dict:
    """The form's text fields, without blanks (a blank optional field means 'not given')."""
    return {k: v for k, v in request.form.items() if v.strip()}


def uploaded_pdf_b64() -> str:
    upload = request.files.get("pdf")
    if upload is None:
        raise InvalidInput("PDF_MISSING")
    return base64.b64encode(upload.read()).decode()


@api.post("/receipts")
@documented(
    "Diarise an electronic receipt with its PDF (multipart form, file field 'pdf')",
    form=DiariseReceipt,
    response=Receipt,
    errors=(409, 413, 415),
)
def diarise():
    if not request.mimetype == "multipart/form-data":
        raise UnsupportedMedia("UNSUPPORTED_MEDIA_TYPE")
    actor = caller()
    return jsonify(rpc().files.diarise(actor, form_fields(), uploaded_pdf_b64())), 201


@api.get("/receipts/<receipt_id>")
@documented("Open a receipt (the holder's first open is recorded)", response=Receipt, errors=(404,))
def receipt(receipt_id):
    return jsonify(rpc().files.get_receipt(caller(), receipt_id))


@api.post("/receipts/<receipt_id>/send")
@documented(
    "Send a receipt you hold to another post", body=SendReceipt, response=Receipt, errors=(404, 409)
)
def send_receipt(receipt_id):
    actor = caller()
    return jsonify(rpc().files.send_receipt(actor, receipt_id, versioned_body()))


@api.get("/receipts/<receipt_id>/history")
@documented(
    "Every action on the receipt, each entry chained to the one before by SHA-256",
    response=History,
    errors=(404,),
)
def receipt_history(receipt_id):
    return jsonify(rpc().files.receipt_history(caller(), receipt_id))


@api.get("/receipts/<receipt_id>/history/verify")
@documented("Check the receipt's history chain", response=ChainCheck, errors=(404,))
def verify_receipt_history(receipt_id):
    return jsonify(rpc().files.verify_receipt_history(caller(), receipt_id))


@api.get("/documents/<sha256>")
@documented("A stored PDF, by the SHA-256 of its bytes", binary="application/pdf", errors=(404,))
def document(sha256):
    return pdf_response(rpc().files.document(caller(), sha256), sha256)


def pdf_response(content_b64: str, sha256: str) -> Response:
    return Response(
        base64.b64decode(content_b64),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{sha256[:16]}.pdf"',
            "Cache-Control": "private, max-age=86400",
        },
    )
