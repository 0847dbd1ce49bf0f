"""Driving Debian's Chromium with Playwright's sync API (browsers cannot be downloaded here)."""

from pathlib import Path

from playwright.sync_api import Page

from tests.support.office import DEMO_PASSWORD

SHOTS = Path("/tmp/shots")  # screenshots for a person to look at
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    answer = page.goto("/login")
    assert answer.status == 200, f"GET /login answered {answer.status}: {page.inner_text('body')}"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
