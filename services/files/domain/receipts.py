"""Receipts (dak), pure: numbering, who may see and act, what may change."""

import hashlib
import re
from datetime import date

from common.actor import Actor
from common.errors import Conflict, InvalidInput, Refused
from services.files.domain import drafts

# What a client may send as an Idempotency-Key: visible ASCII, as UUIDs and tokens are.
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def receipt_number(running_no: int, year: int, office_code: str) -> str:
    """``132177/2025/SP-HTR``: running number / year / office, as the diary register writes it."""
    return f"{running_no}/{year}/{office_code}"


def receipt_id_for_key(user_id: str, idempotency_key) -> str:
    """The id of the receipt a diarisation with this Idempotency-Key makes: the same for every
    retry of it by the same person, so a retry finds what the first try made (and one person's
    key never meets another's receipt)."""
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise InvalidInput("BAD_IDEMPOTENCY_KEY")
    return hashlib.sha256(f"{user_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def require_holder(actor: Actor, receipt: dict) -> str:
    """Only the desk that holds a receipt may move it; returns that post."""
    if not actor.holds(receipt["holder_post_id"]):
        raise Conflict("RECEIPT_NOT_WITH_YOU")
    return receipt["holder_post_id"]


def require_version(receipt: dict, seen: int | None) -> None:
    if seen is not None and seen != receipt["version"]:
        raise Conflict("VERSION_CONFLICT", {"current_version": receipt["version"]})


def is_first_open(actor: Actor, receipt: dict) -> bool:
    """The holder opening it for the first time since it reached them is recorded."""
    return actor.holds(receipt["holder_post_id"]) and receipt.get("opened_at") is None


# Fixed at diarisation (CSMOP): never corrected afterwards, whoever asks.
FIXED_FIELDS = ("received_date", "diarised_at", "letter_date", "delivery_mode")


def require_editable(request: dict) -> None:
    for name in FIXED_FIELDS:
        if name in request:
            raise Refused("RECEIPT_FIELD_FIXED", {"field": name})


# A correction may take away a letter number (a letter may have none); a subject, sender,
# category, language or grading it can only change: a null there leaves it as it is.
CLEARABLE = frozenset({"letter_number"})


def corrections(wanted: dict, receipt: dict) -> dict:
    """The fields of ``wanted`` that really change ``receipt``."""
    return {
        k: v for k, v in wanted.items() if v != receipt.get(k) and (v is not None or k in CLEARABLE)
    }


def check_dates(letter_date: date | None, received_date: date, today: date) -> None:
    """A letter is written before the office gets it, and the office got it by today."""
    if received_date > today or (letter_date and letter_date > received_date):
        raise Refused("RECEIPT_DATES_IMPOSSIBLE")


def require_open(receipt: dict) -> None:
    if receipt.get("status", "open") != "open":
        raise Conflict("RECEIPT_NOT_OPEN", {"status": receipt["status"]})


def require_received(receipt: dict) -> None:
    """A physical letter marked to a desk must reach it (and be received) before anything else
    is done with it there."""
    if receipt.get("awaiting_receipt"):
        raise Conflict("RECEIPT_NOT_RECEIVED")


def require_no_pending_draft(receipt: dict) -> None:
    """A receipt whose reply has not gone out cannot be closed."""
    pending = [d["id"] for d in receipt.get("drafts", []) if drafts.is_pending(d)]
    if pending:
        raise Conflict("RECEIPT_HAS_UNDISPATCHED_DRAFT", {"drafts": pending})
