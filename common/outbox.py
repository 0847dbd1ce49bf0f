"""No lost events: the outbox.

A state change and the events it causes are written in one document update: the events are
pushed onto the changed document's ``outbox`` array and its ``has_outbox`` flag is set (an
indexed equality field, so the relay finds pending work without a scan). Both the embedded
engine and MongoDB apply a single-document update atomically, so either both the change and its
events are stored, or neither is.

A timer then relays each pending event to RabbitMQ through Nameko's ``EventDispatcher``
(publisher confirms on: ``dispatch`` returns only once the broker has the message) and removes
it from the outbox afterwards. A crash between the write and the publish delays the event; a
crash between the publish and the removal publishes it again, which consumers absorb because
they apply each ``event_id`` once (``common.storage.apply_once``).

An event written while a desk action is handled keeps that action's request id beside it in the
outbox; the relay publishes it as a message header, not in the event (whose envelope is fixed,
:mod:`common.events`), so the consumer's log lines carry it too (:mod:`common.metrics`).
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog

from common.logs import REQUEST_ID, bound_request_id, request_id
from common.storage import Db

log = structlog.get_logger()


def with_events(
    update: Mapping[str, Mapping[str, Any]], *events: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Add ``events`` to a MongoDB update document so they are written with the change."""
    changes = {op: dict(fields) for op, fields in update.items()}
    changes.setdefault("$push", {})["outbox"] = {"$each": _kept(events)}
    changes.setdefault("$set", {})["has_outbox"] = True
    return changes


def with_first_events(document: Mapping[str, Any], *events: dict[str, Any]) -> dict[str, Any]:
    """A new ``document`` to insert with ``events`` in its outbox, in one write."""
    return {**document, "outbox": _kept(events), "has_outbox": True}


def _kept(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` as the outbox keeps them: with the request id of the action that caused them."""
    action = request_id()
    return [{**event, REQUEST_ID: action} if action else event for event in events]


def relay(
    db: Db,
    dispatch: Callable[[str, dict[str, Any]], None],
    seal: Callable[[dict[str, Any]], dict[str, Any]],
    collections: list[str],
    batch: int = 100,
) -> int:
    """Publish pending events of ``collections`` in the order written, each with ``seal``'s
    proof of who produced it (``common.trust``); return how many."""
    sent = 0
    for name in collections:
        coll = db[name]
        for doc in coll.find({"has_outbox": True}, {"outbox": 1}).limit(batch):
            done = []
            for event in doc.get("outbox", []):
                body = {k: v for k, v in event.items() if k != REQUEST_ID}
                with bound_request_id(event.get(REQUEST_ID)):
                    dispatch(event["type"], seal(body))
                done.append(event["event_id"])
            coll.update_one({"_id": doc["_id"]}, {"$pull": {"outbox": {"event_id": {"$in": done}}}})
            # Events written meanwhile keep the flag up; only an empty outbox lowers it.
            coll.update_one(
                {"_id": doc["_id"], "outbox": {"$size": 0}}, {"$set": {"has_outbox": False}}
            )
            sent += len(done)
    if sent:
        log.info("outbox.relayed", events=sent)
    return sent


def pending(db: Db, collections: list[str], now: datetime | None = None) -> tuple[int, float]:
    """How many events of ``collections`` wait for the relay, and how long (seconds) the oldest
    of them has waited (0 when none wait)."""
    waiting = [
        event["occurred_at"]
        for name in collections
        for doc in db[name].find({"has_outbox": True}, {"outbox": 1})
        for event in doc.get("outbox", [])
    ]
    if not waiting:
        return 0, 0.0
    oldest = datetime.fromisoformat(min(waiting))
    return len(waiting), max(0.0, ((now or datetime.now(UTC)) - oldest).total_seconds())
