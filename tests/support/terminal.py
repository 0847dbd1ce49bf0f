"""A command run as the officer runs it in a terminal: it asks, and is answered as a person
answers, by what its prompts say.

The command gets a pseudo-terminal of its own (and no other controlling terminal), so its
prompts are the real ones: the PIN with echo off, the others line by line."""

import os
import pty
import select
import subprocess
import time
from pathlib import Path

TIMEOUT = 60


def on_a_terminal(
    argv: list[str], env: dict, answers: list[tuple[str, str]], cwd: Path | None = None
) -> tuple[int, str]:
    """Run ``argv``; each time its output shows the next prompt of ``answers`` (in order),
    type that answer and Enter. Returns the exit code and all it showed."""
    master, child = pty.openpty()
    proc = subprocess.Popen(
        argv,
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=cwd,
        start_new_session=True,
    )
    os.close(child)
    said, waiting = b"", list(answers)
    seen_up_to, deadline = 0, time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the command ended and closed its terminal
                break
            if not chunk:
                break
            said += chunk
            if waiting and waiting[0][0].encode() in said[seen_up_to:]:
                prompt, answer = waiting.pop(0)
                seen_up_to = said.index(prompt.encode(), seen_up_to) + len(prompt)
                os.write(master, answer.encode() + b"\n")
        else:
            proc.kill()
        return proc.wait(timeout=10), said.decode(errors="replace")
    finally:
        os.close(master)
