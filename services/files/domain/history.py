"""The history of a receipt or file: every action appended, each entry carrying the SHA-256 of
the one before, so any later edit or removal is detectable, also offline."""

import hashlib
import json
from typing import Any

from common.actor import Actor

GENESIS_HASH = "0" * 64


def _entry_hash(link: dict[str, Any]) -> str:
    body = {k: v for k, v in link.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def digest(text: str) -> str:
    """The SHA-256 of a text, so history can pin what a confirmed note said."""
    return hashlib.sha256(text.encode()).hexdigest()


def entry(
    previous: dict[str, Any] | None,
    action: str,
    at: str,
    actor: Actor,
    post_id: str | None,
    details: dict[str, Any],
) -> dict[str, Any]:
    """The next link of a history chain: it carries the SHA-256 of the entry before it, so any
    later edit or removal breaks every hash after it."""
    link = {
        "seq": previous["seq"] + 1 if previous else 1,
        "action": action,
        "at": at,
        "actor": actor.audit(post_id),
        "post_id": post_id,
        "details": details,
        "prev_hash": previous["hash"] if previous else GENESIS_HASH,
    }
    link["hash"] = _entry_hash(link)
    return link


def verify(entries: list[dict[str, Any]]) -> dict[str, Any]:
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
