"""Drafts for approval (DFA): a letter or order written on a file, or a reply to a receipt. It
is pending until it has gone out (dispatched) or been discarded."""

import uuid

from common.errors import Conflict, NotFound
from services.files.domain import notes

PENDING = ("draft", "approved", "signed", "issued")


def new_draft(kind: str, subject: str, addressee: str, text: str, author: dict, now: str) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "subject": subject,
        "addressee": addressee,
        "text": notes.check_text(text),
        "status": "draft",
        "created_by": author,
        "created_at": now,
    }


def reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:1000]


def is_pending(draft: dict) -> bool:
    return draft["status"] in PENDING


def draft_by_id(item: dict, draft_id: str) -> dict:
    for draft in item.get("drafts", []):
        if draft["id"] == draft_id:
            return draft
    raise NotFound("DRAFT_NOT_FOUND")


def require_discardable(draft: dict) -> None:
    """Only a draft not yet signed may be thrown away: a signature is a record."""
    if draft["status"] not in ("draft", "approved"):
        raise Conflict("DRAFT_NOT_DISCARDABLE", {"status": draft["status"]})
