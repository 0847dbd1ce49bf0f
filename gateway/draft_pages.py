"""The screens for drafts for approval (DFA) on a file: write one (or upload its PDF), add a
version, approve the version shown, sign it on the officer's own token (or on paper, with the
scan uploaded), issue it and dispatch it; the office's dispatch register; and the public
verification of a signed letter, which needs no login.

Signing works without a plug-in in the browser: the page asks for the password again, then
shows the command the officer runs beside the token, and waits (a "check again" button, and a
small script that asks by itself) until the office has the signature."""

import base64
import hashlib
import json
import re
from datetime import datetime

from asn1crypto import cms
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from common.clock import utcnow
from common.errors import Conflict, OfficeError
from gateway.api.drafts import SIGNER_FIELDS, public_url, signer_command, verify_issued
from gateway.api.receipts import uploaded_pdf_b64
from gateway.auth import session_actor
from gateway.desk_pages import _act
from gateway.limits import limited, person_calling
from gateway.messages import message_for
from gateway.pages import pages
from gateway.rpc import long_rpc, rpc
from gateway.staff_pages import when

DRAFT = "/files/<file_id>/drafts/<draft_id>"
SIGNER_COOKIE = "eoffice_signer"
# Letters (any script), digits, spaces and what paths and labels use; nothing a shell expands.
SAFE_SETTING = re.compile(r"[\w\u0900-\u097f .,:@+=#()/\\~-]+")
KINDS = {"letter": _l("Letter"), "order": _l("Order"), "reply": _l("Reply")}
DISPATCH_MODES = {"post": _l("By post"), "email": _l("By email")}
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


@pages.context_processor
def drafting():
    return {
        "may_approve": lambda: bool(getattr(g, "actor", None)) and g.actor.has_role("officer"),
        "kind_label": lambda kind: str(KINDS.get(kind, kind)),
        "mode_label": lambda mode: str(DISPATCH_MODES.get(mode, mode)),
        "when": when,
        "verify_url": lambda d: public_url(
            url_for(
                "pages.verify_issue", issue_number=d["issue_number"], code=d["verification_code"]
            )
        ),
    }


def _file_page(file_id: str, draft_id: str | None = None) -> str:
    anchor = f"draft-{draft_id}" if draft_id else "drafts"
    return url_for("pages.efile", file_id=file_id, _anchor=anchor)


def _find_draft(file: dict, draft_id: str) -> dict:
    found = [d for d in file.get("drafts", []) if d["id"] == draft_id]
    if not found:
        abort(404)
    return found[0]


# --- writing, versions, approval ---------------------------------------------------------------


@pages.post("/files/<file_id>/drafts")
def write_draft(file_id):
    actor = session_actor()
    fields = {
        "kind": request.form.get("kind", "letter"),
        "subject": request.form.get("subject", ""),
        "addressee": request.form.get("addressee", ""),
    }
    text = request.form.get("text", "")
    if text.strip():
        fields["text"] = text
    back = _file_page(file_id)

    def call():
        return long_rpc().files.create_draft(actor, file_id, fields, uploaded_pdf_b64())

    def done(file):
        draft = file["drafts"][-1]
        return _("Draft saved as version 1. Send the file up for approval."), _file_page(
            file_id, draft["id"]
        )

    return _act(call, back, done)


@pages.post(f"{DRAFT}/versions")
def add_version(file_id, draft_id):
    actor = session_actor()
    text = request.form.get("text", "")
    change = {"text": text} if text.strip() else {}
    back = _file_page(file_id, draft_id)

    def call():
        return long_rpc().files.add_draft_version(
            actor, file_id, draft_id, change, uploaded_pdf_b64()
        )

    def done(file):
        n = _find_draft(file, draft_id)["versions"][-1]["n"]
        return _("Version %(n)s saved.", n=n), back

    return _act(call, back, done)


@pages.post(f"{DRAFT}/approve")
def approve(file_id, draft_id):
    actor = session_actor()
    raw = request.form.get("version", "")
    version = int(raw) if raw.isdigit() else 0
    back = _file_page(file_id, draft_id)

    def done(file):
        number = _find_draft(file, draft_id)["issue_number"]
        return _(
            "Version %(n)s approved. It will be issued as %(number)s.", n=version, number=number
        ), back

    return _act(
        lambda: rpc().files.approve_draft(actor, file_id, draft_id, {"version": version}),
        back,
        done,
    )


# --- signing -------------------------------------------------------------------------------------


