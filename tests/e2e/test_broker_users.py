"""Least privilege on the broker, in the office as `make run` starts it: each service and the
gateway connect as a RabbitMQ user of their own, and a user stolen from one pod can neither
publish another service's events, nor call services it has no business with, nor read another's
queue."""

import time
from pathlib import Path

import pytest
import requests
from kombu import Connection, Exchange, Producer

from tests.support.office import RABBIT_API
from tools import broker


def amqp_uri_of(office, name: str) -> str:
    """What the supervisor gave that process (as an intruder on its pod would read it)."""
    environ = Path(f"/proc/{office.pids(name)[-1]}/environ").read_bytes().split(b"\0")
    (uri,) = [e[len(b"AMQP_URI=") :].decode() for e in environ if e.startswith(b"AMQP_URI=")]
    return uri


def publish(uri: str, exchange: str, routing_key: str) -> str:
    """Publish with confirms, so a refusal by the broker is seen; "ok" or the refusal."""
    with Connection(uri, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        try:
            Producer(channel).publish(
                {"forged": True}, exchange=Exchange(exchange, type="topic"), routing_key=routing_key
            )
            return "ok"
        except Exception as exc:
            return "refused" if "ACCESS_REFUSED" in str(exc) else f"{type(exc).__name__}: {exc}"


def read_queue(uri: str, queue: str) -> str:
    with Connection(uri) as conn:
        try:
            conn.default_channel.basic_get(queue)
            return "ok"
        except Exception as exc:
            return "refused" if "ACCESS_REFUSED" in str(exc) else f"{type(exc).__name__}: {exc}"


def test_every_service_and_the_gateway_connect_as_their_own_user(office, login):
    login("cru.hathras")  # the gateway has called identity: every part is connected by now
    expected = {broker.user_name(n, office.vhost) for n in (*broker.SERVICES, "gateway")}
    deadline = time.monotonic() + 30  # the management API lists connections a little late
    while True:
        connections = requests.get(f"{RABBIT_API}/api/connections", timeout=10).json()
        users = {c["user"] for c in connections if c["vhost"] == office.vhost}
        if users == expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert users == expected  # and so not guest


def test_a_stolen_broker_user_can_do_only_what_its_service_does(office):
    files, notify = amqp_uri_of(office, "files"), amqp_uri_of(office, "notify")
    gateway, reports = amqp_uri_of(office, "gateway"), amqp_uri_of(office, "reports")
    leave = amqp_uri_of(office, "leave")
    outcomes = {
        "files publishes its own event": publish(files, "files.events", "receipt.sent"),
        "files publishes signing's event": publish(files, "signing.events", "document.signed"),
        "notify calls files": publish(notify, "nameko-rpc", "files.letter_to_mail"),
        "notify calls signing": publish(notify, "nameko-rpc", "signing.seal_document"),
        "reports calls files": publish(reports, "nameko-rpc", "files.get_receipt"),
        "leave publishes its own event": publish(leave, "leave.events", "leave.applied"),
        "leave publishes identity's event": publish(leave, "identity.events", "post.delegated"),
        "leave calls identity": publish(leave, "nameko-rpc", "identity.chain"),
        "leave calls files": publish(leave, "nameko-rpc", "files.get_receipt"),
        "the gateway publishes an event": publish(gateway, "files.events", "receipt.sent"),
        "the gateway reads files' queue": read_queue(gateway, "rpc-files"),
        "notify reads identity's queue": read_queue(notify, "rpc-identity"),
    }
    assert outcomes == {
        "files publishes its own event": "ok",
        "files publishes signing's event": "refused",
        "notify calls files": "ok",
        "notify calls signing": "refused",
        "reports calls files": "refused",
        "leave publishes its own event": "ok",
        "leave publishes identity's event": "refused",
        "leave calls identity": "ok",
        "leave calls files": "refused",
        "the gateway publishes an event": "refused",
        "the gateway reads files' queue": "refused",
        "notify reads identity's queue": "refused",
    }


@pytest.mark.parametrize("name", [*broker.SERVICES, "gateway"])
def test_no_part_of_the_office_has_the_administrators_password(office, name):
    assert "guest" not in amqp_uri_of(office, name)
