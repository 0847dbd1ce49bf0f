"""The desk's screens for a receipt and a file: read it, act on it (send with a post search,
receive, reply, close, put in a file; write and confirm notes, send back, pull back, park), and
its history with the chain check. Plain forms, so they work without script on a slow link."""

from collections.abc import Callable

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from common.errors import OfficeError
from gateway.api.efiles import download
from gateway.auth import session_actor
from gateway.messages import message_for
from gateway.pages import local_name, pages
from gateway.rpc import long_rpc, rpc


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


def _text(name: str) -> str:
    return request.form.get(name, "")


def _act(call: Callable[[], dict], back: str, done: Callable[[dict], tuple[str, str]]):
    """Do it; on success flash what happened and go where ``done`` says, else back with the
    reason in the reader's language (a 404 stays a 404: nothing to learn about hidden things)."""
    try:
        result = call()
    except OfficeError as exc:
        if exc.status >= 500 or exc.status == 404:
            raise
        flash(message_for(exc.code), "error")
        return redirect(back)
    message, target = done(result)
    flash(message)
    return redirect(target)


def _markable(actor: dict, except_post: str) -> list[dict]:
    """Posts for the send dialog, found by the words typed in its search box (``?q=``)."""
    posts = rpc().identity.markable_posts(actor, request.args.get("q", ""))["items"]
    return [p for p in posts if p["id"] != except_post]


# --- receipts ----------------------------------------------------------------------------------


@pages.get("/receipts/<receipt_id>")
def receipt(receipt_id):
    actor = session_actor()
    doc = rpc().files.get_receipt(actor, receipt_id)
    holds = g.actor.holds(doc["holder_post_id"])
    can_act = holds and doc["status"] == "open" and not doc["awaiting_receipt"]
    posts = _markable(actor, doc["holder_post_id"]) if can_act else []
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


def _receipt_request(action: str) -> tuple[str, tuple]:
    """The files call and its arguments for a receipt form."""
    if action == "send":
        return "send_receipt", (
            {
                "to_post_id": _text("to_post_id"),
                "copy_to": [p for p in request.form.getlist("copy_to") if p],
                "remark": _text("remark"),
                "priority": request.form.get("priority", "normal"),
                "version": _version(),
            },
        )
    if action == "reply":
        return "reply_to_receipt", ({"text": _text("text"), "version": _version()},)
    if action == "put-in-file":
        return "put_in_file", ({"file_id": _text("file_id")},)
    if action == "discard-draft":
        return "discard_receipt_draft", (_text("draft_id"),)
    method = {"receive": "receive_receipt", "close": "close_receipt"}[action]
    return method, ({"remark": _text("remark"), "version": _version()},)


@pages.post(
    "/receipts/<receipt_id>/"
    "<any(send, receive, reply, close, 'put-in-file', 'discard-draft'):action>"
)
def receipt_action(receipt_id, action):
    actor = session_actor()
    method, args = _receipt_request(action)
    here = url_for("pages.receipt", receipt_id=receipt_id)

    def done(result: dict) -> tuple[str, str]:
        if action == "send":
            post = local_name(result["holder_post_name"])
            return _("Sent %(number)s to %(post)s.", number=result["number"], post=post), url_for(
                "pages.inbox"
            )
        if action == "put-in-file":
            return _("Put in file %(number)s.", number=result["number"]), url_for(
                "pages.efile", file_id=result["id"]
            )
        messages = {
            "receive": _("Received at your desk."),
            "reply": _("Reply drafted."),
            "close": _("Closed."),
            "discard-draft": _("Draft discarded."),
        }
        return messages[action], here

    return _act(lambda: getattr(rpc().files, method)(actor, receipt_id, *args), here, done)


# --- files -------------------------------------------------------------------------------------


def _post_names(actor: dict, post_ids: list[str]) -> list[str]:
    names = {
        p["id"]: p["name_hi"] if str(get_locale()) == "hi" else p["name_en"]
        for p in rpc().identity.markable_posts(actor)["items"]
    }
    return [names.get(i, i) for i in post_ids]


@pages.get("/files/<file_id>")
def efile(file_id):
    """A file as people know it: the notes on one side, the correspondence on the other."""
    actor = session_actor()
    doc = rpc().files.get_file(actor, file_id)
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
        posts=_markable(actor, doc["holder_post_id"]) if can_act else [],
    )


def _file_request(action: str) -> tuple[str, tuple]:
    if action == "send":
        return "send_file", (
            {
                "to_post_id": _text("to_post_id"),
                "remark": _text("remark"),
                "priority": request.form.get("priority", "normal"),
                "due_date": _text("due_date") or None,
                "version": _version(),
            },
        )
    if action == "note":
        return "add_note", ({"text": _text("text")},)
    if action in ("confirm-note", "discard-note"):
        return action.replace("-", "_"), (_text("note_id"),)
    method = {
        "send-back": "send_back",
        "pull-back": "pull_back",
        "park": "park",
        "unpark": "unpark",
    }[action]
    return method, ({"remark": _text("remark"), "version": _version()},)


@pages.post(
    "/files/<file_id>/<any(send, note, 'confirm-note', 'discard-note', 'send-back', "
    "'pull-back', park, unpark):action>"
)
def file_action(file_id, action):
    actor = session_actor()
    method, args = _file_request(action)
    here = url_for("pages.efile", file_id=file_id)

    def done(result: dict) -> tuple[str, str]:
        if action in ("send", "send-back"):
            post = local_name(result["holder_post_name"])
            sent = _("Sent %(number)s to %(post)s.", number=result["number"], post=post)
            if result.get("skipped_levels"):  # CSMOP: no more than four levels to a decision
                sent += " " + _(
                    "It went past %(posts)s on the way up (CSMOP: at most four levels to a "
                    "decision; a level skipped going up should see it coming down).",
                    posts=", ".join(_post_names(actor, result["skipped_levels"])),
                )
            return sent, url_for("pages.inbox")
        messages = {
            "note": _("Draft note saved. Confirm it to make it part of the file."),
            "confirm-note": _("Note confirmed."),
            "discard-note": _("Draft note discarded."),
            "pull-back": _("Pulled back."),
            "park": _("Parked."),
            "unpark": _("Taken up again."),
        }
        return messages[action], here

    return _act(lambda: getattr(rpc().files, method)(actor, file_id, *args), here, done)


# --- history -----------------------------------------------------------------------------------


@pages.get("/<any(receipts, files):kind>/<item_id>/history")
def history(kind, item_id):
    """Every entry of the chain, with the check of the chain and the RTI exports."""
    actor = session_actor()
    files = rpc().files
    if kind == "receipts":
        item = files.get_receipt(actor, item_id)
        entries = files.receipt_history(actor, item_id)["items"]
        check = files.verify_receipt_history(actor, item_id)
    else:
        item = files.get_file(actor, item_id)
        entries = files.file_history(actor, item_id)["items"]
        check = files.verify_file_history(actor, item_id)
    return render_template("history.html", kind=kind, item=item, entries=entries, check=check)


@pages.get("/<any(receipts, files):kind>/<item_id>/history.<any(csv, pdf):fmt>")
def history_export(kind, item_id, fmt):
    content = long_rpc().files.history_export(
        session_actor(), kind, item_id, fmt, str(get_locale())
    )
    mimetype = "text/csv" if fmt == "csv" else "application/pdf"
    return download(content, mimetype, f"history-{kind[:-1]}-{item_id[:8]}.{fmt}")