@pages.post(f"{DRAFT}/sign")
def sign(file_id, draft_id):
    """The password (or TOTP code) again, then the signature is prepared for the token."""
    actor = session_actor()
    again = {
        key: request.form[key] for key in ("password", "otp") if request.form.get(key, "").strip()
    }

    def done(prepared):
        return _("Ready to sign. Now sign on your token as shown below."), url_for(
            "pages.signing", file_id=file_id, draft_id=draft_id, signing_id=prepared["signing_id"]
        )

    return _act(
        lambda: long_rpc().files.sign_draft(actor, file_id, draft_id, again),
        _file_page(file_id, draft_id),
        done,
    )


def _signing_state(actor: dict, file_id: str, draft_id: str, signing_id: str):
    """The file, the draft, the prepared signing, and where it stands: ``waiting`` for the
    token, ``signed``, or ``expired``. A signing that is not this draft's is not found."""
    file = rpc().files.get_file(actor, file_id)
    draft = _find_draft(file, draft_id)
    signature = next(
        (s for s in draft.get("signatures", []) if s["signing_id"] == signing_id), None
    )
    pending = draft.get("pending_signing") or {}
    if signature is None and pending.get("signing_id") != signing_id:
        abort(404)
    prepared = rpc().signing.prepared(actor, signing_id)
    if signature is not None:
        state = "signed"
    elif prepared["status"] == "completed" or _later(prepared["expires_at"]):
        state = "waiting"  # completed: the file is taking the signed PDF in
    else:
        state = "expired"
    return file, draft, prepared, signature, state


def _later(moment: str) -> bool:
    return datetime.fromisoformat(moment) > utcnow()


@pages.get(f"{DRAFT}/signing/<signing_id>")
def signing(file_id, draft_id, signing_id):
    """The sign screen: the command to run beside the token, until the signature is in; then
    who signed, when, and whether the signature checks out."""
    actor = session_actor()
    file, draft, prepared, signature, state = _signing_state(actor, file_id, draft_id, signing_id)
    token = _signing_token(actor, prepared) if state == "waiting" else None
    chosen = _signer_settings(_kept_signer_settings())
    result = None
    if state == "signed":
        pdf = long_rpc().files.draft_document(actor, file_id, draft_id, "signed")
        result = plain_report(long_rpc().signing.verify(pdf))
    page = render_template(
        "signing.html",
        f=file,
        d=draft,
        prepared=prepared,
        signature=signature,
        state=state,
        result=result,
        command=signer_command(signing_id, chosen),
        chosen=chosen,
        digest=_document_digest(prepared["to_sign_b64"]),
        signing_token=token,
        minutes_left=_minutes_until(prepared["expires_at"]),
    )
    return page, 200, {"Cache-Control": "no-store"}  # it may hold the signing token


@pages.post(f"{DRAFT}/signing/<signing_id>")
def signer_settings(file_id, draft_id, signing_id):
    """The officer's token details, typed once on the sign screen, kept in this browser. Only
    a form of ours sets them (CSRF-checked), so nobody's link can put another library into the
    command an officer copies."""
    chosen = _signer_settings(request.form)
    response = redirect(
        url_for("pages.signing", file_id=file_id, draft_id=draft_id, signing_id=signing_id)
    )
    response.set_cookie(
        SIGNER_COOKIE,
        json.dumps(chosen),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"],
    )
    if any(request.form.get(f, "").strip() and f not in chosen for f in SIGNER_FIELDS):
        flash(
            _("Some of the details have characters a library path or label cannot have."), "error"
        )
    return response


@pages.get(f"{DRAFT}/signing/<signing_id>/state")
def signing_state(file_id, draft_id, signing_id):
    """For the sign screen's script: has anything changed?"""
    state = _signing_state(session_actor(), file_id, draft_id, signing_id)[-1]
    return jsonify({"state": state}), 200, {"Cache-Control": "no-store"}


def _kept_signer_settings() -> dict:
    try:
        kept = json.loads(request.cookies.get(SIGNER_COOKIE, "{}"))
    except ValueError:
        return {}
    return kept if isinstance(kept, dict) else {}


def _signer_settings(given) -> dict:
    """The officer's token: the library, the token's and the key's labels. Only what a path or
    a label is made of (no shell or cmd metacharacters, no network paths) is taken."""
    chosen = {}
    for field in SIGNER_FIELDS:
        value = given.get(field, "")
        value = value.strip() if isinstance(value, str) else ""
        network_path = value.startswith(("\\\\", "//"))
        if value and len(value) <= 300 and SAFE_SETTING.fullmatch(value) and not network_path:
            chosen[field] = value
    return chosen


