"""An operator's view of a running office (started as `make run` starts it, with JSON logs
and a metrics port per process): one desk action followed by its request id through the
gateway, the service that did it and the one its event reached; and every process's metrics
port answering, while the public port keeps its metrics to itself."""

import json
import random
import socket
import time
from collections.abc import Callable

import pytest
import requests

from tests.support.office import DEMO_PASSWORD, Office

PROCESSES = ("gateway", "identity", "files", "signing", "notify", "reports", "leave")
TIMEOUT = 60


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports nobody listens on."""
    while True:
        base = random.randrange(20000, 60000)
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    base = free_ports(len(PROCESSES))
    env = {"EOFFICE_LOG_FORMAT": "json", "EOFFICE_METRICS_PORT": str(base)}
    running = Office(tmp_path_factory.mktemp("watched"), env=env).start()
    running.metrics_ports = dict(zip(PROCESSES, range(base, base + len(PROCESSES)), strict=True))
    yield running
    running.stop()


def eventually(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Events travel asynchronously: wait (bounded) until ``check()`` is true."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def lines_by_process(office: Office) -> dict[str, list[dict]]:
    """Each process's log lines (the supervisor prefixes them with its name), as JSON."""
    found: dict[str, list[dict]] = {}
    for line in office.log().splitlines():
        name, bar, rest = line.partition(" | ")
        if bar and name.strip() in PROCESSES and rest.startswith("{"):
            found.setdefault(name.strip(), []).append(json.loads(rest))
    return found


def test_one_desk_action_is_followed_by_its_request_id_across_the_services(watched):
    url = f"{watched.url}/api/v1"
    tokens = requests.post(
        f"{url}/auth/login",
        json={"username": "cru.hathras", "password": DEMO_PASSWORD},
        timeout=TIMEOUT,
    ).json()
    diarised = requests.post(
        f"{url}/receipts",
        headers={"Authorization": f"Bearer {tokens['access_token']}", "X-Request-Id": "abc-123"},
        data={"subject": "भूमि विवाद", "sender": "ग्राम प्रधान", "physical": "true", "pages": "1"},
        timeout=TIMEOUT,
    )
    assert diarised.status_code == 201, diarised.text
    assert diarised.headers["X-Request-Id"] == "abc-123"
    made_up = requests.get(f"{watched.url}/healthz", timeout=TIMEOUT).headers["X-Request-Id"]
    assert made_up and made_up != "abc-123"

    def followed() -> set[str]:
        return {
            name
            for name, lines in lines_by_process(watched).items()
            if any(line.get("request_id") == "abc-123" for line in lines)
        }

    # the reports service reads the receipt.diarised event this action caused (a busy machine,
    # with other offices reading scans, may take a while)
    assert eventually(lambda: {"gateway", "files", "reports"} <= followed(), seconds=120)
    every_line = [line for lines in lines_by_process(watched).values() for line in lines]
    assert every_line and all({"event", "level", "timestamp"} <= set(line) for line in every_line)


def test_every_process_serves_metrics_on_its_port_and_the_public_port_does_not(watched):
    for name, port in watched.metrics_ports.items():
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT).status_code == 200
        metrics = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=TIMEOUT)
        assert metrics.status_code == 200, name
        wanted = "eoffice_http_requests_total" if name == "gateway" else "eoffice_rpc_calls_total"
        assert wanted in metrics.text, name
    assert requests.get(f"{watched.url}/metrics", timeout=TIMEOUT).status_code == 404
