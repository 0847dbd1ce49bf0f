"""Reports' collections and queries: the log of every event consumed (append-only, the source
every read model is rebuilt from) and the read models kept from it.

- ``events``: one document per event id (so a redelivery is seen and skipped), numbered ``n``
  in order of arrival and filed by ``page`` (n // PAGE) so the HQ feed and a rebuild read pages
  by equality instead of scanning.
- ``pending_items``: where each item waits now; ``pending_counts``: pending items per node (an
  office, any office above it, or ``post:<id>``) and arrival day, by kind, priority and stage.
- ``leave_items``: where each leave application waits now; ``leave_pending``: applications
  waiting per node and the day they reached their officer, by officer's post and kind;
  ``leave_taken``: days of leave taken per node and month, by kind.
- ``daily``: flows per node and day (their sum over all days is added when read, from the same
  documents); ``people`` and ``staff``: onboarding per person and its counts per node;
  ``register_lines``: register lines, a document each, by register and office and month;
  ``nodes``: every office seen, with its path.

Counters are kept as events arrive, so a report at the top of the state reads a few hundred
documents whatever the number of events ever recorded. What one event adds to them is gathered
in a ``Batch`` and written once per document (see there).
"""

import contextlib
import json
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.storage import Db, apply_once

PAGE = 256
MODELS = (
    "pending_items",
    "pending_counts",
    "daily",
    "people",
    "staff",
    "register_lines",
    "nodes",
    "leave_items",
    "leave_pending",
    "leave_taken",
)


def ensure_indexes(db: Db) -> None:
    db.pending_items.create_index("office_path")
    db.pending_items.create_index("made_at")
    db.events.create_index("page")
    db.pending_counts.create_index("node")
    db.daily.create_index("node")
    db.register_lines.create_index([("key", 1), ("month", 1)])
    _lines_of_months(db)
    db.nodes.create_index("parent")
    db.nodes.create_index("path")
    db.leave_pending.create_index("node")
    db.leave_taken.create_index("node")


# --- the event log ---------------------------------------------------------------------------


