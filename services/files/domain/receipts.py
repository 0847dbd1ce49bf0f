"""Receipts (dak), pure: numbering, who may see and act, what may change."""

import hashlib
from datetime import date
from typing import Any

from common import idempotency
from common.actor import Actor
from common.errors import Conflict, InvalidInput, Refused
from common.events import Names, ReceiptClosed, ReceiptDiarised
from services.files.domain import drafts, history, movement, search
from services.files.domain.change import Change, Event, Item, NewItem, Post, change

# What a client may send as an Idempotency-Key: visible ASCII, as UUIDs and tokens are.


def receipt_number(running_no: int, year: int, office_code: str) -> str:
    """``132177/2025/SP-HTR``: running number / year / office, as the diary register writes it."""
    return f"{running_no}/{year}/{office_code}"


def receipt_id_for_key(user_id: str, idempotency_key: object) -> str:
    """The id of the receipt a diarisation with this Idempotency-Key makes: the same for every
    retry of it by the same person, so a retry finds what the first try made (and one person's
    key never meets another's receipt)."""
    if not isinstance(idempotency_key, str) or not idempotency.KEY.fullmatch(idempotency_key):
        raise InvalidInput("BAD_IDEMPOTENCY_KEY")
    return hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def require_holder(actor: Actor, receipt: Item) -> str:
    """Only the desk that holds a receipt may move it; returns that post."""
    if not actor.holds(receipt["holder_post_id"]):
        raise Conflict("RECEIPT_NOT_WITH_YOU")
    return str(receipt["holder_post_id"])


def require_version(receipt: Item, seen: int | None) -> None:
    if seen is not None and seen != receipt["version"]:
        raise Conflict("VERSION_CONFLICT", {"current_version": receipt["version"]})


def posts_marked(receipt: Item, to_post_id: str, copy_to: list[str]) -> list[str]:
    """The post a receipt is sent to, then each post that gets a copy (once; never the holder
    or the receiver)."""
    also = (receipt["holder_post_id"], to_post_id)
    return [to_post_id, *(p for p in dict.fromkeys(copy_to) if p not in also)]


# Fixed at diarisation (CSMOP): never corrected afterwards, whoever asks.
FIXED_FIELDS = ("received_date", "diarised_at", "letter_date", "delivery_mode")


def require_editable(request: dict[str, Any]) -> None:
    for name in FIXED_FIELDS:
        if name in request:
            raise Refused("RECEIPT_FIELD_FIXED", {"field": name})


# A correction may take away a letter number (a letter may have none); a subject, sender,
# category, language or grading it can only change: a null there leaves it as it is.
CLEARABLE = frozenset({"letter_number"})


def corrections(wanted: dict[str, Any], receipt: Item) -> dict[str, Any]:
    """The fields of ``wanted`` that really change ``receipt``."""
    return {
        k: v for k, v in wanted.items() if v != receipt.get(k) and (v is not None or k in CLEARABLE)
    }


def check_dates(letter_date: date | None, received_date: date, today: date) -> None:
    """A letter is written before the office gets it, and the office got it by today."""
    if received_date > today or (letter_date and letter_date > received_date):
        raise Refused("RECEIPT_DATES_IMPOSSIBLE")


def require_open(receipt: Item) -> None:
    if receipt.get("status", "open") != "open":
        raise Conflict("RECEIPT_NOT_OPEN", {"status": receipt["status"]})


def require_received(receipt: Item) -> None:
    """A physical letter marked to a desk must reach it (and be received) before anything else
    is done with it there."""
    if receipt.get("awaiting_receipt"):
        raise Conflict("RECEIPT_NOT_RECEIVED")


def require_no_pending_draft(receipt: Item) -> None:
    """A receipt whose reply has not gone out cannot be closed."""
    pending = [d["id"] for d in receipt.get("drafts", []) if drafts.is_pending(d)]
    if pending:
        raise Conflict("RECEIPT_HAS_UNDISPATCHED_DRAFT", {"drafts": pending})


# --- a receipt comes into being: diarised at a post, or a copy marked to one --------------------


