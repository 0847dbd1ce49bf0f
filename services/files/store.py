"""Files' collections: receipts (with their history and outbox inside), diary counters."""

from pymongo import ReturnDocument

from common.errors import Conflict
from common.outbox import with_events

# What desk views need; the history stays on disk unless asked for.
SUMMARY = {"history": 0, "outbox": 0}


def ensure_indexes(db) -> None:
    db.receipts.create_index("number", unique=True)
    db.receipts.create_index("holder_post_id")
    db.receipts.create_index("document.sha256")
    db.receipts.create_index("has_outbox")


def next_running_number(db, office_id: str, year: int) -> int:
    """The office's diary number for the year: one atomic increment, so never repeated."""
    counter = db.counters.find_one_and_update(
        {"_id": f"receipt:{office_id}:{year}"},
        {"$inc": {"seq": 1}},
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    return counter["seq"]


def insert_receipt(db, receipt: dict, event: dict) -> None:
    """The receipt and its first event are one document: written together or not at all."""
    db.receipts.insert_one({**receipt, "outbox": [event], "has_outbox": True})


def receipt(db, receipt_id: str, with_history: bool = False) -> dict | None:
    if not isinstance(receipt_id, str):
        return None
    return db.receipts.find_one({"_id": receipt_id}, None if with_history else SUMMARY)


def last_history_entry(db, receipt_id: str) -> dict:
    doc = db.receipts.find_one({"_id": receipt_id}, {"history": {"$slice": -1}})
    return doc["history"][-1]


def update_receipt(db, current: dict, changes: dict, entry: dict, event: dict | None) -> dict:
    """Apply a change made on ``current`` (at its version): one atomic, version-checked write
    of the new state, its history entry and its event. Someone else's change in between
    makes this a conflict rather than a silent overwrite."""
    update = {"$set": changes, "$inc": {"version": 1}, "$push": {"history": entry}}
    if event is not None:
        update = with_events(update, event)
    updated = db.receipts.find_one_and_update(
        {"_id": current["_id"], "version": current["version"]},
        update,
        projection=SUMMARY,
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise Conflict("VERSION_CONFLICT")
    return updated


def receipts_held_by(db, post_ids: list[str]) -> list[dict]:
    return list(db.receipts.find({"holder_post_id": {"$in": list(post_ids)}}, SUMMARY))


def receipts_with_document(db, sha256: str) -> list[dict]:
    return list(db.receipts.find({"document.sha256": sha256}, {"involved_posts": 1}))