def log_event(db: Db, event_id: str, record: dict[str, Any]) -> bool:
    """Keep an event, once: False when it was kept before (a redelivery). Its number is taken
    before it is kept, so keeping it is one insert; two consumers racing with the same event
    leave a number unused, a gap the readers of the log step over."""
    if db.events.find_one({"_id": event_id}, {"_id": 1}) is not None:
        return False
    n = db.counters.find_one_and_update(
        {"_id": "events"}, {"$inc": {"n": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )["n"]
    try:
        db.events.insert_one(
            {"_id": event_id, "status": "new", **record, "n": n, "page": n // PAGE}
        )
    except DuplicateKeyError:
        return False
    return True


def set_event_status(db: Db, event_id: str, status: str, problem: str | None = None) -> None:
    """``applied`` to the read models, or ``kept`` for a later reader (with why)."""
    db.events.update_one({"_id": event_id}, {"$set": {"status": status, "problem": problem}})


def last_change(db: Db) -> int:
    counter = db.counters.find_one({"_id": "events"})
    return int(counter["n"]) if counter else 0


def events_after(db: Db, n: int, most: int) -> list[dict[str, Any]]:
    """Up to ``most`` kept events numbered after ``n``, in order."""
    found: list[dict[str, Any]] = []
    last = last_change(db)
    for page in range(n // PAGE, last // PAGE + 1):
        found.extend(e for e in db.events.find({"page": page}) if e["n"] > n)
        if len(found) >= most:
            break
    return sorted(found, key=lambda e: e["n"])[:most]


def all_events(db: Db) -> Iterator[dict[str, Any]]:
    """Every kept event in order of arrival, a page at a time."""
    for page in range(last_change(db) // PAGE + 1):
        yield from sorted(db.events.find({"page": page}), key=lambda e: e["n"])


def clear_models(db: Db) -> None:
    """Empty every read model (the log stays): the start of a rebuild."""
    for name in MODELS:
        db[name].delete_many({})
    _noted(db).clear()


# --- counters and register lines, written once per document -----------------------------------


class Batch:
    """What events add to the counters and the registers, gathered and written once per
    document: after each event on the live path, after many events in a rebuild. Sums come out
    the same however they are grouped, and nothing reads these documents while events are
    applied."""

    def __init__(self) -> None:
        # (collection, document id) -> its update: fields set, fields added to
        self._updates: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self._new: dict[str, list[dict[str, Any]]] = {}  # collection -> documents to insert
        self._lines = 0

    def add(
        self, collection: str, doc_id: str, fixed: dict[str, Any], field: str, by: float
    ) -> None:
        """``by`` more of ``field`` in the document (``fixed``: the fields it is made with, which
        its id already says). A sum of nought is still written: the field exists, as after a +1
        and a -1."""
        added = self._update(collection, doc_id, fixed).setdefault("$inc", {})
        added[field] = added.get(field, 0) + by

    def insert(self, collection: str, doc: dict[str, Any]) -> None:
        """A new document of its own (a register line: a line pushed onto a month's document
        cost a write of the whole month, ~10 ms at 1,000 lines, measured)."""
        self._new.setdefault(collection, []).append(doc)
        self._lines += 1

    def waiting(self) -> int:
        """Documents and lines not yet written (what the batch holds in memory)."""
        return len(self._updates) + self._lines

    def write(self, db: Db) -> None:
        collections: dict[str, Any] = {}  # each look-up makes a new collection object
        for (name, doc_id), update in self._updates.items():
            if name not in collections:
                collections[name] = db[name]
            collections[name].update_one({"_id": doc_id}, update, upsert=True)
        for name, docs in self._new.items():
            db[name].insert_many(docs)
        self._updates.clear()
        self._new.clear()
        self._lines = 0

    def _update(self, collection: str, doc_id: str, fixed: dict[str, Any]) -> dict[str, Any]:
        # Set only when made: setting them again on every write would change nothing but cost.
        made = {"$setOnInsert": fixed} if fixed else {}
        return self._updates.setdefault((collection, doc_id), made)


# --- pending items -----------------------------------------------------------------------------


def move_item(db: Db, item_id: str, event_id: str, where: dict[str, Any]) -> bool:
    """Record the item's new place, once per event, and never let an older event (lower
    ``seq``) that arrives late overwrite a newer one. Events are handled by several workers at
    once, so a stage mark or a priority may have made the item's document before its first
    place arrived: a document with no ``seq`` yet takes it."""
    return _move(db.pending_items, item_id, event_id, where)


def _move(coll: Any, doc_id: str, event_id: str, where: dict[str, Any]) -> bool:
    return apply_once(
        coll,
        doc_id,
        event_id,
        {"$set": where},
        extra_filter={"seq": {"$not": {"$gte": where["seq"]}}},
    )


def set_priority(db: Db, item_id: str, priority: str, seq: int) -> None:
    """A file's priority as its latest sending says (an older one arriving late is ignored)."""
    query = {"_id": item_id, "priority_seq": {"$not": {"$gte": seq}}}
    update = {"$set": {"priority": priority, "priority_seq": seq}}
    with contextlib.suppress(DuplicateKeyError):  # a later sending already set it
        db.pending_items.update_one(query, update, upsert=True)


def add_mark(db: Db, item_id: str, mark: dict[str, Any]) -> None:
    """A stage of the seven-working-day rule reached, or an explanation given, at a post."""
    db.pending_items.update_one({"_id": item_id}, {"$push": {"marks": mark}}, upsert=True)


def set_origin(db: Db, item_id: str, post_id: str) -> None:
    """The desk an item was made at (set whenever its making arrives, before or after its
    movements: it never changes)."""
    db.pending_items.update_one({"_id": item_id}, {"$set": {"made_at": post_id}}, upsert=True)


def made_at(db: Db, post_id: str) -> list[dict[str, Any]]:
    """The items made at a desk, wherever they are now."""
    return list(db.pending_items.find({"made_at": post_id}, {"applied_events": 0}))


def items_under(db: Db, office_id: str) -> list[dict[str, Any]]:
    return list(db.pending_items.find({"office_path": office_id}, {"applied_events": 0}))


def recount_item(
    db: Db, batch: Batch, item_id: str, position: Callable[[dict[str, Any]], str | None]
) -> None:
    """Move an item's count to where its facts now say it waits (see ``_recount``)."""
    _recount(db.pending_items, item_id, position, lambda at, by: _count_pending(batch, at, by))


def _count_pending(batch: Batch, at: str, by: int) -> None:
    nodes, day, key = json.loads(at)
    for node in nodes:
        batch.add("pending_counts", f"{node}|{day}", {"node": node, "day": day}, f"c.{key}", by)


def pending_counts_at(db: Db, node: str) -> list[dict[str, Any]]:
    """A node's pending counters, one per arrival day."""
    return list(db.pending_counts.find({"node": node}))


def _recount(
    coll: Any,
    doc_id: str,
    position: Callable[[dict[str, Any]], str | None],
    count: Callable[[str, int], None],
) -> None:
    """Counters follow a document's facts: its ``counted`` position is swapped for the one its
    facts give, by compare-and-set, so each change of position moves its count exactly once
    even when two consumers race; the loser reads again until facts and count agree."""
    for _ in range(10):
        doc = coll.find_one({"_id": doc_id})
        if doc is None:
            return
        have, want = doc.get("counted"), position(doc)
        if have == want:
            return
        if coll.update_one(
            {"_id": doc_id, "counted": have}, {"$set": {"counted": want}}
        ).matched_count:
            if have:
                count(have, -1)
            if want:
                count(want, 1)


# --- leave --------------------------------------------------------------------------------------


def move_leave(db: Db, application_id: str, event_id: str, where: dict[str, Any]) -> bool:
    """Record where an application waits now, once per event; an older version (lower
    ``seq``) arriving late changes nothing."""
    return _move(db.leave_items, application_id, event_id, where)


def recount_leave(
    db: Db, batch: Batch, application_id: str, position: Callable[[dict[str, Any]], str | None]
) -> None:
    """Move an application's count to where it now waits (see ``_recount``)."""
    _recount(db.leave_items, application_id, position, lambda at, by: _count_leave(batch, at, by))


def _count_leave(batch: Batch, at: str, by: int) -> None:
    nodes, day, key = json.loads(at)
    for node in nodes:
        batch.add("leave_pending", f"{node}|{day}", {"node": node, "day": day}, f"c.{key}", by)


def leave_pending_at(db: Db, node: str) -> list[dict[str, Any]]:
    """A node's waiting applications, a document per day they reached their officer."""
    return list(db.leave_pending.find({"node": node}, {"_id": 0}))


def add_leave_taken(
    batch: Batch, office_path: list[str], month: str, kind: str, days: float
) -> None:
    """``days`` more (or, refunded, fewer) of ``kind`` taken in ``month`` by the office and
    every office above."""
    for node in office_path:
        batch.add(
            "leave_taken", f"{node}|{month}", {"node": node, "month": month}, f"c.{kind}", days
        )


def leave_taken_at(db: Db, node: str) -> list[dict[str, Any]]:
    """A node's leave taken, a document per month."""
    return list(db.leave_taken.find({"node": node}, {"_id": 0}))


# --- flows, registers, people, the tree --------------------------------------------------------


def add_flow(batch: Batch, office_path: list[str], day: str, field: str) -> None:
    """One more of ``field`` on ``day`` for the office and every office above."""
    for node in office_path:
        batch.add("daily", f"{node}|{day}", {"node": node, "day": day}, field, 1)


def daily_at(db: Db, node: str) -> list[dict[str, Any]]:
    """A node's flows per day, and their sum over all days (day ``all``). The sum is added up
    here from the days read anyway, rather than kept: that halves the writes of every event.
    (An ``all`` document kept by an older version is stale, and left out.)"""
    days = [d for d in db.daily.find({"node": node}, {"_id": 0}) if d["day"] != "all"]
    total: dict[str, Any] = {"node": node, "day": "all"}
    for day in days:
        for field, n in day.items():
            if field not in ("node", "day"):
                total[field] = total.get(field, 0) + n
    return [*days, total] if days else []


def add_register_line(
    batch: Batch, event_id: str, register: str, office_id: str, month: str, line: dict[str, Any]
) -> None:
    """The line ``event_id`` writes in an office's register (its id is the event's, so a
    rebuild writes the very same documents)."""
    key = f"{register}|{office_id}"
    batch.insert(
        "register_lines", {"_id": f"{key}|{event_id}", "key": key, "month": month, "line": line}
    )


def _lines_of_months(db: Db) -> None:
    """Registers kept by an earlier version, a document per office and month holding every
    line, become a document per line. Each line's id is its month's and its place there, so a
    start cut short and begun again writes no line twice."""
    for month in db.registers.find({}):
        lines = [
            {
                "_id": f"{month['_id']}|{n}",
                "key": month["key"],
                "month": month["month"],
                "line": line,
            }
            for n, line in enumerate(month.get("lines", []))
        ]
        for line in lines:
            with contextlib.suppress(DuplicateKeyError):
                db.register_lines.insert_one(line)
        db.registers.delete_one({"_id": month["_id"]})


def register_lines(
    db: Db, register: str, office_id: str, month: str | None = None
) -> list[dict[str, Any]]:
    """An office's register lines, of one month or all (in no particular order)."""
    query = {"key": f"{register}|{office_id}"} | ({"month": month} if month else {})
    return [doc["line"] for doc in db.register_lines.find(query, {"line": 1})]


def set_person(db: Db, user_id: str, facts: dict[str, Any], moments: dict[str, str]) -> None:
    """What is known of a person: ``facts`` set, ``moments`` (ISO, UTC) raised to the latest
    seen, so an older event arriving late changes nothing."""
    update = {k: v for k, v in (("$set", facts), ("$max", moments)) if v}
    db.people.update_one({"_id": user_id}, update, upsert=True)


def recount_person(
    db: Db, batch: Batch, user_id: str, position: Callable[[dict[str, Any]], str | None]
) -> None:
    """Move a person's count to what they now hold (Gov ID, VPN, DSC) in their office."""
    _recount(db.people, user_id, position, lambda at, by: _count_staff(batch, at, by))


def _count_staff(batch: Batch, at: str, by: int) -> None:
    path, held = at.split("|")
    for node in path.split(","):
        batch.add("staff", node, {}, f"c.{held}", by)


def staff_at(db: Db, node: str) -> dict[str, int]:
    """How many people of a node hold what ("110": Gov ID and VPN, no DSC)."""
    doc = db.staff.find_one({"_id": node})
    return dict(doc["c"]) if doc else {}


def note_offices(db: Db, office_path: list[str]) -> None:
    """Remember every office an event names, with its place in the tree."""
    noted = _noted(db)
    for depth, node in enumerate(office_path):
        if node in noted:
            continue
        if db.nodes.find_one({"_id": node}, {"_id": 1}) is None:
            path = office_path[: depth + 1]
            parent = path[-2] if depth else None
            with contextlib.suppress(DuplicateKeyError):  # noted by another consumer just now
                db.nodes.insert_one({"_id": node, "path": path, "parent": parent})
        noted.add(node)


# The nodes this process knows are in ``nodes``, per database: nodes never move, so one noted
# needs no look-up again. Kept by the database object's identity (two embedded databases of one
# name compare equal), and forgotten by ``clear_models``.
_NOTED: dict[int, tuple[weakref.ref[Any], set[str]]] = {}


def _noted(db: Db) -> set[str]:
    kept = _NOTED.get(id(db))
    if kept is None or kept[0]() is not db:
        kept = _NOTED[id(db)] = (weakref.ref(db), set())
    return kept[1]


def office(db: Db, node: str) -> dict[str, Any] | None:
    """A node seen in events (an office, or ``post:<id>``), with its path, or None."""
    found: dict[str, Any] | None = db.nodes.find_one({"_id": node})
    return found


def nodes_right_under(db: Db, node: str | None) -> list[dict[str, Any]]:
    """The offices and posts right under a node (None: the roots of the tree)."""
    return list(db.nodes.find({"parent": node}))


def nodes_under(db: Db, node: str) -> list[dict[str, Any]]:
    """Every office and post under a node, and the node itself."""
    return list(db.nodes.find({"path": node}))


def feed_key(db: Db, make: Callable[[], str]) -> str:
    """The HQ feed's cursor key: made by ``make()`` the first time, then always the same."""
    with contextlib.suppress(DuplicateKeyError):  # made before
        db.counters.insert_one({"_id": "feed_key", "key": make()})
    return str(db.counters.find_one({"_id": "feed_key"})["key"])