def diarised(
    receipt_id: str,
    number: str,
    post: Post,
    actor: Actor,
    now: str,
    letter: dict[str, Any],
    document: dict[str, Any],
    supervisors: list[str],
) -> NewItem:
    """An inward letter entered in the diary at ``post``: ``letter`` as the diarist described it
    (with its ``received_date`` and ``physical``), ``document`` its PDF (or its pages)."""
    letter = dict(letter)
    physical = letter.pop("physical")
    doc = {
        "_id": receipt_id,
        "number": number,
        "office_id": post["office_id"],
        "office_path": post["office_path"],
        "kind": "physical" if physical else "electronic",
        **letter,
        "document": document,
        "diarised_at": now,
        "diarised_by": actor.audit(post["id"]),
        "holder_post_id": post["id"],
        "holder_post_name": Names.of(post).model_dump(),
        "from_post_name": None,
        "sent_by_post_id": None,
        "holder_since": now,
        "opened_at": now,  # the diarist has it open in front of them
        "priority": "normal",
        "remark": "",
        "status": "open",
        "awaiting_receipt": False,  # the diarist has the paper in hand
        "copy_no": 0,
        "involved_posts": [post["id"]],
        "supervisors": supervisors,
        "drafts": [],
    }
    told = {
        "receipt_id": receipt_id,
        "number": number,
        "subject": letter["subject"],
        "office_id": post["office_id"],
        "post_id": post["id"],
        "post_name": Names.of(post),
        "physical": physical,
    }
    terms = search.terms(number, letter["subject"], letter["sender"], letter["letter_number"])
    return movement.new_item(
        doc,
        terms,
        actor,
        post["id"],
        now,
        "diarised",
        {"number": number, "document": document["sha256"]},
        Event(ReceiptDiarised, told),
    )


# What a copy of a receipt does not take over from the receipt it copies: its own history,
# events, replies and whereabouts are its own.
NOT_COPIED = (
    "_id",
    "history",
    "history_head",
    "outbox",
    "has_outbox",
    "drafts",
    "file_id",
    "search_terms",
)


def copied(
    receipt: Item,
    copy_id: str,
    copy_no: int,
    to: Post,
    how: movement.Sending,
    actor: Actor,
    now: str,
    to_chain: list[str],
    search_terms: list[str],
) -> NewItem:
    """A copy of ``receipt`` marked to ``to`` as it is sent on: a receipt of its own, with the
    same number, whose history starts from the original's."""
    original_id = receipt.get("copy_of") or receipt["_id"]
    from_post = receipt["holder_post_id"]
    doc = {
        **{k: v for k, v in receipt.items() if k not in NOT_COPIED},
        "_id": copy_id,
        "copy_of": original_id,
        "copy_no": copy_no,
        **movement.arrival("receipts", receipt, to, now),
        "priority": how.priority,
        "remark": how.remark,
        "status": "open",
        "involved_posts": sorted({from_post, to["id"]}),
        "supervisors": to_chain,
        "drafts": [],
    }
    details = {
        "copy_of": original_id,
        "copy_no": copy_no,
        "number": receipt["number"],
        "document": receipt["document"]["sha256"],
        "to_post_id": to["id"],
        "remark": how.remark,
    }
    told = movement.sent_event("receipts", receipt, copy_id, to, how)
    return movement.new_item(
        doc, search_terms, actor, from_post, now, "copy_received", details, told
    )


# --- what is done with a receipt at its desk ---------------------------------------------------


def received(receipt: Item, actor: Actor, now: str, remark: str) -> Change:
    """The desk a physical letter was marked to confirms the paper reached it."""
    return change(
        "received",
        actor,
        receipt["holder_post_id"],
        now,
        {"remark": remark},
        set={"awaiting_receipt": False, "opened_at": receipt.get("opened_at") or now},
    )


def corrected(receipt: Item, actor: Actor, now: str, changes: dict[str, Any]) -> Change:
    """``changes`` (what really changes, ``corrections``) made, and the search terms with them."""
    was = {k: receipt.get(k) for k in changes}
    terms = search.terms(
        receipt["number"],
        changes.get("subject", receipt["subject"]),
        changes.get("sender", receipt["sender"]),
        changes.get("letter_number", receipt.get("letter_number")),
    )
    return change(
        "corrected",
        actor,
        receipt["holder_post_id"],
        now,
        {"was": was, "now": changes},
        set={**changes, "search_terms": terms},
    )


def reply_drafted(receipt: Item, actor: Actor, now: str, draft: dict[str, Any]) -> Change:
    details = {"draft_id": draft["id"], "text_sha256": history.digest(draft["text"])}
    return change(
        "reply_drafted", actor, receipt["holder_post_id"], now, details, push={"drafts": draft}
    )


def draft_discarded(receipt: Item, actor: Actor, now: str, draft_id: str) -> Change:
    drafts.require_discardable(drafts.draft_by_id(receipt, draft_id))
    changed = [
        {**d, "status": "discarded"} if d["id"] == draft_id else d for d in receipt["drafts"]
    ]
    return change(
        "draft_discarded",
        actor,
        receipt["holder_post_id"],
        now,
        {"draft_id": draft_id},
        set={"drafts": changed},
    )


def closed(receipt: Item, actor: Actor, now: str, remark: str) -> Change:
    """A receipt that needs nothing more (never while its reply has not gone out)."""
    require_no_pending_draft(receipt)
    told = {"receipt_id": receipt["_id"], "number": receipt["number"]}
    return change(
        "closed",
        actor,
        receipt["holder_post_id"],
        now,
        {"remark": remark},
        set={"status": "closed"},
        events=(Event(ReceiptClosed, {**told, "post_id": receipt["holder_post_id"]}),),
    )
