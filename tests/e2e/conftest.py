"""End-to-end and browser tests run against the whole office started as `make run` starts it.
This process is not monkey-patched (Playwright's sync API hangs under eventlet)."""

import pytest
import requests
from playwright.sync_api import sync_playwright

from tests.support import pki
from tests.support.browser import CHROMIUM_ARGS, SHOTS
from tests.support.office import DEMO_PASSWORD, Office


@pytest.fixture(scope="session")
def office(tmp_path_factory):
    """The whole office, trusting the test PKI's root for officers' DSCs (the national CCA
    roots in production)."""
    data = tmp_path_factory.mktemp("office")
    roots, intermediates = data / "dsc-roots.pem", data / "dsc-intermediates.pem"
    roots.write_bytes(pki.root_ca().pem)
    intermediates.write_bytes(pki.licensed_ca().pem)
    trust = {
        "EOFFICE_DSC_TRUST_ROOTS": str(roots),
        "EOFFICE_DSC_INTERMEDIATES": str(intermediates),
    }
    running = Office(data, env=trust).start()
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


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, once for the whole run."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(request, browser, office):
    """A fresh browser profile (no cookies) per test, in English, on a desktop-sized window (or
    the viewport a test gives, ``@pytest.mark.parametrize("page", [...], indirect=True)``)."""
    viewport = getattr(request, "param", {"width": 1366, "height": 900})
    context = browser.new_context(base_url=office.url, locale="en-IN", viewport=viewport)
    page = context.new_page()
    # Every screen must work under the office's Content-Security-Policy: Chromium says on the
    # console when the policy refused something (an inline script, a foreign frame).
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    try:
        yield page
    finally:
        context.close()
    assert refused == [], "the page broke the office's Content-Security-Policy"
