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
"""

from collections.abc import Callable, Mapping
from typing import Any

import structlog

from common.storage import Db

log = structlog.get_logger()


def with_events(
    update: Mapping[str, Mapping[str, Any]], *events: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Add ``events`` to a MongoDB update document so they are written with the change."""
    changes = {op: dict(fields) for op, fields in update.items()}
    changes.setdefault("$push", {})["outbox"] = {"$each": list(events)}
    changes.setdefault("$set", {})["has_outbox"] = True
    return changes


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
                dispatch(event["type"], seal(event))
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
