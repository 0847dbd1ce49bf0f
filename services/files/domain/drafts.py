"""Drafts for approval (DFA): a letter or order written on a file, or a reply to a receipt. It
is pending until it has gone out (dispatched) or been discarded. Here a draft is written,
revised, approved and dispatched, each step as the change it makes to its file; its signing and
issue are in ``signatures``."""

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.actor import Actor
from common.clock import iso
from common.errors import Conflict, InvalidInput, NotFound
from common.events import DraftApproved, DraftDispatched
from common.issued import verification_code
from services.files.domain import notes
from services.files.domain.change import Change, Event, Item, Post, change

PENDING = ("draft", "approved", "signed", "issued")

Draft = dict[str, Any]


def new_draft(
    kind: str,
    subject: str,
    addressee: str,
    text: str | None,
    author: dict[str, Any],
    now: str,
    post_id: str | None = None,
) -> dict[str, Any]:
    """A draft written at ``post_id`` (the desk told when it is approved and issued)."""
    return {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "subject": subject,
        "addressee": addressee,
        "text": notes.check_text(text) if text is not None else None,
        "status": "draft",
        "created_by": author,
        "created_at": now,
        "drafted_at": post_id,
        "versions": [],
    }


def reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:1000]


def is_pending(draft: dict[str, Any]) -> bool:
    return draft["status"] in PENDING


def draft_by_id(item: dict[str, Any], draft_id: str) -> dict[str, Any]:
    for draft in item.get("drafts", []):
        if draft["id"] == draft_id:
            found: dict[str, Any] = draft
            return found
    raise NotFound("DRAFT_NOT_FOUND")


def require_discardable(draft: dict[str, Any]) -> None:
    """Only a draft not yet signed may be thrown away: a signature is a record."""
    if draft["status"] not in ("draft", "approved"):
        raise Conflict("DRAFT_NOT_DISCARDABLE", {"status": draft["status"]})


def require_status(draft: dict[str, Any], *allowed: str) -> None:
    if draft["status"] not in allowed:
        raise Conflict("DRAFT_WRONG_STATE", {"status": draft["status"], "needed": list(allowed)})


def latest(draft: dict[str, Any]) -> dict[str, Any]:
    newest: dict[str, Any] = draft["versions"][-1]
    return newest


def issue_number(office_code: str, year: int, serial: int) -> str:
    """``SP-HTR-2026-000042``: one run per office and year, safe in a URL and on a phone."""
    return f"{office_code}-{year}-{serial:06d}"


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_recipients(mode: str, to: list[str]) -> list[str]:
    cleaned = [t.strip() for t in to if t.strip()]
    if not cleaned:
        raise InvalidInput("DISPATCH_NO_RECIPIENT")
    if mode == "email":
        bad = [t for t in cleaned if not EMAIL.match(t)]
        if bad:
            raise InvalidInput("DISPATCH_BAD_EMAIL", {"addresses": bad})
    return cleaned


def with_draft(file: Item, draft_id: str, edit: Callable[[Draft], Draft]) -> list[Draft]:
    """The file's drafts, with ``edit`` made to one of them."""
    return [edit(d) if d["id"] == draft_id else d for d in file.get("drafts", [])]


# --- written, revised, approved ----------------------------------------------------------------


def created(draft: Draft, first: dict[str, Any], actor: Actor, post_id: str, now: str) -> Change:
    """A new draft (``new_draft``) goes on the file with its ``first`` version."""
    written = {**draft, "versions": [first]}
    details = {"draft_id": draft["id"], "sha256": first["sha256"]}
    return change("draft_created", actor, post_id, now, details, push={"drafts": written})


def revisable(file: Item, draft_id: str, text: str | None) -> Draft:
    """The draft as its next version is to be written (with its new ``text``, if any): only a
    draft not yet signed is revised."""
    draft = draft_by_id(file, draft_id)
    require_status(draft, "draft", "approved")
    return draft if text is None else {**draft, "text": text}


