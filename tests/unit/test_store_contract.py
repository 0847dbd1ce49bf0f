"""One contract for every store, on every engine.

Each test runs on the embedded store (litemongo, always) and, when ``MONGODB_URI`` is set, on
that real MongoDB too: the same test code, through the ``backend`` fixture. On MongoDB each test
gets a fresh database of its own (``eoffice_contract_<random>``), dropped afterwards, so the
suite may be pointed at a shared server:

    MONGODB_URI=mongodb://localhost:27017 .venv/bin/pytest -q tests/unit/test_store_contract.py

The tests call the store functions directly (not the services) and check what they answer and
what they leave stored: the update operators, version-checked ``find_one_and_update``, sorts
and paging, the unique indexes and the named errors they turn into, the search terms' equality
lookups, the outbox and once-only consumers, the blob store (GridFS on MongoDB).
"""

import base64
import hashlib
import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from pymongo import MongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError, WriteError

from common import idempotency
from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, NotFound, Refused
from common.events import Names, ReceiptDiarised, ReceiptOpened
from common.outbox import Outgoing, relay, with_events
from common.secrets_at_rest import SecretBox, is_sealed
from common.storage import Database, Storage, apply_once, next_counter
from services.files import store as files
from services.files.domain import search
from services.files.domain.change import Event, NewItem, change
from services.identity import store as identity
from services.leave import store as leave
from services.notify import store as notify
from services.reports import store as reports
from services.signing import store as signing

MONGODB_URI = os.environ.get("MONGODB_URI", "")
ENGINES = ["embedded", *(["mongodb"] if MONGODB_URI else [])]


@dataclass(frozen=True)
class Backend:
    """Where a test's stores live: a service name (its database is ``eoffice_<service>``) and
    the settings that choose the engine."""

    engine: str
    service: str
    config: dict[str, str]

    def open(self) -> Storage:
        return Storage(self.service, self.config)


@pytest.fixture(params=ENGINES)
def backend(request: pytest.FixtureRequest, tmp_path: Any, monkeypatch: Any) -> Iterator[Backend]:
    if request.param == "embedded":
        # The environment's MONGODB_URI would otherwise win over the empty setting.
        monkeypatch.delenv("MONGODB_URI", raising=False)
        yield Backend("embedded", "contract", {"EOFFICE_DATA_DIR": str(tmp_path)})
        return
    service = f"contract_{uuid.uuid4().hex[:12]}"
    yield Backend("mongodb", service, {"MONGODB_URI": MONGODB_URI})
    client: MongoClient[dict[str, Any]] = MongoClient(MONGODB_URI)
    client.drop_database(f"eoffice_{service}")
    client.close()


@pytest.fixture
def storage(backend: Backend) -> Iterator[Storage]:
    opened = backend.open()
    yield opened
    opened.close()


@pytest.fixture
def db(storage: Storage) -> Any:
    return storage.db


def indexes(db: Any, collection: str) -> dict[tuple[str, ...], bool]:
    """A collection's indexes: their fields, and whether each is unique."""
    return {
        tuple(field for field, _ in spec["key"]): bool(spec.get("unique"))
        for spec in db[collection].index_information().values()
    }


def assert_indexed(db: Any, collection: str, *fields: str, unique: bool = False) -> None:
    assert indexes(db, collection).get(tuple(fields)) is unique, (collection, fields)


ACTOR = Actor(user_id="u-clerk", name="Clerk", post_ids=("p-clerk",), office_id="o1")
NAMES = Names(en="Clerk", hi="लिपिक")


# --- common.storage: the database, the blob store, the provider, once-only updates ----------


def test_what_is_stored_is_there_after_closing_and_reopening(backend: Backend) -> None:
    first = backend.open()
    first.db.receipts.insert_one({"_id": "r1", "subject": "शिकायत", "tags": ["a", "b"]})
    first.close()
    again = backend.open()
    assert again.db.receipts.find_one({"_id": "r1"}) == {
        "_id": "r1",
        "subject": "शिकायत",
        "tags": ["a", "b"],
    }
    again.close()


def test_documents_are_kept_by_their_hash_once_and_read_back_whole(storage: Storage) -> None:
    letter = b"%PDF-1.7 " + os.urandom(600 * 1024)  # more than two GridFS chunks (255 KiB)
    digest = storage.blobs.put(letter)
    assert digest == hashlib.sha256(letter).hexdigest()
    assert storage.blobs.put(letter) == digest  # the same bytes again: same id, kept once
    assert storage.blobs.get(digest) == letter
    assert storage.blobs.put(b"") == hashlib.sha256(b"").hexdigest()
    assert storage.blobs.get(hashlib.sha256(b"").hexdigest()) == b""
    assert storage.blobs.get("0" * 64) is None
    assert storage.blobs.get("../../etc/passwd") is None
    assert storage.blobs.get(digest.upper()) is None  # ids are lower-case hex only


class Container:
    """What the Database provider reads of the Nameko container that runs it."""

    def __init__(self, backend: Backend) -> None:
        self.service_name = backend.service
        self.config = backend.config


def test_the_database_provider_makes_indexes_then_migrates_then_hands_out_its_storage(
    backend: Backend,
) -> None:
    steps: list[str] = []

    def make_indexes(db: Any) -> None:
        steps.append("indexes")
        db.receipts.create_index("number", unique=True)

    def migrate(db: Any, config: dict[str, Any]) -> None:
        steps.append("migrate")
        assert ("number",) in indexes(db, "receipts")
        db.receipts.update_many({}, {"$set": {"migrated": True}})

    container = Container(backend)  # held here: the provider keeps only a weak reference
    provider = Database(make_indexes, migrate).bind(container, "storage")
    provider.setup()
    given = provider.get_dependency(worker_ctx=None)
    assert steps == ["indexes", "migrate"]
    assert isinstance(given, Storage)
    given.db.receipts.insert_one({"_id": "r1", "number": "R/1"})
    with pytest.raises(DuplicateKeyError):
        given.db.receipts.insert_one({"_id": "r2", "number": "R/1"})
    provider.stop()
    assert provider.get_dependency(worker_ctx=None) is None
    provider.kill()  # stopping twice is harmless

    again = backend.open()  # the provider let go of its store (and, embedded, its lock)
    assert again.db.receipts.find_one({"_id": "r1"})["number"] == "R/1"
    again.close()


def test_an_update_is_applied_once_per_event_and_remembers_the_last_hundred(db: Any) -> None:
    coll = db.pending_items
    assert apply_once(coll, "f1", "e1", {"$set": {"where": "a"}, "$inc": {"moves": 1}})
    assert not apply_once(coll, "f1", "e1", {"$set": {"where": "b"}, "$inc": {"moves": 1}})
    stored = coll.find_one({"_id": "f1"})
    assert (stored["where"], stored["moves"], stored["applied_events"]) == ("a", 1, ["e1"])

    for n in range(2, 106):
        assert apply_once(coll, "f1", f"e{n}", {"$inc": {"moves": 1}})
    stored = coll.find_one({"_id": "f1"})
    assert stored["moves"] == 105
    assert stored["applied_events"] == [f"e{n}" for n in range(6, 106)]  # $slice: -100
    # An event forgotten that long ago would apply again: redeliveries come far sooner.
    assert apply_once(coll, "f1", "e1", {"$inc": {"moves": 1}})


def test_an_update_whose_extra_condition_fails_on_an_existing_document_is_not_applied(
    db: Any,
) -> None:
    coll = db.pending_items
    assert apply_once(coll, "f1", "e1", {"$set": {"seq": 5}}, extra_filter={"seq": {"$lt": 5}})
    # The filter misses the existing document, so the upsert tries to insert its _id again:
    # the engine refuses with a duplicate key, which means "not applied".
    assert not apply_once(coll, "f1", "e2", {"$set": {"seq": 3}}, extra_filter={"seq": {"$lt": 3}})
    assert coll.find_one({"_id": "f1"})["seq"] == 5


# --- common.outbox ------------------------------------------------------------------------------


def event(event_id: str, kind: str = "receipt.sent") -> dict[str, Any]:
    return {"event_id": event_id, "type": kind, "payload": {"n": event_id}}


def test_a_change_and_its_events_are_one_update(db: Any) -> None:
    db.receipts.insert_one({"_id": "r1", "outbox": [event("e0")], "has_outbox": True})
    update = with_events(
        {"$set": {"holder": "p2"}, "$push": {"trail": "p2"}}, event("e1"), event("e2")
    )
    db.receipts.update_one({"_id": "r1"}, update)
    stored = db.receipts.find_one({"_id": "r1"})
    assert stored["holder"] == "p2" and stored["trail"] == ["p2"] and stored["has_outbox"]
    assert [e["event_id"] for e in stored["outbox"]] == ["e0", "e1", "e2"]


def test_the_relay_publishes_pending_events_in_order_sealed_and_then_forgets_them(
    db: Any,
) -> None:
    db.receipts.insert_one({"_id": "r1", "outbox": [event("e1"), event("e2")], "has_outbox": True})
    db.files.insert_one({"_id": "f1", "outbox": [event("e3", "file.sent")], "has_outbox": True})
    db.files.insert_one({"_id": "f2", "outbox": [], "has_outbox": False})
    published: list[tuple[str, str, bool]] = []

    def publish(batch: list[Outgoing]) -> None:
        # Until the broker has a batch, every event of it is still in its outbox.
        for e in batch:
            coll = db.receipts if e.type == "receipt.sent" else db.files
            assert coll.count_documents({"outbox.event_id": e.event["event_id"]}) == 1
        published.extend((e.type, e.event["event_id"], e.event["sealed"]) for e in batch)

    def seal(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "sealed": True}

    assert relay(db, publish, seal, ["receipts", "files"]) == 3
    assert published == [
        ("receipt.sent", "e1", True),
        ("receipt.sent", "e2", True),
        ("file.sent", "e3", True),
    ]
    for coll, key in (("receipts", "r1"), ("files", "f1")):
        stored = db[coll].find_one({"_id": key})
        assert stored["outbox"] == [] and stored["has_outbox"] is False
    assert relay(db, publish, seal, ["receipts", "files"]) == 0


def test_an_event_written_while_the_relay_publishes_waits_for_the_next_round(db: Any) -> None:
    db.receipts.insert_one({"_id": "r1", "outbox": [event("e1")], "has_outbox": True})
    db.receipts.insert_one({"_id": "r2", "outbox": [event("e2")], "has_outbox": True})
    published: list[str] = []

    def publish(batch: list[Outgoing]) -> None:
        published.extend(e.event["event_id"] for e in batch)
        if published == ["e1", "e2"]:  # a desk action on r1 lands meanwhile
            db.receipts.update_one({"_id": "r1"}, with_events({"$set": {"x": 1}}, event("e3")))

    assert relay(db, publish, dict, ["receipts"]) == 2
    r1, r2 = db.receipts.find_one({"_id": "r1"}), db.receipts.find_one({"_id": "r2"})
    assert [e["event_id"] for e in r1["outbox"]] == ["e3"] and r1["has_outbox"] is True
    assert r2["outbox"] == [] and r2["has_outbox"] is False
    assert relay(db, publish, dict, ["receipts"]) == 1
    assert published == ["e1", "e2", "e3"]
    assert db.receipts.find_one({"_id": "r1"})["has_outbox"] is False


def test_the_relay_hands_the_broker_whole_outboxes_a_batch_at_a_time(db: Any) -> None:
    db.receipts.insert_one({"_id": "r0", "outbox": [event("e0")], "has_outbox": True})
    many = [event("e1a"), event("e1b"), event("e1c")]
    db.receipts.insert_one({"_id": "r1", "outbox": many, "has_outbox": True})
    for n in (2, 3, 4):
        db.receipts.insert_one({"_id": f"r{n}", "outbox": [event(f"e{n}")], "has_outbox": True})
    batches: list[list[str]] = []

    def publish(batch: list[Outgoing]) -> None:
        batches.append([e.event["event_id"] for e in batch])

    assert relay(db, publish, dict, ["receipts"], batch=2) == 7
    assert batches == [["e0", "e1a", "e1b", "e1c"], ["e2", "e3"], ["e4"]]
    assert db.receipts.count_documents({"has_outbox": True}) == 0


def test_a_batch_the_broker_refuses_stays_and_the_batches_before_it_are_forgotten(
    db: Any,
) -> None:
    for n in range(3):
        db.receipts.insert_one({"_id": f"r{n}", "outbox": [event(f"e{n}")], "has_outbox": True})

    def refuses_the_second(batch: list[Outgoing]) -> None:
        if batch[0].event["event_id"] == "e1":
            raise ConnectionError("broker gone")

    with pytest.raises(ConnectionError):
        relay(db, refuses_the_second, dict, ["receipts"], batch=1)
    waiting = db.receipts.find({"has_outbox": True}, {"outbox": 1})
    assert sorted(e["event_id"] for doc in waiting for e in doc["outbox"]) == ["e1", "e2"]


