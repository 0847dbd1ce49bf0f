"""Signing's collection: prepared signings (single use, expiring), with the signed PDFs kept in
the blob store under their SHA-256."""

from typing import Any

from pymongo import ReturnDocument
from pymongo.database import Database

from common.outbox import with_events

Db = Database[dict[str, Any]]  # pymongo's, or the embedded engine speaking its API


def ensure_indexes(db: Db) -> None:
    db.signings.create_index("has_outbox")
    db.signings.create_index("user_id")


def insert(db: Db, signing: dict[str, Any]) -> None:
    """A prepared signing."""
    db.signings.insert_one(signing)


def signing(db: Db, signing_id: str) -> dict[str, Any] | None:
    """A signing by its id (None for an id that is not even text)."""
    return db.signings.find_one({"_id": signing_id}) if isinstance(signing_id, str) else None


def claim(db: Db, signing_id: str, now: str) -> dict[str, Any] | None:
    """Take a prepared signing for completion: once only, and only before it expires."""
    return db.signings.find_one_and_update(
        {"_id": signing_id, "status": "prepared", "expires_at": {"$gt": now}},
        {"$set": {"status": "completing", "completing_since": now}},
        return_document=ReturnDocument.AFTER,
    )


def release(db: Db, signing_id: str) -> None:
    """A completion that failed its checks leaves the signing to be completed properly."""
    db.signings.update_one(
        {"_id": signing_id, "status": "completing"}, {"$set": {"status": "prepared"}}
    )


def complete(db: Db, signing_id: str, result: dict[str, Any], event: dict[str, Any]) -> None:
    """The signed PDF's record, the prepared bytes dropped, and the event, in one write."""
    db.signings.update_one(
        {"_id": signing_id},
        with_events({"$set": {"status": "completed", **result}, "$unset": {"prepared": ""}}, event),
    )
