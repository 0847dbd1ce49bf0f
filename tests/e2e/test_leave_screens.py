"""E-Leave in a real browser, on a phone and on a desktop: the SHO of Kotwali sees his balance, is
refused in Hindi for dates out of order (nothing he typed lost), counts the days and the working
days of his casual leave (a gazetted holiday, named, and the second Saturday are off) and
applies; the circle officer finds it in "Leave to act on" and sanctions it; the circle's
calendar shows the SHO away on those days and its register lists it; the SHO sees it sanctioned,
opens its sanction order and verifies it publicly. Back from leave begun two days ago, an
applicant files the joining report.
A returned application is corrected and sent again, and a screen left open while it changed is
told so. Screenshots land in /tmp/shots/.

The office is the shared one of tests/e2e: each window size asks for a week of its own in 2034
(March on the phone, September on the desktop), which no other test uses."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from common.clock import IST
from tests.e2e.test_api import Desk
from tests.e2e.test_leave_api import LEAVE, act, apply, ok
from tests.support.browser import (
    fits_the_screen,
    header,
    log_in,
    on_phone_and_desktop,
    shot,
    size_of,
)

SHO, CO = "sho.kotwali.hathras", "co.sadar.hathras"
# (applicant, their reporting officer) back from leave, per window size.
BACK_FROM_LEAVE = {
    "phone": ("ct.hathras", "reader.hathras"),
    "desktop": ("cru.hathras", "hc.estt.hathras"),
}
# Monday to the second Saturday of the month, a gazetted holiday within: six days, four of
# them working days. The state's calendar of 2034 names the holidays (uploaded here once: no
# other test gives that year a calendar).
WEEK = {
    "phone": ("2034-03-06", "2034-03-11", "2034-03-08", "Holi"),
    "desktop": ("2034-09-04", "2034-09-09", "2034-09-05", "Janmashtami"),
}
HOLIDAYS_2034 = "\r\n".join(
    [
        "Date / तिथि,Holiday (English),Holiday (Hindi) / अवकाश (हिन्दी),Kind / प्रकार",
        "08-03-2034,Holi,होली,gazetted",
        "05-09-2034,Janmashtami,जन्माष्टमी,gazetted",
        "07-03-2034,Shivaratri,शिवरात्रि,restricted",
    ]
).encode()


@pytest.fixture(scope="module")
def holidays_2034(office, login):
    admin = Desk(office.url, login("admin.up"))
    state = ok(admin.get("/api/v1/offices/UP"))["id"]
    answer = admin.post(
        f"/api/v1/holidays/{state}/2034",
        files={"sheet": ("holidays-2034.csv", HOLIDAYS_2034, "text/csv")},
        data={"second_saturday": "true"},
    )
    assert answer.status_code == 201 and answer.json()["applied"], answer.text


def dmy(iso: str) -> str:
    return "-".join(reversed(iso.split("-")))


def log_out(page: Page) -> None:
    header(page).get_by_role("button", name=re.compile("Log out|लॉग आउट")).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def flashed(page: Page):
    return expect(page.locator("p.flash").first)


@on_phone_and_desktop
def test_casual_leave_is_applied_for_sanctioned_and_shown_away(page: Page, holidays_2034):
    size = size_of(page)
    first, last, holiday, holiday_name = WEEK[size]
    month = first[:7]
    log_in(page, SHO)
    header(page).locator("nav").get_by_role("link", name="Leave", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply for leave")
    casual = page.locator("table.balance tr[data-kind='casual']")
    expect(casual.locator("td").first).to_have_text("Casual leave")
    expect(casual.locator("td.available")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))

    # In Hindi, the last day before the first: refused in Hindi, everything typed kept.
    page.goto("/lang/hi?next=/leave")
    page.get_by_label("अवकाश का प्रकार").select_option("casual")
    page.get_by_label("अवकाश का प्रथम दिन").fill(last)
    page.get_by_label("अवकाश का अंतिम दिन").fill(first)
    page.get_by_label("कारण").fill("गाँव में पारिवारिक कार्य")
    page.get_by_label("अवकाश के दौरान पता").fill("ग्राम नगला, सासनी")
    page.get_by_role("button", name="प्रार्थना पत्र भेजें").click()
    flashed(page).to_have_text("अवकाश आरम्भ होने के दिन या उसके बाद ही समाप्त हो सकता है।")
    expect(page.get_by_label("कारण")).to_have_value("गाँव में पारिवारिक कार्य")
    expect(page.get_by_label("अवकाश के दौरान पता")).to_have_value("ग्राम नगला, सासनी")
    expect(page.get_by_label("अवकाश का प्रकार")).to_have_value("casual")
    fits_the_screen(page, "the refusal in Hindi")
    shot(page, f"leave-refused-hi-{size}")

    # In English, the dates the right way round: counted first, then applied for.
    page.goto("/lang/en?next=/leave")
    page.get_by_label("Kind of leave").select_option("casual")
    page.get_by_label("First day of leave").fill(first)
    page.get_by_label("Last day of leave").fill(last)
    page.get_by_label("Reason").fill("गाँव में पारिवारिक कार्य")
    page.get_by_role("button", name="Count the days").click()
    check = page.locator(".dates-check")
    expect(check.locator(".days")).to_have_text("6 days")
    expect(check.locator(".working-days")).to_have_text("4 working days")
    expect(check.locator("ul.days-off li")).to_have_text(
        [f"{dmy(holiday)}: {holiday_name}", f"{dmy(last)}: Saturday off"]
    )
    expect(page.get_by_label("Reason")).to_have_value("गाँव में पारिवारिक कार्य")
    fits_the_screen(page, "the apply form")
    shot(page, f"leave-apply-{size}")
    page.get_by_role("button", name="Send the application").click()
    flashed(page).to_have_text("Applied. It waits with the reporting officer.")
    mine = page.locator("section.leave-application").filter(has_text=dmy(first))
    expect(mine.locator("dd.status")).to_contain_text("Applied for")
    expect(mine.locator("dd.days")).to_have_text("6")
    log_out(page)

    # The circle officer sanctions it (casual leave needs the reporting officer only).
    log_in(page, CO)
    page.goto("/leave/to-act-on")
    waiting = page.locator("section.leave-application").filter(has_text=f"{dmy(first)} –")
    expect(waiting.locator("h2")).to_have_text("Ramesh Prasad Gupta")
    fits_the_screen(page, "leave to act on")
    shot(page, f"leave-to-act-on-{size}")
    waiting.get_by_label(re.compile("Remark")).fill("स्वीकृत")
    waiting.get_by_role("button", name="Sanction").click()
    flashed(page).to_have_text("Sanctioned.")
    expect(
        page.locator("section.leave-application").filter(has_text=f"{dmy(first)} –")
    ).to_have_count(0)

    # The circle's calendar of that month shows him away each of those days.
    page.goto("/leave/calendar")
    page.get_by_label("Office code").fill("CO-SADAR-HTR")
    page.get_by_label("Month").fill(month)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.office")).to_contain_text("CO-SADAR-HTR")
    for day in (first, last):
        expect(page.locator(f"table.away tr[data-date='{day}']")).to_contain_text(
            "Ramesh Prasad Gupta (Casual leave)"
        )
    fits_the_screen(page, "the office's calendar")
    shot(page, f"leave-calendar-{size}")

    # Its register lists it, sanctioned.
    page.goto(f"/leave/register?office=CO-SADAR-HTR&month={month}&status=sanctioned")
    row = page.locator("table.register tbody tr").filter(has_text=dmy(first))
    expect(row.locator("td.status")).to_have_text("Sanctioned")
    expect(row.first).to_contain_text("Ramesh Prasad Gupta")
    fits_the_screen(page, "the leave register")
    shot(page, f"leave-register-{size}")
    log_out(page)

    # The SHO sees it sanctioned, with who sanctioned it in its history.
    log_in(page, SHO)
    page.goto("/leave/mine")
    mine = page.locator("section.leave-application").filter(has_text=dmy(first))
    expect(mine.locator("dd.status")).to_have_text("Sanctioned")
    mine.get_by_text("History").click()
    expect(mine.locator("ol.history li").last).to_contain_text(
        "Sanctioned · Vikram Pratap Singh: स्वीकृत"
    )
    fits_the_screen(page, "my applications")
    shot(page, f"leave-mine-{size}")

    # Its sanction order, sealed by the office: the PDF, and its public verification.
    order = mine.locator("dd.order")
    expect(order).to_contain_text("under the office seal")
    number = order.locator(".order-number").inner_text()
    assert re.fullmatch(r"LV\.CO-SADAR-HTR-20\d\d-\d{6}", number), number  # the office sanctioning
    with page.expect_download() as got:
        order.get_by_role("link", name="The order (PDF)").click()
    assert got.value.suggested_filename.startswith("leave-order-")
    assert open(got.value.path(), "rb").read(5) == b"%PDF-"
    order.get_by_role("link", name="Verify it").click()
    expect(page.locator("p.verdict").first).to_have_class(re.compile(r"\bgood\b"))
    fits_the_screen(page, "the sanction order verified")
    shot(page, f"leave-order-verified-{size}")


def test_a_stranger_is_told_the_office_is_not_theirs_to_see(page: Page):
    log_in(page, "hc.estt.hathras")
    page.goto("/leave/calendar?office=SP-HTR&month=2034-03")
    expect(page.locator("p.flash.error")).to_have_text("No such office.")
    expect(page.locator("table.away")).to_have_count(0)


# A Monday and Tuesday, and the next week's, of a month of each window size's own.
RETURNED = {
    "phone": ("2034-11-06", "2034-11-07", "2034-11-13", "2034-11-14"),
    "desktop": ("2034-12-04", "2034-12-05", "2034-12-11", "2034-12-12"),
}


@on_phone_and_desktop
def test_returned_leave_is_corrected_and_a_stale_screen_is_told_so(page: Page, office, login):
    size = size_of(page)
    first, last, new_first, new_last = RETURNED[size]
    sho, co = Desk(office.url, login(SHO)), Desk(office.url, login(CO))
    asked = {"kind": "casual", "from_date": first, "to_date": last, "reason": "विवाह समारोह"}
    application = apply(sho, asked)

    # Returning needs a reason: refused without one, then returned with it.
    log_in(page, CO)
    page.goto("/leave/to-act-on")
    waiting = page.locator(f"#leave-{application['id']}")
    waiting.get_by_role("button", name="Return for correction").click()
    flashed(page).to_have_text("Please say why.")
    waiting.get_by_label(re.compile("Remark")).fill("तिथियाँ एक सप्ताह बाद की करें")
    waiting.get_by_role("button", name="Return for correction").click()
    flashed(page).to_have_text("Returned to the applicant for correction.")
    log_out(page)

    # The SHO corrects the dates and sends it again.
    log_in(page, SHO)
    page.goto("/leave/mine")
    mine = page.locator(f"#leave-{application['id']}")
    expect(mine.locator("dd.status")).to_have_text("Returned for correction")
    expect(mine.locator("ol.history li").last).to_contain_text("तिथियाँ एक सप्ताह बाद की करें")
    mine.get_by_label("First day of leave").fill(new_first)
    mine.get_by_label("Last day of leave").fill(new_last)
    mine.get_by_role("button", name="Send again").click()
    flashed(page).to_have_text("Sent up again.")
    expect(mine.locator("dd.dates")).to_have_text(f"{dmy(new_first)} – {dmy(new_last)}")
    expect(mine.locator("dd.status")).to_contain_text("Applied for")

    # Returned again meanwhile (over the API): cancelling from the old screen is told so, and
    # after a reload it is cancelled.
    current = ok(sho.get(f"{LEAVE}/applications/{application['id']}"))
    act(co, current, "return", remark="कारण स्पष्ट करें")
    mine.get_by_text("Cancel", exact=True).click()
    mine.get_by_role("button", name="Cancel this application").click()
    flashed(page).to_have_text("Someone changed this in the meantime. Please reload and try again.")
    expect(mine.locator("dd.status")).to_have_text("Returned for correction")
    mine.get_by_text("Cancel", exact=True).click()
    mine.get_by_role("button", name="Cancel this application").click()
    flashed(page).to_have_text("Cancelled.")
    expect(mine.locator("dd.status")).to_have_text("Cancelled")
    fits_the_screen(page, "my applications")


@on_phone_and_desktop
def test_back_from_leave_the_applicant_files_the_joining_report(page: Page, office, login):
    """Casual leave that began two days ago and runs to tomorrow, sanctioned by the reporting
    officer; back today: the leave is cut short to yesterday and its last two days given back.
    On the phone the SP office's constable, on the desktop the CRU's diarist (each
    run's leave its own person's: both cover today)."""
    applicant, officer = BACK_FROM_LEAVE[size_of(page)]
    person, reporting = Desk(office.url, login(applicant)), Desk(office.url, login(officer))
    today = datetime.now(IST).date()
    body = {
        "kind": "casual",
        "from_date": (today - timedelta(days=2)).isoformat(),
        "to_date": (today + timedelta(days=1)).isoformat(),
        "reason": "गाँव में पारिवारिक कार्य",
    }
    app = act(reporting, apply(person, body), "sanction", remark="स्वीकृत")
    assert app["status"] == "sanctioned"

    log_in(page, applicant)
    page.goto("/leave/mine")
    mine = page.locator(f"section#leave-{app['id']}")
    mine.get_by_text("Joining report", exact=True).click()
    expect(mine.get_by_label("The day I joined back")).to_have_value(today.isoformat())
    fits_the_screen(page, "the joining report")
    mine.get_by_role("button", name="File the joining report").click()
    flashed(page).to_have_text("Joining report filed.")
    mine = page.locator(f"section#leave-{app['id']}")
    expect(mine.locator("dd.status")).to_have_text("Joined back")
    expect(mine.locator("dd.joined-on")).to_have_text(dmy(today.isoformat()))
    expect(mine.locator("dd.dates")).to_contain_text("cut short to")
    after = ok(person.get(f"{LEAVE}/applications/{app['id']}"))
    assert (after["joined_on"], after["refunded_days"]) == (today.isoformat(), 2)
    shot(page, f"leave-joined-{size_of(page)}")
