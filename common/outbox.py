"""No lost events: the outbox.

A state change and the events it causes are written in one document update: the events are
pushed onto the changed document's ``outbox`` array and its ``has_outbox`` flag is set (an
indexed equality field, so the relay finds pending work without a scan). Both the embedded
engine and MongoDB apply a single-document update atomically, so either both the change and its
events are stored, or neither is.

A timer then relays the pending events to RabbitMQ in batches (:func:`relay`): whole documents'
outboxes, about ``BATCH`` events at a time, are published on one channel inside one AMQP
transaction (:func:`publish_batch`); ``tx.commit-ok`` is the one wait per batch (RabbitMQ takes
responsibility for a transaction's messages, durably, when it commits them). Only then are
those events taken out of their documents, one or two writes per ``FORGET_AT_ONCE`` documents.

Why: the relay used to publish each event through Nameko's ``EventDispatcher`` with a publisher
confirm (py-amqp waits for each confirm as it publishes, ~3 ms a round trip) and clear each
document with two writes, so 10,000 onboarded people kept identity relaying ~30 s (issue #17).
A transaction gives one wait for many messages with what py-amqp offers (``tx_select``,
``tx_commit``); waiting once for many confirms would mean tracking delivery tags by hand.
``bench/outbox.py`` measures both. The guarantees are unchanged:

- an event written is published at least once: a crash or a broker failure before the commit
  leaves the whole batch in the outbox (the broker drops an uncommitted transaction), and the
  next relay publishes it; a crash between the commit and the removal publishes it again, which
  consumers absorb because they apply each ``event_id`` once (``common.storage.apply_once``);
- the events of one document are published in the order written, one batch after another.

An event written while a desk action is handled keeps that action's request id beside it in the
outbox; the relay publishes it as a message header, not in the event (whose envelope is fixed,
:mod:`common.events`), so the consumer's log lines carry it too (:mod:`common.metrics`). Each
message is the one Nameko's ``EventDispatcher`` made before: the service's ``<name>.events``
exchange, the event type as routing key, the container's serializer, persistent, the worker's
headers (:class:`common.service_parts.EventBatches`).
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

import structlog
from kombu import Connection, Exchange, Producer
from nameko.constants import PERSISTENT

from common.logs import REQUEST_ID, request_id
from common.storage import Collection, Db

log = structlog.get_logger()

# Events per batch: one transaction's worth. Larger batches wait less per event, but a batch is
# also a stretch of work between two waits on the broker, in which the service's other green
# threads wait (~0.2 s at 500 on a busy 2-CPU machine); see bench/outbox.py.
BATCH = 500
# Documents cleared per write: the embedded engine walks an ``$in`` list for every document it
# checks, so a whole batch's ids in one write would cost the square of the batch.
FORGET_AT_ONCE = 50


class Outgoing(NamedTuple):
    """An event on its way to the broker: its type (the routing key), its sealed envelope, and
    the request id of the action that caused it (a message header), if any."""

    type: str
    event: dict[str, Any]
    request_id: str | None


# Publishes a batch and returns only once the broker has all of it; raises otherwise.
Publish = Callable[[list[Outgoing]], None]


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
    publish: Publish,
    seal: Callable[[dict[str, Any]], dict[str, Any]],
    collections: list[str],
    batch: int = BATCH,
) -> int:
    """Publish the events pending in ``collections``, in the order written, each with ``seal``'s
    proof of who produced it (``common.trust``), about ``batch`` at a time; return how many.
    Events written while it runs may wait for the next relay."""
    sent = 0
    for name in collections:
        coll = db[name]
        for docs in _batches(coll.find({"has_outbox": True}, {"outbox": 1}), batch):
            events = [event for doc in docs for event in doc.get("outbox", [])]
            publish([_outgoing(event, seal) for event in events])
            _forget(coll, docs)  # only now: the broker has them all
            sent += len(events)
    if sent:
        log.info("outbox.relayed", events=sent)
    return sent


def _batches(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """``docs`` in groups of whole documents holding at least ``size`` events (the last fewer):
    a document's events are never split, so they go out in one transaction, in order."""
    group: list[dict[str, Any]] = []
    events = 0
    for doc in docs:
        group.append(doc)
        events += len(doc.get("outbox", []))
        if events >= size:
            yield group
            group, events = [], 0
    if group:
        yield group


def _outgoing(event: dict[str, Any], seal: Callable[[dict[str, Any]], dict[str, Any]]) -> Outgoing:
    body = {k: v for k, v in event.items() if k != REQUEST_ID}
    return Outgoing(event["type"], seal(body), event.get(REQUEST_ID))


def _forget(coll: Collection, docs: list[dict[str, Any]]) -> None:
    """Take the published events out of ``docs``' outboxes, one or two writes per
    ``FORGET_AT_ONCE`` documents."""
    for start in range(0, len(docs), FORGET_AT_ONCE):
        some = docs[start : start + FORGET_AT_ONCE]
        ids = [doc["_id"] for doc in some]
        sent = [event["event_id"] for doc in some for event in doc.get("outbox", [])]
        # Most outboxes hold just what was published: empty them and lower their flag.
        emptied = coll.update_many(
            {"_id": {"$in": ids}, "outbox": {"$not": {"$elemMatch": {"event_id": {"$nin": sent}}}}},
            {"$set": {"outbox": [], "has_outbox": False}},
        )
        if emptied.matched_count < len(ids):
            # Some got events meanwhile: those stay, with the flag up, for the next relay.
            coll.update_many(
                {"_id": {"$in": ids}}, {"$pull": {"outbox": {"event_id": {"$in": sent}}}}
            )


def publish_batch(
    connection: Connection,
    exchange: Exchange,
    batch: list[Outgoing],
    headers: Callable[[Outgoing], dict[str, Any]],
    serializer: str,
) -> None:
    """Publish ``batch`` to ``exchange`` (each event under its type, with ``headers(event)``)
    in one AMQP transaction on a channel of its own; return once the broker has committed it.
    If anything fails first, the broker drops the whole transaction and this raises."""
    # A connection the broker has dropped since (a restart, a cut) is made again.
    connection.ensure_connection(max_retries=1)  # type: ignore[no-untyped-call]
    with connection.channel() as channel:  # type: ignore[no-untyped-call]  # kombu: untyped
        channel.tx_select()
        # Declares the exchange (once per connection), as Nameko's publisher does.
        producer: Any = Producer(channel, exchange, serializer=serializer)  # type: ignore[no-untyped-call]
        for event in batch:
            producer.publish(
                event.event,
                routing_key=event.type,
                headers=headers(event),
                delivery_mode=PERSISTENT,
            )
        channel.tx_commit()


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
