"""The embedded engine (litemongo 0.2.0 on SQLite) with lean query indexes.

litemongo keeps documents on disk and, per collection, an in-memory hash index on every field a
declared index names, built from every document on the first query. As shipped that index spends
a set and a tuple per document per field and a tuple per array element: with 50,000 files
(``search_terms`` alone is ~40 terms a file) it held ~700 MiB, took 8 s to build (every document
decoded whole, history and all, with the collector walking the growing heap) and made each full
collection pause the service for about a second (bench/files.py).

Here the same index keeps:

- a text value as the text itself, interned: one string per distinct term, shared by every
  document that holds it (other values keep litemongo's keys, shared the same way);
- a document's keys as its one text key, or a tuple of more, and nothing for a document with
  none; a key held by one document as that document's key rather than a set of one;
- and builds with the collector paused, once, when the service starts (:func:`build_indexes`).

A query is planned on its narrowest indexed field alone (:meth:`_Indexes.candidates`), where
litemongo gathered every field's candidates to intersect them; the filter decides either way,
so the answers are the same.

How mongomock's collection reads and writes on it is in :mod:`common.embedded_collection`.

It depends on litemongo's internals (``indexing``, ``sqlite_store``), so its version is pinned;
tests/unit/test_store_contract.py and every service test run on it.
"""

import functools
import gc
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from litemongo import sqlite_store  # type: ignore[attr-defined]  # a module not re-exported
from litemongo._vendor.mongomock import indexing
from litemongo.client import MongoClient

from common import embedded_collection  # noqa: F401  # installs how collections read and write
from common.embedded_collection import ID

# litemongo keys a text value as ("s", text); this index keys it as the text alone.
_TEXT = "s"


def connect(path: str) -> MongoClient:
    """A client on the store in directory ``path``, as ``litemongo.connect(path)`` but with the
    lean indexes."""
    return MongoClient(_Server(path))


def build_indexes(client: MongoClient) -> None:
    """Build every collection's index now rather than on its first query, and leave it out of
    the collector's full collections from then on: it lives as long as the process, and
    walking it took ~150 ms a time with 50,000 files."""
    server = client._store
    for name in server.list_created_database_names():
        database = server[name]
        for collection_name in database.list_created_collection_names():
            database[collection_name]._get_query_index()
    gc.freeze()


def _shared(key: Any) -> Any:
    if type(key) is tuple and len(key) == 2 and key[0] == _TEXT:
        return sys.intern(key[1])
    return key


