"""Opening a file, and what a desk does to a file besides noting and moving it: close and
reopen it (citing an officer's approval in a green note), link and de-link another file, merge
another physical file into it, send it to the record room under category A, B or C. The file
page shows only the forms its reader may use (the service checks each again); a refused one
comes back with the reason and what was typed."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.errors import Refused
from common.validation import whole_number
from gateway.actions import FILE_MOVES
from gateway.auth import session_actor
from gateway.rpc import rpc
from gateway.web.common import act, text_field, version_field, when
from gateway.web.files import file_page
from services.files.schemas import Grading

pages = Blueprint("filing", __name__)

ACTIONS = "<any(close, reopen, link, delink, merge, record):action>"
# Where a history entry names the other file of a link or a merge, with its number.
NAMING_OTHER_FILE = ("linked", "delinked", "merged", "merged_into")


# --- opening a file ----------------------------------------------------------------------------


def _new_file_page(form: Mapping[str, str]) -> str:
    heads = rpc().files.heads(session_actor())["items"]
    return render_template("new_file.html", heads=heads, gradings=get_args(Grading), form=form)


@pages.get("/files/new")
def new_file() -> str:
    return _new_file_page({})


@pages.post("/files/new")
def open_file() -> Response:
    actor = session_actor()
    fields = {
        "subject": text_field("subject"),
        "head": text_field("head") or None,
        "grading": request.form.get("grading", "normal"),
        "physical": bool(request.form.get("physical")),
    }

    def done(file: dict[str, Any]) -> tuple[str, str]:
        opened = _("File %(number)s opened. Write its first note.", number=file["number"])
        return opened, url_for("files.efile", file_id=file["id"])

    return act(
        lambda: rpc().files.create_file(actor, fields),
        url_for("filing.new_file"),
        done,
        again=lambda: _new_file_page(request.form),
    )


# --- what the file page offers -----------------------------------------------------------------


@dataclass(frozen=True)
class OtherFile:
    """A file this one names (linked to it, or merged into it), as its page links to it."""

    id: str
    number: str


@dataclass(frozen=True)
class FilingPanel:
    """The file page's filing panel: the actions its reader may take now, the files it is
    linked to, and the file it was merged into."""

    actions: frozenset[str]
    links: tuple[OtherFile, ...]
    merged_into: OtherFile | None


def _last_post(history: list[dict[str, Any]], action: str) -> str | None:
    """The post of the latest history entry of ``action``."""
    return next((e["post_id"] for e in reversed(history) if e["action"] == action), None)


def filing_panel(
    file: Mapping[str, Any], history: list[dict[str, Any]], holds: Callable[[str | None], bool]
) -> FilingPanel:
    """What the panel shows the reader (``holds``: whether they act from a post). CSMOP: only
    the post that opened a file closes it, only the one that closed it reopens or records it,
    and only physical files are merged or recorded."""
    at_desk = holds(file["holder_post_id"]) and file["status"] == "open"
    closer = _last_post(history, "closed") if file["status"] == "closed" else None
    offered = {
        "close": at_desk and file["holder_post_id"] == _last_post(history, "created"),
        "reopen": holds(closer),
        "record": holds(closer) and file["physical"],
        "link": at_desk,
        "delink": at_desk and bool(file["links"]),
        "merge": at_desk and file["physical"],
    }
    numbers = {
        e["details"]["file_id"]: e["details"]["number"]
        for e in history
        if e["action"] in NAMING_OTHER_FILE
    }
    merged_into = file.get("merged_into")
    return FilingPanel(
        actions=frozenset(action for action, shown in offered.items() if shown),
        links=tuple(OtherFile(i, numbers.get(i, i)) for i in file["links"]),
        merged_into=OtherFile(merged_into, numbers.get(merged_into, merged_into))
        if merged_into
        else None,
    )


@pages.app_context_processor
def filing_helpers() -> dict[str, Callable[..., FilingPanel]]:
    return {"filing_panel": lambda file, history: filing_panel(file, history, g.actor.holds)}


# --- the panel's forms -------------------------------------------------------------------------


def file_numbered(actor: dict[str, Any], number: str) -> OtherFile:
    """The file the actor may see that bears ``number`` as typed (in any case)."""
    wanted = number.strip().casefold()
    if wanted:
        for item in rpc().files.search(actor, number.strip(), 100)["items"]:
            if item["kind"] == "file" and item["number"].casefold() == wanted:
                return OtherFile(item["id"], item["number"])
    raise Refused("FILE_NUMBER_UNKNOWN")


def _other_file(actor: dict[str, Any], action: str) -> OtherFile | None:
    """The other file a form names: by the number typed (link, merge), or the link it removes."""
    if action == "delink":
        return OtherFile(text_field("other_file_id"), text_field("number"))
    if action in ("link", "merge"):
        return file_numbered(actor, text_field("number"))
    return None


def _filing_request(action: str, other: OtherFile | None) -> dict[str, Any]:
    """The request of a panel form, as the files call of ``action`` takes it."""
    version = version_field()
    if action in ("close", "reopen"):
        paragraph = whole_number(text_field("approval_paragraph").strip())
        return {"approval_paragraph": paragraph, "version": version}
    if action == "record":
        category, review = text_field("category"), text_field("review_date") or None
        return {"category": category, "review_date": review, "version": version}
    assert other is not None  # link, delink and merge name the other file
    if action == "merge":
        return {"other_file_id": other.id, "reason": text_field("reason"), "version": version}
    return {"other_file_id": other.id, "version": version}


def _done_message(action: str, file: dict[str, Any], other: OtherFile | None) -> str:
    if action == "record":
        record = file["record"]
        if record["review_date"] is None:
            return _("Sent to the record room under category A, to be kept for ever.")
        return _(
            "Sent to the record room under category %(category)s, to be reviewed on %(date)s.",
            category=record["category"],
            date=when(record["review_date"]),
        )
    if action == "close":
        return _("File closed. Only your post may reopen it or send it to the record room.")
    if action == "reopen":
        return _("File reopened.")
    assert other is not None
    messages = {
        "link": _("Linked to file %(number)s.", number=other.number),
        "delink": _("The link to file %(number)s is removed.", number=other.number),
        "merge": _("File %(number)s is merged into this file.", number=other.number),
    }
    return messages[action]


@pages.post(f"/files/<file_id>/{ACTIONS}")
def filing_action(file_id: str, action: str) -> Response:
    actor = session_actor()
    here = url_for("files.efile", file_id=file_id, _anchor="filing")

    def call() -> dict[str, Any]:
        other = _other_file(actor, action)
        files_call = getattr(rpc().files, FILE_MOVES[action].method)
        return {"file": files_call(actor, file_id, _filing_request(action, other)), "other": other}

    return act(
        call,
        here,
        lambda done: (_done_message(action, done["file"], done["other"]), here),
        again=lambda: file_page(file_id, {"action": action, **request.form}),
    )


@pages.get(f"/files/<file_id>/{ACTIONS}")
def filing_action_page(file_id: str, action: str) -> ResponseReturnValue:
    """A refused form is shown at its own address: reloading it, or choosing the other
    language there, goes back to the file."""
    return redirect(url_for("files.efile", file_id=file_id, _anchor="filing"))
