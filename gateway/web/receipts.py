"""Receipts (dak) on the desk: diarise one, read it, act on it (send with a post search,
receive, reply, close, put in a file, discard a draft reply). Plain forms, so they work without
script on a slow link."""

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.errors import OfficeError
from gateway.auth import session_actor
from gateway.limits import limited, pdf_attached, person_calling
from gateway.messages import message_for
from gateway.rpc import rpc
from gateway.uploads import form_fields, uploaded_pdf_b64
from gateway.web.common import (
    act,
    local_name,
    markable_posts,
    saved_ahead,
    text_field,
    version_field,
)

pages = Blueprint("receipts", __name__)


@pages.route("/receipts/new", methods=["GET", "POST"])
@limited("upload", person_calling, methods=["POST"], when=pdf_attached)
def diarise() -> ResponseReturnValue:
    actor = session_actor()
    error: str | None = None
    details: dict[str, Any] = {}
    if request.method == "POST":
        fields = {k: v for k, v in form_fields().items() if k != "csrf_token"}
        try:
            receipt = rpc().files.diarise(actor, fields, uploaded_pdf_b64())
        except OfficeError as exc:
            if exc.status >= 500:
                raise
            error, details = message_for(exc.code), exc.details
        else:
            flash(_("Diarised as %(number)s.", number=receipt["number"]))
            return redirect(url_for("receipts.receipt", receipt_id=receipt["id"]))
    bad_fields = {f["field"] for f in details.get("fields", [])}
    return render_template("diarise.html", error=error, bad_fields=bad_fields, form=request.form), (
        400 if error else 200
    )


@pages.get("/receipts/<receipt_id>")
def receipt(receipt_id: str) -> str:
    actor = session_actor()
    doc = rpc().files.get_receipt(actor, receipt_id, opening=not saved_ahead())
    holds = g.actor.holds(doc["holder_post_id"])
    can_act = holds and doc["status"] == "open" and not doc["awaiting_receipt"]
    posts = markable_posts(actor, doc["holder_post_id"]) if can_act else []
    my_files = (
        [i for i in rpc().files.inbox(actor, 200)["items"] if i["kind"] == "file"]
        if can_act
        else []
    )
    return render_template(
        "receipt.html",
        r=doc,
        history=rpc().files.receipt_history(actor, receipt_id)["items"],
        posts=posts,
        holds=holds,
        can_act=can_act,
        my_files=my_files,
    )


def _receipt_request(action: str) -> tuple[str, tuple[Any, ...]]:
    """The files call and its arguments for a receipt form."""
    if action == "send":
        return "send_receipt", (
            {
                "to_post_id": text_field("to_post_id"),
                "copy_to": [p for p in request.form.getlist("copy_to") if p],
                "remark": text_field("remark"),
                "priority": request.form.get("priority", "normal"),
                "version": version_field(),
            },
        )
    if action == "reply":
        return "reply_to_receipt", ({"text": text_field("text"), "version": version_field()},)
    if action == "put-in-file":
        return "put_in_file", ({"file_id": text_field("file_id")},)
    if action == "explain":
        return "explain_receipt_delay", ({"text": text_field("text"), "version": version_field()},)
    if action == "discard-draft":
        return "discard_receipt_draft", (text_field("draft_id"),)
    method = {"receive": "receive_receipt", "close": "close_receipt"}[action]
    return method, ({"remark": text_field("remark"), "version": version_field()},)


@pages.post(
    "/receipts/<receipt_id>/"
    "<any(send, receive, reply, close, 'put-in-file', 'discard-draft', explain):action>"
)
def receipt_action(receipt_id: str, action: str) -> Response:
    actor = session_actor()
    method, args = _receipt_request(action)
    here = url_for("receipts.receipt", receipt_id=receipt_id)

    def done(result: dict[str, Any]) -> tuple[str, str]:
        if action == "send":
            post = local_name(result["holder_post_name"])
            return _("Sent %(number)s to %(post)s.", number=result["number"], post=post), url_for(
                "desk.inbox"
            )
        if action == "put-in-file":
            return _("Put in file %(number)s.", number=result["number"]), url_for(
                "files.efile", file_id=result["id"]
            )
        messages = {
            "receive": _("Received at your desk."),
            "reply": _("Reply drafted."),
            "close": _("Closed."),
            "discard-draft": _("Draft discarded."),
            "explain": _("Your explanation of the delay is recorded."),
        }
        return messages[action], here

    return act(lambda: getattr(rpc().files, method)(actor, receipt_id, *args), here, done)
