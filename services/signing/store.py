"""Signing's collection: prepared signings (single use, expiring), with the signed PDFs kept in
the blob store under their SHA-256."""

from pymongo import ReturnDocument

from common.outbox import with_events


def ensure_indexes(db) -> None:
    db.signings.create_index("has_outbox")
    db.signings.create_index("user_id")


def insert(db, signing: dict) -> None:
    db.signings.insert_one(signing)


def signing(db, signing_id: str) -> dict | None:
    return db.signings.find_one({"_id": signing_id}) if isinstance(signing_id, str) else None


def claim(db, signing_id: str, now: str) -> dict | None:
    """Take a prepared signing for completion: once only, and only before it expires."""
    return db.signings.find_one_and_update(
        {"_id": signing_id, "status": "prepared", "expires_at": {"$gt": now}},
        {"$set": {"status": "completing", "completing_since": now}},
        return_document=ReturnDocument.AFTER,
    )


def release(db, signing_id: str) -> None:
    """A completion that failed its checks leaves the signing to be completed properly."""
    db.signings.update_one(
        {"_id": signing_id, "status": "completing"}, {"$set": {"status": "prepared"}}
    )


def complete(db, signing_id: str, result: dict, event: dict) -> None:
    db.signings.update_one(
        {"_id": signing_id},
        with_events({"$set": {"status": "completed", **result}, "$unset": {"prepared": ""}}, event),
    )
