"""The full-text index: SQLite FTS5 in one file per files process, a local cache of the store's
``texts``. It keeps the last ``seq`` it took in, and catches up by asking the store for what is
newer (:func:`catch_up`), so several files processes on one MongoDB each keep their own index
of the one shared collection, and a lost (or unreadable) index file is rebuilt from the store.

One row per (item kind, item id, document): the document's text and the item's number, subject
and sender, folded by ``common.fold.normalise`` as the field search folds them, with what the
filters need (``what`` the document is to the item, year, section). FTS5's ``ascii`` tokenizer
reads that folded text: it splits only at spaces and ASCII punctuation (the ``-``, ``/`` and
``.`` folding keeps) and takes every other character as part of a word. Its ``unicode61``
tokenizer, the usual choice, splits Devanagari words at every vowel sign and virama (measured:
चौकीदार became the four "words" च क द र), so it cannot be used here.
"""

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.fold import normalise
from services.files import store

BATCH = 500  # texts read from the store at a time while catching up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    what TEXT NOT NULL,
    year INTEGER,
    section TEXT,
    UNIQUE (kind, item_id, sha256)
);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(fields, body, tokenize = 'ascii');
"""
# A word in the number, subject or sender counts more than one in the body of a letter.
_RANK = "bm25(words, 4.0, 1.0)"


@dataclass(frozen=True)
class Row:
    kind: str  # the item's collection: receipts or files
    item_id: str
    sha256: str
    what: str  # receipt (its letter), letter (a file's issued letter) or legacy (its scan)
    year: int | None
    section: str | None
    fields: str  # the item's number, subject and sender, as written
    text: str  # the document's words, as read


@dataclass(frozen=True)
class Hit:
    kind: str
    item_id: str
    sha256: str
    what: str


@dataclass(frozen=True)
class Filters:
    whats: tuple[str, ...] = ()  # any of these (none: any)
    year: int | None = None
    section: str | None = None


class FullTextIndex:
    """The index file at ``path`` (made if missing; made again, empty, if unreadable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            # A damaged cache is thrown away: the store has everything it held.
            for stale in path.parent.glob(path.name + "*"):
                stale.unlink()
            self._db = self._open()
        # One catch-up at a time; a search that finds one under way searches what is there.
        self._catching_up = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM kept").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    @property
    def last_seq(self) -> int:
        row = self._db.execute("SELECT value FROM kept WHERE key = 'last_seq'").fetchone()
        return int(row[0]) if row else 0

    def put(self, rows: Iterable[Row], seq: int) -> None:
        """Index ``rows`` (each replacing its earlier self) and remember ``seq``, together."""
        with self._transaction() as db:
            for row in rows:
                key = (row.kind, row.item_id, row.sha256)
                old = db.execute(
                    "SELECT id FROM docs WHERE kind = ? AND item_id = ? AND sha256 = ?", key
                ).fetchone()
                if old:
                    db.execute("DELETE FROM words WHERE rowid = ?", old)
                    db.execute("DELETE FROM docs WHERE id = ?", old)
                rowid = db.execute(
                    "INSERT INTO docs (kind, item_id, sha256, what, year, section) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (*key, row.what, row.year, row.section),
                ).lastrowid
                db.execute(
                    "INSERT INTO words (rowid, fields, body) VALUES (?, ?, ?)",
                    (rowid, normalise(row.fields), normalise(row.text)),
                )
            db.execute(
                "INSERT INTO kept (key, value) VALUES ('last_seq', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (seq,),
            )

    def catch_up(self, db: Any) -> int:
        """Take in what the store read (or newly referred to) since the index last did; an
        index ahead of the store (the store was replaced) starts again from nothing. How many
        texts (0 also when another catch-up is under way)."""
        if not self._catching_up.acquire(blocking=False):
            return 0
        try:
            return _catch_up(self, db)
        finally:
            self._catching_up.release()

    def clear(self) -> None:
        """Forget everything (the store it cached was replaced)."""
        with self._transaction() as db:
            db.execute("DELETE FROM words")
            db.execute("DELETE FROM docs")
            db.execute("DELETE FROM kept")

    def search(self, match: str, filters: Filters, limit: int, offset: int = 0) -> list[Hit]:
        """Rows matching the FTS5 query ``match`` within ``filters``, best first (bm25)."""
        where, args = ["words MATCH ?"], list[object]([match])
        if filters.whats:
            where.append(f"d.what IN ({', '.join('?' * len(filters.whats))})")
            args += filters.whats
        if filters.year is not None:
            where.append("d.year = ?")
            args.append(filters.year)
        if filters.section is not None:
            where.append("d.section = ?")
            args.append(filters.section)
        found = self._db.execute(
            "SELECT d.kind, d.item_id, d.sha256, d.what FROM words JOIN docs d ON d.id = "
            f"words.rowid WHERE {' AND '.join(where)} ORDER BY {_RANK} LIMIT ? OFFSET ?",
            (*args, limit, offset),
        )
        return [Hit(*row) for row in found]

    def size(self) -> int:
        """Bytes on disk (with the write-ahead log, checkpointed first)."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(f.stat().st_size for f in self.path.parent.glob(self.path.name + "*"))

    @contextlib.contextmanager
    def _transaction(self) -> Any:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


# --- what a row says of its item ------------------------------------------------------------


def what_item_is(kind: str, item: dict[str, Any]) -> str:
    """How the search's kind filter names an item found by its fields: receipt, file, legacy."""
    if kind == "receipts":
        return "receipt"
    return "legacy" if item.get("legacy") else "file"


def year_of(kind: str, item: dict[str, Any]) -> int | None:
    """The year an item belongs to: a legacy record's own year, else when it was diarised or
    opened."""
    legacy_year = (item.get("legacy") or {}).get("year")
    if legacy_year:
        return int(legacy_year)
    when = item.get("diarised_at" if kind == "receipts" else "created_at") or ""
    return int(when[:4]) if when[:4].isdigit() else None


def row_of(ref: dict[str, Any], item: dict[str, Any], sha256: str, text: str) -> Row:
    fields = " ".join(str(item.get(f) or "") for f in ("number", "subject", "sender"))
    return Row(
        kind=ref["kind"],
        item_id=ref["id"],
        sha256=sha256,
        what=ref["what"],
        year=year_of(ref["kind"], item),
        section=item.get("section"),
        fields=fields,
        text=text,
    )


def _catch_up(index: FullTextIndex, db: Any) -> int:
    newest = store.last_text_seq(db)
    if index.last_seq > newest:
        index.clear()
    taken = 0
    while index.last_seq < newest:
        texts = store.texts_since(db, index.last_seq, BATCH)
        if not texts:
            break  # a seq given out but not yet written: the next catch-up takes it
        rows = []
        for doc in texts:
            for ref in doc.get("refs", []):
                item = store.item(db, ref["kind"], ref["id"])
                if item is not None:
                    rows.append(row_of(ref, item, doc["_id"], doc.get("text", "")))
        index.put(rows, texts[-1]["seq"])
        taken += len(texts)
        time.sleep(0)  # under Nameko a green sleep: the service answers calls between batches
    return taken
