"""Drafts for approval (DFA): a letter or order written on a file, or a reply to a receipt. It
is pending until it has gone out (dispatched) or been discarded."""

import re
import secrets
import uuid
from typing import Any

from common.errors import Conflict, InvalidInput, NotFound
from services.files.domain import notes

PENDING = ("draft", "approved", "signed", "issued")


def new_draft(
    kind: str, subject: str, addressee: str, text: str | None, author: dict[str, Any], now: str
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "subject": subject,
        "addressee": addressee,
        "text": notes.check_text(text) if text is not None else None,
        "status": "draft",
        "created_by": author,
        "created_at": now,
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


def signing_base(draft: dict[str, Any]) -> str:
    """What a signature is made over: the signed PDF (a further signature), else the latest
    version."""
    return str(draft.get("signed_sha256") or latest(draft)["sha256"])


def pending_signing(
    draft: dict[str, Any], signing_id: str, user_id: str, post_id: str
) -> dict[str, Any]:
    """A signing prepared for ``draft`` as it is now: its completion is taken only while the
    draft is still in this state, at this version, over this base (``require_awaiting``)."""
    return {
        "signing_id": signing_id,
        "user_id": user_id,
        "post_id": post_id,
        "status": draft["status"],
        "version": latest(draft)["n"],
        "base": signing_base(draft),
    }


def require_awaiting(draft: dict[str, Any], signing_id: str, user_id: str) -> dict[str, Any]:
    """The draft still waits for this very signature: the one last prepared for it, by this
    person, and the draft is in the state, at the version and over the base it was prepared
    for. A signing prepared before a revision (or before another signature, or before the
    letter was issued) must not overwrite what the draft is now."""
    pending = draft.get("pending_signing") or {}
    current = (
        pending.get("signing_id") == signing_id
        and pending.get("user_id") == user_id
        and draft["status"] in ("approved", "signed")
        and draft["status"] == pending.get("status")
        and latest(draft)["n"] == pending.get("version")
        and signing_base(draft) == pending.get("base")
    )
    if not current:
        raise Conflict("SIGNING_NOT_CURRENT", {"status": draft["status"]})
    return pending


def issue_number(office_code: str, year: int, serial: int) -> str:
    """``SP-HTR-2026-000042``: one run per office and year, safe in a URL and on a phone."""
    return f"{office_code}-{year}-{serial:06d}"


def verification_code() -> str:
    """Eight characters printed beside the issue number: knowing the number alone is not
    enough to pull a letter's verification report."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone
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
