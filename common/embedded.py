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

And a query with a limit and no sort reads only as many documents as it returns: litemongo's
cursor decodes and projects every match first (3,653 files for one common word, to keep 500).

And a read hands over the fields asked for as they were decoded (:func:`_copy_only_fields`):
litemongo decodes every document afresh for every read, so the copy mongomock made of each
field, a file's whole history among them, protected nothing (a quarter of an inbox's read).

And a write checks its unique indexes in the index first (:func:`_ensure_uniques`): litemongo
ran a query per unique index after every insert and update, decoding the documents found, even
when the update touched no unique field (clearing 10,000 people's outboxes: 1.60 s, now 1.48).

It depends on litemongo's internals (``indexing``, ``sqlite_store``), so its version is pinned;
tests/unit/test_store_contract.py and every service test run on it.
"""

import functools
import gc
import itertools
import sys
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from litemongo import sqlite_store  # type: ignore[attr-defined]  # a module not re-exported
from litemongo._vendor.mongomock import collection, helpers, indexing
from litemongo.client import MongoClient

ID = "_id"
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
        encoded: bytes = self._documents._encode_doc(doc)
        return encoded

    def decode(self, encoded: bytes) -> dict[str, Any]:
        decoded: dict[str, Any] = self._documents._decode_doc(encoded)
        return decoded

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


class _Cursor(collection.Cursor):
    """litemongo's cursor, which with a limit and no sort stops reading at the limit, and gives
    each result without copying the others."""

    _first: list[dict[str, Any]] | None = None
    _first_of: functools.partial[Any] | None = None

    def _compute_results(self, with_limit_and_skip: bool = False) -> list[dict[str, Any]]:
        limit: int | None = self._limit
        if with_limit_and_skip and not limit and not self._skip:
            # Nothing to cut: mongomock would copy every result to cut nothing, at every
            # document the cursor gives (10,000 documents read: 50 million copies).
            with_limit_and_skip = False
        if (
            not (with_limit_and_skip and limit)
            or self._sort
            or self.collection.codec_options.tz_aware
        ):
            return super()._compute_results(with_limit_and_skip)  # type: ignore[no-any-return,no-untyped-call]
        if self._first is None or self._first_of is not self._factory:
            end = self._skip + abs(limit)
            self._first = list(itertools.islice(self._factory(), self._skip, end))
            self._first_of = self._factory
        return self._first


# The only cursor of litemongo's private copy of mongomock (no other engine shares it).
collection.Cursor = _Cursor  # type: ignore[misc]


_check_uniques: Any = collection.Collection._ensure_uniques


def _ensure_uniques(self: collection.Collection, new_data: dict[str, Any]) -> None:
    """Refuse ``new_data`` (already stored) if it breaks a unique index. When no other document
    shares the text values of any unique index's key, per the query index, nothing can clash
    (a clash needs every field equal) and nothing is read; otherwise litemongo's own check,
    which reads the documents, decides."""
    found_in = self._store._get_query_index()
    for spec in self._store.indexes.values():
        if not spec.get("unique"):
            continue
        text: dict[str, str] = {}
        for field, _ in spec["key"]:
            try:
                value = helpers.get_value_by_dot(new_data, field)  # type: ignore[no-untyped-call]
            except KeyError:
                continue
            if type(value) is str:
                text[field] = value
        sharing = found_in.candidates(text) if text else None
        if spec.get("partialFilterExpression") is not None or sharing is None or len(sharing) > 1:
            _check_uniques(self, new_data)
            return


collection.Collection._ensure_uniques = _ensure_uniques  # type: ignore[method-assign]


_copy_fields: Any = collection.Collection._copy_only_fields


def _copy_only_fields(self: collection.Collection, doc: Any, fields: Any, container: type) -> Any:
    """The fields of ``doc`` a read asked for: all, or named top-level fields kept or left out,
    taken as decoded (nothing else holds them); any other projection (paths, operators) goes
    mongomock's way."""
    if container is not dict or type(doc) is not dict:
        return _copy_fields(self, doc, fields, container)
    if not fields:
        return doc
    if isinstance(fields, list | tuple):
        fields = dict.fromkeys(fields, 1)
    if not isinstance(fields, Mapping) or any(
        type(v) not in (int, bool) or "." in k or k.startswith("$") for k, v in fields.items()
    ):
        return _copy_fields(self, doc, fields, container)
    named = {k: bool(v) for k, v in fields.items() if k != ID}
    keep_id = bool(fields.get(ID, 1))
    if len(set(named.values())) > 1:
        return _copy_fields(self, doc, fields, container)  # refused there
    if any(named.values()) or (not named and keep_id):  # these kept (``_id`` alone, at least)
        return {k: v for k, v in doc.items() if k in named or (k == ID and keep_id)}
    return {k: v for k, v in doc.items() if k not in named and (k != ID or keep_id)}


collection.Collection._copy_only_fields = _copy_only_fields  # type: ignore[method-assign]


# --- updates ------------------------------------------------------------------------------------

_update_as_mongomock: Any = collection.Collection._update
_find_and_modify_as_mongomock: Any = collection.Collection._find_and_modify
# The update operators mongomock applies to a document (``_apply_update_document``).
_OPERATORS = frozenset(collection._updaters) | {
    "$rename",
    "$currentDate",
    "$addToSet",
    "$pull",
    "$pullAll",
    "$push",
}


def _plain(self: collection.Collection, update: Any) -> bool:
    """An update applied here rather than mongomock's way: operators only, each on some fields,
    none of them ``_id`` or a field of a unique index (so it cannot clash, and nothing written
    ever needs undoing), on this module's store (not litemongo's in-memory one) giving naive
    times."""
    if (
        not isinstance(self._store, _Collection)
        or not isinstance(update, Mapping)
        or not update
        or self.codec_options.tz_aware
        or any(
            op not in _OPERATORS or not isinstance(fields, Mapping) or not fields
            for op, fields in update.items()
        )
    ):
        return False
    touched = {path.split(".", 1)[0] for fields in update.values() for path in fields}
    touched |= {str(to).split(".", 1)[0] for to in update.get("$rename", {}).values()}
    unique = {
        field.split(".", 1)[0]
        for spec in self._store.indexes.values()
        if spec.get("unique")
        for field, _ in spec["key"]
    }
    return not touched & (unique | {ID})


def _changed(
    self: collection.Collection, doc: dict[str, Any], spec: Any, update: Any
) -> tuple[bytes, bytes] | None:
    """Apply a :func:`_plain` ``update`` to ``doc`` (as read by ``spec``, which a positional
    ``$`` refers to); its encodings before and after, or None if it did not change it.
    mongomock deep-copied each document it updated, to compare and to roll back: a long file's
    notes and history, at every desk action, cost about three decodes. The encodings compare the
    same way, the new one is what is stored, and a plain update has nothing to roll back."""
    store: _Collection = self._store
    before = store.encode(doc)
    self._apply_update_document(doc, spec, update, False)  # type: ignore[no-untyped-call]
    after = store.encode(doc)
    return None if after == before else (before, after)


def _update(
    self: collection.Collection,
    spec: Any,
    update: Any,
    upsert: bool = False,
    manipulate: bool = False,
    multi: bool = False,
    check_keys: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """update_one and update_many: a :func:`_plain` update without upsert or options is applied
    by :func:`_changed`, each matching document read once; any other goes mongomock's way."""
    if upsert or any(v is not None for v in options.values()) or not _plain(self, update):
        return _update_as_mongomock(  # type: ignore[no-any-return]
            self, spec, update, upsert, manipulate, multi, check_keys, **options
        )
    spec = helpers.patch_datetime_awareness_in_document(spec)  # type: ignore[no-untyped-call]
    update = helpers.patch_datetime_awareness_in_document(update)  # type: ignore[no-untyped-call]
    collection.validate_is_mapping("spec", spec)  # type: ignore[no-untyped-call]
    matched, changed = 0, []
    for doc in list(self._iter_documents(spec)):  # type: ignore[no-untyped-call]
        matched += 1
        if encoded := _changed(self, doc, spec, update):
            changed.append((doc, encoded[1]))
        if not multi:
            break
    self._store.put(changed)
    return {
        "connectionId": self.database.client._id,
        "err": None,
        "n": matched,
        "nModified": len(changed),
        "ok": 1,
        "upserted": None,
        "updatedExisting": matched > 0,
    }


def _find_and_modify(
    self: collection.Collection,
    query: Any,
    projection: Any = None,
    update: Any = None,
    upsert: bool = False,
    sort: Any = None,
    return_document: Any = collection.ReturnDocument.BEFORE,
    session: Any = None,
    **kwargs: Any,
) -> Any:
    """find_one_and_update: with a :func:`_plain` update, no upsert and no sort, the document is
    read once and updated in place (mongomock read it three times: to find it, to update it and
    to return it); anything else goes mongomock's way."""
    if upsert or sort is not None or session is not None or kwargs or not _plain(self, update):
        return _find_and_modify_as_mongomock(
            self, query, projection, update, upsert, sort, return_document, session, **kwargs
        )
    # A projection mongomock refuses is refused before anything is written, as there.
    self._copy_only_fields({ID: None}, projection, dict)  # type: ignore[no-untyped-call]
    update = helpers.patch_datetime_awareness_in_document(update)  # type: ignore[no-untyped-call]
    doc = next(self._iter_documents(query), None)  # type: ignore[no-untyped-call]
    if doc is None:
        return None
    # mongomock updated it by its _id alone: a positional ``$`` is as unsupported as there.
    encoded = _changed(self, doc, {ID: doc[ID]}, update)
    if encoded is None:
        return self._copy_only_fields(doc, projection, dict)  # type: ignore[no-untyped-call]
    self._store.put([(doc, encoded[1])])
    if return_document is not collection.ReturnDocument.AFTER:
        doc = self._store.decode(encoded[0])
    return self._copy_only_fields(doc, projection, dict)  # type: ignore[no-untyped-call]


collection.Collection._update = _update  # type: ignore[method-assign,assignment]
collection.Collection._find_and_modify = _find_and_modify  # type: ignore[method-assign]