def revised(
    file: Item, draft: Draft, version: dict[str, Any], actor: Actor, post_id: str, now: str
) -> Change:
    """``draft`` (``revisable``) gets its next ``version``: it is a draft again, and neither an
    approval given to an earlier version nor a signing prepared for one stands."""

    def revise(d: Draft) -> Draft:
        return {
            **draft,
            "versions": [*d["versions"], version],
            "status": "draft",
            "approved": None,
            "pending_signing": None,
        }

    details = {"draft_id": draft["id"], "version": version["n"], "sha256": version["sha256"]}
    revisions = {"drafts": with_draft(file, draft["id"], revise)}
    return change("draft_revised", actor, post_id, now, details, set=revisions)


def approvable(actor: Actor, file: Item, draft_id: str, version: int) -> Draft:
    """The draft an officer approves: still a draft, and at the ``version`` they read."""
    if not actor.has_role("officer"):
        raise Conflict("DRAFT_APPROVAL_NEEDS_OFFICER")
    draft = draft_by_id(file, draft_id)
    require_status(draft, "draft")
    if version != latest(draft)["n"]:
        raise Conflict("VERSION_CONFLICT", {"current_version": latest(draft)["n"]})
    return draft


def approved(
    file: Item, draft: Draft, actor: Actor, post_id: str, now: str, version: int, number: str
) -> Change:
    """An officer approves ``version`` of ``draft`` (``approvable``): it gets its issue
    ``number`` and a verification code, unless an earlier approval already gave it theirs."""
    number = draft.get("issue_number") or number
    by = {"version": version, "by": actor.audit(post_id), "at": now}

    def approve(d: Draft) -> Draft:
        return {
            **d,
            "status": "approved",
            "approved": by,
            "issue_number": number,
            "verification_code": d.get("verification_code") or verification_code(),
        }

    told = {
        "file_id": file["_id"],
        "draft_id": draft["id"],
        "issue_number": number,
        "approved_version": version,
        "post_id": post_id,
        "drafted_by_post_id": draft.get("drafted_at"),
    }
    return change(
        "draft_approved",
        actor,
        post_id,
        now,
        {"draft_id": draft["id"], "version": version, "issue_number": number},
        set={"drafts": with_draft(file, draft["id"], approve)},
        events=(Event(DraftApproved, told),),
    )


# --- dispatch ----------------------------------------------------------------------------------


def dispatchable(file: Item, draft_id: str, mode: str, to: list[str]) -> tuple[Draft, list[str]]:
    """An issued letter (sent once or more already) and the addressees it goes to by ``mode``."""
    draft = draft_by_id(file, draft_id)
    require_status(draft, "issued", "dispatched")
    return draft, check_recipients(mode, to)


def register_entry(
    file: Item,
    draft: Draft,
    actor: Actor,
    post: Post,
    now: datetime,
    serial: int,
    sending: dict[str, Any],
) -> dict[str, Any]:
    """The letter's line in the office's dispatch register, its ``serial`` of the year:
    ``sending`` its ``mode``, ``to`` (``dispatchable``) and ``remark``."""
    return {
        "_id": uuid.uuid4().hex,
        "register_number": f"{serial}/{now.year}/{post['office_code']}",
        "office_id": post["office_id"],
        "issue_number": draft["issue_number"],
        "file_id": file["_id"],
        "file_number": file["number"],
        "draft_id": draft["id"],
        "subject": draft["subject"],
        "mode": sending["mode"],
        "to": sending["to"],
        "remark": sending["remark"],
        "at": iso(now),
        "by": actor.audit(post["id"]),
    }


def dispatched(
    file: Item, draft: Draft, entry: dict[str, Any], actor: Actor, post_id: str
) -> Change:
    """The letter went out as its register ``entry`` says; the office is told (notify mails
    it when it goes by email)."""
    sent = {k: entry[k] for k in ("register_number", "mode", "to", "at", "remark")}

    def dispatch(d: Draft) -> Draft:
        return {**d, "status": "dispatched", "dispatches": [*d.get("dispatches", []), sent]}

    told = {
        "file_id": file["_id"],
        "draft_id": draft["id"],
        "issue_number": draft["issue_number"],
        "subject": draft["subject"],
        "mode": entry["mode"],
        "to": entry["to"],
        "sha256": draft["issued"]["sha256"],
        "register_number": entry["register_number"],
        "post_id": post_id,
    }
    return change(
        "draft_dispatched",
        actor,
        post_id,
        entry["at"],
        {"draft_id": draft["id"], **sent},
        set={"drafts": with_draft(file, draft["id"], dispatch)},
        events=(Event(DraftDispatched, told),),
    )
