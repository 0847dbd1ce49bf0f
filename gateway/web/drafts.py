"""Drafts for approval (DFA) on a file: write one (or upload its PDF), add a version, approve
the version shown, record a letter signed on paper, issue it and dispatch it; and the office's
dispatch register. Signing on the token has its own screens (``signing``)."""

import base64
import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as Redirect

from common.validation import whole_number
from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.signer import public_url
from gateway.uploads import uploaded_pdf_b64
from gateway.web.common import act

pages = Blueprint("drafts", __name__)

DRAFT = "/files/<file_id>/drafts/<draft_id>"
KINDS = {"letter": _l("Letter"), "order": _l("Order"), "reply": _l("Reply")}
DISPATCH_MODES = {"post": _l("By post"), "email": _l("By email")}


@pages.app_context_processor
def drafting() -> dict[str, Callable[..., Any]]:
    """What the drafts on a file page, the sign screen and the register show."""
    return {
        "may_approve": lambda: bool(getattr(g, "actor", None)) and g.actor.has_role("officer"),
        "kind_label": lambda kind: str(KINDS.get(kind, kind)),
        "mode_label": lambda mode: str(DISPATCH_MODES.get(mode, mode)),
        "verify_url": lambda d: public_url(
            url_for(
                "verify.verify_issue", issue_number=d["issue_number"], code=d["verification_code"]
            )
        ),
    }


def file_page(file_id: str, draft_id: str | None = None) -> str:
    """The file's page, at the draft (or at the drafts)."""
    anchor = f"draft-{draft_id}" if draft_id else "drafts"
    return url_for("files.efile", file_id=file_id, _anchor=anchor)


def find_draft(file: dict[str, Any], draft_id: str) -> dict[str, Any]:
    """The draft on the file, or a 404."""
    found = [d for d in file.get("drafts", []) if d["id"] == draft_id]
    if not found:
        abort(404)
    return found[0]


# --- writing, versions, approval ---------------------------------------------------------------


@pages.post("/files/<file_id>/drafts")
def write_draft(file_id: str) -> Redirect:
    actor = session_actor()
    fields = {
        "kind": request.form.get("kind", "letter"),
        "subject": request.form.get("subject", ""),
        "addressee": request.form.get("addressee", ""),
    }
    text = request.form.get("text", "")
    if text.strip():
        fields["text"] = text
    back = file_page(file_id)

    def call() -> dict[str, Any]:
        return long_rpc().files.create_draft(actor, file_id, fields, uploaded_pdf_b64())

    def done(file: dict[str, Any]) -> tuple[str, str]:
        draft = file["drafts"][-1]
        return _("Draft saved as version 1. Send the file up for approval."), file_page(
            file_id, draft["id"]
        )

    return act(call, back, done)


@pages.post(f"{DRAFT}/versions")
def add_version(file_id: str, draft_id: str) -> Redirect:
    actor = session_actor()
    text = request.form.get("text", "")
    change = {"text": text} if text.strip() else {}
    back = file_page(file_id, draft_id)

    def call() -> dict[str, Any]:
        return long_rpc().files.add_draft_version(
            actor, file_id, draft_id, change, uploaded_pdf_b64()
        )

    def done(file: dict[str, Any]) -> tuple[str, str]:
        n = find_draft(file, draft_id)["versions"][-1]["n"]
        return _("Version %(n)s saved.", n=n), back

    return act(call, back, done)


@pages.post(f"{DRAFT}/approve")
def approve(file_id: str, draft_id: str) -> Redirect:
    actor = session_actor()
    version = whole_number(request.form.get("version", "")) or 0
    back = file_page(file_id, draft_id)

    def done(file: dict[str, Any]) -> tuple[str, str]:
        number = find_draft(file, draft_id)["issue_number"]
        return _(
            "Version %(n)s approved. It will be issued as %(number)s.", n=version, number=number
        ), back

    return act(
        lambda: rpc().files.approve_draft(actor, file_id, draft_id, {"version": version}),
        back,
        done,
    )


@pages.post(f"{DRAFT}/paper-signed")
def signed_on_paper(file_id: str, draft_id: str) -> Redirect:
    actor = session_actor()
    back = file_page(file_id, draft_id)
    return act(
        lambda: long_rpc().files.sign_on_paper(actor, file_id, draft_id, uploaded_pdf_b64()),
        back,
        lambda file: (_("The scan of the letter signed on paper is recorded."), back),
    )


# --- issue and dispatch --------------------------------------------------------------------------


@pages.post(f"{DRAFT}/issue")
def issue(file_id: str, draft_id: str) -> Redirect:
    actor = session_actor()
    back = file_page(file_id, draft_id)

    def done(file: dict[str, Any]) -> tuple[str, str]:
        number = find_draft(file, draft_id)["issue_number"]
        return _("Issued as %(number)s.", number=number), back

    return act(lambda: long_rpc().files.issue_draft(actor, file_id, draft_id), back, done)


def _recipients(mode: str, typed: str) -> list[str]:
    """Postal address lines, one a line; email addresses, one a line or comma-separated."""
    if mode == "email":
        return [a for a in re.split(r"[\s,;]+", typed) if a]
    return [line.strip() for line in typed.splitlines() if line.strip()]


@pages.post(f"{DRAFT}/dispatch")
def dispatch(file_id: str, draft_id: str) -> Redirect:
    actor = session_actor()
    mode = request.form.get("mode", "")
    out = {
        "mode": mode,
        "to": _recipients(mode, request.form.get("to", "")),
        "remark": request.form.get("remark", ""),
    }
    back = file_page(file_id, draft_id)

    def done(file: dict[str, Any]) -> tuple[str, str]:
        entry = find_draft(file, draft_id)["dispatches"][-1]
        return _(
            "Dispatched. Entered in the dispatch register as %(number)s.",
            number=entry["register_number"],
        ), back

    return act(lambda: rpc().files.dispatch_draft(actor, file_id, draft_id, out), back, done)


@pages.get(f"{DRAFT}/<any(latest, signed, issued):which>.pdf")
def draft_pdf(file_id: str, draft_id: str, which: str) -> Response:
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
def dispatch_register() -> str:
    entries = rpc().files.dispatch_register(session_actor(), 200)["items"]
    return render_template("dispatch_register.html", entries=entries)
