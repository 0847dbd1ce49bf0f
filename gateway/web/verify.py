"""The public verification of a signed letter, which needs no login: upload a PDF, or open the
address printed on the letter and give the code printed beside its number."""

import base64
import hashlib
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from common.errors import OfficeError
from gateway.limits import limited, person_calling
from gateway.messages import message_for
from gateway.rpc import long_rpc
from gateway.uploads import uploaded_pdf_b64
from gateway.verification import issued_document, verify_issued

pages = Blueprint("verify", __name__)

# What was added to a PDF after a signature, from the verifier's ``changes_after``.
CHANGES_AFTER = {
    "none": _l("Nothing was added to the file after this signature."),
    "lta_updates": _l("Only time-stamps and validation data were added after this signature."),
    "form_filling": _l("Further signatures were added after this one."),
    "annotations": _l("Comments or markings were added to the file after this signature."),
    "other": _l("The file was changed after this signature."),
    "appended_data": _l("Bytes were added to the end of the file after it was signed."),
    "unknown": _l("Whether the file changed after this signature could not be told."),
}
HARMLESS_CHANGES = ("none", "lta_updates", "form_filling")


def plain_report(report: dict[str, Any]) -> dict[str, Any]:
    """The verifier's report in plain words: a verdict, the reasons, and each signature."""
    signatures = []
    for s in report["signatures"]:
        changes = s["changes_after"] if s["changes_after"] in CHANGES_AFTER else "unknown"
        signatures.append(
            {
                **s,
                "changes_text": str(CHANGES_AFTER[changes]),
                "changes_ok": changes in HARMLESS_CHANGES,
            }
        )
    reasons = []
    if not signatures:
        reasons.append(_("This PDF carries no digital signature."))
    if any(not s["intact"] or not s["signature_valid"] for s in signatures):
        reasons.append(
            _("The letter was changed after it was signed: what you have is not what was signed.")
        )
    if report["appended_data"] or (signatures and not signatures[-1]["changes_ok"]):
        reasons.append(_("Something was added to the file after it was signed."))
    if any(s["intact"] and not s["trusted"] for s in signatures):  # else trust is not judged
        reasons.append(_("A signer's certificate does not lead to a trusted certifying authority."))
    return {"ok": report["ok"], "reasons": reasons, "signatures": signatures}


def _verify_page(status: int = 200, **context: Any) -> ResponseReturnValue:
    page = render_template("verify.html", **context)
    return page, status, {"Cache-Control": "no-store"}


@pages.route("/verify", methods=["GET", "POST"])
@limited("verification", person_calling, methods=["POST"])
def verify() -> ResponseReturnValue:
    """Anyone: upload a signed PDF and read who signed it and whether it is unchanged."""
    if request.method == "GET":
        number = request.args.get("issue_number", "").strip()
        if number:
            return redirect(
                url_for(
                    "verify.verify_issue",
                    issue_number=number,
                    code=request.args.get("code", "").strip(),
                )
            )
        return _verify_page()
    try:
        content = uploaded_pdf_b64()
        if content is None:
            return _verify_page(400, error=message_for("PDF_MISSING"))
        report = long_rpc().signing.verify(content)
    except OfficeError as exc:
        if exc.status >= 500:
            raise
        return _verify_page(exc.status, error=message_for(exc.code))
    issued = _compared_with_issue(content)
    return _verify_page(
        report=plain_report(report),
        filename=request.files["pdf"].filename,
        issued=issued,
    )


def _compared_with_issue(content_b64: str) -> dict[str, Any] | None:
    """Uploaded from an issued letter's page: is this the very file issued under it?"""
    number, code = request.form.get("issue_number", ""), request.form.get("code", "")
    if not (number and code):
        return None
    try:
        issued = issued_document(number, code)
    except OfficeError as exc:
        if exc.status >= 500:
            raise
        return None
    sha256 = hashlib.sha256(base64.b64decode(content_b64)).hexdigest()
    return {"issue_number": number, "same": sha256 == issued["sha256"]}


@pages.get("/verify/<issue_number>")
@limited("verification", person_calling)
def verify_issue(issue_number: str) -> ResponseReturnValue:
    """The address printed on signed letters: the report of what was issued under the number,
    once the verification code printed beside it is given."""
    code = request.args.get("code", "").strip()
    if not code:
        return _verify_page(issue_number=issue_number, ask_code=True)
    try:
        issued = verify_issued(issue_number, code)
    except OfficeError as exc:
        if exc.status >= 500:
            raise
        return _verify_page(
            exc.status, issue_number=issue_number, ask_code=True, error=message_for(exc.code)
        )
    return _verify_page(
        issue_number=issue_number,
        code=code,
        letter=issued,
        report=plain_report(issued["report"]),
    )
