"""How litemongo's copy of mongomock reads and writes on the embedded engine
(:mod:`common.embedded`), where its own ways cost more than the answer.

A query with a limit and no sort reads only as many documents as it returns: litemongo's
cursor decodes and projects every match first (3,653 files for one common word, to keep 500).
And a cursor no longer copies every result at each one it gives (quadratic in the results).

A read hands over the fields asked for as they were decoded (:func:`_copy_only_fields`):
litemongo decodes every document afresh for every read, so the copy mongomock made of each
field, a file's whole history among them, protected nothing (a quarter of an inbox's read).

A write checks its unique indexes in the index first (:func:`_ensure_uniques`): litemongo ran a
query per unique index after every insert and update, decoding the documents found, even when
the update touched no unique field (clearing 10,000 people's outboxes: 1.60 s, now 1.48).

An update touching no unique field is applied to the document as read and stored by its
encoding (:func:`_update`, :func:`_find_and_modify`): mongomock read it three times to update
and return it, deep-copied it to compare and roll back, and committed each document of an
``update_many`` alone (a note on a file of 600 notes: 134 ms, now 67; 10,000 outboxes cleared:
3.7 s, now 1.6).

Each replaces a method of mongomock's ``Collection`` (or its ``Cursor``) when this module is
imported; anything they do not cover goes mongomock's way. litemongo's version is pinned;
tests/unit/test_store_contract.py checks the answers against MongoDB's.
"""

import functools
import itertools
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from litemongo._vendor.mongomock import collection, helpers

ID = "_id"


@runtime_checkable
class Encoded(Protocol):
    """A collection's store that takes documents already encoded (common.embedded's)."""

    def encode(self, doc: dict[str, Any]) -> bytes: ...

    def decode(self, encoded: bytes) -> dict[str, Any]: ...

    def put(self, changed: list[tuple[dict[str, Any], bytes]]) -> None: ...


class _Cursor(collection.Cursor):
    """litemongo's cursor, which with a limit and no sort stops reading at the limit, and gives
    each result without copying the others."""

    _first: list[dict[str, Any]] | None = None
    _first_of: functools.partial[Any] | None = None

    def _compute_results(self, with_limit_and_skip: bool = False) -> list[dict[str, Any]]:
        limit: int | None = self._limit
        if with_limit_and_skip and not limit and not self._skip:
            # mongomock copied every result to cut nothing, at each result it gave (quadratic).
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
    ever needs undoing), on common.embedded's store (not litemongo's in-memory one) giving
    naive times."""
    indexes: Any = self._store.indexes  # (read before the store's type narrows to Encoded)
    if (
        not isinstance(self._store, Encoded)
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
        for spec in indexes.values()
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
    store: Encoded = self._store
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
    try:
        for doc in list(self._iter_documents(spec)):  # type: ignore[no-untyped-call]
            matched += 1
            if encoded := _changed(self, doc, spec, update):
                changed.append((doc, encoded[1]))
            if not multi:
                break
    finally:  # an update refused at one document keeps those before it, as MongoDB does
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