# --- files ------------------------------------------------------------------------------------


def test_files_indexes_are_made_once_and_replace_the_old_unique_receipt_number(db: Any) -> None:
    db.receipts.create_index("number", unique=True)  # as stores made before copies existed
    files.ensure_indexes(db)
    files.ensure_indexes(db)  # every start runs it again
    assert ("number",) not in indexes(db, "receipts")
    assert_indexed(db, "receipts", "number", "copy_no", unique=True)
    assert_indexed(db, "files", "number", unique=True)
    for kind in files.KINDS:
        for field in ("holder_post_id", "has_outbox", "search_terms", "sent_by_post_id"):
            assert_indexed(db, kind, field)
    assert_indexed(db, "receipts", "document.sha256")
    assert_indexed(db, "dispatches", "office_id", "at", "_id")  # the register, newest first
    assert_indexed(db, "heads", "office_id")

    db.receipts.insert_one({"_id": "r1", "number": "R/1"})
    db.receipts.insert_one({"_id": "r1c", "number": "R/1", "copy_no": 1})  # a copy: allowed
    with pytest.raises(DuplicateKeyError):
        db.receipts.insert_one({"_id": "r2", "number": "R/1"})
    db.files.insert_one({"_id": "f1", "number": "F/1"})
    with pytest.raises(DuplicateKeyError):
        db.files.insert_one({"_id": "f2", "number": "F/1"})
    # An update that makes a clash is refused too, and changes nothing.
    db.files.insert_one({"_id": "f3", "number": "F/3"})
    with pytest.raises(DuplicateKeyError):
        db.files.update_one({"_id": "f3"}, {"$set": {"number": "F/1"}})
    assert db.files.find_one({"_id": "f3"})["number"] == "F/3"
    with pytest.raises(DuplicateKeyError):  # the copy would be a second original
        db.receipts.update_one({"_id": "r1c"}, {"$unset": {"copy_no": ""}})
    db.files.update_one({"_id": "f3"}, {"$set": {"subject": "s"}})  # no unique field touched


def test_counters_count_up_by_one_each(db: Any) -> None:
    assert [next_counter(db, "receipt:o1") for _ in range(3)] == [1, 2, 3]
    assert next_counter(db, "file:o1") == 1
    assert db.counters.find_one({"_id": "receipt:o1"})["seq"] == 3


# A new receipt's or file's first version and history entry.
FIRST = {"version": 1, "history": [{"seq": 1, "action": "diarised", "hash": "h1"}]}


def new_receipt(receipt_id: str, **fields: Any) -> NewItem:
    doc = {
        "_id": receipt_id,
        "number": f"R/{receipt_id}",
        "subject": "Road repair",
        "office_path": ["o1"],
        "holder_post_id": "p-clerk",
        "status": "open",
        **FIRST,
        "search_terms": search.terms("Road repair near Hazratganj", f"R/{receipt_id}"),
        "involved_posts": ["p-clerk"],
        "notes": [],
        **fields,
    }
    diarised = ReceiptDiarised(
        receipt_id=receipt_id,
        number=doc["number"],
        subject=doc["subject"],
        office_id="o1",
        post_id="p-clerk",
        post_name=NAMES,
        seq=1,
    )
    return NewItem(doc=doc, event=diarised)


