"""Sanctioning leave with the order signed on the officer's own DSC token: from "Leave to act
on", the password (or TOTP code) again, then the leave signing page with the line for the
officer's signer, ``eoffice-signer``, beside the token, as for a draft (gateway/web/signing.py).
The page waits until leave has taken the signed order in and sanctioned the application; then
the order's number, its PDF and its public verification page."""

from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.validation import whole_number
from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.web.common import act
from gateway.web.leave import STATUSES, A
from gateway.web.signing import token_state, waiting_for_token
from gateway.web.verify import plain_report

pages = Blueprint("leave_signing", __name__)


@pages.post(f"{A}/sanction-on-token")
def sanction_on_token(application_id: str) -> Response:
    """Sanction with the order signed on the token: the password (or TOTP code) again, then
    the signing is readied for the signer (nothing is sanctioned until the token signs)."""
    actor = session_actor()
    form = request.form
    body: dict[str, Any] = {
        "version": whole_number(form.get("version", "")) or 0,
        "remark": form.get("remark") or None,
        "sign": "token",
        **{key: form[key] for key in ("password", "otp") if form.get(key, "").strip()},
    }

    def done(prepared: dict[str, Any]) -> tuple[str, str]:
        return _("Ready to sign. Now sign on your token as shown below."), url_for(
            "leave_signing.signing",
            application_id=application_id,
            signing_id=prepared["signing_id"],
        )

    return act(
        lambda: long_rpc().leave.sanction(actor, application_id, body),
        url_for("leave.to_act_on", _anchor=f"leave-{application_id}"),
        done,
    )


def _signing_state(
    actor: dict[str, Any], application_id: str, signing_id: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The application, the signing prepared for its order (only its officer's), and where it
    stands: ``waiting`` for the token, ``signed`` (sanctioned with the order the token signed),
    or ``expired``. A signing the application does not wait for, nor was sanctioned with, is
    not found."""
    application = rpc().leave.application(actor, application_id)
    prepared = rpc().signing.prepared(actor, signing_id)
    order = application.get("order") or {}
    signed = order.get("signed") == "token" and prepared["status"] == "completed"
    if not signed and application.get("signing_id") != signing_id:
        abort(404)
    return application, prepared, token_state(prepared, signed)


@pages.get(f"{A}/signing/<signing_id>")
def signing(application_id: str, signing_id: str) -> ResponseReturnValue:
    """The leave signing page: the line for the signer beside the token until the order is
    signed; then the application sanctioned, with its order."""
    actor = session_actor()
    application, prepared, state = _signing_state(actor, application_id, signing_id)
    result = None
    if state == "signed":
        pdf = long_rpc().leave.order_document(actor, application_id)
        result = plain_report(long_rpc().signing.verify(pdf))
    page = render_template(
        "leave/signing.html",
        a=application,
        prepared=prepared,
        state=state,
        result=result,
        status=STATUSES.get(application["status"], application["status"]),
        **waiting_for_token(actor, prepared, state),
    )
    return page, 200, {"Cache-Control": "no-store"}  # it holds the signing token


@pages.get(f"{A}/signing/<signing_id>/state")
def signing_state(application_id: str, signing_id: str) -> ResponseReturnValue:
    """For the page's script: has anything changed?"""
    state = _signing_state(session_actor(), application_id, signing_id)[-1]
    return jsonify({"state": state}), 200, {"Cache-Control": "no-store"}
