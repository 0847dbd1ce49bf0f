"""What an operator reads on a service's metrics port: RPC calls by method, events consumed,
login failures, the outbox's depth; and the request id a caller gave, on the lines of the
services its action reached."""

import base64
import logging

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy
from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import PASSWORD, SERVICES, Office, eventually
from tests.support.office import free_port
from tests.support.pdfs import pdf
from tools.demo_district import seed

LETTER = {"subject": "Court summons", "sender": "District Court, Hathras"}
Samples = dict[tuple[str, frozenset], float]


def scrape(port: int) -> Samples:
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def ports():
    return {name: free_port() for name in SERVICES}


@pytest.fixture
def office(config, container_factory, ports):
    running = Office(config, container_factory)
    for name in SERVICES:
        running.start(name, EOFFICE_METRICS_PORT=ports[name])
    seed(running.rpc.identity, PASSWORD, running.seeder)
    yield running
    running.stop()


def test_every_service_counts_its_calls_events_and_login_failures(office, ports):
    for port in ports.values():  # every service answers on its own port
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).json() == {"ok": True}
        assert requests.get(f"http://127.0.0.1:{port}/nothing", timeout=10).status_code == 404
    before = scrape(ports["identity"])

    for _ in range(3):
        office.rpc.identity.health()
    with pytest.raises(Exception, match="BAD_CREDENTIALS"):
        office.rpc.identity.login({"username": "reader.hathras", "password": "wrong"})
    cru = office.actor("cru.hathras")
    office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())

    def consumed() -> float:
        return value(
            scrape(ports["reports"]),
            "eoffice_events_consumed_total",
            service="reports",
            event="files.receipt.diarised",
        ) - value(
            before,
            "eoffice_events_consumed_total",
            service="reports",
            event="files.receipt.diarised",
        )

    assert eventually(lambda: consumed() == 1)
    after = scrape(ports["files"])  # one registry in this process: any port shows every service

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("eoffice_rpc_calls_total", service="identity", method="health", outcome="ok") == 3
    assert grew("eoffice_rpc_seconds_count", service="identity", method="health") == 3
    assert grew("eoffice_rpc_calls_total", service="identity", method="login", outcome="error") == 1
    assert grew("eoffice_rpc_calls_total", service="identity", method="login", outcome="ok") == 1
    assert grew("eoffice_login_failures_total", reason="BAD_CREDENTIALS") == 1
    assert grew("eoffice_rpc_calls_total", service="files", method="diarise", outcome="ok") == 1
    assert value(after, "eoffice_outbox_events", service="files") == 0  # relayed


def test_the_outbox_depth_shows_events_the_relay_has_not_sent(office, ports):
    office.kill("files")  # back without its relay, as if the broker refused every publish
    office.start("files", OUTBOX_RELAY=False, EOFFICE_METRICS_PORT=ports["files"])
    cru = office.actor("cru.hathras")
    office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())
    office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())

    def waiting() -> float:
        return value(scrape(ports["files"]), "eoffice_outbox_events", service="files")

    assert eventually(lambda: waiting() == 2)


def test_a_callers_request_id_follows_its_rpc_and_the_events_it_caused(office, config, caplog):
    caplog.set_level(logging.INFO)
    cru = office.actor("cru.hathras")
    with ClusterRpcProxy(config, context_data={"request_id": "svc-42"}, timeout=30) as rpc:
        rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())

    def lines_of_the_request() -> set[tuple[str, str]]:
        return {
            (r.msg.get("service"), r.msg.get("method") or r.msg.get("type"))
            for r in caplog.records
            if isinstance(r.msg, dict) and r.msg.get("request_id") == "svc-42"
        }

    assert eventually(
        lambda: (
            {("files", "diarise"), ("reports", "files.receipt.diarised")} <= lines_of_the_request()
        )
    )
