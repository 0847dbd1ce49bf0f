"""Files' collections: receipts and files (each with its history and outbox inside), heads of
the file numbering scheme, and counters."""

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.actor import Actor
from common.errors import Conflict, NotFound
from common.events import new_event
from common.outbox import with_events, with_first_events
from common.storage import ensure_index, next_counter
from services.files.domain import history
from services.files.domain.change import Change, Item, NewItem

KINDS = ("receipts", "files")
# What desk views need; the history (and the notes of a file) stay on disk unless asked for.
SUMMARY = {"history": 0, "outbox": 0, "search_terms": 0, "notes": 0}


def ensure_indexes(db: Any) -> None:
    # A copy of a receipt carries the number of the receipt it copies, with its own copy_no.
    if db.receipts.index_information().get("number_1", {}).get("unique"):
        db.receipts.drop_index("number_1")  # stores made before copies existed
    ensure_index(db.receipts, [("number", 1), ("copy_no", 1)], unique=True)
    ensure_index(db.files, "number", unique=True)
    for kind in KINDS:
        for field in (
            "holder_post_id",
            "has_outbox",
            "search_terms",
            "sent_by_post_id",
            "escalated_to_post_ids",
            "holder_since",
        ):
            ensure_index(db[kind], field)
    ensure_index(db.receipts, "document.sha256")
    # The dispatch register: an office's entries, newest first, served by the index.
    ensure_index(db.dispatches, [("office_id", 1), ("at", -1), ("_id", -1)])
    ensure_index(db.heads, "office_id")
    # Text read out of documents: the reader takes the oldest queued; the index catches up by seq.
    ensure_index(db.texts, [("state", 1), ("queued_at", 1)])
    ensure_index(db.texts, "seq")
    # Legacy records: one per old file number in an office (a resumed batch finds it again);
    # a scan's record found by its hash; recorded files read by status for the review register.
    ensure_index(
        db.files,
        [("office_id", 1), ("legacy.old_number", 1)],
        unique=True,
        partialFilterExpression={"legacy.old_number": {"$exists": True}},
    )
    ensure_index(db.files, "legacy.sha256")
    ensure_index(db.files, "status")
    ensure_index(db.record_batches, "sheet_key", unique=True, sparse=True)


def insert(db: Any, kind: str, new: NewItem, actor: Actor) -> None:
    """A new receipt or file and its first event: written together or not at all."""
    event = new_event(new.event, actor, new.doc["office_path"])
    doc = with_first_events(new.doc, event)
    doc["history_head"] = _head(doc["_id"], doc["version"], doc["history"][-1])
    db[kind].insert_one(doc)


def item(db: Any, kind: str, item_id: str, with_history: bool = False) -> Item | None:
    if not isinstance(item_id, str):
        return None
    return db[kind].find_one(
        {"_id": item_id}, None if with_history else {"history": 0, "outbox": 0}
    )


def search_terms_of(db: Any, kind: str, item_id: str) -> list[str]:
    return db[kind].find_one({"_id": item_id}, {"search_terms": 1}).get("search_terms", [])


def _head(item_id: str, version: int, entry: Item) -> Item:
    """What the next history entry links to, kept beside the document's version so a change
    need not read the history (the whole document, on the embedded store) to find it."""
    return {"of": item_id, "version": version, "seq": entry["seq"], "hash": entry["hash"]}


def last_history_entry(db: Any, kind: str, current: Item) -> Item:
    """The last entry of ``current``'s history (its seq and hash): its head, if it is the head
    of this very document at this version (a document made from another, or written by an
    earlier version, has none that is); else read from the history."""
    head = current.get("history_head") or {}
    if head.get("of") == current["_id"] and head.get("version") == current["version"]:
        return head
    doc = db[kind].find_one({"_id": current["_id"]}, {"history": {"$slice": -1}})
    return doc["history"][-1]


