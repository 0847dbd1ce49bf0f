"""The outbox relay on the real broker: a batch goes out in one transaction, arrives once each,
in order per document, sealed and with its request id; a batch the broker refuses halfway stays
in the outbox, none of it delivered, until a later relay publishes it all."""

import uuid

import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection, Queue
from nameko.amqp.publish import Publisher
from nameko.dependency_providers import Config
from nameko.standalone.events import get_event_exchange
from nameko.testing.utils import get_extension

from common import logs, service_parts
from common.events import ReceiptOpened, new_event
from common.outbox import Outgoing, publish_batch, relay, with_events, with_first_events
from common.storage import Database, Storage
from common.trust import Principal, Trust, Verifier, keys_dir, principal_actor
from tests.service.conftest import eventually
from tests.support.office import RABBIT_API


class Relaying(service_parts.Outbox):
    """Just the relay, as every service that writes events has it."""

    name = "files"
    outbox_collections = ("receipts", "files")
    storage = Database()
    trust = Trust()
    config = Config()


def opened(receipt: str, seq: int) -> dict:
    payload = ReceiptOpened(receipt_id=receipt, number=f"CRU/{receipt}", post_id="p-cru", seq=seq)
    return new_event(payload, principal_actor("files"), ["o-up", "o-htr"])


def arrived(queue: Queue) -> list:
    """Every message waiting in ``queue``, taken off it."""
    messages = []
    while (message := queue.get(no_ack=True)) is not None:
        messages.append(message)
    return messages


@pytest.fixture
def broker(config):
    with Connection(config["AMQP_URI"]) as connection:
        yield connection


@pytest.fixture
def exchange(config, broker):
    """The files service's events exchange, and a queue that sees all it carries."""
    exchange = get_event_exchange("files", config)
    queue = Queue(f"everything-{uuid.uuid4().hex[:8]}", exchange, routing_key="#")
    queue(broker.default_channel).declare()
    return exchange, queue(broker.default_channel)


def test_a_service_relays_its_events_once_each_in_order_sealed_with_the_request_id(
    config, container_factory, exchange
):
    _, queue = exchange
    storage = Storage("files", config)  # written as the desks write, before the service runs
    with logs.bound_request_id("desk-7"):
        storage.db.receipts.insert_one(with_first_events({"_id": "r1"}, opened("r1", 1)))
        storage.db.receipts.update_one(
            {"_id": "r1"}, with_events({"$set": {"x": 1}}, opened("r1", 2), opened("r1", 3))
        )
    for n in range(2, 40):
        storage.db.receipts.insert_one(with_first_events({"_id": f"r{n}"}, opened(f"r{n}", 1)))
    storage.db.files.insert_one(with_first_events({"_id": "f1"}, opened("f1", 1)))
    storage.close()

    container = container_factory(Relaying, config)
    container.start()
    assert eventually(lambda: queue.queue_declare(passive=True).message_count >= 42)
    container.stop()  # no more relays: anything sent twice would be in the queue by now
    messages = arrived(queue)

    events = [m.payload for m in messages]
    assert len({e["event_id"] for e in events}) == len(events) == 42
    assert [e["payload"]["seq"] for e in events if e["payload"]["receipt_id"] == "r1"] == [1, 2, 3]
    verifier = Verifier(lambda: {}, lambda: {"users": [], "tokens": []}, keys_dir(config))
    assert all(verifier.event(e).type == "receipt.opened" for e in events)
    assert {m.delivery_info["routing_key"] for m in messages} == {"receipt.opened"}
    request_ids = {
        m.payload["payload"]["receipt_id"]: m.headers.get("nameko.request_id") for m in messages
    }
    assert request_ids["r1"] == "desk-7" and request_ids["r2"] is None
    storage = Storage("files", config)
    assert storage.db.receipts.count_documents({"has_outbox": True}) == 0
    storage.close()


