"""A RabbitMQ node of a test's own, on free ports, for tests that restart the broker: the shared
broker on 5672 must never be restarted (other tests run on it).

Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user; the scripts behind it run the
node as whoever calls them, with everything (Erlang cookie, database, logs, pid file) under one
directory of the test's own.
"""

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

from kombu import Connection

from tests.support.office import free_port

SCRIPTS = Path("/usr/lib/rabbitmq/bin")
START_SECONDS = 90
STOP_SECONDS = 30


def _script(name: str) -> str:
    found = SCRIPTS / name if (SCRIPTS / name).exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed (apt-get install rabbitmq-server)")
    return str(found)


class PrivateBroker:
    def __init__(self, base: Path):
        self.base = base
        self.node = f"eoffice-fault-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.uri = f"pyamqp://guest:guest@127.0.0.1:{self.port}/"
        base.mkdir(parents=True, exist_ok=True)
        (base / "enabled_plugins").write_text("[].\n")  # no management: nothing else to bind
        (base / "rabbitmq.conf").write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        (base / "rabbitmq-env.conf").write_text("")  # not the system's (its node name, port)
        self.env = {
            **os.environ,
            "HOME": str(base),  # the Erlang cookie, shared by the node and rabbitmqctl
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(base / "node.pid"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def answers(self) -> bool:
        try:
            with Connection(self.uri, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
            return True
        except Exception:
            return False

    def start(self) -> "PrivateBroker":
        subprocess.run([_script("rabbitmq-server"), "-detached"], env=self.env, check=True)
        deadline = time.monotonic() + START_SECONDS
        while not self.answers():
            if time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ node {self.node} did not start:\n{self.log()}")
            time.sleep(0.5)
        # Answering AMQP is not yet booted: a node asked to stop while booting may not.
        self._ctl("await_startup", "--timeout", str(START_SECONDS))
        return self

    def stop(self) -> None:
        """Stop the node and wait until its process is gone (killed if it will not stop)."""
        self._ctl("shutdown")
        pid = self._pid()
        deadline = time.monotonic() + STOP_SECONDS
        while pid and self._is_ours(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [_script("rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            timeout=START_SECONDS + 10,
            check=False,
        )

    def log(self) -> str:
        logs = sorted((self.base / "log").glob("*.log"))
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in logs)

    def _pid(self) -> int | None:
        try:
            return int((self.base / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def _is_ours(self, pid: int) -> bool:
        """Whether ``pid`` still runs this node (and not a process that got its number since)."""
        try:
            return f"-home\0{self.base}\0".encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
