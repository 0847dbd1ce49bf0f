"""Signing a draft on the officer's own token, without a plug-in in the browser: the page asks
for the password again, then shows the line (a link) for the officer's signer, ``eoffice-signer``,
beside the token, and waits (a "check again" button, and a small script that asks by itself)
until the office has the signature; then who signed, when, and whether the signature checks
out."""

import base64
from datetime import datetime
from typing import Any

from eoffice_signer.link import link_command
from eoffice_signer.signed_attributes import document_digest
from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.clock import utcnow
from common.errors import Conflict
from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.signer import link_for
from gateway.web.common import act
from gateway.web.drafts import DRAFT, file_page, find_draft
from gateway.web.verify import plain_report

pages = Blueprint("signing", __name__)


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
    return file, draft, prepared, signature, token_state(prepared, signature is not None)


def token_state(prepared: dict[str, Any], signed: bool) -> str:
    """Where a signing on the token stands for its screen: ``signed`` (the service it was for
    has taken the signature in), ``waiting`` for the token, or ``expired``."""
    if signed:
        return "signed"
    if prepared["status"] == "completed" or _later(prepared["expires_at"]):
        return "waiting"  # completed: the service is taking the signed PDF in
    return "expired"


def _later(moment: str) -> bool:
    return datetime.fromisoformat(moment) > utcnow()


def waiting_for_token(
    actor: dict[str, Any], prepared: dict[str, Any], state: str
) -> dict[str, Any]:
    """What a sign screen shows while it waits: the signer's line and command (while the
    signing waits for the token), the document's digest the signer prints, and the time left."""
    token = _signing_token(actor, prepared) if state == "waiting" else None
    link = link_for(prepared["signing_id"], token["token"]) if token else None
    return {
        "link": link,
        "command": link_command(link) if link else None,
        "digest": _document_digest(prepared["to_sign_b64"]),
        "signing_token": token,
        "minutes_left": _minutes_until(prepared["expires_at"]),
    }


@pages.get(f"{DRAFT}/signing/<signing_id>")
def signing(file_id: str, draft_id: str, signing_id: str) -> ResponseReturnValue:
    """The sign screen: the line for the signer beside the token, until the signature is in;
    then who signed, when, and whether the signature checks out."""
    actor = session_actor()
    file, draft, prepared, signature, state = _signing_state(actor, file_id, draft_id, signing_id)
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
        **waiting_for_token(actor, prepared, state),
    )
    return page, 200, {"Cache-Control": "no-store"}  # it holds the signing token


@pages.get(f"{DRAFT}/signing/<signing_id>/state")
def signing_state(file_id: str, draft_id: str, signing_id: str) -> ResponseReturnValue:
    """For the sign screen's script: has anything changed?"""
    state = _signing_state(session_actor(), file_id, draft_id, signing_id)[-1]
    return jsonify({"state": state}), 200, {"Cache-Control": "no-store"}


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
    """The token in the signer's link: made by identity for this signing only, and only while
    the signing waits for the token (the session's own token stays here)."""
    if prepared["status"] != "prepared":
        return None  # completed: the file is taking the signed PDF in
    try:
        token: dict[str, Any] = rpc().identity.signing_token(actor, prepared["signing_id"])
    except Conflict:  # completed or expired a moment ago: the next look says which
        return None
    return token
