"""The whole office on one machine: the broker check, the five services and the gateway under
one supervisor with prefixed logs, the demo district seeded once, Ctrl-C stops everything.

    python -m tools.office          (what `make run` does)
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from kombu import Connection

from tools import demo_pki
from tools.demo_district import PEOPLE

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = ("identity", "files", "signing", "notify", "reports")
COLOURS = {"identity": 34, "files": 32, "signing": 35, "notify": 33, "reports": 36, "gateway": 31}


def say(message: str) -> None:
    print(f"[office] {message}", flush=True)


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
    local = "127.0.0.1" in uri or "localhost" in uri
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


class Supervisor:
    def __init__(self):
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str, argv: list[str]) -> None:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches only us; we stop them in order
        )
        self.children[name] = proc
        threading.Thread(target=self._pipe, args=(name, proc), daemon=True).start()

    def _pipe(self, name: str, proc: subprocess.Popen) -> None:
        tag = (
            f"\033[{COLOURS.get(name, 0)}m{name:>8}\033[0m |"
            if sys.stdout.isatty()
            else f"{name:>8} |"
        )
        for line in proc.stdout:
            print(tag, line.rstrip(), flush=True)

    def first_death(self) -> str | None:
        for name, proc in self.children.items():
            if proc.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        self.stopping = True
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


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


def seed_demo(amqp_uri: str, password: str) -> int:
    from nameko.standalone.rpc import ClusterRpcProxy

    from tools.demo_district import seed

    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=30) as rpc:
        return seed(rpc.identity, password)


def _stop_on_sigterm(signum, frame):
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
    os.environ.setdefault("EOFFICE_PUBLIC_URL", url)
    sup = Supervisor()
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
            )
        sup.start(
            "gateway", [str(BIN / "gunicorn"), "-c", "gateway/gunicorn.conf.py", "gateway.wsgi:app"]
        )
        wait_ready(url, sup)
        if os.environ.get("EOFFICE_SEED_DEMO", "1") != "0":
            created = seed_demo(amqp_uri, password)
            say("demo district Hathras " + ("seeded" if created else "already present"))
        say(f"ready. Open {url}/  (API: {url}/api/v1/openapi.json)")
        shown = "demo" if password == "demo" else "$EOFFICE_DEMO_PASSWORD"
        say(f"demo logins (password: {shown}): " + ", ".join(person[0] for person in PEOPLE))
        say("Ctrl-C stops everything.")
        while True:
            dead = sup.first_death()
            if dead:
                code = sup.children[dead].returncode
                say(f"{dead} stopped unexpectedly (exit {code}); stopping the office")
                return 1
            time.sleep(0.5)
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
