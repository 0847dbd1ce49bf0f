"""Notices in a real browser: the unread count beside Inbox on every page, each notice phrased
in the reader's language, and "Mark all read" clearing the count; the same over the API."""

from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised, wait_for
from tests.support.browser import log_in


def test_the_header_counts_unread_notices_until_all_are_marked_read(page: Page, office, login):
    cru, asp = Desk(office.url, login("cru.hathras")), Desk(office.url, login("asp.hathras"))
    posts = {p["abbreviation"]: p for p in cru.get("/api/v1/posts").json()["items"]}
    receipt = diarised(cru)
    assert cru.send(receipt["id"], posts["ASP-HTR"]["id"]).status_code == 200

    def unread() -> int:
        r = asp.get("/api/v1/notices")
        assert r.status_code == 200, r.text
        return r.json()["unread"]

    wait_for("the ASP's notice", lambda: unread() >= 1)
    log_in(page, "asp.hathras")
    badge = page.locator("header .unread-count")

    def header_shows_the_api_count() -> bool:
        """The desk may hear of other work meanwhile: the header says what the API says."""
        page.goto("/reports/")  # any page: the count is in the header
        expected = unread()
        shown = badge.inner_text() if badge.count() else None
        return shown == (str(expected) if expected else None)

    wait_for("the header's count to be the API's", header_shows_the_api_count)
    assert badge.count() == 1 and int(badge.inner_text()) >= 1
    page.goto("/inbox")
    notice = page.locator(".notices li").filter(has_text=receipt["number"])
    expect(notice).to_contain_text("was sent to you from Central Receipt Unit")
    page.goto("/lang/hi?next=/inbox")
    expect(page.locator(".notices")).to_contain_text(receipt["number"])
    page.get_by_role("button", name="सभी को पढ़ा हुआ चिह्नित करें").click()
    expect(page.get_by_role("heading", name="इनबॉक्स")).to_be_visible()
    expect(page.locator(".notices li.unread").filter(has_text=receipt["number"])).to_have_count(0)

    # Over the API too: one more notice, then all marked read at once.
    again = diarised(cru)
    assert cru.send(again["id"], posts["ASP-HTR"]["id"]).status_code == 200
    wait_for("the second notice", lambda: unread() >= 1)
    r = asp.post("/api/v1/notices/read")
    assert r.status_code == 200 and r.json()["marked"] >= 1
    assert unread() == 0
