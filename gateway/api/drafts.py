"""Drafts for approval, signing on the officer's token, issue, dispatch, and public
verification."""

import base64

from flask import Response, jsonify, request

from common.errors import InvalidInput, UnsupportedMedia
from common.tokens import signing_audience
from gateway.api import api
from gateway.api.common import caller, json_body, page_limit
from gateway.auth import bearer_actor
from gateway.limits import limited, person_calling
from gateway.openapi import Upload, choice, documented, page_size
from gateway.rpc import long_rpc, rpc
from gateway.signer import ReadyToSign, ready_to_sign
from gateway.uploads import download, form_fields, uploaded_pdf_b64
from gateway.verification import explained_report, verify_issued
from services.files.schemas import (
    ApproveDraft,
    DispatchDraft,
    DispatchRegister,
    DraftVersionRequest,
    EFile,
    NewDraft,
    SignDraft,
)
from services.signing.schemas import Completed, Completion, Prepared

DRAFT = "/files/<file_id>/drafts/<draft_id>"


def body_and_pdf() -> tuple[dict, str | None]:
    """A JSON body, or a form with an optional 'pdf' file."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {k: v for k, v in form_fields().items() if k != "csrf_token"}, uploaded_pdf_b64()
    return json_body(), None


@api.post("/files/<file_id>/drafts")
@documented(
    "Write a draft letter or order on a file you hold (JSON, or a form with its PDF)",
    body=NewDraft,
    upload=Upload("pdf", "application/pdf", NewDraft, optional=True),
    response=EFile,
    status=201,
    errors=(404, 409, 413, 415),
)
def create_draft(file_id: str) -> tuple[Response, int]:
    actor = caller()
    fields, pdf = body_and_pdf()
    return jsonify(long_rpc().files.create_draft(actor, file_id, fields, pdf)), 201


@api.post(f"{DRAFT}/versions")
@documented(
    "A new version of a draft (new text, or a new PDF); an earlier approval lapses",
    body=DraftVersionRequest,
    upload=Upload("pdf", "application/pdf", DraftVersionRequest, optional=True),
    response=EFile,
    errors=(404, 409, 413, 415),
)
def add_draft_version(file_id: str, draft_id: str) -> Response:
    actor = caller()
    fields, pdf = body_and_pdf()
    return jsonify(long_rpc().files.add_draft_version(actor, file_id, draft_id, fields, pdf))


@api.post(f"{DRAFT}/approve")
@documented(
    "Approve the version you read (an officer holding the file); fixes its issue number",
    body=ApproveDraft,
    response=EFile,
    errors=(404, 409),
)
def approve_draft(file_id: str, draft_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.approve_draft(actor, file_id, draft_id, json_body()))


@api.post(f"{DRAFT}/sign")
@documented(
    "Prepare your signature (after your password or TOTP again): answers what your token "
    "must sign, a token good for this signing only, and the link and command for eoffice-signer, "
    "which signs on your token and sends the signature to /signing/{id}/complete",
    body=SignDraft,
    response=ReadyToSign,
    errors=(401, 404, 409, 422),
)
def sign_draft(file_id: str, draft_id: str) -> Response:
    actor = caller()
    prepared = long_rpc().files.sign_draft(actor, file_id, draft_id, json_body())
    return jsonify(ready_to_sign(actor, prepared))


@api.post(f"{DRAFT}/paper-signed")
@documented(
    "Without a DSC: upload the scan of the approved draft signed in ink (form field 'pdf')",
    upload=Upload("pdf", "application/pdf"),
    response=EFile,
    errors=(404, 409, 413, 415),
)
def sign_on_paper(file_id: str, draft_id: str) -> Response:
    actor = caller()  # a missing scan is refused after "may you see it, do you hold it"
    pdf = uploaded_pdf_b64() if request.mimetype == "multipart/form-data" else None
    return jsonify(long_rpc().files.sign_on_paper(actor, file_id, draft_id, pdf))


@api.post(f"{DRAFT}/issue")
@documented(
    "Issue a signed letter under its number (a paper-signed scan is sealed first)",
    response=EFile,
    errors=(404, 409),
)
def issue_draft(file_id: str, draft_id: str) -> Response:
    actor = caller()
    return jsonify(long_rpc().files.issue_draft(actor, file_id, draft_id))


@api.post(f"{DRAFT}/dispatch")
@documented(
    "Dispatch an issued letter by email or by post; entered in the dispatch register",
    body=DispatchDraft,
    response=EFile,
    errors=(400, 404, 409),
)
def dispatch_draft(file_id: str, draft_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.dispatch_draft(actor, file_id, draft_id, json_body()))


@api.get(f"{DRAFT}/pdf")
@documented(
    "A draft's PDF: its latest version, the signed one, or the issued one",
    binary="application/pdf",
    query={"which": choice("which version (default: latest)", "latest", "signed", "issued")},
    errors=(404,),
)
def draft_pdf(file_id: str, draft_id: str) -> Response:
    actor = caller()
    which = request.args.get("which", "latest")
    content = long_rpc().files.draft_document(actor, file_id, draft_id, which)
    return download(content, "application/pdf", f"draft-{draft_id[:8]}-{which}.pdf")


@api.get("/dispatch-register")
@documented(
    "The outward (dispatch) register of my office, newest first: letters of the files I may see",
    response=DispatchRegister,
    query={"limit": page_size(500)},
    errors=(400,),
)
def dispatch_register() -> Response:
    return jsonify(rpc().files.dispatch_register(caller(), page_limit(500, "BAD_REGISTER_LIMIT")))


# --- the token signer's side ------------------------------------------------------------------


def signer(signing_id: str) -> dict:
    """The officer's signer, with the token identity made for this one signing
    (``signing_token`` of the prepare answer): a session's access token, or another signing's,
    is refused here."""
    return bearer_actor(signing_audience(signing_id))


@api.get("/signing/<signing_id>")
@documented(
    "A signing you prepared: what the token must sign (fetched by eoffice-signer, with the "
    "token good for this signing only)",
    response=Prepared,
    errors=(401, 404),
)
def prepared_signing(signing_id: str) -> Response:
    return jsonify(rpc().signing.prepared(signer(signing_id), signing_id))


@api.post("/signing/<signing_id>/complete")
@documented(
    "The token's signature: checked against your enrolled DSC, embedded, once, in time, "
    "while the draft still waits for it (with the token good for this signing only)",
    body=Completion,
    response=Completed,
    errors=(401, 404, 409, 422),
)
def complete_signing(signing_id: str) -> Response:
    actor = signer(signing_id)
    return jsonify(long_rpc().signing.complete(actor, signing_id, json_body()))


# --- public verification ----------------------------------------------------------------------


@api.post("/verify")
@limited("verification", person_calling)
@documented(
    "Anyone: upload a signed PDF (form field 'pdf', or the PDF as the body) for a report "
    "on each of its signatures (at most 20)",
    upload=Upload("pdf", "application/pdf", raw=True),
    public=True,
    errors=(400, 413, 415, 422, 429),
)
def verify_upload() -> Response:
    content: str | None
    if request.mimetype == "application/pdf":
        content = base64.b64encode(request.get_data()).decode()
    elif request.mimetype == "multipart/form-data":
        content = uploaded_pdf_b64()
        if content is None:
            raise InvalidInput("PDF_MISSING")
    else:
        raise UnsupportedMedia("UNSUPPORTED_MEDIA_TYPE")
    return jsonify(explained_report(long_rpc().signing.verify(content)))


@api.get("/verify/<issue_number>")
@limited("verification", person_calling)
@documented(
    "Anyone with the letter: the verification report of the letter issued under this number. "
    "The code printed beside the number is required; without it, or with a wrong one, the "
    "answer is the same 404 as for a number never issued",
    public=True,
    query={"code": "the verification code printed beside the number (required)"},
    errors=(404, 429),
)
def verify_issue(issue_number: str) -> Response:
    return jsonify(verify_issued(issue_number, request.args.get("code")))