def apply(db: Any, kind: str, current: Item, step: Change) -> Item:
    """Apply a change decided on ``current`` (at its version): one atomic, version-checked write
    of the new state, its history entry (linked to the last one) and its events. Someone else's
    change in between makes this a conflict rather than a silent overwrite."""
    said = step.history
    entry = history.entry(
        last_history_entry(db, kind, current),
        said.action,
        said.at,
        said.actor,
        said.post_id,
        said.details,
    )
    ops = step.update()
    ops.setdefault("$inc", {})["version"] = 1
    ops.setdefault("$push", {})["history"] = entry
    ops.setdefault("$set", {})["history_head"] = _head(
        current["_id"], current["version"] + 1, entry
    )
    if step.events:
        told = [
            new_event(e.at(entry["seq"]), said.actor, current["office_path"]) for e in step.events
        ]
        ops = with_events(ops, *told)
    updated: Item | None = db[kind].find_one_and_update(
        {"_id": current["_id"], "version": current["version"]},
        ops,
        projection={"history": 0, "outbox": 0},
        return_document=ReturnDocument.AFTER,
    )
    if updated is None:
        raise Conflict("VERSION_CONFLICT")
    return updated


# What still waits on a desk: a receipt put in a file waits as part of the file; what is closed,
# recorded or merged waits nowhere. A parked file stays on its desk, set aside.
ON_A_DESK = {"$in": ["open", "parked"]}


def held_by(db: Any, kind: str, post_ids: Sequence[str]) -> list[Item]:
    """What waits at these posts."""
    query = {"holder_post_id": {"$in": list(post_ids)}, "status": ON_A_DESK}
    return list(db[kind].find(query, SUMMARY))


def escalated_to(db: Any, kind: str, post_ids: Sequence[str]) -> list[Item]:
    """What has been held long below these posts and was escalated to them."""
    query = {"escalated_to_post_ids": {"$in": list(post_ids)}, "status": "open"}
    return list(db[kind].find(query, SUMMARY))


def held_since_before(db: Any, kind: str, moment: str) -> list[Item]:
    """What has waited open at one desk since before ``moment`` (the rule's candidates)."""
    query = {"holder_since": {"$lte": moment}, "status": "open"}
    return list(db[kind].find(query, SUMMARY))


def pendency_rules(db: Any, office_ids: Sequence[str]) -> dict[str, Item]:
    """The thresholds set for these offices, by office id."""
    return {r["_id"]: r for r in db.pendency_rules.find({"_id": {"$in": list(office_ids)}})}


def smallest_warning(db: Any, default: int) -> int:
    """The earliest working day any office warns on (``default`` where none is set)."""
    return min([default, *(r["warning"] for r in db.pendency_rules.find({}, {"warning": 1}))])


def set_pendency_rule(db: Any, office_id: str, rule: Item) -> None:
    db.pendency_rules.replace_one({"_id": office_id}, {"_id": office_id, **rule}, upsert=True)


def sent_by(db: Any, kind: str, post_ids: Sequence[str]) -> list[Item]:
    query = {"sent_by_post_id": {"$in": list(post_ids)}, "status": ON_A_DESK}
    return list(db[kind].find(query, SUMMARY))


def matching(db: Any, kind: str, terms: list[str], limit: int) -> list[Item]:
    # One equality per term rather than {"$all": terms}: the same match, but the embedded
    # engine answers equality from its index and ``$all`` by reading every document (2 s
    # instead of 37 ms over 50,000 files, bench/files.py); MongoDB indexes both.
    query = {"$and": [{"search_terms": term} for term in terms]}
    return list(db[kind].find(query, SUMMARY).limit(limit))


# What ``visibility.may_see`` reads of an item.
WHO_MAY_SEE = {"involved_posts": 1, "supervisors": 1, "grading": 1}


def receipts_with_document(db: Any, sha256: str) -> list[Item]:
    return list(db.receipts.find({"document.sha256": sha256}, {**WHO_MAY_SEE, "file_id": 1}))


def who_may_see(db: Any, kind: str, item_id: str) -> Item | None:
    return db[kind].find_one({"_id": item_id}, WHO_MAY_SEE)


# --- heads of the functional scheme -----------------------------------------------------------


def insert_head(db: Any, head: Item) -> Item:
    try:
        db.heads.insert_one(head)
    except DuplicateKeyError:
        raise Conflict("FILE_HEAD_TAKEN", {"head": head["code"]}) from None
    return head


def head(db: Any, office_id: str, code: str) -> Item:
    found = db.heads.find_one({"_id": f"{office_id}:{code}"})
    if found is None:
        raise NotFound("FILE_HEAD_NOT_FOUND", {"head": code})
    return found


