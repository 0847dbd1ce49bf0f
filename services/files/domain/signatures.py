"""A draft signed and issued: prepared for the officer's signature on their token (and taken
only while the draft still waits for that very signing), or signed on paper and scanned; then
issued under its number, as the file's next pages."""

from typing import Any

from common.actor import Actor
from common.errors import Conflict
from common.events import DocumentSigned, DraftIssued
from services.files.domain import filing
from services.files.domain.change import Change, Event, Item, change
from services.files.domain.drafts import Draft, draft_by_id, latest, require_status, with_draft

# --- on the officer's token --------------------------------------------------------------------


def signing_base(draft: Draft) -> str:
    """What a signature is made over: the signed PDF (a further signature), else the latest
    version."""
    return str(draft.get("signed_sha256") or latest(draft)["sha256"])


def signable(file: Item, draft_id: str) -> Draft:
    """A draft the officer may sign on their token: approved, or signed already on a token (a
    further signature), never one signed on paper."""
    draft = draft_by_id(file, draft_id)
    require_status(draft, "approved", "signed")
    if draft.get("signed_on_paper"):
        raise Conflict("DRAFT_SIGNED_ON_PAPER")
    return draft


def pending_signing(draft: Draft, signing_id: str, user_id: str, post_id: str) -> dict[str, Any]:
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


def signature_prepared(
    file: Item, draft: Draft, actor: Actor, post_id: str, now: str, signing_id: str
) -> Change:
    """Signing prepared ``signing_id`` for the actor's signature on ``draft``: the draft now
    waits for that signing, and for no other."""
    pending = pending_signing(draft, signing_id, actor.user_id, post_id)
    details = {"draft_id": draft["id"], "signing_id": signing_id}
    waiting = with_draft(file, draft["id"], lambda d: {**d, "pending_signing": pending})
    return change("signature_prepared", actor, post_id, now, details, set={"drafts": waiting})


def require_awaiting(draft: Draft, signing_id: str, user_id: str) -> dict[str, Any]:
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


def has_signature(draft: Draft, signing_id: str) -> bool:
    """Whether the signature of ``signing_id`` is on the draft already."""
    return any(s["signing_id"] == signing_id for s in draft.get("signatures", []))


def signed(
    file: Item, draft: Draft, signer: Actor, now: str, signing: DocumentSigned, sha256: str
) -> Change:
    """The signing the draft awaits (``require_awaiting``) was completed: its signed PDF, kept
    as ``sha256``, is the draft's from now on, and its signature one more on it."""
    signature = {
        "signing_id": signing.signing_id,
        "by": signer.audit(),
        "at": signing.signed_at,
        "certificate_sha256": signing.certificate_sha256,
        "sha256": sha256,
    }

    def add(d: Draft) -> Draft:
        return {
            **d,
            "status": "signed",
            "signed_sha256": sha256,
            "signatures": [*d.get("signatures", []), signature],
            "pending_signing": None,
        }

    details = {"draft_id": draft["id"], "sha256": sha256, "signing_id": signing.signing_id}
    return change(
        "draft_signed",
        signer,
        draft["pending_signing"]["post_id"],
        now,
        details,
        set={"drafts": with_draft(file, draft["id"], add)},
    )


# --- on paper ----------------------------------------------------------------------------------


def signable_on_paper(file: Item, draft_id: str) -> Draft:
    """Only an approved draft, not yet signed, is printed to be signed in ink."""
    draft = draft_by_id(file, draft_id)
    require_status(draft, "approved")
    return draft


def signed_on_paper(
    file: Item, draft: Draft, actor: Actor, post_id: str, now: str, sha256: str
) -> Change:
    """The scan (``sha256``) of the draft signed in ink is the signed letter (the office seals
    it when it is issued)."""

    def on_paper(d: Draft) -> Draft:
        return {**d, "status": "signed", "signed_sha256": sha256, "signed_on_paper": True}

    details = {"draft_id": draft["id"], "sha256": sha256}
    signed = {"drafts": with_draft(file, draft["id"], on_paper)}
    return change("signed_on_paper", actor, post_id, now, details, set=signed)


# --- issued ------------------------------------------------------------------------------------


def issue(file: Item, draft: Draft, now: str, sha256: str) -> dict[str, Any]:
    """The issue register's record of the letter issued as ``sha256``: found by its number,
    shown to whoever also has its code."""
    return {
        "_id": draft["issue_number"],
        "code": draft["verification_code"],
        "file_id": file["_id"],
        "draft_id": draft["id"],
        "office_id": file["office_id"],
        "sha256": sha256,
        "issued_at": now,
    }


def issued(
    file: Item, draft: Draft, actor: Actor, post_id: str, now: str, sha256: str, pages: int
) -> Change:
    """The signed letter is issued as ``sha256`` (sealed first if it was signed on paper): it
    joins the file's correspondence as its next ``pages``, and the office is told."""
    number = draft["issue_number"]
    done = {"at": now, "by": actor.audit(post_id), "sha256": sha256}
    letter = filing.paper(
        "issued", draft["id"], number, draft["subject"], sha256, pages, filing.next_page(file), now
    )
    told = {
        "file_id": file["_id"],
        "draft_id": draft["id"],
        "issue_number": number,
        "sha256": sha256,
        "post_id": post_id,
        "drafted_by_post_id": draft.get("drafted_at"),
    }
    return change(
        "draft_issued",
        actor,
        post_id,
        now,
        {"draft_id": draft["id"], "issue_number": number, "sha256": sha256},
        push={"correspondence": letter},
        set={
            "drafts": with_draft(
                file, draft["id"], lambda d: {**d, "status": "issued", "issued": done}
            )
        },
        events=(Event(DraftIssued, told),),
    )
