"""The reports screens in a real browser: after desk work, the SP sees their district's pending
items by age in working days with the very numbers the API answers for the same office, desk by
desk, and the same page in Hindi; the state admin's HQ view ranks the districts and compares
the two departments of Hathras (police and revenue). Screenshots land in /tmp/shots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised, wait_for
from tests.support.browser import log_in, shot

AGES = ("0-7", "8-15", "16-30", "over_30")


@pytest.fixture()
def sp(office, login) -> Desk:
    return Desk(office.url, login("sp.hathras"))


def ages_of(sp: Desk) -> dict:
    r = sp.get("/api/v1/reports/pendency/ages", params={"level": "post"})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_sp_sees_pendency_by_age_as_the_api_counts_it_in_english_and_hindi(
    page: Page, office, login, sp
):
    cru = Desk(office.url, login("cru.hathras"))
    posts = {p["abbreviation"]: p for p in cru.get("/api/v1/posts").json()["items"]}
    before = ages_of(sp)["rows"][0]["total"]
    receipt = diarised(cru)
    r = cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"])
    assert r.status_code == 200, r.text
    wait_for("the report to count the receipt", lambda: ages_of(sp)["rows"][0]["total"] > before)

    log_in(page, "sp.hathras")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Pending items by age")).to_be_visible()
    answer = ages_of(sp)
    top = answer["rows"][0]
    for age in AGES:
        expect(page.locator(f"#ages td[data-age='{age}']")).to_have_text(str(top["ages"][age]))
    expect(page.locator("#ages th[data-age='total']")).to_have_text(str(top["total"]))
    # Desk by desk: the Reader's desk holds what was sent to it.
    reader_row = page.locator("#desks tr").filter(has_text="Reader to SP, Hathras")
    reader = next(r for r in answer["rows"] if r["node"] == f"post:{posts['RDR-SP-HTR']['id']}")
    expect(reader_row.locator("td").nth(5)).to_have_text(str(reader["total"]))
    expect(page.locator("svg.chart").first).to_be_visible()
    # Every desk by its name, the CRU's too now that it holds nothing (never a post's id).
    expect(page.locator("#desks")).to_contain_text("Central Receipt Unit, SP Office Hathras")
    expect(page.locator("#desks")).not_to_contain_text(re.compile("[0-9a-f]{32}"))
    shot(page, "reports-sp")

    page.goto("/lang/hi?next=/reports/")
    expect(page.get_by_role("heading", name="आयु के अनुसार लंबित मद")).to_be_visible()
    expect(page.get_by_role("heading", name="पटल-वार लंबितता")).to_be_visible()
    expect(page.locator("#desks")).to_contain_text("वाचक पुलिस अधीक्षक, हाथरस")
    shot(page, "reports-sp-hi")


def test_a_desk_sees_on_its_report_what_it_made_that_waits_with_others(page: Page, office, login):
    cru = Desk(office.url, login("cru.hathras"))
    posts = {p["abbreviation"]: p for p in cru.get("/api/v1/posts").json()["items"]}
    receipt = diarised(cru)
    assert cru.send(receipt["id"], posts["HC-ESTT-SP-HTR"]["id"]).status_code == 200

    def listed() -> bool:
        r = cru.get("/api/v1/reports/pending-with-others")
        return r.ok and receipt["id"] in {i["item_id"] for i in r.json()["items"]}

    wait_for("the receipt among the CRU's items with others", listed)
    log_in(page, "cru.hathras")
    page.get_by_role("link", name="Reports").click()
    row = page.locator(f"#with-others tr[data-item='{receipt['id']}']")
    expect(row).to_contain_text(receipt["number"])
    expect(row).to_contain_text("Head Clerk, Establishment, SP Office Hathras")


def test_the_state_sees_districts_and_both_departments_of_hathras(page: Page, office, login):
    admin = Desk(office.url, login("admin.up"))
    log_in(page, "admin.up")
    page.goto("/reports/hq")
    expect(page.get_by_role("heading", name="Departments")).to_be_visible()
    departments = page.locator("#departments")
    expect(departments).to_contain_text("Uttar Pradesh Police")
    expect(departments).to_contain_text("Revenue Department, Uttar Pradesh")
    expect(page.locator("#districts-adoption")).to_contain_text(
        re.compile("Superintendent of Police, Hathras|Collectorate Hathras")
    )
    expect(page.locator("#weeks")).to_be_visible()
    # When each went live (the office's own record) beside its first recorded work.
    live = departments.locator("thead th").nth(9)
    expect(live).to_have_text("Live since")
    revenue = departments.locator("tbody tr").filter(has_text="Revenue Department")
    expect(revenue.locator("td").nth(9)).to_have_text("2025-10-01")
    # The share done electronically, as the API counts it (other tests diarise paper too).
    sp = Desk(office.url, login("sp.hathras"))
    posts = {p["abbreviation"]: p for p in sp.get("/api/v1/posts").json()["items"]}
    police_id = posts["SP-HTR"]["office_path"][1]
    r = admin.get("/api/v1/reports/adoption", params={"level": "department"})
    assert r.status_code == 200, r.text
    share = next(row for row in r.json()["rows"] if row["node"] == police_id)["share_electronic"]
    police = departments.locator("tbody tr").filter(has_text="Uttar Pradesh Police")
    expect(police.locator("td").nth(3)).to_have_text(f"{share:.0%}")
    shot(page, "reports-hq")


@pytest.mark.parametrize("screen", ["/reports/", "/reports/hq"])
def test_on_a_phone_the_reports_fit_the_screen_and_wide_tables_scroll_in_place(
    browser, office, screen
):
    """An SP reads the report on a phone: the page itself never scrolls sideways; a table
    wider than the screen scrolls inside its own box, and every chart is within the width."""
    context = browser.new_context(
        base_url=office.url, locale="en-IN", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    try:
        log_in(page, "sp.hathras" if screen == "/reports/" else "admin.up")
        page.goto(screen)
        expect(page.locator("table.figures").first).to_be_visible()
        width = page.evaluate("window.innerWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        tables = page.locator("table.figures")
        for i in range(tables.count()):
            box = tables.nth(i).evaluate("t => t.closest('.scroll') !== null")
            assert box, f"table {i} of {screen} is not inside a scrolling box"
        for chart in page.locator("svg.chart").all():
            right = chart.evaluate("c => c.getBoundingClientRect().right")
            assert right <= width + 1, f"a chart of {screen} runs off the screen"
        shot(page, f"reports-phone{screen.replace('/', '-').rstrip('-')}")
    finally:
        context.close()