def heads_of(db: Any, office_id: str | None) -> list[Item]:
    return list(db.heads.find({"office_id": office_id}))


# --- issued letters and the dispatch register --------------------------------------------------


def record_issue(db: Any, issue: Item) -> None:
    """An issue number is recorded once; issuing again under it is a conflict."""
    try:
        db.issues.insert_one(issue)
    except DuplicateKeyError:
        raise Conflict("ALREADY_ISSUED", {"issue_number": issue["_id"]}) from None


def issue(db: Any, issue_number: str) -> Item | None:
    return db.issues.find_one({"_id": issue_number}) if isinstance(issue_number, str) else None


def record_dispatch(db: Any, entry: Item) -> None:
    db.dispatches.insert_one(entry)


def dispatches_of(db: Any, office_id: str | None, batch: int) -> Iterator[Item]:
    """The office's dispatch register, newest first, read ``batch`` entries at a time (the
    reader decides which to show, and stops when they have enough)."""
    for skip in itertools.count(0, batch):
        newest_first = db.dispatches.find({"office_id": office_id}).sort([("at", -1), ("_id", -1)])
        page = list(newest_first.skip(skip).limit(batch))
        yield from page
        if len(page) < batch:
            return


# --- text read out of documents ----------------------------------------------------------------
# One document per content (``_id`` its SHA-256): ``state`` queued, reading, done or failed (with
# ``reason``); when done its ``method`` (text layer or ocr), ``pages`` and ``text``; ``refs`` the
# items it belongs to ({kind, id, what}: a receipt's letter, a file's issued letter, a legacy
# record's scan). ``seq`` grows whenever what the full-text index must hold of it changes (read,
# or a new item refers to it), so an index anywhere catches up by asking for what is newer.


def queue_text(db: Any, sha256: str, ref: Item, at: str) -> None:
    """Ask for the words of document ``sha256`` for the item ``ref``; a document already read
    is not read again, only indexed for the new item too."""
    before = db.texts.find_one_and_update(
        {"_id": sha256},
        {"$setOnInsert": {"state": "queued", "queued_at": at}, "$addToSet": {"refs": ref}},
        {"state": 1, "refs": 1},
        upsert=True,
    )
    if before is not None and before["state"] == "done" and ref not in before.get("refs", []):
        db.texts.update_one({"_id": sha256}, {"$set": {"seq": next_counter(db, "texts")}})


def take_queued_text(db: Any, at: str) -> Item | None:
    """The oldest document waiting to be read, marked as being read (``reading_since``)."""
    return db.texts.find_one_and_update(
        {"state": "queued"},
        {"$set": {"state": "reading", "reading_since": at}},
        sort=[("queued_at", 1)],
        return_document=ReturnDocument.AFTER,
    )


def requeue_unfinished_texts(db: Any, taken_before: str | None = None) -> int:
    """Documents a stopped reader was reading go back to the queue: all of them (at start), or
    those taken before ``taken_before`` (a reader that died and did not come back)."""
    found: Item = {"state": "reading"}
    if taken_before is not None:
        found["reading_since"] = {"$lt": taken_before}
    return db.texts.update_many(found, {"$set": {"state": "queued"}}).modified_count


def put_back_text(db: Any, sha256: str) -> None:
    """A document being read goes back to the queue (its reader could not run)."""
    db.texts.update_one({"_id": sha256, "state": "reading"}, {"$set": {"state": "queued"}})


def text_read(db: Any, sha256: str, method: str, pages: int, text: str, at: str) -> None:
    db.texts.update_one(
        {"_id": sha256},
        {
            "$set": {
                "state": "done",
                "method": method,
                "pages": pages,
                "text": text,
                "read_at": at,
                "seq": next_counter(db, "texts"),
            },
            "$unset": {"reason": "", "reading_since": ""},
        },
    )


def text_failed(db: Any, sha256: str, reason: str, detail: str, at: str) -> None:
    db.texts.update_one(
        {"_id": sha256},
        {
            "$set": {"state": "failed", "reason": reason, "detail": detail, "read_at": at},
            "$unset": {"reading_since": ""},
        },
    )


def texts_since(db: Any, seq: int, batch: int) -> list[Item]:
    """Documents read (or newly referred to) after ``seq``, in order, at most ``batch``."""
    return list(db.texts.find({"seq": {"$gt": seq}}).sort("seq", 1).limit(batch))


