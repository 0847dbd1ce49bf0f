"""One pytest run is one suite: a run that would take in more than one of tests/unit,
tests/service and tests/e2e stops at once and says how they are run.

The service suite monkey-patches the process with eventlet as its conftest is imported, and
Playwright's sync API (the end-to-end suite) hangs in a patched process; so a bare ``pytest``
at the root would hang instead of failing. This module imports neither eventlet nor Playwright.
"""

from pathlib import Path

import pytest

SUITES = ("unit", "service", "e2e")
HOW_TO_RUN = """The three test suites run as three separate pytest commands:
    make test
or one at a time:
    .venv/bin/pytest -q tests/unit
    .venv/bin/pytest -q -p no:randomly tests/service
    .venv/bin/pytest -q tests/e2e
(the service suite patches the process with eventlet, which the browser tests cannot share)."""


def suites_in(args: list[str], invoked_in: Path, tests: Path) -> set[str]:
    """The suites that the paths of a run's arguments (``path::test`` too) take in: those a
    path lies in, and those under a path (``tests`` or ``.`` take in all three)."""
    taken: set[str] = set()
    for arg in args:
        path = (invoked_in / arg.split("::", 1)[0]).resolve()
        for suite in SUITES:
            folder = tests / suite
            if path.is_relative_to(folder) or folder.is_relative_to(path):
                taken.add(suite)
    return taken


def pytest_configure(config: pytest.Config) -> None:
    """Refuse, before anything is collected, a run that takes in more than one suite."""
    tests = Path(__file__).resolve().parent
    taken = suites_in(list(config.args), config.invocation_params.dir, tests)
    if len(taken) > 1:
        suites = ", ".join(f"tests/{suite}" for suite in SUITES if suite in taken)
        raise pytest.UsageError(f"this run would take in {suites} at once.\n{HOW_TO_RUN}")
