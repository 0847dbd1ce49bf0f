"""A file on the desk: its notes beside its correspondence; write and confirm notes; move it
(send, send back, pull back, park) by the moves the API makes too; its note sheet as a PDF."""

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from gateway.actions import FILE_MOVES
from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.uploads import pdf_response
from gateway.web.common import (
    act,
    local_name,
    markable_posts,
    saved_ahead,
    text_field,
    version_field,
)

pages = Blueprint("files", __name__)


@pages.get("/files/<file_id>")
def efile(file_id: str) -> str:
    """A file as people know it: the notes on one side, the correspondence on the other."""
    return file_page(file_id)


def file_page(file_id: str, typed: Mapping[str, str] | None = None) -> str:
    """The file's page; ``typed`` is what was typed in a form the service refused, shown
    again in that form."""
    actor = session_actor()
    doc = rpc().files.get_file(actor, file_id, opening=not saved_ahead())
    holds = g.actor.holds(doc["holder_post_id"])
    can_act = holds and doc["status"] == "open"
    return render_template(
        "efile.html",
        f=doc,
        history=rpc().files.file_history(actor, file_id)["items"],
        holds=holds,
        can_act=can_act,
        can_pull_back=not holds
        and g.actor.holds(doc["sent_by_post_id"])
        and doc["opened_at"] is None,
        posts=markable_posts(actor, doc["holder_post_id"]) if can_act else [],
        typed=typed or {},
    )


def _file_request(action: str) -> tuple[str, tuple[Any, ...]]:
    """The files call and its arguments for a file form."""
    if action == "note":
        return "add_note", ({"text": text_field("text")},)
    if action in ("confirm-note", "discard-note"):
        return action.replace("-", "_"), (text_field("note_id"),)
    if action == "explain":
        return "explain_file_delay", ({"text": text_field("text"), "version": version_field()},)
    move = {"remark": text_field("remark"), "version": version_field()}
    if action == "send":
        move |= {
            "to_post_id": text_field("to_post_id"),
            "priority": request.form.get("priority", "normal"),
            "due_date": text_field("due_date") or None,
        }
    return FILE_MOVES[action].method, (move,)


def _post_names(actor: dict[str, Any], post_ids: list[str]) -> list[str]:
    names = {p["id"]: local_name(p) for p in rpc().identity.markable_posts(actor)["items"]}
    return [names.get(i, i) for i in post_ids]


@pages.post(
    "/files/<file_id>/<any(send, note, 'confirm-note', 'discard-note', 'send-back', "
    "'pull-back', park, unpark, explain):action>"
)
def file_action(file_id: str, action: str) -> Response:
    actor = session_actor()
    method, args = _file_request(action)
    here = url_for("files.efile", file_id=file_id)

    def done(result: dict[str, Any]) -> tuple[str, str]:
        if action in ("send", "send-back"):
            post = local_name(result["holder_post_name"])
            sent = _("Sent %(number)s to %(post)s.", number=result["number"], post=post)
            if result.get("skipped_levels"):  # CSMOP: no more than four levels to a decision
                sent += " " + _(
                    "It went past %(posts)s on the way up (CSMOP: at most four levels to a "
                    "decision; a level skipped going up should see it coming down).",
                    posts=", ".join(_post_names(actor, result["skipped_levels"])),
                )
            return sent, url_for("desk.inbox")
        messages = {
            "note": _("Draft note saved. Confirm it to make it part of the file."),
            "confirm-note": _("Note confirmed."),
            "discard-note": _("Draft note discarded."),
            "pull-back": _("Pulled back."),
            "park": _("Parked."),
            "unpark": _("Taken up again."),
            "explain": _("Your explanation of the delay is recorded."),
        }
        return messages[action], here

    return act(lambda: getattr(rpc().files, method)(actor, file_id, *args), here, done)


@pages.get("/files/<file_id>/notesheet.pdf")
def note_sheet(file_id: str) -> Response:
    content = long_rpc().files.note_sheet(session_actor(), file_id, str(get_locale()))
    return pdf_response(content, f"notesheet-{file_id[:8]}")
