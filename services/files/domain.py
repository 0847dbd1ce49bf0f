"""The rules of dak, pure: numbering, who may see and act, the history chain, what a PDF is."""

import hashlib
import io
import json

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from common.actor import Actor
from common.errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedMedia

MAX_PDF_BYTES = 20 * 1024 * 1024
GENESIS_HASH = "0" * 64


def receipt_number(running_no: int, year: int, office_code: str) -> str:
    """``132177/2025/SP-HTR``: running number / year / office, as the diary register writes it."""
    return f"{running_no}/{year}/{office_code}"


def check_pdf(content: bytes) -> int:
    """Accept a real, readable PDF of at most 20 MB and return its page count.

    Judged by the bytes, never by the file name or the declared media type.
    """
    if len(content) > MAX_PDF_BYTES:
        raise TooLarge("PDF_TOO_LARGE", {"limit_bytes": MAX_PDF_BYTES, "size": len(content)})
    if not content.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-":
        raise UnsupportedMedia("NOT_A_PDF")
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except (PdfError, KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise InvalidInput("PDF_UNREADABLE") from None
    if pages < 1:
        raise InvalidInput("PDF_UNREADABLE")
    return pages


def require_visible(actor: Actor, receipt: dict | None) -> dict:
    """A receipt is seen only by the posts it has passed through. Everyone else is told it does
    not exist (404), so ids cannot be probed."""
    if receipt is None or not set(actor.post_ids) & set(receipt["involved_posts"]):
        raise NotFound("RECEIPT_NOT_FOUND")
    return receipt


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


def _entry_hash(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def history_entry(
    previous: dict | None, action: str, at: str, actor: Actor, post_id: str | None, details: dict
) -> dict:
    """The next link of a history chain: it carries the SHA-256 of the entry before it, so any
    later edit or removal breaks every hash after it."""
    entry = {
        "seq": previous["seq"] + 1 if previous else 1,
        "action": action,
        "at": at,
        "actor": actor.audit(post_id),
        "post_id": post_id,
        "details": details,
        "prev_hash": previous["hash"] if previous else GENESIS_HASH,
    }
    entry["hash"] = _entry_hash(entry)
    return entry


def verify_chain(entries: list[dict]) -> dict:
    """Check every link; report the first broken one (by ``seq``) if any."""
    prev_hash = GENESIS_HASH
    for position, entry in enumerate(entries, start=1):
        if (
            entry.get("seq") != position
            or entry.get("prev_hash") != prev_hash
            or entry.get("hash") != _entry_hash(entry)
        ):
            return {"intact": False, "entries": len(entries), "broken_at": position}
        prev_hash = entry["hash"]
    return {"intact": True, "entries": len(entries), "last_hash": prev_hash if entries else None}