def _document_digest(to_sign_b64: str) -> str | None:
    """The document's SHA-256 inside what the token signs: the signer prints it too."""
    try:
        for attribute in cms.CMSAttributes.load(base64.b64decode(to_sign_b64)):
            if attribute["type"].native == "message_digest":
                return attribute["values"][0].native.hex()
    except (ValueError, TypeError, KeyError):
        return None
    return None


def _minutes_until(moment: str) -> int:
    return max(0, round((datetime.fromisoformat(moment) - utcnow()).total_seconds() / 60))


def _signing_token(actor: dict, prepared: dict) -> dict | None:
    """The token for the command (``EOFFICE_TOKEN``): made by identity for this signing only,
    and only while the signing waits for the token (the session's own token stays here)."""
    if prepared["status"] != "prepared":
        return None  # completed: the file is taking the signed PDF in
    try:
        return rpc().identity.signing_token(actor, prepared["signing_id"])
    except Conflict:  # completed or expired a moment ago: the next look says which
        return None


@pages.post(f"{DRAFT}/paper-signed")
def signed_on_paper(file_id, draft_id):
    actor = session_actor()
    back = _file_page(file_id, draft_id)
    return _act(
        lambda: long_rpc().files.sign_on_paper(actor, file_id, draft_id, uploaded_pdf_b64()),
        back,
        lambda file: (_("The scan of the letter signed on paper is recorded."), back),
    )


# --- issue and dispatch --------------------------------------------------------------------------


@pages.post(f"{DRAFT}/issue")
def issue(file_id, draft_id):
    actor = session_actor()
    back = _file_page(file_id, draft_id)

    def done(file):
        number = _find_draft(file, draft_id)["issue_number"]
        return _("Issued as %(number)s.", number=number), back

    return _act(lambda: long_rpc().files.issue_draft(actor, file_id, draft_id), back, done)


def _recipients(mode: str, typed: str) -> list[str]:
    """Postal address lines, one a line; email addresses, one a line or comma-separated."""
    if mode == "email":
        return [a for a in re.split(r"[\s,;]+", typed) if a]
    return [line.strip() for line in typed.splitlines() if line.strip()]


@pages.post(f"{DRAFT}/dispatch")
def dispatch(file_id, draft_id):
    actor = session_actor()
    mode = request.form.get("mode", "")
    out = {
        "mode": mode,
        "to": _recipients(mode, request.form.get("to", "")),
        "remark": request.form.get("remark", ""),
    }
    back = _file_page(file_id, draft_id)

    def done(file):
        entry = _find_draft(file, draft_id)["dispatches"][-1]
        return _(
            "Dispatched. Entered in the dispatch register as %(number)s.",
            number=entry["register_number"],
        ), back

    return _act(lambda: rpc().files.dispatch_draft(actor, file_id, draft_id, out), back, done)


@pages.get(f"{DRAFT}/<any(latest, signed, issued):which>.pdf")
def draft_pdf(file_id, draft_id, which):
    content = long_rpc().files.draft_document(session_actor(), file_id, draft_id, which)
    return Response(
        base64.b64decode(content),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="draft-{draft_id[:8]}-{which}.pdf"',
            "Cache-Control": "private, no-cache",
        },
    )


@pages.get("/dispatch-register")
def dispatch_register():
    entries = rpc().files.dispatch_register(session_actor(), 200)["items"]
    return render_template("dispatch_register.html", entries=entries)


# --- public verification -------------------------------------------------------------------------


def plain_report(report: dict) -> dict:
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


def _verify_page(status: int = 200, **context):
    page = render_template("verify.html", **context)
    return page, status, {"Cache-Control": "no-store"}


@pages.route("/verify", methods=["GET", "POST"])
@limited("verification", person_calling, methods=["POST"])
def verify():
    """Anyone: upload a signed PDF and read who signed it and whether it is unchanged."""
    if request.method == "GET":
        number = request.args.get("issue_number", "").strip()
        if number:
            return redirect(
                url_for(
                    "pages.verify_issue",
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


def _compared_with_issue(content_b64: str) -> dict | None:
    """Uploaded from an issued letter's page: is this the very file issued under it?"""
    number, code = request.form.get("issue_number", ""), request.form.get("code", "")
    if not (number and code):
        return None
    try:
        issued = long_rpc().files.issued_letter(number, code)
    except OfficeError as exc:
        if exc.status >= 500:
            raise
        return None
    sha256 = hashlib.sha256(base64.b64decode(content_b64)).hexdigest()
    return {"issue_number": number, "same": sha256 == issued["sha256"]}


@pages.get("/verify/<issue_number>")
@limited("verification", person_calling)
def verify_issue(issue_number):
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
