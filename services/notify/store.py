"""Notify's collections: in-app notices, and the emails it sends (one per event)."""

import contextlib
from collections.abc import Iterable
from typing import Any

from pymongo.errors import DuplicateKeyError

from common.storage import Db


def ensure_indexes(db: Db) -> None:
    db.notices.create_index("post_id")
    db.notices.create_index("user_id")
    db.notices.create_index("item_id")
    db.emails.create_index("status")


def add_notice(db: Db, notice: dict[str, Any]) -> bool:
    """Store a notice once: its id comes from the event, so a redelivered event is a no-op."""
    try:
        db.notices.insert_one(notice)
    except DuplicateKeyError:
        return False
    return True


def _addressed(post_ids: Iterable[str], user_id: str) -> dict[str, Any]:
    return {"$or": [{"post_id": {"$in": list(post_ids)}}, {"user_id": user_id}]}


def notices_for(db: Db, post_ids: Iterable[str], user_id: str) -> list[dict[str, Any]]:
    """The notices of a person: for any of their posts, and for them."""
    return list(db.notices.find(_addressed(post_ids, user_id)))


def unread_count(db: Db, post_ids: Iterable[str], user_id: str) -> int:
    return int(db.notices.count_documents({**_addressed(post_ids, user_id), "read_at": None}))


def mark_all_read(db: Db, post_ids: Iterable[str], user_id: str, at: str) -> int:
    """Mark every unread notice of a person read; how many were."""
    query = {**_addressed(post_ids, user_id), "read_at": None}
    return int(db.notices.update_many(query, {"$set": {"read_at": at}}).modified_count)


def notice(db: Db, notice_id: str) -> dict[str, Any] | None:
    return db.notices.find_one({"_id": notice_id}) if isinstance(notice_id, str) else None


def mark_read_for_item(db: Db, post_id: str, item_id: str, at: str) -> None:
    db.notices.update_many(
        {"item_id": item_id, "post_id": post_id, "read_at": None}, {"$set": {"read_at": at}}
    )


def mark_read(db: Db, notice_id: str, at: str) -> None:
    db.notices.update_one({"_id": notice_id, "read_at": None}, {"$set": {"read_at": at}})


# --- outgoing email: one record per event, so a redelivered event sends nothing twice --------


def email_for_event(db: Db, event_id: str, raw: dict[str, Any], now: str) -> dict[str, Any]:
    """The event's email record, made on first sight."""
    with contextlib.suppress(DuplicateKeyError):
        db.emails.insert_one(
            {"_id": event_id, "event": raw, "status": "pending", "attempts": 0, "created_at": now}
        )
    return db.emails.find_one({"_id": event_id})


def email_tried(db: Db, event_id: str, sent: bool, now: str, error: str | None = None) -> None:
    db.emails.update_one(
        {"_id": event_id},
        {
            "$set": {"status": "sent" if sent else "failed", "last_try": now, "error": error},
            "$inc": {"attempts": 1},
        },
    )


def emails_to_retry(db: Db, before: str, max_attempts: int) -> list[dict[str, Any]]:
    return [
        e
        for e in db.emails.find({"status": "failed"})
        if e["attempts"] < max_attempts and e["last_try"] < before
    ]
