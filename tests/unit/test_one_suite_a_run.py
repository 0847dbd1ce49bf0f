"""A bare `pytest` says how the suites are run instead of hanging (tests/conftest.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import suites_in

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"


@pytest.mark.parametrize(
    ("args", "invoked_in", "suites"),
    [
        (["tests"], ROOT, {"unit", "service", "e2e"}),
        (["."], ROOT, {"unit", "service", "e2e"}),
        ([], ROOT, set()),
        (["tests/unit"], ROOT, {"unit"}),
        (["tests/service/test_receipts.py::test_x[a::b]"], ROOT, {"service"}),
        (["unit/test_errors.py", "e2e"], TESTS, {"unit", "e2e"}),
        (["."], TESTS / "e2e", {"e2e"}),
        (["tests/support"], ROOT, set()),
    ],
)
def test_a_run_takes_in_the_suites_its_paths_reach(args, invoked_in, suites):
    assert suites_in(args, invoked_in, TESTS) == suites


def test_a_bare_pytest_at_the_root_stops_at_once_and_says_how_to_run_the_suites():
    run = subprocess.run(
        [sys.executable, "-m", "pytest"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert "tests/unit, tests/service, tests/e2e" in run.stderr
    assert "make test" in run.stderr
    assert ".venv/bin/pytest -q -p no:randomly tests/service" in run.stderr