def test_after_the_broker_drops_its_connection_the_relay_reconnects_and_sends_what_waited(
    config, container_factory, exchange
):
    _, queue = exchange
    container = container_factory(Relaying, config)
    container.start()
    db = get_extension(container, Database).storage.db
    db.receipts.insert_one(with_first_events({"_id": "r1"}, opened("r1", 1)))
    assert eventually(lambda: queue.queue_declare(passive=True).message_count == 1)

    # The broker closes every connection on the vhost (a restart, a network cut): the relay's
    # pooled one is dead without knowing it. The management API lists connections, and their
    # closing, a few seconds late: wait for this test's and the relay's, then for their end.
    api = f"{RABBIT_API}/api/vhosts/{config['vhost']}/connections"

    def both_listed():
        listed = requests.get(api, timeout=10).json()
        return listed if len(listed) >= 2 else None

    found = eventually(both_listed)
    assert found
    for connection in found:
        requests.delete(f"{RABBIT_API}/api/connections/{connection['name']}", timeout=10)
    assert eventually(
        lambda: all(c.get("state") == "closed" for c in requests.get(api, timeout=10).json())
    )
    db.receipts.insert_one(with_first_events({"_id": "r2"}, opened("r2", 1)))
    assert eventually(lambda: db.receipts.count_documents({"has_outbox": True}) == 0)
    container.stop()

    with Connection(config["AMQP_URI"]) as connection:
        received = arrived(queue(connection.default_channel))
    assert [m.payload["payload"]["receipt_id"] for m in received] == ["r1", "r2"]


def test_the_broker_gets_the_message_nameko_published_before(config, broker, exchange):
    """Consumers see no change: the batch path makes the message Nameko's dispatcher made."""
    events_exchange, queue = exchange
    event = Principal.load("files", config).seal_event(opened("r1", 1))
    headers = {"nameko.call_id_stack": ["files.relay_events.1"], "nameko.request_id": "desk-7"}
    Publisher(config["AMQP_URI"], serializer="json").publish(
        event, exchange=events_exchange, routing_key="receipt.opened", extra_headers=headers
    )
    outgoing = Outgoing("receipt.opened", event, "desk-7")
    publish_batch(broker, events_exchange, [outgoing], lambda e: headers, "json")

    before, now = arrived(queue)
    assert now.body == before.body and now.payload == event
    assert now.headers == before.headers == headers
    assert now.properties == before.properties
    for where in ("exchange", "routing_key"):
        assert now.delivery_info[where] == before.delivery_info[where]


def test_a_batch_the_broker_refuses_halfway_stays_until_a_later_relay_sends_it_all(
    config, broker, exchange
):
    events_exchange, queue = exchange
    storage = Storage("files", config)
    db = storage.db
    first, second = opened("r1", 1), {**opened("r1", 2), "type": "receipt.withheld"}
    db.receipts.insert_one(with_first_events({"_id": "r1"}, first, second, opened("r1", 3)))
    db.receipts.insert_one(with_first_events({"_id": "r2"}, opened("r2", 1)))
    # The broker refuses the second event's routing key: it fails halfway through the batch.
    permissions = f"{RABBIT_API}/api/topic-permissions/{config['vhost']}/guest"
    only_opened = {"exchange": events_exchange.name, "write": "^receipt\\.opened$", "read": ".*"}
    requests.put(permissions, json=only_opened, timeout=10).raise_for_status()

    def publish(batch):
        publish_batch(broker, events_exchange, batch, lambda e: {}, "json")

    with pytest.raises(AccessRefused):
        relay(db, publish, dict, ["receipts"])
    assert arrived(queue) == []  # the broker dropped the uncommitted first event too
    waiting = db.receipts.find({"has_outbox": True}, {"outbox": 1})
    assert sum(len(doc["outbox"]) for doc in waiting) == 4

    requests.delete(permissions, timeout=10).raise_for_status()
    assert relay(db, publish, dict, ["receipts"]) == 4
    events = [
        (m.payload["payload"]["receipt_id"], m.payload["payload"]["seq"]) for m in arrived(queue)
    ]
    assert events == [("r1", 1), ("r1", 2), ("r1", 3), ("r2", 1)]
    assert db.receipts.count_documents({"has_outbox": True}) == 0
    storage.close()
