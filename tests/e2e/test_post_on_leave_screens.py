"""An officer on sanctioned leave, shown where work is sent: the Tehsildar of Sadar takes today
off (casual leave, sanctioned by the ADM, his reporting officer); the Registrar Kanungo, sending
a file, sees "(on leave until …)" beside his post in the post list, on a phone and a desktop;
the ADM's posts screen marks the post with a badge. Screenshots land in /tmp/shots/.

The office is the shared one of tests/e2e: nobody else's test gives the Tehsildar leave."""

import uuid
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect

from common.clock import IST
from tests.e2e.test_api import Desk
from tests.e2e.test_leave_api import act, apply, ok
from tests.support.browser import fits_the_screen, log_in, on_phone_and_desktop, shot, size_of

TEHSILDAR, ADM, RK = "tehsildar.sadar.hathras", "adm.hathras", "rk.sadar.hathras"
TEHSILDAR_POST = "TEH-SADAR-HTR"


@pytest.fixture(scope="module")
def away_today(office, login) -> str:
    """The Tehsildar's casual leave of today, sanctioned; its last day as a page shows it."""
    today = datetime.now(IST).date()
    tehsildar, adm = Desk(office.url, login(TEHSILDAR)), Desk(office.url, login(ADM))
    body = {
        "kind": "casual",
        "from_date": today.isoformat(),
        "to_date": today.isoformat(),
        "reason": "पारिवारिक कार्य",
        "address": "तहसील कॉलोनी, हाथरस",
    }
    sanctioned = act(adm, apply(tehsildar, body), "sanction")
    assert sanctioned["status"] == "sanctioned"
    return today.strftime("%d-%m-%Y")


def shown_once_heard(page: Page, where, text: str) -> None:
    """Identity hears of the sanction from leave's event: reload until the page shows it."""
    for _ in range(30):
        if where.count() and text in where.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(where).to_contain_text(text)


@on_phone_and_desktop
def test_the_send_form_names_an_officer_on_leave(page: Page, office, login, away_today):
    rk = Desk(office.url, login(RK))
    file = ok(rk.post("/api/v1/files", json={"subject": f"Mutation {uuid.uuid4().hex[:6]}"}), 201)
    log_in(page, RK)
    page.goto(f"/files/{file['id']}")
    option = page.locator("form.send select[name=to_post_id] option", has_text=TEHSILDAR_POST)
    shown_once_heard(page, option, f"(on leave until {away_today})")
    expect(option).to_contain_text("Dinesh Chandra Pal")
    others = page.locator("form.send select[name=to_post_id] option", has_text="RK-SADAR-HTR")
    expect(others).to_have_count(0)  # the sender's own post is not offered
    fits_the_screen(page, "the file with the send form")
    shot(page, f"send-form-on-leave-{size_of(page)}")


def test_the_posts_screen_marks_a_post_whose_holder_is_on_leave(page: Page, away_today):
    log_in(page, ADM)
    page.goto("/staff/posts")
    badge = page.locator(f"tr[data-abbreviation='{TEHSILDAR_POST}'] .badge.on-leave")
    shown_once_heard(page, badge, f"(on leave until {away_today})")
    page.goto("/lang/hi")
    page.goto("/staff/posts")
    expect(badge).to_have_text(f"({away_today} तक अवकाश पर)")
    shot(page, "staff-posts-on-leave-hi")
    # A post whose holder is at work has no badge.
    expect(page.locator("tr[data-abbreviation='RK-SADAR-HTR'] .badge.on-leave")).to_have_count(0)
