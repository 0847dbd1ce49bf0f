"""The embedded store, the content-addressed documents, the outbox and once-only consumers."""

import hashlib
import subprocess
import sys

import pytest

from common.outbox import relay, with_events
from common.storage import BlobStore, DataDirLocked, Storage, apply_once


@pytest.fixture
def config(tmp_path):
    return {"EOFFICE_DATA_DIR": str(tmp_path), "MONGODB_URI": ""}


def test_data_survives_closing_and_reopening(config):
    first = Storage("files", config)
    first.db.receipts.insert_one({"_id": "r1", "subject": "शिकायत"})
    first.close()
    again = Storage("files", config)
    assert again.db.receipts.find_one({"_id": "r1"})["subject"] == "शिकायत"
    again.close()


def test_a_second_opener_of_the_same_data_directory_is_refused_with_a_clear_message(config):
    holder = Storage("files", config)
    with pytest.raises(DataDirLocked) as refused:
        Storage("files", config)
    assert "already in use by another process" in str(refused.value)
    assert "EOFFICE_DATA_DIR" in str(refused.value)
    holder.close()
    Storage("files", config).close()  # free again once the first one let go


def test_another_process_is_refused_too(config):
    holder = Storage("files", config)
    code = (
        "import sys; from common.storage import Storage, DataDirLocked\n"
        f"try: Storage('files', {config!r})\n"
        "except DataDirLocked as e: print(e); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    holder.close()
    assert result.returncode == 3, result.stderr
    assert "already in use" in result.stdout


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_the_data_directory_and_its_files_are_only_the_offices_own(tmp_path):
    """On a shared machine nobody else may read the office's data, even with a loose umask."""
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # made earlier by a version that did not care
    storage = Storage("files", {"EOFFICE_DATA_DIR": str(data), "MONGODB_URI": ""})
    digest = storage.blobs.put(b"%PDF-1.7 letter")
    storage.close()
    assert mode(data) == 0o700
    assert mode(data / "files") == 0o700
    assert mode(data / "files" / "LOCK") == 0o600
    assert mode(data / "files" / "blobs" / digest[:2] / digest) & 0o077 == 0


def test_the_gateways_session_key_is_kept_where_only_the_office_can_read_it(tmp_path, monkeypatch):
    from gateway.app import _secret_key

    monkeypatch.delenv("EOFFICE_SECRET_KEY", raising=False)
    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path / "var"))
    key = _secret_key()
    assert len(key) > 40 and _secret_key() == key
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "gateway") == 0o700
    assert mode(tmp_path / "var" / "gateway" / "secret_key") == 0o600


def test_documents_are_kept_by_their_hash_and_checked_when_read(tmp_path):
    blobs = BlobStore(directory=tmp_path)
    content = b"%PDF-1.7 letter"
    digest = blobs.put(content)
    assert digest == hashlib.sha256(content).hexdigest()
    assert blobs.put(content) == digest  # the same letter twice is stored once
    assert blobs.get(digest) == content
    (tmp_path / digest[:2] / digest).write_bytes(b"tampered")
    with pytest.raises(RuntimeError):
        blobs.get(digest)


def test_unknown_or_malformed_document_ids_find_nothing(tmp_path):
    blobs = BlobStore(directory=tmp_path)
    assert blobs.get("0" * 64) is None
    assert blobs.get("../../etc/passwd") is None


def test_a_change_and_its_events_are_one_write_and_the_relay_empties_the_outbox(config):
    storage = Storage("files", config)
    db = storage.db
    db.receipts.insert_one({"_id": "r1", "version": 1})
    event = {"event_id": "e1", "type": "receipt.sent", "payload": {}}
    db.receipts.update_one({"_id": "r1"}, with_events({"$set": {"holder": "reader"}}, event))
    stored = db.receipts.find_one({"_id": "r1"})
    assert stored["holder"] == "reader" and stored["outbox"] == [event] and stored["has_outbox"]

    published = []
    assert relay(db, published.extend, dict, ["receipts"]) == 1
    assert [(e.type, e.event["event_id"]) for e in published] == [("receipt.sent", "e1")]
    stored = db.receipts.find_one({"_id": "r1"})
    assert stored["outbox"] == [] and stored["has_outbox"] is False
    assert relay(db, published.extend, dict, ["receipts"]) == 0  # nothing twice
    storage.close()


