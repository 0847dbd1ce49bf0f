"""Driving Debian's Chromium with Playwright's sync API (browsers cannot be downloaded here)."""

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page

from tests.support.office import DEMO_PASSWORD

SHOTS = Path("/tmp/shots")  # screenshots for a person to look at
PHONE = {"width": 360, "height": 740}  # a police station's phone
DESKTOP = {"width": 1280, "height": 800}
# For tests taking the shared ``page`` fixture: the test runs once in each window size.
on_phone_and_desktop = pytest.mark.parametrize(
    "page", [PHONE, DESKTOP], indirect=True, ids=["phone", "desktop"]
)
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


def size_of(page: Page) -> str:
    """The window's name in screenshots' names: phone or desktop."""
    return "phone" if page.viewport_size["width"] <= PHONE["width"] else "desktop"


def fits_the_screen(page: Page, screen: str) -> None:
    """The page never scrolls sideways (a wide table scrolls inside its own box)."""
    width, scrolled = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scrolled <= width, f"{screen} scrolls sideways: {scrolled} px on a {width} px screen"


def within_the_screen(control: Locator) -> None:
    """The control is shown whole across the window's width (scrolled to, if need be)."""
    control.scroll_into_view_if_needed()
    box, width = control.bounding_box(), control.page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
        f"{control.evaluate('e => e.outerHTML')[:80]} runs off the screen"
    )


def header(page: Page) -> Locator:
    """The header's links, languages and Log out, which a phone folds under Menu (opened)."""
    summary = page.locator("header summary")
    if summary.is_visible() and page.locator("header details.menu[open]").count() == 0:
        summary.click()
    return page.locator("header")
