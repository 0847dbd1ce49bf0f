"""The supervisor behind `make run`: runs the services and the gateway as child processes with
prefixed logs, restarts one that dies (waiting longer after each crash in a row), says loudly
when one keeps crashing, and stops them all on Ctrl-C or SIGTERM.

The restart policy (``Restarts``) is pure: it takes times and returns decisions, so it is
tested without processes.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

COLOURS = {
    "identity": 34,
    "files": 32,
    "signing": 35,
    "notify": 33,
    "reports": 36,
    "leave": 94,
    "gateway": 31,
}
LAST_LINES = 15  # of a child's output, shown when it crash-loops
STOP_SECONDS = 15


def say(message: str) -> None:
    print(f"[office] {message}", flush=True)


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 0.5  # seconds before the first restart
    max_delay: float = 30.0  # the delay doubles after each crash in a row, up to this
    healthy_after: float = 60.0  # a child up this long is healthy again: back to first_delay
    loop_crashes: int = 5  # this many crashes ...
    loop_window: float = 60.0  # ... within this many seconds is a crash loop


@dataclass(frozen=True)
class Restart:
    """What to do about one crash."""

    delay: float  # seconds to wait before starting the child again
    number: int  # how many times this child has been restarted, this one included
    crash_looping: bool  # it keeps crashing: say so loudly (and wait the longest)


class Restarts:
    """One child's crash record, and the decision after each crash."""

    def __init__(self, policy: RestartPolicy = RestartPolicy()) -> None:
        self.policy = policy
        self.number = 0
        self.in_a_row = 0
        self.recent: deque[float] = deque()

    def crashed(self, started_at: float, now: float) -> Restart:
        policy = self.policy
        if now - started_at >= policy.healthy_after:
            self.in_a_row = 0
        self.recent.append(now)
        while self.recent and now - self.recent[0] > policy.loop_window:
            self.recent.popleft()
        looping = len(self.recent) >= policy.loop_crashes
        delay = min(policy.first_delay * 2**self.in_a_row, policy.max_delay)
        self.in_a_row += 1
        self.number += 1
        return Restart(
            delay=policy.max_delay if looping else delay, number=self.number, crash_looping=looping
        )


class Child:
    """One supervised program: its process now, and what we remember across its restarts."""

    def __init__(
        self, name: str, argv: list[str], policy: RestartPolicy, env: dict[str, str] | None
    ) -> None:
        self.name = name
        self.argv = argv
        self.env = env  # settings of its own on top of ours (its broker user)
        self.restarts = Restarts(policy)
        # Its process and the thread that reads its output: set by Supervisor._spawn, which
        # runs right after, and again at each restart.
        self.proc: subprocess.Popen[str]
        self.reader: threading.Thread
        self.started_at = 0.0
        self.restart_at: float | None = None  # set while it waits to be started again
        self.last_lines: deque[str] = deque(maxlen=LAST_LINES)


class Supervisor:
    """The office's child processes, each started, watched and restarted on its own."""

    def __init__(self, cwd: Path, policy: RestartPolicy = RestartPolicy()) -> None:
        self.cwd = cwd
        self.policy = policy
        self.children: dict[str, Child] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.children[name] = Child(name, argv, self.policy, env)
        self._spawn(self.children[name])

    def _spawn(self, child: Child) -> None:
        child.proc = subprocess.Popen(
            child.argv,
            cwd=self.cwd,
            env={**os.environ, **(child.env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            # A group of its own: Ctrl-C reaches only us (we stop children in order), and what a
            # crashed child leaves behind (gunicorn's workers) can be ended with it.
            start_new_session=True,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        child.reader = threading.Thread(target=self._pipe, args=(child, child.proc), daemon=True)
        child.reader.start()
        say(f"{child.name} started (pid {child.proc.pid})")

    def _pipe(self, child: Child, proc: subprocess.Popen[str]) -> None:
        name = child.name
        tag = (
            f"\033[{COLOURS.get(name, 0)}m{name:>8}\033[0m |"
            if sys.stdout.isatty()
            else f"{name:>8} |"
        )
        assert proc.stdout is not None  # started with stdout=PIPE
        for raw in proc.stdout:
            line = raw.rstrip()
            child.last_lines.append(line)
            print(tag, line, flush=True)

    def first_death(self) -> str | None:
        """The first child found dead (reaped, with what it left behind ended), if any."""
        for child in self.children.values():
            if child.restart_at is None and _reap(child.proc):
                return child.name
        return None

    def tend(self) -> None:
        """Restart what has died, each after its delay. Called every fraction of a second."""
        now = time.monotonic()
        for child in self.children.values():
            if child.restart_at is None and _reap(child.proc):
                self._crashed(child, now)
            elif child.restart_at is not None and now >= child.restart_at:
                self._spawn(child)

    def _crashed(self, child: Child, now: float) -> None:
        restart = child.restarts.crashed(child.started_at, now)
        child.restart_at = now + restart.delay
        say(
            f"{child.name} exited with {child.proc.returncode}; restarting in "
            f"{restart.delay:g} s (restart {restart.number})"
        )
        if restart.crash_looping:
            child.reader.join(timeout=1)  # its last words, before we quote them
            last = "\n".join(f"    {line}" for line in child.last_lines) or "    (no output)"
            say(
                f"{child.name} is crash-looping ({len(child.restarts.recent)} crashes within "
                f"{self.policy.loop_window:g} s); trying again every {self.policy.max_delay:g} s. "
                f"Its last lines:\n{last}"
            )

    def stop(self) -> None:
        running = [
            c.proc for c in self.children.values() if c.restart_at is None and c.proc.poll() is None
        ]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for proc in running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.wait()


def _reap(proc: subprocess.Popen[str]) -> bool:
    """Whether the child has exited. If so, end whatever it left running in its process group
    (a gunicorn master killed outright leaves its workers holding the port), then reap it: until
    it is reaped its pid, and so its group id, cannot be given to anyone else."""
    if proc.returncode is not None:
        return True
    try:
        exited = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # reaped already
        return proc.poll() is not None
    if exited is None:
        return False
    _kill_group(proc.pid)
    proc.wait()
    return True


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