class _Field(indexing.FieldIndex):
    """One field's index: key -> the store key of the one document holding it, or a set of
    them; store key -> its keys: one text key as itself, more as a tuple, None when the value
    could not be keyed (the document is a candidate for every query on this field), and no
    entry when it has none (a tuple for one key, and an entry for a field a document does
    not have, took 21 MiB at 50,000 files, measured)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        # key -> a store key, or a set of them (litemongo's own index holds only sets)
        self._held: dict[Hashable, Any] = self._entries
        self._top = "." not in path
        self._others: dict[Hashable, Hashable] = {}  # one copy of each non-text key

    def _keys(self, doc: dict[str, Any]) -> tuple[Hashable, ...] | None:
        if not self._top:
            keys = indexing._doc_keys(doc, self.path)
            return None if keys is None else tuple(self._one(k) for k in keys)
        value = doc.get(self.path)
        if type(value) is str:
            return (sys.intern(value),)
        if value is None or isinstance(value, Mapping):
            return ()  # an embedded document equals none of the values queries are planned on
        if not isinstance(value, list | tuple):
            key = indexing._key_for(value)
            return None if key is indexing._NO_KEY else (self._one(key),)
        try:
            return tuple(map(sys.intern, value))  # an array of text, as search_terms is
        except TypeError:
            pass
        found: dict[Hashable, None] = {}
        for entry in value:
            if type(entry) is str:
                found[sys.intern(entry)] = None
            elif entry is not None and not isinstance(entry, Mapping | list | tuple):
                one = indexing._key_for(entry)
                if one is indexing._NO_KEY:
                    return None
                found[self._one(one)] = None
        return tuple(found)

    def _one(self, key: Any) -> Hashable:
        key = _shared(key)
        return key if type(key) is str else self._others.setdefault(key, key)

    def add(self, store_key: Hashable, doc: dict[str, Any]) -> None:
        keys = self._keys(doc)
        if keys is None:
            self._doc_keys[store_key] = None
            self._unkeyed.add(store_key)
            return
        if not keys:
            return
        self._doc_keys[store_key] = keys[0] if len(keys) == 1 and type(keys[0]) is str else keys
        entries = self._held
        for key in keys:
            held = entries.get(key)
            if held is None:
                entries[key] = store_key
            elif type(held) is set:
                held.add(store_key)
            elif held != store_key:
                entries[key] = {held, store_key}

    def remove(self, store_key: Hashable) -> None:
        try:
            keys = self._doc_keys.pop(store_key)
        except KeyError:
            return
        if keys is None:
            self._unkeyed.discard(store_key)
            return
        entries = self._held
        for key in (keys,) if type(keys) is str else keys:
            held = entries.get(key)
            if type(held) is set:
                held.discard(store_key)
                if len(held) == 1:
                    entries[key] = next(iter(held))
            elif held == store_key:
                del entries[key]

    def count(self, keys: Iterable[Hashable]) -> int:
        """How many documents :meth:`candidates` would give, without gathering them."""
        n = len(self._unkeyed)
        for key in keys:
            held = self._held.get(_shared(key))
            n += len(held) if type(held) is set else held is not None
        return n

    def candidates(self, keys: Iterable[Hashable]) -> set[Hashable]:
        found = set(self._unkeyed)
        for key in keys:
            held = self._held.get(_shared(key))
            if type(held) is set:
                found.update(held)
            elif held is not None:
                found.add(held)
        return found


class _Indexes(indexing.CollectionIndexes):
    """A collection's lean indexes on ``paths`` (``_id`` among them); rebuilt whole when the
    declared indexes change (at start, or on a new index), never patched field by field."""

    def __init__(self, paths: set[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._fields: dict[str, _Field] = {path: _Field(path) for path in paths}  # type: ignore[assignment]

    def candidates(self, filter: Any) -> set[Hashable] | None:  # (litemongo names it so)
        """The documents that could match ``filter``: those of its narrowest indexed field alone
        (None: no field can be planned on). litemongo intersected every field's, so an inbox's
        ``status: open`` gathered every open file (50,000) to keep the 150 at one desk; the
        filter is applied to each candidate anyway."""
        narrowest = self._narrowest(filter)
        return None if narrowest is None else narrowest[1]()

    def _narrowest(self, filter: Any) -> tuple[int, Callable[[], set[Hashable]]] | None:
        """The narrowest plan for ``filter``: how many candidates, and how to gather them."""
        if not isinstance(filter, dict):
            return None
        best: tuple[int, Callable[[], set[Hashable]]] | None = None
        for field, condition in filter.items():
            found = None
            if field == "$and" and isinstance(condition, list | tuple):
                plans = [plan for sub in condition if (plan := self._narrowest(sub))]
                found = min(plans, key=lambda plan: plan[0], default=None)
            elif field in self._fields:
                keys = indexing.query_keys(condition)
                if keys is not None:
                    index = self._fields[field]
                    found = (index.count(keys), functools.partial(index.candidates, keys))
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return best


class _Collection(sqlite_store.CollectionStore):  # type: ignore[misc]
    def _get_query_index(self) -> _Indexes:
        stale = self._query_index_is_stale()  # always asked: it tracks what this connection saw
        paths = indexing.index_paths(self.indexes.values()) | {ID}
        index: _Indexes | None = self._query_index  # type: ignore[has-type]
        if index is None or stale or index.paths != paths:
            index = self._query_index = self._build(paths)
        return index

    def encode(self, doc: dict[str, Any]) -> bytes:
        return self._documents._encode_doc(doc)  # type: ignore[no-any-return]

    def decode(self, encoded: bytes) -> dict[str, Any]:
        return self._documents._decode_doc(encoded)  # type: ignore[no-any-return]

    def put(self, changed: list[tuple[dict[str, Any], bytes]]) -> None:
        """Store each changed document, already encoded, in one transaction (litemongo commits
        each document's write on its own: clearing 10,000 outboxes took 10,000 commits)."""
        if not changed:
            return
        table = self._documents
        with self._rwlock.writer():
            with table._connection:
                table._cur.executemany(
                    f"UPDATE {table._table_name} SET {table.DOC}=? WHERE {table.ID}=?",
                    [(encoded, table.encode_key(doc[ID])) for doc, encoded in changed],
                )
            if self._query_index is not None:
                for doc, _ in changed:
                    self._query_index.add(self._index_key(doc[ID]), doc)

    def _build(self, paths: set[str]) -> _Indexes:
        index = _Indexes(paths)
        # Nothing in the growing index can be garbage: the collector would only walk it again
        # and again (half the build's time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for store_key, doc in self._iter_items():
                index.add(store_key, doc)
        finally:
            if collecting:
                gc.enable()
        return index


class _Database(sqlite_store.DatabaseStore):  # type: ignore[misc]
    def __getitem__(self, name: str) -> _Collection:
        found: _Collection | None = self._collections.get(name)
        if found is None:
            found = self._collections[name] = _Collection(
                self._dirpath / name, codec_options=self._codec_options
            )
        return found


class _Server(sqlite_store.ServerStore):  # type: ignore[misc]
    def __getitem__(self, name: str) -> _Database:
        found: _Database | None = self._databases.get(name)
        if found is None:
            found = self._databases[name] = _Database(Path(self._dirpath) / name)
        return found
