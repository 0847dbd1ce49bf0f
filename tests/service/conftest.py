"""Service tests: real Nameko containers on the real RabbitMQ (a vhost per test, made by
Nameko's ``rabbit_config`` fixture through the management API). Nameko's plugin no longer
monkey-patches, so this process does it first."""

import eventlet

eventlet.monkey_patch()

import os
import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from common.tokens import verify_access_token
from common.trust import Principal, actor_from_claims, credential
from services.files.service import FilesService
from services.identity.service import IdentityService
from services.leave.service import LeaveService
from services.notify.service import NotifyService
from services.reports.service import ReportsService
from services.signing.service import SigningService
from tests.service.desks import Desks
from tools import demo_pki
from tools.demo_district import seed

PASSWORD = "demo-Secret-1"
SERVICES = {
    "identity": IdentityService,
    "files": FilesService,
    "signing": SigningService,
    "notify": NotifyService,
    "reports": ReportsService,
    "leave": LeaveService,
}


@pytest.fixture
def config(rabbit_config, tmp_path):
    return {
        **rabbit_config,
        "EOFFICE_DATA_DIR": str(tmp_path / "data"),
        "MONGODB_URI": os.environ.get("MONGODB_URI", ""),
    }


class Office:
    """The six services in this process, and a way to act as the demo district's people."""

    def __init__(self, config, container_factory):
        self.config = config
        self.factory = container_factory
        self.containers = {}
        self._proxy = ClusterRpcProxy(config, timeout=30)
        self.rpc = self._proxy.start()
        # The demo seeding's principal: the one credential here with the admin's powers.
        self.seeder = Principal.load("seed", config).credential()

    def start(self, *names, **overrides):
        for name in names or SERVICES:
            container = self.factory(SERVICES[name], {**self.config, **overrides})
            container.start()
            self.containers[name] = container
        return self

    def kill(self, name):
        self.containers.pop(name).kill()

    def actor(self, username: str) -> "Credential":
        """A person's credential, as the gateway passes it after they log in."""
        tokens = self.rpc.identity.login({"username": username, "password": PASSWORD})
        claims = verify_access_token(tokens["access_token"], self.rpc.identity.public_keys())
        return Credential(credential(tokens["access_token"]), actor_from_claims(claims, "en"))

    def post_id(self, abbreviation: str) -> str:
        posts = self.rpc.identity.markable_posts(self.actor("cru.hathras"))["items"]
        return next(p["id"] for p in posts if p["abbreviation"] == abbreviation)

    def stop(self):
        self._proxy.stop()


class Credential(dict):
    """What crosses the bus (the token and the language, nothing else), which a test may also
    read as the person it names: ``sp["user_id"]``, ``sp["post_ids"]``."""

    def __init__(self, raw: dict, actor):
        super().__init__(raw)
        self._fields = actor.model_dump()

    def __missing__(self, key):
        return self._fields[key]


@pytest.fixture
def office(config, container_factory):
    running = Office(config, container_factory).start()
    seed(running.rpc.identity, PASSWORD, running.seeder)
    yield running
    running.stop()


@pytest.fixture
def sealed(office, tmp_path, monkeypatch):
    """Signing with an office seal (the demo PKI's, made in this test's directory): what
    sanctioning leave seals its order with."""
    seal = demo_pki.ensure(tmp_path)
    monkeypatch.setenv("EOFFICE_SEAL_PASSWORD", seal.pop("EOFFICE_SEAL_PASSWORD"))
    office.kill("signing")
    office.start("signing", **seal)
    return seal


def eventually(check, seconds: float = 15.0):
    """Events travel asynchronously: wait (bounded) until ``check()`` returns something true."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        eventlet.sleep(0.1)


@pytest.fixture
def desks(office):
    """The demo district's people at their desks (tests/service/desks.py)."""
    return Desks(office)