def test_a_new_receipt_is_stored_with_its_first_event_and_read_with_or_without_history(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    files.insert(db, "receipts", new_receipt("r1"), ACTOR)
    stored = db.receipts.find_one({"_id": "r1"})
    assert stored["has_outbox"] is True
    assert [e["type"] for e in stored["outbox"]] == ["receipt.diarised"]
    assert stored["outbox"][0]["payload"]["receipt_id"] == "r1"

    plain = files.item(db, "receipts", "r1")
    assert plain is not None and "history" not in plain and "outbox" not in plain
    assert plain["number"] == "R/r1" and "search_terms" in plain
    full = files.item(db, "receipts", "r1", with_history=True)
    assert full is not None and full["history"][0]["action"] == "diarised"
    assert files.item(db, "receipts", "nobody") is None
    assert files.item(db, "receipts", {"$ne": None}) is None  # type: ignore[arg-type]
    assert "hazratganj" in files.search_terms_of(db, "receipts", "r1")
    assert files.last_history_entry(db, "receipts", plain)["seq"] == 1


def opened_by(post_id: str, version: int) -> Any:
    return change(
        "opened",
        ACTOR,
        post_id,
        f"2025-01-0{version}T10:00:00+00:00",
        {"remark": f"v{version}"},
        set={"status": "open", "opened_by": post_id},
        push={"trail": post_id},
        add_to_set={"involved_posts": post_id},
        pull={"flags": "new"},
        events=(Event(ReceiptOpened, {"receipt_id": "r1", "number": "R/r1", "post_id": post_id}),),
    )


def test_a_change_is_one_version_checked_write_with_its_history_and_events(db: Any) -> None:
    files.insert(db, "receipts", new_receipt("r1", flags=["new", "urgent"]), ACTOR)
    current = files.item(db, "receipts", "r1")
    assert current is not None
    updated = files.apply(db, "receipts", current, opened_by("p-so", 1))
    assert updated["version"] == 2 and updated["opened_by"] == "p-so"
    assert updated["trail"] == ["p-so"] and updated["flags"] == ["urgent"]
    assert updated["involved_posts"] == ["p-clerk", "p-so"]
    assert "history" not in updated and "outbox" not in updated

    again = files.apply(db, "receipts", updated, opened_by("p-clerk", 2))
    assert again["involved_posts"] == ["p-clerk", "p-so"]  # $addToSet adds nothing twice
    assert again["trail"] == ["p-so", "p-clerk"] and again["version"] == 3

    stored = files.item(db, "receipts", "r1", with_history=True)
    assert stored is not None
    assert [h["seq"] for h in stored["history"]] == [1, 2, 3]
    assert stored["history"][1]["prev_hash"] == "h1"
    assert stored["history"][2]["prev_hash"] == stored["history"][1]["hash"]
    opened = [e for e in stored["outbox"] if e["type"] == "receipt.opened"]
    assert [e["payload"]["seq"] for e in opened] == [2, 3]

    with pytest.raises(Conflict) as stale:  # decided on version 2, but it is at 3 now
        files.apply(db, "receipts", updated, opened_by("p-so", 3))
    assert stale.value.code == "VERSION_CONFLICT"
    assert files.item(db, "receipts", "r1")["version"] == 3  # type: ignore[index]


def test_a_change_links_to_its_own_last_history_entry_whatever_head_it_carries(db: Any) -> None:
    """A change links its history entry to the document's last one through the head kept
    beside its version; a document whose head is another's (made from it) or missing (written
    by an earlier version) is linked through its own history instead."""
    files.insert(db, "receipts", new_receipt("r1"), ACTOR)
    r1 = files.apply(db, "receipts", files.item(db, "receipts", "r1"), opened_by("p-so", 1))
    stored = db.receipts.find_one({"_id": "r1"})
    assert stored["history_head"] == {
        "of": "r1",
        "version": 2,
        "seq": 2,
        "hash": stored["history"][-1]["hash"],
    }
    own_entry = {**stored["history"][-1], "hash": "own-2"}
    made_from_r1 = {
        **stored,
        "_id": "r2",
        "number": "R/r2",
        "history": [*stored["history"][:1], own_entry],
    }
    earlier = {
        k: v
        for k, v in {**made_from_r1, "_id": "r3", "number": "R/r3"}.items()
        if k != "history_head"
    }
    db.receipts.insert_many([made_from_r1, earlier])
    for item_id in ("r1", "r2", "r3"):
        files.apply(db, "receipts", files.item(db, "receipts", item_id), opened_by("p-clerk", 2))
        history = files.item(db, "receipts", item_id, with_history=True)["history"]  # type: ignore[index]
        assert [h["seq"] for h in history] == [1, 2, 3]
        assert history[2]["prev_hash"] == history[1]["hash"]
    assert r1["version"] == 2


def test_desks_list_what_waits_at_and_was_sent_by_their_posts_without_the_heavy_parts(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    for receipt_id, holder, status in (
        ("r1", "p1", "open"),
        ("r2", "p1", "parked"),
        ("r3", "p1", "closed"),
        ("r4", "p2", "open"),
    ):
        new = new_receipt(receipt_id, holder_post_id=holder, status=status, sent_by_post_id="p9")
        files.insert(db, "receipts", new, ACTOR)
    waiting = files.held_by(db, "receipts", ["p1"])
    assert sorted(r["_id"] for r in waiting) == ["r1", "r2"]
    # (The embedded engine adds "_id" to a projection dict it is given: compare by name.)
    heavy = {"history", "outbox", "search_terms", "notes"}
    assert [heavy & set(r) for r in waiting] == [set(), set()]
    assert sorted(r["_id"] for r in files.held_by(db, "receipts", ["p1", "p2"])) == [
        "r1",
        "r2",
        "r4",
    ]
    assert files.held_by(db, "receipts", []) == []
    sent = files.sent_by(db, "receipts", ["p9"])
    assert sorted(r["_id"] for r in sent) == ["r1", "r2", "r4"]
    assert all("history" not in r for r in sent)


def test_reads_give_the_fields_asked_for_and_never_a_document_shared_with_the_store(
    db: Any,
) -> None:
    """Projections as MongoDB gives them (the embedded engine hands over what it decoded, and
    plans a query on its narrowest field): whole, fields kept, fields left out, with or without
    ``_id``, paths; and changing what a read gave changes nothing stored."""
    db.files.create_index("status")
    db.files.create_index("holder_post_id")
    doc = {"_id": "f1", "a": 1, "b": {"c": 2, "d": 3}, "status": "open", "holder_post_id": "p1"}
    db.files.insert_many([doc, *({**doc, "_id": f"f{n}", "holder_post_id": "p2"} for n in (2, 3))])
    assert db.files.find_one({"_id": "f1"}) == doc
    assert db.files.find_one({"_id": "f1"}, {"a": 1}) == {"_id": "f1", "a": 1}
    assert db.files.find_one({"_id": "f1"}, ["a", "status"]) == {
        "_id": "f1",
        "a": 1,
        "status": "open",
    }
    assert db.files.find_one({"_id": "f1"}, {"a": 1, "_id": 0}) == {"a": 1}
    assert db.files.find_one({"_id": "f1"}, {"_id": 1}) == {"_id": "f1"}
    assert db.files.find_one({"_id": "f1"}, {"_id": 0}) == {
        k: v for k, v in doc.items() if k != "_id"
    }
    assert db.files.find_one({"_id": "f1"}, {"b": 0, "status": 0, "holder_post_id": 0}) == {
        "_id": "f1",
        "a": 1,
    }
    assert db.files.find_one({"_id": "f1"}, {"b.c": 1, "_id": 0}) == {"b": {"c": 2}}
    # Planned on the narrowest field (one holder), the other filters still apply.
    assert [d["_id"] for d in db.files.find({"status": "open", "holder_post_id": "p1"})] == ["f1"]
    assert list(db.files.find({"status": "closed", "holder_post_id": "p1"})) == []
    assert [d["_id"] for d in db.files.find({"$and": [{"status": "open"}, {"_id": "f3"}]})] == [
        "f3"
    ]
    read = db.files.find_one({"_id": "f1"})
    read["b"]["c"] = 99
    read["a"] = 99
    assert db.files.find_one({"_id": "f1"}) == doc


def test_updates_count_match_and_change_and_keep_indexes_and_uniques_as_mongodb(db: Any) -> None:
    """Updates as MongoDB applies them (the embedded engine applies operator updates that touch
    no unique field itself, each document read once): counts of matched and modified, an index
    on an updated field, find_one_and_update's before, after and projection, a positional
    ``$``; and an update that would break a unique index is refused and changes nothing."""
    db.files.create_index("holder_post_id")
    db.files.create_index("number", unique=True)
    db.files.insert_many(
        [
            {"_id": "f1", "number": "1", "holder_post_id": "p1", "v": 1, "notes": [{"n": 1}]},
            {"_id": "f2", "number": "2", "holder_post_id": "p1", "v": 1, "notes": []},
        ]
    )
    same = db.files.update_one({"_id": "f1"}, {"$set": {"holder_post_id": "p1"}})
    assert (same.matched_count, same.modified_count) == (1, 0)
    moved = db.files.update_many({"holder_post_id": "p1"}, {"$set": {"holder_post_id": "p2"}})
    assert (moved.matched_count, moved.modified_count) == (2, 2)
    assert list(db.files.find({"holder_post_id": "p1"})) == []
    assert [d["_id"] for d in db.files.find({"holder_post_id": "p2"})] == ["f1", "f2"]
    none = db.files.update_one({"_id": "f9"}, {"$inc": {"v": 1}})
    assert (none.matched_count, none.modified_count) == (0, 0)

    after = db.files.find_one_and_update(
        {"_id": "f1", "v": 1},
        {"$inc": {"v": 1}, "$push": {"notes": {"n": 2}}, "$set": {"holder_post_id": "p3"}},
        projection={"notes": 0},
        return_document=ReturnDocument.AFTER,
    )
    assert after == {"_id": "f1", "number": "1", "holder_post_id": "p3", "v": 2}
    before = db.files.find_one_and_update({"_id": "f1"}, {"$unset": {"holder_post_id": ""}})
    assert before["holder_post_id"] == "p3" and before["notes"] == [{"n": 1}, {"n": 2}]
    assert db.files.find_one_and_update({"_id": "f1", "v": 1}, {"$inc": {"v": 1}}) is None
    assert [d["_id"] for d in db.files.find({"holder_post_id": "p3"})] == []
    assert db.files.find_one({"_id": "f1"}) == {
        "_id": "f1",
        "number": "1",
        "v": 2,
        "notes": [{"n": 1}, {"n": 2}],
    }

    db.files.update_one({"_id": "f1", "notes.n": 2}, {"$set": {"notes.$.seen": True}})
    assert db.files.find_one({"_id": "f1"})["notes"] == [{"n": 1}, {"n": 2, "seen": True}]

    with pytest.raises(DuplicateKeyError):
        db.files.update_one({"_id": "f2"}, {"$set": {"number": "1"}, "$inc": {"v": 1}})
    with pytest.raises(DuplicateKeyError):
        db.files.find_one_and_update({"_id": "f2"}, {"$set": {"number": "1"}, "$inc": {"v": 1}})
    assert db.files.find_one({"_id": "f2"})["number"] == "2"
    assert db.files.find_one({"_id": "f2"})["v"] == 1
    assert [d["_id"] for d in db.files.find({"number": "1"})] == ["f1"]

    # Refused at the second document (MongoDB names it WriteError, mongomock TypeError): the
    # first keeps its change, as on MongoDB, which does not undo an update_many's earlier ones.
    db.counts.insert_many([{"_id": "a", "n": 1}, {"_id": "b", "n": "x"}])
    with pytest.raises((TypeError, WriteError)):
        db.counts.update_many({}, {"$inc": {"n": 1}})
    assert list(db.counts.find()) == [{"_id": "a", "n": 2}, {"_id": "b", "n": "x"}]


def test_the_seven_working_day_rule_finds_what_waits_long_and_what_was_escalated(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    for receipt_id, since, status, escalated in (
        ("r1", "2026-01-05T10:00:00+05:30", "open", ["p-above"]),
        ("r2", "2026-01-05T10:00:00+05:30", "closed", ["p-above"]),
        ("r3", "2026-01-20T10:00:00+05:30", "open", []),
    ):
        new = new_receipt(
            receipt_id, holder_since=since, status=status, escalated_to_post_ids=escalated
        )
        files.insert(db, "receipts", new, ACTOR)
    long_waiting = files.held_since_before(db, "receipts", "2026-01-12T00:00:00+05:30")
    assert [r["_id"] for r in long_waiting] == ["r1"]
    assert "history" not in long_waiting[0]
    assert [r["_id"] for r in files.escalated_to(db, "receipts", ["p-above"])] == ["r1"]
    assert files.escalated_to(db, "receipts", ["p-clerk"]) == []

    assert files.pendency_rules(db, ["o-state", "o1"]) == {}
    assert files.smallest_warning(db, 5) == 5
    files.set_pendency_rule(db, "o1", {"warning": 3, "explanation": 4, "escalation": 6, "every": 2})
    files.set_pendency_rule(db, "o1", {"warning": 4, "explanation": 4, "escalation": 6, "every": 2})
    assert files.pendency_rules(db, ["o-state", "o1"]) == {
        "o1": {"_id": "o1", "warning": 4, "explanation": 4, "escalation": 6, "every": 2}
    }
    assert files.smallest_warning(db, 5) == 4


def test_search_finds_by_every_term_of_the_query_through_the_term_index(db: Any) -> None:
    files.ensure_indexes(db)
    files.insert(db, "receipts", new_receipt("r1"), ACTOR)
    files.insert(
        db,
        "receipts",
        new_receipt("r2", search_terms=search.terms("Road widening in Lucknow", "R/r2")),
        ACTOR,
    )
    files.insert(db, "receipts", new_receipt("r3", search_terms=search.terms("पेंशन", "R/r3")), ACTOR)

    def found(query: str, limit: int = 10) -> list[str]:
        hits = files.matching(db, "receipts", search.query_terms(query), limit)
        assert all("search_terms" not in h and "history" not in h for h in hits)
        return sorted(h["_id"] for h in hits)

    assert found("road") == ["r1", "r2"]
    assert found("Road HAZRATGANJ") == ["r1"]
    assert found("haz") == ["r1"]  # a word's prefix
    assert found("road pension") == []
    assert found("पेंशन") == ["r3"]
    assert len(found("road", limit=1)) == 1


def test_a_document_is_traced_to_the_receipts_that_carry_it_and_who_may_see_them(
    db: Any,
) -> None:
    sha = "a" * 64
    files.insert(db, "receipts", new_receipt("r1", document={"sha256": sha}), ACTOR)
    files.insert(db, "receipts", new_receipt("r2", document={"sha256": sha}, file_id="f1"), ACTOR)
    files.insert(db, "receipts", new_receipt("r3", document={"sha256": "b" * 64}), ACTOR)
    carrying = files.receipts_with_document(db, sha)
    assert sorted(r["_id"] for r in carrying) == ["r1", "r2"]
    assert {r["_id"]: r.get("file_id") for r in carrying} == {"r1": None, "r2": "f1"}
    assert all(set(r) <= {"_id", "file_id", *files.WHO_MAY_SEE} for r in carrying)
    assert files.who_may_see(db, "receipts", "r1") == {"_id": "r1", "involved_posts": ["p-clerk"]}
    assert files.who_may_see(db, "receipts", "nobody") is None


def test_file_heads_are_unique_per_office_and_code(db: Any) -> None:
    files.ensure_indexes(db)
    head = {"_id": "o1:ADM", "office_id": "o1", "code": "ADM", "name": "Administration"}
    assert files.insert_head(db, head) == head
    files.insert_head(db, {"_id": "o1:FIN", "office_id": "o1", "code": "FIN"})
    files.insert_head(db, {"_id": "o2:ADM", "office_id": "o2", "code": "ADM"})
    with pytest.raises(Conflict) as taken:
        files.insert_head(db, {**head, "name": "again"})
    assert (taken.value.code, taken.value.details) == ("FILE_HEAD_TAKEN", {"head": "ADM"})
    assert files.head(db, "o1", "ADM")["name"] == "Administration"
    with pytest.raises(NotFound) as missing:
        files.head(db, "o1", "XYZ")
    assert missing.value.code == "FILE_HEAD_NOT_FOUND"
    assert sorted(h["code"] for h in files.heads_of(db, "o1")) == ["ADM", "FIN"]
    assert files.heads_of(db, None) == []


def test_an_issue_number_is_recorded_once(db: Any) -> None:
    files.record_issue(db, {"_id": "O1/2025/7", "draft_id": "d1"})
    with pytest.raises(Conflict) as again:
        files.record_issue(db, {"_id": "O1/2025/7", "draft_id": "d2"})
    assert again.value.code == "ALREADY_ISSUED"
    assert files.issue(db, "O1/2025/7") == {"_id": "O1/2025/7", "draft_id": "d1"}
    assert files.issue(db, "O1/2025/8") is None
    assert files.issue(db, {"$gt": ""}) is None  # type: ignore[arg-type]


def test_a_documents_text_is_queued_once_read_once_and_indexed_again_for_each_new_item(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    assert_indexed(db, "texts", "seq")
    receipt = {"kind": "receipts", "id": "r1", "what": "receipt"}
    files.queue_text(db, "a" * 64, receipt, "2026-12-01T10:00:00Z")
    files.queue_text(db, "a" * 64, receipt, "2026-12-01T10:00:01Z")  # asked again: no change
    files.queue_text(db, "b" * 64, receipt, "2026-12-01T10:00:02Z")
    assert files.text_states(db, ["a" * 64])["a" * 64]["state"] == "queued"
    taken = files.take_queued_text(db, "2026-12-01T10:01:00Z")
    assert taken is not None and taken["_id"] == "a" * 64 and taken["state"] == "reading"
    assert taken["refs"] == [receipt]
    # Taken at 10:01: not yet given up for a reader that might still be at it at 10:01...
    assert files.requeue_unfinished_texts(db, taken_before="2026-12-01T10:01:00Z") == 0
    assert files.requeue_unfinished_texts(db) == 1  # ...but a reader stopped half-way: again
    taken = files.take_queued_text(db, "2026-12-01T10:01:30Z")
    assert taken is not None and taken["_id"] == "a" * 64
    files.put_back_text(db, "a" * 64)  # its reader could not run
    assert files.text_states(db, ["a" * 64])["a" * 64]["state"] == "queued"
    taken = files.take_queued_text(db, "2026-12-01T10:02:00Z")
    assert taken is not None and taken["_id"] == "a" * 64
    files.text_read(db, "a" * 64, "ocr", 2, "हाथरस चौकीदार", "2026-12-01T10:03:00Z")
    other = files.take_queued_text(db, "2026-12-01T10:04:00Z")
    assert other is not None and other["_id"] == "b" * 64
    files.text_failed(db, "b" * 64, "encrypted", "", "2026-12-01T10:05:00Z")
    assert files.take_queued_text(db, "2026-12-01T10:06:00Z") is None
    states = files.text_states(db, ["a" * 64, "b" * 64, "c" * 64])
    assert states["a" * 64] == {"state": "done", "method": "ocr", "pages": 2}
    assert states["b" * 64] == {"state": "failed", "reason": "encrypted"}
    assert "c" * 64 not in states
    read = files.texts_since(db, 0, 10)
    assert [t["_id"] for t in read] == ["a" * 64] and read[0]["text"] == "हाथरस चौकीदार"
    # The same letter put on a second item: not read again, but the index must take it again.
    files.queue_text(db, "a" * 64, {"kind": "files", "id": "f1", "what": "letter"}, "2026-12-02")
    again = files.texts_since(db, read[0]["seq"], 10)
    assert [t["_id"] for t in again] == ["a" * 64] and len(again[0]["refs"]) == 2
    assert files.text_states(db, ["a" * 64])["a" * 64]["state"] == "done"
    assert files.texts_since(db, again[0]["seq"], 10) == []


def test_documents_stored_before_reading_are_queued_once_and_a_text_is_read_whole(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    db.receipts.insert_many(
        [
            {"_id": "r1", "number": "R1", "document": {"sha256": "a" * 64}},
            # a physical letter without a scan
            {"_id": "r2", "number": "R2", "document": {"sha256": None}},
            {"_id": "r3", "number": "R1", "copy_no": 1, "document": {"sha256": "a" * 64}},
        ]
    )
    files.record_issue(db, {"_id": "O1/2026/1", "file_id": "f1", "sha256": "b" * 64})
    assert files.queue_unread_documents(db, "2026-12-01T10:00:00Z") == 3
    assert files.queue_unread_documents(db, "2026-12-01T11:00:00Z") == 0  # once per store
    queued = files.text_of(db, "a" * 64)
    assert queued is not None and queued["state"] == "queued"
    assert [r["id"] for r in queued["refs"]] == ["r1", "r3"]
    letter = files.text_of(db, "b" * 64)
    assert letter is not None
    assert letter["refs"] == [{"kind": "files", "id": "f1", "what": "letter"}]
    files.text_read(db, "a" * 64, "text", 1, "चौकीदार", "2026-12-01T10:01:00Z")
    read = files.text_of(db, "a" * 64)
    assert read is not None and (read["state"], read["text"]) == ("done", "चौकीदार")
    assert files.text_of(db, "c" * 64) is None
    assert files.text_of(db, {"$gt": ""}) is None  # type: ignore[arg-type]


def test_the_full_text_index_learns_the_newest_seq_and_reads_texts_for_its_snippets(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    assert files.last_text_seq(db) == 0  # nothing read yet: an index at 0 is caught up
    ref = {"kind": "receipts", "id": "r1", "what": "receipt"}
    for sha in ("a" * 64, "b" * 64):
        files.queue_text(db, sha, ref, "2026-12-01T10:00:00Z")
    files.take_queued_text(db, "2026-12-01T10:01:00Z")
    files.text_read(db, "a" * 64, "text", 1, "भूमि विवाद", "2026-12-01T10:02:00Z")
    assert files.last_text_seq(db) == files.texts_since(db, 0, 10)[-1]["seq"]
    # Only what was read: a document still queued has no words yet.
    assert files.texts_of(db, ["a" * 64, "b" * 64, "c" * 64]) == {"a" * 64: "भूमि विवाद"}


def test_the_dispatch_register_reads_newest_first_a_page_at_a_time(db: Any) -> None:
    files.ensure_indexes(db)
    entries = [
        ("d1", "2025-01-01"),
        ("d2", "2025-01-03"),
        ("d3", "2025-01-02"),
        ("d4", "2025-01-03"),  # same moment as d2: the later id first
        ("d5", "2025-01-04"),
    ]
    for entry_id, at in entries:
        files.record_dispatch(db, {"_id": entry_id, "office_id": "o1", "at": at})
    files.record_dispatch(db, {"_id": "x1", "office_id": "o2", "at": "2025-01-05"})
    newest_first = ["d5", "d4", "d2", "d3", "d1"]
    for batch in (1, 2, 5, 10):
        assert [d["_id"] for d in files.dispatches_of(db, "o1", batch)] == newest_first
    register = files.dispatches_of(db, "o1", 2)
    assert [next(register)["_id"] for _ in range(3)] == newest_first[:3]  # read only as needed
    assert list(files.dispatches_of(db, "o3", 2)) == []


def test_a_legacy_record_is_one_per_old_number_in_an_office_and_its_batch_resumes(
    db: Any,
) -> None:
    files.ensure_indexes(db)
    assert_indexed(db, "files", "legacy.sha256")
    assert_indexed(db, "files", "status")

    def record(record_id: str, office: str, old: str, sha: str) -> dict[str, Any]:
        seen = {"involved_posts": ["p1"], "supervisors": [], "grading": "normal"}
        legacy = {"old_number": old, "sha256": sha}
        return {
            "_id": record_id,
            "number": f"LEGACY/{office}/{old}",
            "office_id": office,
            "status": "recorded",
            "legacy": legacy,
            **seen,
        }

    assert files.record_legacy(db, record("f1", "o1", "12/1987", "a" * 64)) is None
    again = files.record_legacy(db, record("f2", "o1", "12/1987", "b" * 64))
    assert again is not None and again["_id"] == "f1"  # the one recorded first is answered
    assert files.record_legacy(db, record("f3", "o2", "12/1987", "b" * 64)) is None  # other office
    files.insert(
        db,
        "files",
        NewItem(
            {**FIRST, "_id": "f4", "number": "N/1", "office_path": ["o1"], "status": "open"},
            ReceiptOpened(receipt_id="x", number="N/1", post_id="p1", seq=1),
        ),
        ACTOR,
    )
    files.insert(
        db,
        "files",
        NewItem(
            {**FIRST, "_id": "f5", "number": "N/2", "office_path": ["o1"], "status": "recorded"},
            ReceiptOpened(receipt_id="y", number="N/2", post_id="p1", seq=1),
        ),
        ACTOR,
    )
    assert files.legacy_record(db, "o1", "12/1987")["_id"] == "f1"  # type: ignore[index]
    assert files.legacy_record(db, "o1", "13/1987") is None
    assert [r["_id"] for r in files.records_with_scan(db, "b" * 64)] == ["f3"]
    assert {r["_id"] for r in files.recorded_files(db)} == {"f1", "f3", "f5"}

    rows = [{"row": 2, "outcome": "waiting"}, {"row": 3, "outcome": "waiting"}]
    batch = {"_id": "b1", "sheet_key": "p1:abc", "rows": rows}
    assert files.insert_batch(db, batch) == batch
    assert files.insert_batch(db, {"_id": "b2", "sheet_key": "p1:abc", "rows": []})["_id"] == "b1"
    files.insert_batch(db, {"_id": "z1", "rows": []})  # ZIP batches carry no sheet key
    files.insert_batch(db, {"_id": "z2", "rows": []})
    files.batch_row_done(db, "b1", 1, {"row": 3, "outcome": "recorded"})
    kept = files.record_batch(db, "b1")
    assert kept is not None and [r["outcome"] for r in kept["rows"]] == ["waiting", "recorded"]
    assert files.record_batch(db, "nope") is None
    assert files.record_batch(db, {"$gt": ""}) is None  # type: ignore[arg-type]


# --- identity -------------------------------------------------------------------------------


IDENTITY_UNIQUE = {
    ("offices", "code"),
    ("posts", "abbreviation"),
    ("users", "username"),
    ("vpn_accounts", "slot"),
    ("vpn_accounts", "live_user"),
}
IDENTITY_INDEXED = {
    ("offices", "parent_id"),
    ("posts", "holder_user_id"),
    ("posts", "district_id"),
    ("posts", "office_id"),
    ("users", "disabled_at"),
    ("users", "employee_code"),
    ("users", "sheet_values.email"),
    ("users", "sheet_values.post"),
    ("users", "dsc.not_after"),
    ("sheets", "uploaded_by"),
    ("delegations", "delegate_user_id"),
    ("delegations", "post_id"),
    ("leave_periods", "post_id"),
    ("refresh_tokens", "family"),
    ("refresh_tokens", "user_id"),
    ("signing_keys", "active"),
    ("vpn_accounts", "user_id"),
    ("vpn_accounts", "district_id"),
    *(("users", "has_outbox"), ("posts", "has_outbox")),
    *(("delegations", "has_outbox"), ("vpn_accounts", "has_outbox")),
}


def test_identity_indexes(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.ensure_indexes(db)
    for collection, field in IDENTITY_UNIQUE:
        assert_indexed(db, collection, field, unique=True)
    for collection, field in IDENTITY_INDEXED:
        assert_indexed(db, collection, field)


def office(office_id: str, parent: str | None, path: list[str], level: str) -> dict[str, Any]:
    return {
        "_id": office_id,
        "code": office_id.upper(),
        "parent_id": parent,
        "path": path,
        "level": level,
        "name_en": office_id,
    }


def test_the_office_tree(db: Any) -> None:
    identity.ensure_indexes(db)
    state = identity.insert_office(db, office("up", None, ["up"], "state"))
    identity.insert_office(db, office("lko", "up", ["up", "lko"], "district"))
    identity.insert_office(db, office("lko-t", "lko", ["up", "lko", "lko-t"], "tehsil"))
    identity.insert_office(db, office("agra", "up", ["up", "agra"], "district"))
    with pytest.raises(Conflict) as taken:
        identity.insert_office(db, {**office("up2", None, ["up2"], "state"), "code": "UP"})
    assert (taken.value.code, taken.value.details) == ("OFFICE_CODE_TAKEN", {"code": "UP"})

    assert identity.office_by_code(db, "LKO")["_id"] == "lko"
    for wrong in ("NOPE", {"$ne": None}):
        with pytest.raises(NotFound):
            identity.office_by_code(db, wrong)  # type: ignore[arg-type]
    assert identity.office_or_none(db, "lko-t")["level"] == "tehsil"  # type: ignore[index]
    assert identity.office_or_none(db, {"$ne": None}) is None
    assert identity.office_by_id(db, "up") == state
    with pytest.raises(NotFound):
        identity.office_by_id(db, None)
    tehsil = identity.office_by_id(db, "lko-t")
    assert [o["_id"] for o in identity.ancestors(db, tehsil)] == ["up", "lko", "lko-t"]
    assert identity.district_of(db, tehsil) == "lko"
    assert identity.district_of(db, state) == "up"
    assert [o["_id"] for o in identity.roots(db)] == ["up"]
    assert sorted(o["_id"] for o in identity.children(db, "up")) == ["agra", "lko"]
    assert sorted(o["_id"] for o in identity.subtree(db, state)) == ["agra", "lko", "lko-t", "up"]

    version = identity.tree_version(db)
    assert identity.tree_version(db) == version  # read again, it holds
    identity.set_office_path(db, "lko-t", ["up", "agra", "lko-t"])
    assert identity.office_by_id(db, "lko-t")["path"] == ["up", "agra", "lko-t"]
    moved = identity.tree_version(db)
    assert moved != version  # an office moved: what files kept is not used again
    renamed = identity.update_office(db, "lko", {"name_en": "Lucknow"}, {"at": "t1"})
    assert identity.tree_version(db) not in (version, moved)
    assert renamed["name_en"] == "Lucknow" and renamed["history"] == [{"at": "t1"}]
    renamed = identity.update_office(db, "lko", {"name_hi": "लखनऊ"}, {"at": "t2"})
    assert renamed["history"] == [{"at": "t1"}, {"at": "t2"}] and renamed["name_en"] == "Lucknow"


def post(post_id: str, office_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "_id": post_id,
        "abbreviation": post_id.upper(),
        "office_id": office_id,
        "district_id": "lko",
        "holder_user_id": None,
        "charge": None,
        **fields,
    }


def test_posts_and_who_holds_them(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.insert_post(db, post("dm", "lko"))
    identity.insert_post(db, post("adm", "lko"))
    identity.insert_post(db, post("sdm", "lko-t"))
    with pytest.raises(Conflict) as taken:
        identity.insert_post(db, {**post("dm2", "lko"), "abbreviation": "DM"})
    assert taken.value.code == "POST_ABBREVIATION_TAKEN"

    assert identity.post_or_none(db, "dm")["abbreviation"] == "DM"  # type: ignore[index]
    assert identity.post_or_none(db, ["dm"]) is None
    with pytest.raises(NotFound):
        identity.post_by_id(db, "nobody")
    assert identity.post_by_abbreviation(db, "SDM")["_id"] == "sdm"
    with pytest.raises(NotFound):
        identity.post_by_abbreviation(db, "XX")

    version = identity.tree_version(db)
    identity.assign_post(db, identity.post_by_id(db, "adm"), "u1", "regular", event("e1"))
    assert identity.tree_version(db) != version  # a post changed hands
    identity.assign_post(db, identity.post_by_id(db, "sdm"), "u1", "additional", event("e2"))
    assert sorted(p["_id"] for p in identity.posts_held_by(db, "u1")) == ["adm", "sdm"]
    # A transfer: the regular post changes hands, the additional charge stays.
    identity.assign_post(db, identity.post_by_id(db, "dm"), "u1", "regular", event("e3"))
    held = {p["_id"]: p["charge"] for p in identity.posts_held_by(db, "u1")}
    assert held == {"dm": "regular", "sdm": "additional"}
    assert identity.post_by_id(db, "adm")["holder_user_id"] is None
    stored = db.posts.find_one({"_id": "dm"})
    assert stored["outbox"] == [event("e3")] and stored["has_outbox"] is True
    assert "outbox" not in identity.post_by_id(db, "dm")

    version = identity.tree_version(db)
    identity.set_post_path(db, "sdm", ["up", "agra", "agra-t"], "agra")
    assert identity.tree_version(db) != version  # a post moved with its office
    assert sorted(p["_id"] for p in identity.posts_in_district(db, "lko")) == ["adm", "dm"]
    assert identity.post_by_id(db, "sdm")["office_path"] == ["up", "agra", "agra-t"]
    assert [p["_id"] for p in identity.posts_of_office(db, "lko-t")] == ["sdm"]
    under = {p["_id"]: p.get("holder_user_id") for p in identity.posts_under(db, "agra")}
    assert under == {"sdm": "u1"}  # a circular's fan-out: the post and its holder only
    assert identity.posts_under(db, "nowhere") == []


def test_delegations_end_once(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.insert_delegation(
        db, {"_id": "g1", "post_id": "dm", "delegate_user_id": "u2", "ended_at": None}, event("e")
    )
    identity.insert_delegation(
        db, {"_id": "g2", "post_id": "adm", "delegate_user_id": "u2", "ended_at": None}, event("f")
    )
    assert identity.delegation(db, "g1")["post_id"] == "dm"  # type: ignore[index]
    assert "outbox" not in identity.delegation(db, "g1")  # type: ignore[operator]
    assert identity.delegation(db, None) is None
    assert sorted(d["_id"] for d in identity.delegations_to(db, "u2")) == ["g1", "g2"]
    assert [d["_id"] for d in identity.delegations_of_post(db, "dm")] == ["g1"]
    ended = identity.end_delegation(db, "g1", "2025-02-01", event("g"))
    assert ended is not None and ended["ended_at"] == "2025-02-01" and "outbox" not in ended
    assert db.delegations.find_one({"_id": "g1"})["outbox"][-1] == event("g")
    assert identity.end_delegation(db, "g1", "2025-02-02", event("h")) is None


def test_leave_periods_keep_the_newest_version_told(db: Any) -> None:
    identity.ensure_indexes(db)
    taken = {"post_id": "dm", "applicant_user_id": "u1", "from_date": "2025-03-01"}
    assert identity.record_leave(
        db, "a1", 2, {**taken, "to_date": "2025-03-05", "cancelled": False}
    )
    # Told twice, or an older version told late: nothing changes.
    assert not identity.record_leave(
        db, "a1", 2, {**taken, "to_date": "2025-03-09", "cancelled": False}
    )
    assert identity.record_leave(
        db, "a1", 3, {**taken, "to_date": "2025-03-02", "cancelled": False}
    )
    assert not identity.record_leave(
        db, "a1", 2, {**taken, "to_date": "2025-03-05", "cancelled": False}
    )
    # Cancelled before its sanction is heard of: the sanction, older, does not bring it back.
    other = {"post_id": "adm", "applicant_user_id": "u2", "from_date": "2025-03-01"}
    assert identity.record_leave(db, "a2", 3, {**other, "to_date": "2025-03-05", "cancelled": True})
    assert not identity.record_leave(
        db, "a2", 2, {**other, "to_date": "2025-03-05", "cancelled": False}
    )
    posts = [{"_id": "dm", "holder_user_id": "u1"}, {"_id": "adm", "holder_user_id": "u2"}]
    on_the_2nd = identity.leave_on(db, posts, "2025-03-02")
    assert {p: (v["from_date"], v["to_date"]) for p, v in on_the_2nd.items()} == {
        "dm": ("2025-03-01", "2025-03-02")
    }
    assert identity.leave_on(db, posts, "2025-03-03") == {}
    assert identity.leave_on(db, posts, "2025-02-28") == {}
    # The post's next holder is not on its last holder's leave.
    assert identity.leave_on(db, [{"_id": "dm", "holder_user_id": "u3"}], "2025-03-02") == {}


def user(user_id: str, username: str, **fields: Any) -> dict[str, Any]:
    return {
        "_id": user_id,
        "username": username,
        "office_id": "lko",
        "password_hash": "h",
        "employee_code": f"EMP{user_id}",
        "disabled_at": None,
        "dsc": None,
        "login_busy_until": None,
        "failed_logins": 0,
        **fields,
    }


def test_people_their_logins_and_the_one_password_check_at_a_time(db: Any) -> None:
    identity.ensure_indexes(db)
    made = identity.insert_user(db, user("u1", "asha"), event("e1"))
    assert made["username"] == "asha"
    identity.insert_user(db, user("u2", "ravi", office_id="agra"), event("e2"))
    with pytest.raises(Conflict) as taken:
        identity.insert_user(db, user("u3", "asha"), event("e3"))
    assert (taken.value.code, taken.value.details) == ("USERNAME_TAKEN", {"username": "asha"})
    assert db.users.find_one({"_id": "u3"}) is None

    assert identity.user_by_username(db, "asha")["_id"] == "u1"  # type: ignore[index]
    assert identity.user_by_username(db, "nobody") is None
    assert "outbox" not in identity.user_by_id(db, "u1")
    with pytest.raises(NotFound):
        identity.user_by_id(db, {"$ne": None})  # type: ignore[arg-type]
    assert sorted(identity.users_by_ids(db, ["u1", "u2", "u9"])) == ["u1", "u2"]
    of_lko = identity.users_of_offices(db, ["lko"])
    assert [u["_id"] for u in of_lko] == ["u1"] and "password_hash" not in of_lko[0]
    assert identity.logins(db) == {"asha", "ravi"}

    identity.set_user(db, "u1", {"lang": "hi"})
    identity.set_user(db, "u1", {"disabled_at": "2025-03-01"}, event("e4"))
    stored = db.users.find_one({"_id": "u1"})
    assert stored["lang"] == "hi" and [e["event_id"] for e in stored["outbox"]] == ["e1", "e4"]
    assert identity.recently_disabled(db, "2025-02-28") == ["u1"]
    assert identity.recently_disabled(db, "2025-03-02") == []

    assert identity.record_failure(db, "u2", "2025-03-01T10:00") == 1
    assert identity.record_failure(db, "u2", None) == 2
    assert identity.user_by_id(db, "u2")["next_attempt_at"] is None

    claimed = identity.claim_login(db, "u2", "2025-03-01T10:00:00", "2025-03-01T10:00:30")
    assert claimed is not None and claimed["login_busy_until"] == "2025-03-01T10:00:30"
    assert "outbox" not in claimed
    assert identity.claim_login(db, "u2", "2025-03-01T10:00:10", "2025-03-01T10:00:40") is None
    # A slot left over by a crash frees itself once its time is past.
    assert identity.claim_login(db, "u2", "2025-03-01T10:01:00", "2025-03-01T10:01:30")
    identity.release_login(db, "u2")
    assert identity.claim_login(db, "u2", "2025-03-01T10:01:05", "2025-03-01T10:01:35")


def test_onboarding_sheets_and_the_people_they_bring(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.insert_sheet(db, {"_id": "s1", "uploaded_by": "u1", "status": "planned"})
    identity.update_sheet(db, "s1", {"status": "applied", "rows": 2})
    assert identity.sheet(db, "s1") == {
        "_id": "s1",
        "uploaded_by": "u1",
        "status": "applied",
        "rows": 2,
    }
    assert identity.sheet(db, 1) is None  # type: ignore[arg-type]

    values = {"email": "asha@up.gov.in", "post": "DM"}
    asha = user("emp-1", "asha", employee_code="E1", sheet_values=values)
    assert identity.insert_onboarded(db, asha, event("e1"))
    assert not identity.insert_onboarded(db, asha, event("e1"))  # a rerun after a crash
    identity.insert_onboarded(
        db,
        user("emp-2", "ravi", employee_code="E2", sheet_values={"email": "r@x", "post": "SDM"}),
        event("e2"),
    )
    found = identity.onboarded(db, ["E9"], ["asha@up.gov.in"], ["SDM", "SDM"])
    assert sorted(found) == ["E1", "E2"] and "password_hash" not in found["E1"]
    assert identity.onboarded(db, ["E1"], [], [])["E1"]["_id"] == "emp-1"
    assert identity.onboarded(db, [], [], []) == {}


def test_a_dsc_is_enrolled_replaced_warned_about_and_revoked(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.insert_user(db, user("u1", "asha"), event("e0"))
    identity.insert_user(db, user("u2", "ravi"), event("e0b"))
    first = {"sha256": "a" * 64, "not_after": "2025-06-01", "warnings_sent": []}
    identity.replace_dsc(db, "u1", first, event("e1"))
    assert db.users.find_one({"_id": "u1"}).get("dsc_history") is None
    second = {"sha256": "b" * 64, "not_after": "2026-06-01", "warnings_sent": []}
    identity.replace_dsc(db, "u1", second, event("e2"))
    identity.replace_dsc(db, "u2", {**first, "sha256": "c" * 64}, event("e3"))
    stored = db.users.find_one({"_id": "u1"})
    assert stored["dsc"] == second
    assert [(d["sha256"], "ended_at" in d) for d in stored["dsc_history"]] == [("a" * 64, True)]

    expiring = identity.dscs_expiring_before(db, "2025-07-01")
    assert [u["_id"] for u in expiring] == ["u2"] and set(expiring[0]) == {
        "_id",
        "dsc",
        "office_id",
    }

    identity.dsc_warning_sent(db, "u1", "b" * 64, 30, event("w1"))
    identity.dsc_warning_sent(db, "u1", "a" * 64, 7, event("w2"))  # an old DSC: nothing
    stored = db.users.find_one({"_id": "u1"})
    assert stored["dsc"]["warnings_sent"] == [30]
    assert "w2" not in [e["event_id"] for e in stored["outbox"]]

    identity.replace_dsc(db, "u1", None, event("e4"))
    stored = db.users.find_one({"_id": "u1"})
    assert stored["dsc"] is None and len(stored["dsc_history"]) == 2
    assert [u["_id"] for u in identity.dscs_expiring_before(db, "2030-01-01")] == ["u2"]


def test_token_signing_keys_rotate_and_retired_ones_only_verify_a_while(db: Any) -> None:
    identity.ensure_indexes(db)
    assert identity.active_signing_key(db) is None
    k1 = identity.insert_signing_key(db, "k1", "sealed-private-1", "public-1")
    assert identity.active_signing_key(db) == k1
    identity.retire_signing_keys(db, "2025-01-10")
    identity.insert_signing_key(db, "k2", "sealed-private-2", "public-2")
    retired = db.signing_keys.find_one({"_id": "k1"})
    assert (retired["active"], retired["private_pem"], retired["retired_at"]) == (
        False,
        None,
        "2025-01-10",
    )
    assert identity.active_signing_key(db)["_id"] == "k2"  # type: ignore[index]
    assert identity.verifying_keys(db, "2025-01-01") == {"k1": "public-1", "k2": "public-2"}
    assert identity.verifying_keys(db, "2025-01-11") == {"k2": "public-2"}


def test_refresh_tokens_are_used_once_and_ending_a_login_ends_its_access_tokens(db: Any) -> None:
    identity.ensure_indexes(db)
    identity.insert_refresh_token(db, "t1", "fam", "u1", "2025-02-01", ("j1", "2025-01-01T10:15"))
    identity.insert_refresh_token(db, "t2", "fam", "u1", "2025-02-01", ("j2", "2025-01-01T09:00"))
    identity.insert_refresh_token(db, "t3", "other", "u1", "2025-02-01", ("j3", "2099-01-01"))
    used, stored = identity.use_refresh_token(db, "t1")
    assert used is not None and used["used"] is True and used is stored
    used, stored = identity.use_refresh_token(db, "t1")
    assert used is None and stored is not None and stored["used"] is True
    assert identity.use_refresh_token(db, "nope") == (None, None)
    assert identity.refresh_token(db, "t2")["access_jti"] == "j2"  # type: ignore[index]

    identity.revoke_family(db, "fam", "2025-01-01T10:00")
    assert db.refresh_tokens.count_documents({"family": "fam", "revoked": True}) == 2
    assert identity.use_refresh_token(db, "t2")[0] is None  # revoked: not usable
    assert identity.revoked_access_tokens(db, "2025-01-01T10:00") == ["j1"]  # j2 had expired
    identity.revoke_family(db, "fam", "2025-01-01T10:00")  # again: still one record per jti
    assert db.revoked_access_tokens.count_documents({}) == 1
    assert identity.revoked_access_tokens(db, "2025-01-01T10:15") == []  # expired: dropped
    assert db.revoked_access_tokens.count_documents({}) == 0

    identity.revoke_all_of(db, "u1")
    assert db.refresh_tokens.count_documents({"revoked": False}) == 0


def test_secrets_stored_in_plain_form_by_an_older_version_are_sealed_once(db: Any) -> None:
    box = SecretBox(base64.b64decode(base64.b64encode(b"k" * 32)))
    db.signing_keys.insert_many(
        [
            {"_id": "k1", "private_pem": "PLAIN-1", "active": True},
            {"_id": "k0", "private_pem": "PLAIN-0", "active": False},
        ]
    )
    db.users.insert_many(
        [
            {"_id": "u1", "totp_secret": "TOTP1", "totp_pending_secret": None},
            {"_id": "u2", "totp_secret": None, "totp_pending_secret": "TOTP2"},
            {"_id": "u3", "totp_secret": None, "totp_pending_secret": None},
        ]
    )
    db.vpn_accounts.insert_one({"_id": "v1", "private_key": "WG-PRIVATE"})
    db.settings.insert_one({"_id": "vpn_server", "public_key": "pub", "private_key": "srv"})

    identity.seal_plaintext_secrets(db, box)
    key = db.signing_keys.find_one({"_id": "k1"})["private_pem"]
    assert box.open(key, identity.sealed_for("signing_key", "k1")) == "PLAIN-1"
    assert db.signing_keys.find_one({"_id": "k0"})["private_pem"] is None
    u1, u2 = db.users.find_one({"_id": "u1"}), db.users.find_one({"_id": "u2"})
    assert box.open(u1["totp_secret"], identity.sealed_for("totp", "u1")) == "TOTP1"
    assert u1["totp_pending_secret"] is None and is_sealed(u2["totp_pending_secret"])
    vpn = db.vpn_accounts.find_one({"_id": "v1"})["private_key"]
    assert box.open(vpn, identity.sealed_for("vpn", "v1")) == "WG-PRIVATE"
    assert db.settings.find_one({"_id": "vpn_server"}) == {"_id": "vpn_server", "public_key": "pub"}

    identity.seal_plaintext_secrets(db, box)  # once per database: nothing sealed twice
    assert db.signing_keys.find_one({"_id": "k1"})["private_pem"] == key


def vpn(account_id: str, slot: str, user_id: str) -> dict[str, Any]:
    return {
        "_id": account_id,
        "slot": slot,
        "address": slot.split(":")[1],
        "user_id": user_id,
        "live_user": user_id,
        "district_id": "lko",
        "private_key": "sealed",
    }


def test_vpn_addresses_are_never_given_twice_nor_a_person_two_live_accounts(db: Any) -> None:
    identity.ensure_indexes(db)
    assert identity.insert_vpn_account(db, vpn("v1", "lko:10.8.0.2", "u1"), event("e1"))
    assert not identity.insert_vpn_account(db, vpn("v2", "lko:10.8.0.2", "u2"), event("e2"))
    with pytest.raises(Conflict) as twice:
        identity.insert_vpn_account(db, vpn("v3", "lko:10.8.0.3", "u1"), event("e3"))
    assert twice.value.code == "VPN_ALREADY_ISSUED"
    assert identity.insert_vpn_account(db, vpn("v4", "lko:10.8.0.3", "u2"), event("e4"))
    assert identity.vpn_addresses_issued(db, "lko") == {"10.8.0.2", "10.8.0.3"}
    assert identity.live_vpn_account(db, "u1")["_id"] == "v1"  # type: ignore[index]
    assert identity.live_vpn_addresses(db, ["u1", "u2", "u9"]) == {
        "u1": "10.8.0.2",
        "u2": "10.8.0.3",
    }

    live = identity.live_vpn_account(db, "u1")
    assert live is not None
    identity.revoke_vpn_account(db, live, "2025-04-01", event("r"))
    assert identity.live_vpn_account(db, "u1") is None
    revoked = db.vpn_accounts.find_one({"_id": "v1"})
    assert revoked["private_key"] is None and revoked["outbox"][-1] == event("r")
    assert [a["_id"] for a in identity.live_vpn_accounts(db, "lko")] == ["v4"]
    assert identity.vpn_addresses_issued(db, "lko") == {"10.8.0.2", "10.8.0.3"}  # kept
    assert identity.insert_vpn_account(db, vpn("v5", "lko:10.8.0.4", "u1"), event("e5"))

    assert identity.kept_vpn_server_key(db, "first") == "first"
    assert identity.kept_vpn_server_key(db, "second") == "first"


def test_identity_records_ids_and_what_sealed_secrets_belong_to(db: Any) -> None:
    assert len({identity.new_id() for _ in range(100)}) == 100
    assert identity.sealed_for("totp", "u1") == "identity.totp:u1"
    identity.insert_with_event(db.sheets, {"_id": "s1"}, event("e1"))
    assert db.sheets.find_one({"_id": "s1"}) == {
        "_id": "s1",
        "outbox": [event("e1")],
        "has_outbox": True,
    }


# --- signing ----------------------------------------------------------------------------------


def test_a_prepared_signing_is_claimed_once_before_it_expires_and_completed(db: Any) -> None:
    signing.ensure_indexes(db)
    assert_indexed(db, "signings", "has_outbox")
    assert_indexed(db, "signings", "user_id")
    prepared = {
        "_id": "s1",
        "user_id": "u1",
        "status": "prepared",
        "prepared": b"%PDF",
        "expires_at": "2025-01-01T10:10",
    }
    signing.insert(db, prepared)
    signing.insert(db, {**prepared, "_id": "s2"})
    assert signing.signing(db, "s1") == prepared
    assert signing.signing(db, {"$ne": None}) is None  # type: ignore[arg-type]

    assert signing.claim(db, "s2", "2025-01-01T10:10") is None  # expired
    claimed = signing.claim(db, "s1", "2025-01-01T10:00")
    assert claimed is not None and claimed["status"] == "completing"
    assert claimed["completing_since"] == "2025-01-01T10:00"
    assert signing.claim(db, "s1", "2025-01-01T10:01") is None  # once only
    signing.release(db, "s1")
    assert signing.claim(db, "s1", "2025-01-01T10:02") is not None

    signing.complete(db, "s1", {"signed_sha256": "f" * 64}, event("signed", "document.signed"))
    done = signing.signing(db, "s1")
    assert done is not None and done["status"] == "completed"
    assert done["signed_sha256"] == "f" * 64 and "prepared" not in done
    assert done["outbox"] == [event("signed", "document.signed")] and done["has_outbox"]
    signing.release(db, "s1")  # only a completing signing goes back
    assert signing.signing(db, "s1")["status"] == "completed"  # type: ignore[index]


# --- notify -----------------------------------------------------------------------------------


def test_notices_are_stored_once_and_marked_read(db: Any) -> None:
    notify.ensure_indexes(db)
    for field in ("post_id", "user_id", "item_id"):
        assert_indexed(db, "notices", field)
    for notice_id, post_id, item_id in (("n1", "p1", "r1"), ("n2", "p1", "r1"), ("n3", "p2", "r1")):
        assert notify.add_notice(
            db, {"_id": notice_id, "post_id": post_id, "item_id": item_id, "read_at": None}
        )
    assert not notify.add_notice(db, {"_id": "n1", "post_id": "p9", "read_at": None})
    assert notify.add_notice(db, {"_id": "n4", "post_id": None, "user_id": "u1", "read_at": None})
    assert sorted(n["_id"] for n in notify.notices_for(db, ["p1"], "u9")) == ["n1", "n2"]
    assert sorted(n["_id"] for n in notify.notices_for(db, ["p1"], "u1")) == ["n1", "n2", "n4"]
    assert notify.notice(db, "n1")["post_id"] == "p1"  # type: ignore[index]
    assert notify.notice(db, {"$ne": None}) is None  # type: ignore[arg-type]

    notify.mark_read(db, "n1", "t1")
    notify.mark_read(db, "n1", "t2")  # read once: the first moment stays
    assert notify.notice(db, "n1")["read_at"] == "t1"  # type: ignore[index]
    notify.mark_read_for_item(db, "p1", "r1", "t3")
    read = {n["_id"]: n["read_at"] for n in notify.notices_for(db, ["p1", "p2"], "u1")}
    assert read == {"n1": "t1", "n2": "t3", "n3": None, "n4": None}
    assert notify.unread_count(db, ["p2"], "u1") == 2
    assert notify.mark_all_read(db, ["p2"], "u1", "t4") == 2  # n3 and n4; n1, n2 not theirs
    assert notify.unread_count(db, ["p2"], "u1") == 0
    assert notify.mark_all_read(db, ["p2"], "u1", "t5") == 0
    read = {n["_id"]: n["read_at"] for n in notify.notices_for(db, ["p1", "p2"], "u1")}
    assert read == {"n1": "t1", "n2": "t3", "n3": "t4", "n4": "t4"}


def test_many_notices_are_written_in_one_go_and_a_second_go_adds_only_the_new(db: Any) -> None:
    notify.ensure_indexes(db)
    batch = [{"_id": f"c:{i}", "post_id": f"p{i}", "read_at": None} for i in range(5)]
    assert notify.add_notices(db, batch) == 5
    assert notify.add_notices(db, [*batch, {"_id": "c:9", "post_id": "p9", "read_at": None}]) == 1
    assert notify.add_notices(db, []) == 0
    assert db.notices.count_documents({}) == 6


def test_who_holds_a_post_follows_the_latest_assignment_whatever_order_it_arrives(db: Any) -> None:
    notify.ensure_indexes(db)
    assert_indexed(db, "posts", "holder_user_id")
    notify.post_held(db, "p1", "u2", "t2")
    notify.post_held(db, "p1", "u1", "t1")  # older, arriving late: changes nothing
    notify.post_held(db, "p2", "u2", "t1")
    assert notify.holders(db, ["p1", "p2", "p3"]) == {"p1": "u2", "p2": "u2"}
    assert sorted(notify.posts_of(db, "u2")) == ["p1", "p2"]
    notify.post_held(db, "p2", "u3", "t3")
    assert notify.posts_of(db, "u2") == ["p1"]


def test_a_posts_name_is_kept_with_its_holder_and_a_late_assignment_keeps_the_newer(
    db: Any,
) -> None:
    notify.ensure_indexes(db)
    notify.post_held(db, "p1", "u1", "t2", {"en": "SP", "hi": "पुलिस अधीक्षक"})
    notify.post_held(db, "p1", "u0", "t1", {"en": "Old", "hi": "पुराना"})  # older: ignored
    notify.post_held(db, "p2", "u2", "t1")  # no name known
    assert notify.post_names(db, ["p1", "p2", "p3"]) == {"p1": {"en": "SP", "hi": "पुलिस अधीक्षक"}}


def test_a_persons_choices_are_kept_and_their_first_addresses_never_overwrite_them(db: Any) -> None:
    notify.ensure_indexes(db)
    assert_indexed(db, "people", "wanted")
    notify.save_person(db, "u1", {"email": "a@up.gov.in", "digest": True}, ["file_received"])
    notify.first_contacts(db, "u1", "sheet@up.gov.in", "9876543210")  # already chose
    notify.first_contacts(db, "u2", "b@up.gov.in", None)
    assert notify.person(db, "u1")["email"] == "a@up.gov.in"  # type: ignore[index]
    assert notify.person(db, "nobody") is None
    assert set(notify.people(db, ["u1", "u2", "u3"])) == {"u1", "u2"}
    assert notify.anyone_wants(db, "file_received")
    assert not notify.anyone_wants(db, "circular")
    assert [p["_id"] for p in notify.digest_due(db, "2026-12-07")] == ["u1"]
    assert notify.digest_sent(db, "u1", "2026-12-07")
    assert not notify.digest_sent(db, "u1", "2026-12-07")  # once a day
    assert notify.digest_due(db, "2026-12-07") == []


def delivery_doc(delivery_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "_id": delivery_id,
        "notice_id": delivery_id.split(":")[0],
        "status": "pending",
        "attempts": 0,
        "next_try": "t0",
        "office_path": ["up"],
        "tries": [],
        **fields,
    }


def test_a_delivery_is_planned_once_claimed_once_and_recorded(db: Any) -> None:
    notify.ensure_indexes(db)
    assert_indexed(db, "deliveries", "status")
    notify.plan(db, [delivery_doc("n1:email"), delivery_doc("n2:email", next_try="t9")])
    notify.plan(db, [delivery_doc("n1:email", status="dead")])  # planned already: kept as it was
    claimed = notify.claim_due(db, "t1")
    assert claimed is not None and claimed["_id"] == "n1:email"
    assert (claimed["status"], claimed["attempts"], claimed["claimed_at"]) == ("sending", 1, "t1")
    assert notify.claim_due(db, "t1") is None  # n2 is not due yet; n1 is taken
    notify.tried(db, "n1:email", {"status": "failed", "next_try": "t5"}, {"at": "t1"})
    notify.tried(db, "n1:email", {"status": "sent"}, {"at": "t2"})  # not sending: no change
    assert notify.delivery(db, "n1:email")["status"] == "failed"  # type: ignore[index]
    again = notify.claim_due(db, "t5")
    assert again is not None and (again["_id"], again["attempts"]) == ("n1:email", 2)
    notify.tried(db, "n1:email", {"status": "sent"}, {"at": "t5"})
    done = notify.delivery(db, "n1:email")
    assert done is not None and done["status"] == "sent" and len(done["tries"]) == 2
    assert [d["_id"] for d in notify.deliveries_of_notices(db, ["n1", "n2"])] == [
        "n1:email",
        "n2:email",
    ]
    assert notify.delivery(db, {"$ne": None}) is None  # type: ignore[arg-type]


def test_a_delivery_cut_off_while_sending_waits_for_an_admin_who_can_replay_it(db: Any) -> None:
    notify.ensure_indexes(db)
    notify.plan(db, [delivery_doc("n1:sms"), delivery_doc("n2:sms", dispatch_of="HTR/1")])
    notify.claim_due(db, "t1")
    notify.claim_due(db, "t3")
    assert [d["_id"] for d in notify.interrupted(db, "t2", "t9")] == ["n1:sms"]
    assert notify.interrupted(db, "t2", "t9") == []
    assert [d["_id"] for d in notify.dead_letters(db)] == ["n1:sms"]
    assert notify.delivery(db, "n1:sms")["reason"] == "INTERRUPTED_WHILE_SENDING"  # type: ignore[index]
    assert notify.replay(db, "n2:sms", "t9", {"user_id": "admin"}) is None  # not dead
    replayed = notify.replay(db, "n1:sms", "t9", {"user_id": "admin"})
    assert replayed is not None
    assert (replayed["status"], replayed["attempts"], replayed["next_try"]) == ("pending", 0, "t9")
    assert notify.dead_letters(db) == []
    assert [d["_id"] for d in notify.deliveries_of_dispatch(db, "HTR/1")] == ["n2:sms"]


def test_an_event_notify_cannot_read_is_kept_once_newest_first(db: Any) -> None:
    notify.keep_unread(db, {"event_id": "e1", "type": "receipt.sent", "v": 2}, "version", "t1")
    notify.keep_unread(db, {"event_id": "e1", "type": "receipt.sent", "v": 2}, "version", "t2")
    notify.keep_unread(db, {"type": "receipt.sent"}, "malformed", "t3")  # not even an id
    kept = notify.unread_events(db)
    assert [(k["reason"], k["at"]) for k in kept] == [("malformed", "t3"), ("version", "t1")]
    assert kept[1]["raw"]["v"] == 2


def test_reminders_fall_due_once_and_moving_on_cancels_those_made_before(db: Any) -> None:
    notify.ensure_indexes(db)
    assert_indexed(db, "reminders", "key")
    reminder = {"fired": False, "key": "f1@p1", "made_at": "t1"}
    notify.add_reminders(
        db,
        [
            {**reminder, "_id": "r1", "fire_at": "t5"},
            {**reminder, "_id": "r2", "fire_at": "t8"},
            {**reminder, "_id": "r3", "fire_at": "t8", "key": "f1@p2", "made_at": "t6"},
        ],
    )
    notify.add_reminders(db, [{**reminder, "_id": "r1", "fire_at": "t0"}])  # once
    assert [r["_id"] for r in notify.reminders_due(db, "t5")] == ["r1"]
    notify.reminder_fired(db, "r1")
    assert notify.reminders_due(db, "t5") == []
    notify.cancel_reminders(db, "f1@p1", "t6")
    notify.cancel_reminders(db, "f1@p2", "t6")  # made at t6: not before it, kept
    assert [r["_id"] for r in notify.reminders_due(db, "t9")] == ["r3"]


# --- idempotency (every service's store) -----------------------------------------------------


def test_an_action_with_an_idempotency_key_is_applied_once_and_answered_again(db: Any) -> None:
    idempotency.ensure_indexes(db)
    assert_indexed(db, "idempotency", "at")
    applied: list[int] = []

    def act() -> dict[str, Any]:
        applied.append(1)
        return {"id": "r1", "version": 2}

    assert idempotency.once(db, "u1:files.send:k1", "same", act) == {"id": "r1", "version": 2}
    assert idempotency.once(db, "u1:files.send:k1", "same", act) == {"id": "r1", "version": 2}
    assert len(applied) == 1
    with pytest.raises(Refused) as other:  # the same key with another body
        idempotency.once(db, "u1:files.send:k1", "another", act)
    assert other.value.code == "IDEMPOTENCY_KEY_REUSED" and len(applied) == 1


def test_a_refusal_is_answered_again_and_a_crash_lets_the_retry_act(db: Any) -> None:
    def stale() -> None:
        raise Conflict("VERSION_CONFLICT", {"current": 3})

    for _ in range(2):
        with pytest.raises(Conflict) as refused_again:
            idempotency.once(db, "u1:files.send:k2", "same", stale)
        assert (refused_again.value.code, refused_again.value.details) == (
            "VERSION_CONFLICT",
            {"current": 3},
        )

    def crash() -> None:
        raise TimeoutError("identity did not answer")

    with pytest.raises(TimeoutError):
        idempotency.once(db, "u1:files.send:k3", "same", crash)
    assert idempotency.once(db, "u1:files.send:k3", "same", lambda: "done") == "done"

    db.idempotency.insert_one(
        {"_id": "u1:files.send:k4", "same": "same", "status": "running", "at": iso(utcnow())}
    )
    with pytest.raises(Conflict) as busy:  # the first try is still being applied
        idempotency.once(db, "u1:files.send:k4", "same", lambda: "twice")
    assert busy.value.code == "IDEMPOTENCY_KEY_IN_USE"

    # A try whose worker was killed mid-call is taken over once its lease has run out, by one
    # retry only; a stale record of other arguments is still refused as a reused key.
    long_ago = iso(utcnow() - timedelta(seconds=idempotency.RUNNING_LEASE_SECONDS + 5))
    db.idempotency.insert_one(
        {"_id": "u1:files.send:k5", "same": "same", "status": "running", "at": long_ago}
    )
    with pytest.raises(Refused) as reused:
        idempotency.once(db, "u1:files.send:k5", "other", lambda: "other")
    assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert idempotency.once(db, "u1:files.send:k5", "same", lambda: "taken over") == "taken over"
    assert idempotency.once(db, "u1:files.send:k5", "same", lambda: "twice") == "taken over"


def test_idempotency_records_are_forgotten_after_a_day(db: Any) -> None:
    idempotency.once(db, "u1:files.send:new", "same", lambda: 1)
    db.idempotency.insert_one({"_id": "u1:files.send:old", "same": "s", "at": "2020-01-01"})
    assert idempotency.forget_old(db) == 1
    assert [r["_id"] for r in db.idempotency.find({})] == ["u1:files.send:new"]


# --- reports ----------------------------------------------------------------------------------


def test_the_pending_report_moves_an_item_once_per_event_and_never_backwards(db: Any) -> None:
    reports.ensure_indexes(db)
    assert_indexed(db, "pending_items", "office_path")
    at = {"office_path": "lko", "holder_post_id": "p1"}
    assert reports.move_item(db, "f1", "e2", {**at, "seq": 2})
    assert not reports.move_item(db, "f1", "e2", {**at, "seq": 2})  # redelivered
    assert not reports.move_item(db, "f1", "e1", {**at, "holder_post_id": "p0", "seq": 1})
    assert reports.move_item(db, "f1", "e3", {**at, "holder_post_id": "p3", "seq": 3})
    assert reports.move_item(db, "f2", "e9", {"office_path": "agra", "seq": 1})
    assert reports.items_under(db, "lko") == [
        {"_id": "f1", "office_path": "lko", "holder_post_id": "p3", "seq": 3}
    ]
    # A stage reached, handled before the item's first place (another worker): the place
    # still lands, and the mark stays.
    reports.add_mark(db, "f3", {"post_id": "p1", "seq": 2, "stage": "warning"})
    assert reports.move_item(db, "f3", "e10", {**at, "seq": 1})
    placed = db.pending_items.find_one({"_id": "f3"})
    assert (placed["holder_post_id"], placed["seq"], len(placed["marks"])) == ("p1", 1, 1)


def test_leave_waits_once_per_event_at_its_newest_place_and_its_days_taken_add_up(
    db: Any,
) -> None:
    reports.ensure_indexes(db)
    assert_indexed(db, "leave_pending", "node")
    assert_indexed(db, "leave_taken", "node")
    at = {"office_path": ["up", "htr"], "kind": "earned", "since": "2032-03-01T06:00:00+00:00"}

    def where(doc: dict) -> str:
        return f'[["up", "htr"], "2032-03-01", "{doc["post_id"]}|earned"]'

    assert reports.move_leave(db, "a1", "e1", {**at, "post_id": "co", "seq": 1})
    assert not reports.move_leave(db, "a1", "e1", {**at, "post_id": "co", "seq": 1})  # again
    assert reports.move_leave(db, "a1", "e3", {**at, "post_id": "sp", "seq": 3})
    assert not reports.move_leave(db, "a1", "e2", {**at, "post_id": "asp", "seq": 2})  # late
    batch = reports.Batch()
    reports.recount_leave(db, batch, "a1", where)
    reports.recount_leave(db, batch, "a1", where)  # nothing moved since: counted once
    reports.add_leave_taken(batch, ["up", "htr"], "2032-03", "earned", 3)
    reports.add_leave_taken(batch, ["up", "htr"], "2032-03", "earned", -1.5)  # refunded
    batch.write(db)
    assert reports.leave_pending_at(db, "up") == [
        {"node": "up", "day": "2032-03-01", "c": {"sp|earned": 1}}
    ]
    assert reports.leave_taken_at(db, "htr") == [
        {"node": "htr", "month": "2032-03", "c": {"earned": 1.5}}
    ]
    assert reports.leave_pending_at(db, "nowhere") == reports.leave_taken_at(db, "nowhere") == []


def test_the_reports_log_and_counters_behave_alike_on_both_engines(db: Any) -> None:
    reports.ensure_indexes(db)
    assert_indexed(db, "events", "page")
    assert_indexed(db, "register_lines", "key", "month")
    assert reports.log_event(db, "e1", {"type": "x", "office_path": ["up"], "day": "d"})
    assert not reports.log_event(db, "e1", {"type": "x"})  # redelivered: kept once
    reports.set_event_status(db, "e1", "kept", "unknown_type")
    assert reports.last_change(db) == 1
    assert [e["_id"] for e in reports.events_after(db, 0, 10)] == ["e1"]
    assert [e["_id"] for e in reports.all_events(db)] == ["e1"]
    reports.note_offices(db, ["up", "htr"])
    assert reports.office(db, "htr")["path"] == ["up", "htr"]
    assert [n["_id"] for n in reports.nodes_right_under(db, "up")] == ["htr"]
    assert {n["_id"] for n in reports.nodes_under(db, "up")} == {"up", "htr"}
    at = {"post_id": "p", "office_path": ["up", "htr"], "since": "2026-01-05T06:00:00+00:00"}
    reports.move_item(db, "f9", "e1", {**at, "kind": "file", "seq": 1})
    reports.set_priority(db, "f9", "urgent", 2)
    reports.set_priority(db, "f9", "normal", 1)  # older, arriving late
    reports.add_mark(db, "f9", {"post_id": "p", "seq": 2, "stage": "warning"})
    batch = reports.Batch()
    reports.recount_item(
        db, batch, "f9", lambda doc: f'[["htr"], "2026-01-05", "{doc["priority"]}"]'
    )
    assert reports.pending_counts_at(db, "htr") == []  # counted in the batch, not yet written
    reports.add_flow(batch, ["up", "htr"], "2026-01-05", "sent")
    reports.add_flow(batch, ["up"], "2026-01-06", "sent")
    reports.add_register_line(batch, "e1", "diary", "htr", "2026-01", {"id": "r1"})
    reports.add_register_line(batch, "e2", "diary", "htr", "2026-01", {"id": "r2"})
    reports.set_person(db, "u1", {"office_path": ["up"], "govid": True}, {})
    reports.recount_person(db, batch, "u1", lambda doc: "up|100")
    assert batch.waiting() == 7  # five documents to update, two lines to insert
    batch.write(db)
    assert batch.waiting() == 0
    assert reports.pending_counts_at(db, "htr")[0]["c"] == {"urgent": 1}
    assert {d["day"]: d["sent"] for d in reports.daily_at(db, "up")} == {
        "2026-01-05": 1,
        "2026-01-06": 1,
        "all": 2,
    }
    assert reports.daily_at(db, "nowhere") == []
    assert reports.register_lines(db, "diary", "htr") == [{"id": "r1"}, {"id": "r2"}]
    assert reports.register_lines(db, "diary", "htr", "2026-01") == [{"id": "r1"}, {"id": "r2"}]
    assert reports.register_lines(db, "diary", "htr", "2026-02") == []
    assert reports.register_lines(db, "files", "htr") == []
    assert reports.staff_at(db, "up") == {"100": 1}
    # The desk an item was made at: set before or after its movements, found by desk.
    reports.set_origin(db, "r7", "cru")
    reports.set_origin(db, "r7", "cru")  # its making redelivered
    assert [d["_id"] for d in reports.made_at(db, "cru")] == ["r7"]
    assert reports.made_at(db, "hc") == []
    # A person's moments only move forward: an older one arriving late changes nothing.
    reports.set_person(db, "u1", {}, {"vpn_issued_at": "2026-01-05T10:00:00.000000+00:00"})
    reports.set_person(db, "u1", {}, {"vpn_issued_at": "2026-01-04T10:00:00.000000+00:00"})
    seen: list = []
    reports.recount_person(db, batch, "u1", lambda doc: seen.append(doc) or "up|100")
    assert seen[0]["vpn_issued_at"].startswith("2026-01-05") and seen[0]["govid"] is True
    # A +1 and a -1 of one counter written together leave it at nought, as one by one would.
    batch.add("staff", "up", {}, "c.110", 1)
    batch.add("staff", "up", {}, "c.110", -1)
    batch.write(db)
    assert reports.staff_at(db, "up") == {"100": 1, "110": 0}
    assert reports.feed_key(db, lambda: "k1") == reports.feed_key(db, lambda: "k2") == "k1"
    reports.clear_models(db)
    assert reports.staff_at(db, "up") == {} and reports.last_change(db) == 1
    reports.note_offices(db, ["up", "htr"])  # noted before the clearing: noted again
    assert reports.office(db, "htr")["path"] == ["up", "htr"]


# --- leave ------------------------------------------------------------------------------------


def leave_application(app_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "_id": app_id,
        "user_id": "u-sho",
        "at_post_id": "p-co",
        "applied_at": f"2026-03-0{app_id[-1]}T05:00:00+00:00",
        "status": "applied",
        "version": 1,
        "history": [{"n": 1, "action": "applied"}],
        **fields,
    }


def test_a_leave_application_changes_at_its_version_with_its_history_and_event(db: Any) -> None:
    leave.ensure_indexes(db)
    assert_indexed(db, "applications", "user_id")
    assert_indexed(db, "applications", "at_post_id")
    assert_indexed(db, "ledger", "user_id")
    assert_indexed(db, "delegations", "post_id")
    leave.insert_application(db, leave_application("a1"), event("e1", "leave.applied"))
    leave.insert_application(db, leave_application("a2", at_post_id="p-asp"), event("e2"))
    leave.insert_application(db, leave_application("a3", user_id="u-hc"), event("e3"))
    stored = leave.application(db, "a1")
    assert "outbox" not in stored and stored["version"] == 1
    with pytest.raises(NotFound):
        leave.application(db, "nope")
    with pytest.raises(NotFound):
        leave.application(db, {"$ne": None})  # type: ignore[arg-type]  # no query through an id

    changed = leave.change_application(
        db,
        "a1",
        1,
        {"status": "recommended", "at_post_id": "p-asp"},
        {"action": "recommended"},
        event("e4", "leave.recommended"),
    )
    assert (changed["status"], changed["version"], changed["history"][-1]) == (
        "recommended",
        2,
        {"action": "recommended", "n": 2},
    )
    assert "outbox" not in changed
    raw = db.applications.find_one({"_id": "a1"})
    assert [e["event_id"] for e in raw["outbox"]] == ["e1", "e4"] and raw["has_outbox"] is True
    with pytest.raises(Conflict):  # someone acted on version 1 first
        leave.change_application(db, "a1", 1, {"status": "rejected"}, {}, event("e5"))
    assert leave.application(db, "a1")["status"] == "recommended"

    assert [a["_id"] for a in leave.applications_of(db, "u-sho")] == ["a2", "a1"]
    assert all("history" not in a for a in leave.applications_of(db, "u-sho"))
    assert [a["_id"] for a in leave.waiting_at(db, ["p-asp", "p-asp", "p-dig"])] == ["a1", "a2"]
    assert [a["_id"] for a in leave.waiting_at(db, ["p-co"])] == ["a3"]


def test_a_half_day_is_held_by_one_application_of_a_person_at_a_time(db: Any) -> None:
    leave.ensure_indexes(db)
    days = ["2026-03-12:am", "2026-03-12:pm"]
    assert leave.hold_days(db, "u", "a1", days, "t1") == []
    assert leave.hold_days(db, "u", "a1", days, "t1") == []  # its own again: nothing in the way
    assert leave.hold_days(db, "v", "b1", days, "t1") == []  # another person's days
    [held] = leave.hold_days(db, "u", "a2", ["2026-03-12:pm", "2026-03-13:am"], "t2")
    assert (held["_id"], held["application_id"]) == ("u:2026-03-12:pm", "a1")
    assert leave.take_over_day(db, held, "a2", "t3")  # a1 gave it up
    assert not leave.take_over_day(db, held, "a3", "t3")  # changed hands since it was read
    leave.let_go_days(db, "u", "a2", ["2026-03-12:pm", "2026-03-13:am"])
    assert leave.hold_days(db, "u", "a3", ["2026-03-12:pm", "2026-03-13:am"], "t4") == []
    [kept] = leave.hold_days(db, "u", "a4", ["2026-03-12:am"], "t5")
    assert kept["application_id"] == "a1"  # letting go is only of an application's own
    leave.insert_application(db, leave_application("a9"), event("e9", "leave.applied"))
    found = leave.application_if_any(db, "a9")
    assert found is not None and "outbox" not in found
    assert leave.application_if_any(db, "nope") is None


def test_an_offices_leave_is_found_by_its_path_status_kind_and_days(db: Any) -> None:
    leave.ensure_indexes(db)
    assert_indexed(db, "applications", "office_path")
    ps, circle, other = ["up", "sp", "co", "ps"], ["up", "sp", "co"], ["up", "dm"]

    def put(app_id: str, path: list[str], **fields: Any) -> None:
        leave.insert_application(
            db,
            leave_application(
                app_id,
                **{
                    "office_path": path,
                    "kind": "casual",
                    "from_date": "2034-03-06",
                    "to_date": "2034-03-08",
                    **fields,
                },
            ),
            event(f"e-{app_id}"),
        )

    put("a1", ps, status="sanctioned")
    put("a2", circle, status="sanctioned", kind="earned")
    put("a3", ps, status="applied")
    put("a4", other, status="sanctioned")
    put("a5", ps, status="sanctioned", from_date="2034-02-27", to_date="2034-03-01")
    put("a6", ps, status="curtailed", from_date="2034-01-30", to_date="2034-02-28")

    def ids(*args: Any, **kw: Any) -> list[str]:
        return [a["_id"] for a in leave.office_applications(db, *args, **kw)]

    assert ids("co") == ["a6", "a5", "a3", "a2", "a1"]  # newest applied first, none of "dm"
    assert ids("ps", ("sanctioned", "curtailed")) == ["a6", "a5", "a1"]
    assert ids("co", kind="earned") == ["a2"]
    assert ids("sp", between=("2034-03-01", "2034-03-31")) == ["a5", "a3", "a2", "a1"]
    assert ids("up", ("sanctioned",), "casual", ("2034-03-07", "2034-03-07")) == ["a4", "a1"]
    assert ids("dm", between=("2034-04-01", "2034-04-30")) == []
    assert ids("co", limit=2) == ["a6", "a5"]
    assert all(
        "history" not in a and "outbox" not in a for a in leave.office_applications(db, "up")
    )


def test_ledger_entries_are_written_once_and_delegations_kept_whatever_order(db: Any) -> None:
    leave.ensure_indexes(db)
    credit = {"_id": "u:casual:credit:2026", "user_id": "u", "kind": "casual", "days": 30}
    debit = {"_id": "u:casual:debit:a1", "user_id": "u", "kind": "casual", "days": 2}
    assert leave.add_entries(db, []) == 0
    assert leave.add_entries(db, [credit]) == 1
    assert leave.add_entries(db, [credit, debit]) == 1  # the credit again: kept once
    assert sorted(e["_id"] for e in leave.ledger_of(db, "u")) == [credit["_id"], debit["_id"]]
    assert leave.ledger_of(db, "v") == []
    # An opening replaces the person's earlier opening of its kind.
    opening = {"_id": "u:casual:opening", "user_id": "u", "kind": "casual", "days": 5}
    leave.set_openings(db, [opening])
    leave.set_openings(db, [{**opening, "days": 7}])
    assert leave.entries_by_ids(db, [opening["_id"], credit["_id"], "u:earned:opening"]) == {
        opening["_id"]: {**opening, "days": 7},
        credit["_id"]: credit,
    }
    leave.set_openings(db, [])
    assert len(leave.ledger_of(db, "u")) == 3

    made = {"_id": "d1", "post_id": "p-co", "starts": "s", "ends": "e"}
    leave.delegation_made(db, made, "ev1")
    leave.delegation_made(db, made, "ev1")  # redelivered
    leave.delegation_ended(db, "d1", "p-co", "2026-03-10T00:00:00+00:00", "ev2")
    # An end that arrives before its delegation is kept, and the delegation does not undo it.
    leave.delegation_ended(db, "d2", "p-co", "2026-03-11T00:00:00+00:00", "ev3")
    leave.delegation_made(db, {**made, "_id": "d2"}, "ev4")
    found = {d["_id"]: d for d in leave.delegations_of(db, "p-co")}
    assert found["d1"]["ended_at"] == "2026-03-10T00:00:00+00:00" and found["d1"]["starts"] == "s"
    assert found["d2"]["ended_at"] == "2026-03-11T00:00:00+00:00" and found["d2"]["ends"] == "e"
    assert leave.delegations_of(db, "p-asp") == []


def test_a_leave_order_is_reserved_once_awaited_at_its_version_and_found_by_number(
    db: Any,
) -> None:
    leave.ensure_indexes(db)
    leave.insert_application(db, leave_application("a1"), event("e1", "leave.applied"))
    leave.insert_application(db, leave_application("a2"), event("e2", "leave.applied"))

    def make(serial: int) -> dict[str, str]:
        return {"number": f"LV.O-2026-{serial:06d}", "code": f"C{serial}"}

    first = leave.reserve_order(db, "a1", "order:o:2026", make)
    assert first == {"number": "LV.O-2026-000001", "code": "C1"}
    assert leave.reserve_order(db, "a1", "order:o:2026", make) == first  # kept for a retry
    assert leave.reserve_order(db, "a2", "order:o:2026", make)["number"] == "LV.O-2026-000002"
    assert leave.application(db, "a1")["version"] == 1  # a reservation is no change

    leave.await_signing(db, "a1", 1, {"signing_id": "s1"})
    assert leave.application(db, "a1")["signing_id"] == "s1"
    with pytest.raises(Conflict):  # the application moved on since it was read
        leave.await_signing(db, "a1", 2, {"signing_id": "s2"})
    assert leave.application(db, "a1")["signing_id"] == "s1"

    assert leave.issued_order(db, "LV.O-2026-000001") is None  # reserved, not issued
    order = {**first, "sha256": "0" * 64}
    leave.change_application(db, "a1", 1, {"order": order}, {"action": "x"}, event("e3"))
    found = leave.issued_order(db, "LV.O-2026-000001")
    assert found is not None and found["_id"] == "a1" and "outbox" not in found
    assert leave.issued_order(db, {"$ne": None}) is None  # type: ignore[arg-type]
    with pytest.raises(DuplicateKeyError):  # one number, one order
        db.applications.update_one({"_id": "a2"}, {"$set": {"order": order}})


def test_a_certificate_is_recorded_once_as_its_uploaders(db: Any) -> None:
    leave.ensure_indexes(db)
    sha = "c" * 64
    assert not leave.uploaded_certificate(db, "u-sho", sha)
    leave.keep_certificate(db, "u-sho", sha, "2026-03-01T10:00:00+00:00")
    leave.keep_certificate(db, "u-sho", sha, "2026-03-02T10:00:00+00:00")  # uploaded again
    assert leave.uploaded_certificate(db, "u-sho", sha)
    assert not leave.uploaded_certificate(db, "u-hc", sha)  # another person's
    assert not leave.uploaded_certificate(db, "u-sho", "d" * 64)
    assert list(db.certificates.find()) == [
        {
            "_id": f"u-sho:{sha}",
            "user_id": "u-sho",
            "sha256": sha,
            "uploaded_at": "2026-03-01T10:00:00+00:00",
        }
    ]


# Every public store function is called above: a new one must join the contract.
@pytest.mark.parametrize("module", [files, signing, notify, reports, leave])
def test_every_public_store_function_is_exercised_here(module: Any) -> None:
    source = open(__file__, encoding="utf-8").read()
    name = module.__name__.rsplit(".", 2)[-2]
    public = [
        n
        for n, value in vars(module).items()
        if callable(value)
        and not n.startswith("_")
        and getattr(value, "__module__", "") == module.__name__
    ]
    missing = [n for n in public if f"{name}.{n}(" not in source]
    assert not missing, f"{module.__name__}: no contract test calls {missing}"


def test_a_states_holiday_calendar_is_its_newest_upload_the_older_ones_its_history(
    db: Any,
) -> None:
    identity.ensure_indexes(db)
    assert_indexed(db, "holiday_calendars", "state_id", "year")
    assert identity.current_calendar(db, "UP", 2026) is None
    for n, at in enumerate(["2026-01-02T10:00:00Z", "2026-01-05T10:00:00Z"]):
        identity.insert_calendar(
            db, {"_id": f"c{n}", "state_id": "UP", "year": 2026, "uploaded_at": at}
        )
    identity.insert_calendar(
        db, {"_id": "c9", "state_id": "UP", "year": 2027, "uploaded_at": "2026-01-09T10:00:00Z"}
    )
    assert identity.current_calendar(db, "UP", 2026)["_id"] == "c1"
    assert [c["_id"] for c in identity.calendar_history(db, "UP", 2026)] == ["c1", "c0"]
    assert identity.calendar_history(db, "BR", 2026) == []


def test_every_public_identity_store_function_is_exercised_here() -> None:
    source = open(__file__, encoding="utf-8").read()
    missing = [
        n for n in identity.__all__ if callable(getattr(identity, n)) and f".{n}(" not in source
    ]
    assert not missing, f"services.identity.store: no contract test calls {missing}"


def test_registers_kept_a_document_a_month_become_a_document_a_line_once(db: Any) -> None:
    """An earlier version pushed every line onto its month's document; at start they become a
    document each, and a start cut short and begun again writes no line twice."""
    month = {"key": "diary|htr", "month": "2026-01", "lines": [{"id": "r1"}, {"id": "r2"}]}
    db.registers.insert_one({"_id": "diary|htr|2026-01", **month})
    db.registers.insert_one({"_id": "files|htr|2026-01", **month, "key": "files|htr"})
    db.register_lines.insert_one(  # the first line of a start cut short
        {"_id": "diary|htr|2026-01|0", "key": "diary|htr", "month": "2026-01", "line": {"id": "r1"}}
    )
    reports.ensure_indexes(db)
    reports.ensure_indexes(db)  # the next start: nothing left to move
    assert sorted(line["id"] for line in reports.register_lines(db, "diary", "htr")) == ["r1", "r2"]
    assert len(reports.register_lines(db, "files", "htr", "2026-01")) == 2
    assert db.registers.count_documents({}) == 0


def test_consumers_racing_to_make_the_same_document_each_apply_their_event(
    backend: Backend, db: Any
) -> None:
    """On MongoDB an upsert can lose the race to insert (a duplicate key): that event must
    still apply, as an update, rather than pass for one already applied."""
    if backend.engine == "embedded":
        pytest.skip("the embedded store serves one OS thread (eventlet's): no two writes race")
    racers = 8
    start = threading.Barrier(racers)

    def consume(n: int) -> bool:
        start.wait()
        return apply_once(db.pending_items, "f1", f"e{n}", {"$inc": {"moves": 1}})

    with ThreadPoolExecutor(racers) as pool:
        applied = list(pool.map(consume, range(racers)))
    assert applied == [True] * racers
    stored = db.pending_items.find_one({"_id": "f1"})
    assert stored["moves"] == racers and len(stored["applied_events"]) == racers
