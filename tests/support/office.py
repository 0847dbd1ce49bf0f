"""The whole office, started exactly as `make run` starts it (tools/office.py), on a free port,
a fresh data directory and a RabbitMQ vhost of its own (or a broker of its own), for end-to-end
and browser tests."""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from gateway.limits import DEFAULT_LIMITS
from tools import broker

ROOT = Path(__file__).resolve().parents[2]
RABBIT_API = os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
DEMO_PASSWORD = "demo-Secret-1"
# The tests log in and upload from one address far faster than people do (the visibility
# matrix alone logs in hundreds of times): the test office's budgets are wide. The limits
# themselves are tested on an app of their own (tests/unit/test_gateway_doors.py).
WIDE_RATE_LIMITS = {
    f"EOFFICE_RATE_LIMIT_{door.upper()}_PER_{kind}": "100000/minute"
    for door in DEFAULT_LIMITS
    for kind in ("ADDRESS", "ACCOUNT")
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_vhost() -> str:
    vhost = f"eoffice-test-{uuid.uuid4().hex[:8]}"
    requests.put(f"{RABBIT_API}/api/vhosts/{vhost}", timeout=10).raise_for_status()
    requests.put(
        f"{RABBIT_API}/api/permissions/{vhost}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        timeout=10,
    ).raise_for_status()
    return vhost


def drop_vhost(vhost: str) -> None:
    requests.delete(f"{RABBIT_API}/api/vhosts/{vhost}", timeout=10)


class Office:
    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, amqp_uri: str | None = None
    ):
        """``amqp_uri``: a broker of the test's own; without it, a vhost of the shared one."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.vhost = None if amqp_uri else make_vhost()
        self.amqp_uri = amqp_uri or f"pyamqp://guest:guest@127.0.0.1:5672/{self.vhost}"
        self.data_dir = data_dir
        self.log_path = data_dir / "office.log"
        self.proc: subprocess.Popen | None = None
        self.env = env or {}

    def start(self, timeout: float = 120) -> "Office":
        env = {
            **WIDE_RATE_LIMITS,
            **os.environ,
            "AMQP_URI": self.amqp_uri,
            "EOFFICE_PORT": str(self.port),
            "EOFFICE_DATA_DIR": str(self.data_dir),
            "EOFFICE_DEMO_PASSWORD": DEMO_PASSWORD,
            "EOFFICE_PUBLIC_URL": self.url,
            "EOFFICE_METRICS_PORT": "",  # no metrics ports unless a test asks (they would clash)
            "EOFFICE_DEMO_WORK": "0",  # empty inboxes: the tests make the work they look at
            **self.env,
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tools.office"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the office exited while starting:\n{self.log()}")
            if "[office] ready." in self.log():
                return self
            time.sleep(0.3)
        raise RuntimeError(f"the office did not start within {timeout} s:\n{self.log()[-5000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pids(self, name: str) -> list[int]:
        """Every process the supervisor has run ``name`` in, the one now last (from its log)."""
        started = re.findall(rf"^\[office\] {name} started \(pid (\d+)\)$", self.log(), re.M)
        return [int(pid) for pid in started]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.vhost:
            broker.drop_users(self.amqp_uri)  # the office made a user per service on it
            drop_vhost(self.vhost)
