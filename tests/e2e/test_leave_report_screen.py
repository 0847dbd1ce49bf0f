"""The leave report in a real browser, on a phone and on a desktop: after the SHO of Kotwali's
leave is sanctioned and another application of his waits at the circle officer, the SP sees
both with the very numbers the API answers, officers by name, and the same page in Hindi; the
page never scrolls sideways. Screenshots land in /tmp/shots/.

Each window size works in a month of its own of 2032 (the shared office's other tests use
others), and compares only with the API's answer of the moment."""

from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, wait_for
from tests.e2e.test_leave_api import ASP, CO, SHO, SP, act, apply, earned
from tests.support.browser import fits_the_screen, log_in, on_phone_and_desktop, shot, size_of

PENDING = "/api/v1/reports/leave-pending"
TAKEN = "/api/v1/reports/leave-taken"


@on_phone_and_desktop
def test_the_sp_sees_leave_waiting_and_taken_as_the_api_counts_them(page: Page, office, login):
    sho, co, asp, sp = (Desk(office.url, login(u)) for u in (SHO, CO, ASP, SP))
    screen = size_of(page)
    month = "2032-05" if screen == "phone" else "2032-06"
    co_post = next(p["id"] for p in co.user["posts"])

    def taken() -> dict:
        answer = sp.get(TAKEN, params={"year": 2032}).json()
        return next((m for m in answer["rows"][0]["months"] if m["month"] == month), {})

    before = taken().get("kinds", {}).get("earned", 0)
    app = apply(sho, earned(f"{month}-11", f"{month}-12"))
    for who, action in ((co, "recommend"), (asp, "recommend"), (sp, "sanction")):
        app = act(who, app, action)
    waiting = apply(sho, {**earned(f"{month}-20", f"{month}-20"), "kind": "casual"})
    assert waiting["at_post_id"] == co_post
    wait_for("the sanctioned days", lambda: taken().get("kinds", {}).get("earned") == before + 2)

    def at_co() -> dict | None:
        officers = sp.get(PENDING).json()["officers"]
        return next((o for o in officers if o["post_id"] == co_post and o["total"]), None)

    wait_for("the casual leave waiting at the circle officer", at_co)

    log_in(page, "sp.hathras")
    page.goto("/reports/")
    page.get_by_role("link", name="Leave report").click()
    page.goto("/reports/leave?year=2032")
    expect(page.get_by_role("heading", name="Leave waiting for officers")).to_be_visible()
    row = page.locator(f"#leave-pending tr[data-post='{co_post}']")
    expect(row).to_contain_text("Circle Officer")
    expect(row.locator("td[data-age='total']")).to_have_text(str(at_co()["total"]))
    line = page.locator(f"#leave-taken tr[data-month='{month}']")
    expect(line.locator("td[data-kind='earned']")).to_have_text(f"{taken()['kinds']['earned']:g}")
    expect(page.locator("#leave-taken thead")).to_contain_text("Earned leave")
    fits_the_screen(page, f"the leave report on a {screen}")
    shot(page, f"leave-report-{screen}")

    page.goto("/lang/hi?next=/reports/leave%3Fyear%3D2032")
    expect(page.get_by_role("heading", name="अधिकारियों के पास लंबित अवकाश")).to_be_visible()
    expect(page.locator("#leave-taken thead")).to_contain_text("अर्जित अवकाश")
    fits_the_screen(page, f"the leave report in Hindi on a {screen}")
    shot(page, f"leave-report-{screen}-hi")
