"""The state team's holiday calendar screen in a real browser (headless Chromium, Playwright).

The state admin opens a year with no calendar (the default: no holidays, second Saturdays off),
downloads the template, uploads a sheet with a good gazetted holiday, a restricted one and two
bad rows (a date that does not exist, a date given twice), reads the per-row report, sees the
year's holidays and the upload in the history, and reads it all again in Hindi. A district's
nodal officer may open the screen but is refused the upload.

Screenshots land in /tmp/shots/holidays-*.png for a human to look at.
"""

import io

import openpyxl
import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, shot

pytestmark = pytest.mark.slow

YEAR = 2031  # a year no other test gives a calendar
SHEET = "\n".join(
    [
        "Date / तिथि,Holiday (English),Holiday (Hindi) / अवकाश (हिन्दी),Kind / प्रकार",
        f"26-01-{YEAR},Republic Day,गणतन्त्र दिवस,gazetted",
        f"31-02-{YEAR},Nonesuch,,gazetted",
        f"14-01-{YEAR},Makar Sankranti,मकर संक्रान्ति,restricted",
        f"26-01-{YEAR},Republic Day again,,gazetted",
    ]
).encode()


def test_the_state_admin_uploads_the_years_holidays_and_reads_the_report(page: Page, tmp_path):
    log_in(page, "admin.up")
    page.get_by_role("link", name="Holidays").click()
    page.goto(f"/staff/holidays?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Holiday calendar {YEAR}")
    expect(page.locator("#calendar .hint")).to_contain_text("No calendar has been uploaded")
    expect(page.get_by_label("Second Saturdays are off")).to_be_checked()
    expect(page.get_by_label("Fourth Saturdays are off")).not_to_be_checked()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (XLSX)").click()
    template = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert template.active["A1"].value == "Date / तिथि"
    assert template.active["A2"].value == f"26-01-{YEAR}"

    sheet = tmp_path / f"holidays-{YEAR}.csv"
    sheet.write_bytes(SHEET)
    page.get_by_label("Holiday sheet (XLSX or CSV)").set_input_files(sheet)
    page.get_by_label("Fourth Saturdays are off").check()
    page.get_by_role("button", name="Upload", exact=True).click()

    report = page.locator("#holiday-report")
    expect(report.locator("h2")).to_have_text(f"Sheet report: holidays-{YEAR}.csv")
    expect(report.locator("[data-action=gazetted]")).to_have_text("1")
    expect(report.locator("[data-action=restricted]")).to_have_text("1")
    expect(report.locator("[data-action=reject]")).to_have_text("2")
    rows = report.locator("tbody tr")
    expect(rows.locator("td.action")).to_have_text(
        ["Gazetted", "Rejected", "Restricted (not counted)", "Rejected"]
    )
    expect(rows.nth(1).locator("ul.reasons li")).to_have_text(["Date: There is no such date."])
    expect(rows.nth(3).locator("ul.reasons li")).to_have_text(
        ["Date: An earlier row already gives this date. (row 2)"]
    )
    holidays = page.locator("#calendar table.holidays tbody tr")
    expect(holidays).to_have_count(2)
    expect(holidays.nth(0)).to_contain_text(f"14-01-{YEAR}")
    expect(holidays.nth(1)).to_contain_text("Republic Day")
    expect(page.locator("#calendar .meta")).to_contain_text("second, fourth")
    expect(page.locator("#calendar ul.history li")).to_have_count(1)
    expect(page.locator("#calendar ul.history li")).to_contain_text("State e-Office Team")
    shot(page, "holidays-report")

    page.goto(f"/staff/holidays?year={YEAR}")
    page.get_by_role("link", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"अवकाश कैलेंडर {YEAR}")
    expect(holidays.nth(1)).to_contain_text("गणतन्त्र दिवस")
    expect(holidays.nth(0)).to_contain_text("निर्बन्धित (गिना नहीं जाता)")
    shot(page, "holidays-hi")


def test_a_year_without_a_calendar_is_answered_the_default_through_the_api(office, login):
    token = login("sp.hathras")["access_token"]
    state = requests.get(
        f"{office.url}/api/v1/offices/UP", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    answer = requests.get(
        f"{office.url}/api/v1/holidays/{state.json()['id']}/2030",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["uploaded"] is False
    assert answer.json()["second_saturday"] is True


def test_a_district_nodal_officer_is_refused_the_upload(page: Page, tmp_path):
    log_in(page, "asp.hathras")
    page.goto(f"/staff/holidays?year={YEAR + 1}")
    sheet = tmp_path / "holidays.csv"
    sheet.write_bytes(SHEET.replace(str(YEAR).encode(), str(YEAR + 1).encode()))
    page.get_by_label("Holiday sheet (XLSX or CSV)").set_input_files(sheet)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".flash").first).to_contain_text(
        "outside the offices you are responsible for"
    )
    expect(page.locator("#calendar .hint")).to_contain_text("No calendar has been uploaded")
