"""Service tests: real Nameko containers on the real RabbitMQ (a vhost per test, made by
Nameko's ``rabbit_config`` fixture through the management API). Nameko's plugin no longer
monkey-patches, so this process does it first."""

import eventlet

eventlet.monkey_patch()

import base64
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from nameko.standalone.rpc import ClusterRpcProxy

from common.tokens import verify_access_token
from common.trust import Principal, actor_from_claims, credential
from services.files.service import FilesService
from services.identity.service import IdentityService
from services.leave.service import LeaveService
from services.notify.service import NotifyService
from services.reports.service import ReportsService
from services.signing.service import SigningService
from tests.service.desks import SP, Desks
from tests.support import pki
from tests.support.office import free_port
from tests.support.token import certificate_for, crl, nss_db, pdfsig, soft_token
from tests.support.tsa import crl_distribution_point, time_stamp_authority
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


# --- signing: an office seal and trusted DSCs, an officer's token -------------------------------


@pytest.fixture
def smtp(tmp_path):
    """A real SMTP server (aiosmtpd) on loopback delivering into a maildir."""
    port, maildir = free_port(), tmp_path / "maildir"
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
        + ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port, maildir
    server.terminate()
    server.wait(10)


@pytest.fixture
def signing_office(office, sealed, tmp_path, smtp):
    """Identity trusting the test PKI; signing with a seal and trusting it; notify mailing."""
    roots, intermediates = tmp_path / "roots.pem", tmp_path / "intermediates.pem"
    roots.write_bytes(pki.root_ca().pem)
    intermediates.write_bytes(pki.licensed_ca().pem)
    trust = {
        "EOFFICE_DSC_TRUST_ROOTS": str(roots),
        "EOFFICE_DSC_INTERMEDIATES": str(intermediates),
    }
    for name in ("identity", "signing", "notify"):
        office.kill(name)
    office.start("identity", **trust)
    office.signing_config = {**trust, **sealed}
    office.start("signing", **office.signing_config)
    office.start("notify", EOFFICE_SMTP_PORT=str(smtp[0]), EOFFICE_MAIL_FROM="dak@htr.up.gov.in")
    return office


@pytest.fixture
def sp_token(signing_office, tmp_path):
    """The SP's token with keys made on it; its RSA certificate enrolled as his DSC."""
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner="Rajesh Kumar Singh")
    sp = signing_office.actor(SP)
    signing_office.rpc.identity.enrol_dsc(
        sp, sp["user_id"], {"certificate_b64": base64.b64encode(token.keys["rsa"].der).decode()}
    )
    return token


def sign_on_token(token, prepared: dict, tmp_path: Path, key: str = "rsa") -> str:
    """What the officer does at his desk: run eoffice-signer on the prepared signing."""
    request, answer = tmp_path / "request.json", tmp_path / "signature.json"
    ask = {k: prepared[k] for k in ("signing_id", "to_sign_b64")}
    request.write_text(json.dumps({**ask, "algorithm": token.keys[key].algorithm}))
    done = subprocess.run(
        [*token.signer_args(key), "--in", str(request), "--out", str(answer)],
        check=False,  # its message is shown on failure
        env=token.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(answer.read_text())["signature_b64"]


def checked_by_pdfsig(content: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    nss = nss_dir(tmp_path)
    return pdfsig(path, nss)


def nss_dir(tmp_path: Path) -> Path:
    nss = tmp_path / "nss"
    if not nss.exists():
        nss_db(tmp_path, pki.root_ca().der)
    return nss


@contextlib.contextmanager
def revocable_dsc(office, officer: dict, tmp_path: Path, owner: str = "Rajesh Kumar Singh"):
    """The officer's DSC on a SoftHSM2 token, from the CA whose CRL is served on loopback, and
    signing started again to time-stamp at a TSA on loopback (PAdES B-LT): yields the token, the
    certificate and the CA's list of revoked certificates (append to it to revoke)."""
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner=owner)
    revoked: list = []
    with (
        time_stamp_authority() as tsa,
        crl_distribution_point(lambda: crl(revoked=tuple(revoked))) as crl_url,
    ):
        cert = certificate_for(token.keys["rsa"].cert.public_key(), owner, crl_url=crl_url)
        der = cert.public_bytes(Encoding.DER)
        office.rpc.identity.enrol_dsc(
            officer, officer["user_id"], {"certificate_b64": base64.b64encode(der).decode()}
        )
        office.kill("signing")
        office.start("signing", EOFFICE_TSA_URL=tsa, **office.signing_config)
        token.put_certificates(rsa=cert)  # the CA's new certificate, onto the token
        yield token, cert, revoked
