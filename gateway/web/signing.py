"""Signing a draft on the officer's own token, without a plug-in in the browser: the page asks
for the password again, then shows the command the officer runs beside the token, and waits (a
"check again" button, and a small script that asks by itself) until the office has the
signature; then who signed, when, and whether the signature checks out."""

import base64
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eoffice_signer.signed_attributes import document_digest
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.clock import utcnow
from common.errors import Conflict
from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.signer import SIGNER_FIELDS, signer_command
from gateway.web.common import act
from gateway.web.drafts import DRAFT, file_page, find_draft
from gateway.web.verify import plain_report

pages = Blueprint("signing", __name__)

SIGNER_COOKIE = "eoffice_signer"
# Letters (any script), digits, spaces and what paths and labels use; nothing a shell expands.
SAFE_SETTING = re.compile(r"[\w\u0900-\u097f .,:@+=#()/\\~-]+")


@pages.post(f"{DRAFT}/sign")
def sign(file_id: str, draft_id: str) -> Response:
    """The password (or TOTP code) again, then the signature is prepared for the token."""
    actor = session_actor()
    again = {
        key: request.form[key] for key in ("password", "otp") if request.form.get(key, "").strip()
    }

    def done(prepared: dict[str, Any]) -> tuple[str, str]:
        return _("Ready to sign. Now sign on your token as shown below."), url_for(
            "signing.signing",
            file_id=file_id,
            draft_id=draft_id,
            signing_id=prepared["signing_id"],
        )

    return act(
        lambda: long_rpc().files.sign_draft(actor, file_id, draft_id, again),
        file_page(file_id, draft_id),
        done,
    )


def _signing_state(
    actor: dict[str, Any], file_id: str, draft_id: str, signing_id: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any] | None, str]:
    """The file, the draft, the prepared signing, and where it stands: ``waiting`` for the
    token, ``signed``, or ``expired``. A signing that is not this draft's is not found."""
    file = rpc().files.get_file(actor, file_id)
    draft = find_draft(file, draft_id)
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
def signing(file_id: str, draft_id: str, signing_id: str) -> ResponseReturnValue:
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
def signer_settings(file_id: str, draft_id: str, signing_id: str) -> Response:
    """The officer's token details, typed once on the sign screen, kept in this browser. Only
    a form of ours sets them (CSRF-checked), so nobody's link can put another library into the
    command an officer copies."""
    chosen = _signer_settings(request.form)
    response = redirect(
        url_for("signing.signing", file_id=file_id, draft_id=draft_id, signing_id=signing_id)
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
def signing_state(file_id: str, draft_id: str, signing_id: str) -> ResponseReturnValue:
    """For the sign screen's script: has anything changed?"""
    state = _signing_state(session_actor(), file_id, draft_id, signing_id)[-1]
    return jsonify({"state": state}), 200, {"Cache-Control": "no-store"}


def _kept_signer_settings() -> dict[str, Any]:
    try:
        kept = json.loads(request.cookies.get(SIGNER_COOKIE, "{}"))
    except ValueError:
        return {}
    return kept if isinstance(kept, dict) else {}


def _signer_settings(given: Mapping[str, Any]) -> dict[str, str]:
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
        to_sign = base64.b64decode(to_sign_b64)
    except ValueError:
        return None
    return document_digest(to_sign)


def _minutes_until(moment: str) -> int:
    return max(0, round((datetime.fromisoformat(moment) - utcnow()).total_seconds() / 60))


def _signing_token(actor: dict[str, Any], prepared: dict[str, Any]) -> dict[str, Any] | None:
    """The token for the command (``EOFFICE_TOKEN``): made by identity for this signing only,
    and only while the signing waits for the token (the session's own token stays here)."""
    if prepared["status"] != "prepared":
        return None  # completed: the file is taking the signed PDF in
    try:
        token: dict[str, Any] = rpc().identity.signing_token(actor, prepared["signing_id"])
    except Conflict:  # completed or expired a moment ago: the next look says which
        return None
    return token