def text_states(db: Any, sha256s: Sequence[str]) -> dict[str, Item]:
    """Each document's reading state (``state``, ``reason``, ``method``, ``pages``), by hash."""
    found = db.texts.find(
        {"_id": {"$in": list(sha256s)}}, {"state": 1, "reason": 1, "method": 1, "pages": 1}
    )
    return {doc.pop("_id"): doc for doc in found}


def text_of(db: Any, sha256: str) -> Item | None:
    """A document's reading, its words and the items it belongs to (``refs``)."""
    return db.texts.find_one({"_id": sha256}) if isinstance(sha256, str) else None


def queue_unread_documents(db: Any, at: str) -> int:
    """Queue the documents stored before their words were read (receipts' letters and issued
    letters), once per store: a start after that reads nothing more here. How many it queued."""
    if db.migrations.find_one({"_id": "texts_queued"}) is not None:
        return 0
    refs = [
        (r["document"]["sha256"], {"kind": "receipts", "id": r["_id"], "what": "receipt"})
        for r in db.receipts.find({"document.sha256": {"$ne": None}}, {"document.sha256": 1})
    ] + [
        (i["sha256"], {"kind": "files", "id": i["file_id"], "what": "letter"})
        for i in db.issues.find({}, {"sha256": 1, "file_id": 1})
    ]
    for sha256, ref in refs:
        queue_text(db, sha256, ref, at)
    db.migrations.insert_one({"_id": "texts_queued", "at": at, "documents": len(refs)})
    return len(refs)


# --- the full-text index's reads ---------------------------------------------------------------


def last_text_seq(db: Any) -> int:
    """The newest ``seq`` given to a text (0: none yet): an index at it has nothing to catch up."""
    counter = db.counters.find_one({"_id": "texts"})
    return int(counter["seq"]) if counter else 0


def texts_of(db: Any, sha256s: Sequence[str]) -> dict[str, str]:
    """The words read out of each of these documents (those read), by hash."""
    found = db.texts.find({"_id": {"$in": list(sha256s)}, "state": "done"}, {"text": 1})
    return {doc["_id"]: doc.get("text", "") for doc in found}


# --- legacy records and their batches ----------------------------------------------------------
# A batch (``record_batches``): who uploaded it at which post and office, and one row per legacy
# file with its outcome (waiting for its scan, recorded, already recorded, refused with a code).
# A batch made from a sheet alone carries ``sheet_key`` (office and the sheet's hash), so the
# same sheet uploaded again finds its batch and resumes it.


def record_legacy(db: Any, record: Item) -> Item | None:
    """Write a legacy record; if its office has recorded that old file number already, the
    record there is answered instead (and nothing is written)."""
    try:
        db.files.insert_one(record)
    except DuplicateKeyError:
        return legacy_record(db, record["office_id"], record["legacy"]["old_number"])
    return None


def legacy_record(db: Any, office_id: str, old_number: str) -> Item | None:
    return db.files.find_one(
        {"office_id": office_id, "legacy.old_number": old_number}, {"history": 0, "outbox": 0}
    )


def records_with_scan(db: Any, sha256: str) -> list[Item]:
    """The legacy records whose scan this is (who may see them may see it)."""
    return list(db.files.find({"legacy.sha256": sha256}, WHO_MAY_SEE))


def insert_batch(db: Any, batch: Item) -> Item:
    """A new batch; one made from a sheet already uploaded at that office is the one answered."""
    try:
        db.record_batches.insert_one(batch)
    except DuplicateKeyError:
        found: Item = db.record_batches.find_one({"sheet_key": batch["sheet_key"]})
        return found
    return batch


def record_batch(db: Any, batch_id: str) -> Item | None:
    if not isinstance(batch_id, str):
        return None
    return db.record_batches.find_one({"_id": batch_id})


def batch_row_done(db: Any, batch_id: str, index: int, answer: Item) -> None:
    """Row ``index`` of the batch has its outcome."""
    db.record_batches.update_one({"_id": batch_id}, {"$set": {f"rows.{index}": answer}})


def recorded_files(db: Any) -> Iterator[Item]:
    """Every file in the record room (the review register picks what is due and visible)."""
    return db.files.find({"status": "recorded"}, SUMMARY)