def test_a_failed_publish_keeps_the_event_for_the_next_relay(config):
    storage = Storage("files", config)
    db = storage.db
    db.receipts.insert_one(
        {"_id": "r1", "outbox": [{"event_id": "e1", "type": "t"}], "has_outbox": True}
    )

    def broker_down(batch):
        raise ConnectionError("broker unreachable")

    with pytest.raises(ConnectionError):
        relay(db, broker_down, dict, ["receipts"])
    assert db.receipts.find_one({"_id": "r1"})["has_outbox"] is True
    published = []
    relay(db, published.extend, dict, ["receipts"])
    assert [e.event["event_id"] for e in published] == ["e1"]
    storage.close()


def test_a_consumer_applies_each_event_once_and_ignores_older_ones_arriving_late(config):
    storage = Storage("reports", config)
    items = storage.db.pending_items
    newer = {"seq": {"$lt": 2}}
    assert apply_once(items, "r1", "e2", {"$set": {"post": "reader", "seq": 2}}, newer)
    assert not apply_once(items, "r1", "e2", {"$set": {"post": "reader", "seq": 2}}, newer)
    assert not apply_once(
        items, "r1", "e1", {"$set": {"post": "cru", "seq": 1}}, {"seq": {"$lt": 1}}
    )
    assert items.find_one({"_id": "r1"})["post"] == "reader"
    storage.close()


def test_the_embedded_indexes_answer_as_a_scan_would_after_writes_and_a_restart(config):
    """common/embedded.py's lean indexes: the same answers as reading every document, for
    text, numbers, arrays and embedded fields, after updates and deletes, and when built from
    disk at the next start."""
    first = Storage("files", config)
    files = first.db.files
    for field in ("holder", "terms", "n", "document.sha256"):
        files.create_index(field)
    files.insert_many(
        [
            {"_id": "a", "holder": "p1", "terms": ["alpha", "beta"], "n": 1, "document": {}},
            {"_id": "b", "holder": "p2", "terms": ["beta", 3, None], "n": 1.0},
            {"_id": "c", "holder": "p1", "terms": ["gamma", {"x": 1}], "document": {"sha256": "d"}},
            {"_id": "d", "holder": ["p1", "p3"], "terms": "beta", "n": True},
        ]
    )
    files.update_one({"_id": "a"}, {"$set": {"holder": "p2"}, "$pull": {"terms": "beta"}})
    files.delete_one({"_id": "d"})
    files.insert_one({"_id": "e", "holder": "p1", "terms": ["beta", "beta"]})
    queries = [
        {"holder": "p1"},
        {"holder": {"$in": ["p2", "p3"]}},
        {"terms": "beta"},
        {"$and": [{"terms": "beta"}, {"holder": "p1"}]},
        {"terms": 3},
        {"n": 1},
        {"document.sha256": "d"},
        {"terms": "alpha"},
    ]
    expected = [["c", "e"], ["a", "b"], ["b", "e"], ["e"], ["b"], ["a", "b"], ["c"], ["a"]]

    def answers(db):
        return [[d["_id"] for d in db.files.find(q)] for q in queries]

    assert answers(first.db) == expected
    first.close()
    again = Storage("files", config)
    again.load_indexes()
    assert answers(again.db) == expected
    # A limit without a sort stops at the limit, in the order the documents were written.
    assert [d["_id"] for d in again.db.files.find({"holder": {"$ne": None}}).limit(2)] == ["a", "b"]
    again.close()
