"""The whole office on one machine: the broker check, the five services and the gateway under
one supervisor with prefixed logs (tools/supervisor.py: a service that dies once the office is
up is started again), the demo district seeded once, Ctrl-C stops everything.

    python -m tools.office          (what `make run` does)
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TypeVar

import requests
from kombu import Connection

from common.trust import Principal
from tools import broker, demo_pki
from tools.demo_district import PEOPLE
from tools.supervisor import Supervisor, say

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = ("identity", "files", "signing", "notify", "reports", "leave")
# The gateway's metrics port; the services' follow it in SERVICES' order (9101 ... 9106).
METRICS_PORT = "9100"
TEND_SECONDS = 0.2
T = TypeVar("T")


def broker_answers(uri: str) -> bool:
    try:
        with Connection(uri, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def ensure_broker(uri: str) -> None:
    """RabbitMQ must answer; start it if it is installed, install it if we may, else say how."""
    if broker_answers(uri):
        return
    local = _local(uri)
    if (
        local
        and not shutil.which("rabbitmq-server")
        and os.geteuid() == 0
        and shutil.which("apt-get")
    ):
        say("RabbitMQ is not installed; installing it with apt-get ...")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "rabbitmq-server"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if local and shutil.which("rabbitmq-server"):
        say("RabbitMQ is not running; starting it (rabbitmq-server -detached) ...")
        subprocess.run(["rabbitmq-server", "-detached"], check=False)
        for _ in range(60):
            time.sleep(1)
            if broker_answers(uri):
                return
    sys.exit(
        f"[office] Cannot reach RabbitMQ at {uri}.\n"
        "  Install and start it:\n"
        "    sudo apt-get install rabbitmq-server && sudo rabbitmq-server -detached\n"
        "  or point AMQP_URI at a running broker (e.g. AMQP_URI=pyamqp://user:pass@host:5672/)."
    )


def wait_ready(url: str, sup: Supervisor, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        dead = sup.first_death()
        if dead:
            raise RuntimeError(f"{dead} stopped while starting (see its log above)")
        try:
            if requests.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the office did not become ready within {seconds:.0f} s")


def seed_demo(amqp_uri: str, password: str, work: bool, data: Path) -> int:
    """The demo district's offices, posts and people; the first time, with ``work``, its
    desk work too (tools/demo_work.py), what is behind its notices (tools/demo_notices.py) and
    a constable's leave sanctioned (tools/demo_leave.py), and old files scanned into the record
    room (tools/demo_records.py).
    Returns how many things were created."""
    from nameko.standalone.rpc import ClusterRpcProxy

    from tools.demo_district import seed
    from tools.demo_leave import seed_leave
    from tools.demo_notices import seed_notices
    from tools.demo_records import seed_records
    from tools.demo_work import People, seed_work

    seeder = Principal.load("seed")  # its assertions are short-lived: one for each step
    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=30) as rpc:
        created = seed(rpc.identity, password, seeder.credential())
        if created and work:
            people = People(rpc.identity, password)
            created += seed_work(rpc.files, people)
            notices = seed_notices(rpc, people, seeder.credential(), data)
            for skipped in notices:
                say(f"demo notices: skipped {skipped}")
            order = seed_leave(rpc.leave, people)
            say(f"demo leave: the constable's sanction order verifies at {order}")
            batch = seed_records(rpc.files, people)
            say(
                f"demo records: {batch['done']} scanned legacy files recorded (batch {batch['id']})"
            )
        return created


def broker_users(amqp_uri: str) -> dict[str, str]:
    """Each service's and the gateway's AMQP URI with a broker user of its own (made through
    the management API with the administrator's credentials in ``AMQP_URI``); without that
    API, every one connects as ``AMQP_URI``'s user, and we say so."""
    names, api = (*SERVICES, "gateway"), os.environ.get("EOFFICE_BROKER_ADMIN_API")
    try:
        try:
            users = broker.ensure_users(amqp_uri, api)
        except requests.ConnectionError:
            if not (_local(amqp_uri) and shutil.which("rabbitmq-plugins")):
                raise
            say("enabling RabbitMQ's management plugin (for a broker user per service) ...")
            subprocess.run(["rabbitmq-plugins", "-q", "enable", "rabbitmq_management"], check=False)
            users = _retry(lambda: broker.ensure_users(amqp_uri, api), seconds=30)
    except requests.RequestException as exc:
        say(
            f"WARNING: could not make a broker user per service ({exc.__class__.__name__}); "
            "every service connects as AMQP_URI's user. Enable RabbitMQ's management plugin "
            "(rabbitmq-plugins enable rabbitmq_management) for least privilege."
        )
        return dict.fromkeys(names, amqp_uri)
    say("broker: a user of its own for " + ", ".join(names))
    return users


def _local(uri: str) -> bool:
    return "127.0.0.1" in uri or "localhost" in uri


def _retry(call: Callable[[], T], seconds: float) -> T:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def metrics_ports() -> dict[str, str]:
    """Each process's EOFFICE_METRICS_PORT: the gateway on EOFFICE_METRICS_PORT (default 9100),
    the services on the ports after it; none when it is set empty (tests that do not ask)."""
    base = os.environ.get("EOFFICE_METRICS_PORT", METRICS_PORT).strip()
    if not base:
        return {}
    return {name: str(int(base) + i) for i, name in enumerate(("gateway", *SERVICES))}


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same orderly stop as Ctrl-C


def main() -> int:
    amqp_uri = os.environ.setdefault("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")
    port = os.environ.setdefault("EOFFICE_PORT", "8000")
    host = os.environ.get("EOFFICE_HOST", "127.0.0.1")
    password = os.environ.get("EOFFICE_DEMO_PASSWORD", "demo")
    # Password hashing and PDF rendering run in eventlet's real threads; each argon2id hash
    # holds 64 MiB, so a pool of 20 (eventlet's default) could take 1.3 GiB at a login rush.
    os.environ.setdefault("EVENTLET_THREADPOOL_SIZE", "4")
    data = Path(os.environ.setdefault("EOFFICE_DATA_DIR", str(ROOT / "var"))).resolve()
    os.environ["EOFFICE_DATA_DIR"] = str(data)
    # Whatever the office and its services write (data, keys, logs) is nobody else's to read.
    os.umask(0o077)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"

    ensure_broker(amqp_uri)
    say(f"broker OK; data in {data}")
    demo_pki.configure(data)  # the office seal (a demo one unless configured)
    seeding = os.environ.get("EOFFICE_SEED_DEMO", "1") != "0"
    # Each service's own key, made before any of them starts so none waits for another's.
    for principal in (*SERVICES, *(["seed"] if seeding else [])):
        Principal.load(principal)
    os.environ.setdefault("EOFFICE_PUBLIC_URL", url)
    users = broker_users(amqp_uri)
    ports = metrics_ports()
    sup = Supervisor(ROOT)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    # Ctrl-C stops everything, even when started from a script that made us ignore SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for service in SERVICES:
            sup.start(
                service,
                [
                    str(BIN / "nameko"),
                    "run",
                    "--config",
                    "config.yaml",
                    f"services.{service}.service",
                ],
                {"AMQP_URI": users[service], "EOFFICE_METRICS_PORT": ports.get(service, "")},
            )
        sup.start(
            "gateway",
            [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"],
            {"AMQP_URI": users["gateway"], "EOFFICE_METRICS_PORT": ports.get("gateway", "")},
        )
        wait_ready(url, sup)
        if seeding:
            work = os.environ.get("EOFFICE_DEMO_WORK", "1") != "0"
            created = seed_demo(users["gateway"], password, work, data)
            say("demo district Hathras " + ("seeded" if created else "already present"))
        say(f"ready. Open {url}/  (API: {url}/api/v1/openapi.json)")
        shown = "demo" if password == "demo" else "$EOFFICE_DEMO_PASSWORD"
        say(f"demo logins (password: {shown}): " + ", ".join(person[0] for person in PEOPLE))
        if ports:
            metrics_host = os.environ.get("EOFFICE_METRICS_HOST", "127.0.0.1")
            say(
                f"metrics: http://{metrics_host}:<port>/metrics, ports "
                + ", ".join(f"{name} {port}" for name, port in ports.items())
            )
        say("Ctrl-C stops everything.")
        while True:  # from now on a service that dies is started again
            sup.tend()
            time.sleep(TEND_SECONDS)
    except KeyboardInterrupt:
        say("stopping ...")
        return 0
    except RuntimeError as exc:
        say(f"failed: {exc}")
        return 1
    finally:
        sup.stop()
        say("stopped.")


if __name__ == "__main__":
    sys.exit(main())
