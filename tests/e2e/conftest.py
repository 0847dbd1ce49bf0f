"""End-to-end and browser tests run against the whole office started as `make run` starts it.
This process is not monkey-patched (Playwright's sync API hangs under eventlet)."""

import pytest
import requests

from tests.support.office import DEMO_PASSWORD, Office


@pytest.fixture(scope="session")
def office(tmp_path_factory):
    running = Office(tmp_path_factory.mktemp("office")).start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def login(office):
    """Log a demo person in through the API; returns their token answer."""

    def as_(username: str) -> dict:
        r = requests.post(
            f"{office.url}/api/v1/auth/login",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        return r.json()

    return as_
