"""The dak story in a real browser (headless Chromium, Playwright's sync API): the CRU diarist
diarises a Hindi letter with its PDF and sends it to the Reader; the Reader finds it in the
inbox, with a notice, opens it and reads its history; the UI switches to Hindi and back; bad
input (a file that is not a PDF, a wrong password) is refused with a message a person can read.

Screenshots of the pages land in /tmp/shots/ for a human to look at.

This process must not be monkey-patched by eventlet (Playwright's sync API hangs on stop()),
which is why the browser tests live with the end-to-end tests and not with the service tests.
"""

import hashlib
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import log_in, shot
from tests.support.pdfs import pdf

CRU = "cru.hathras"
READER = "reader.hathras"
READER_POST = "Reader to SP, Hathras"
READER_ABBR = "RDR-SP-HTR"
NUMBER = re.compile(r"^(\d+)/(\d{4})/SP-HTR$")
HINDI_HEADERS = ["आवती संख्या", "विषय", "प्रेषक", "किससे", "प्राथमिकता", "कब से"]
ENGLISH_HEADERS = ["Receipt number", "Subject", "Sender", "From", "Priority", "Since"]


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def fill_diarise_form(
    page: Page, subject: str, sender: str, letter: Path, letter_number: str = ""
) -> None:
    """Open "Diarise a receipt" from the menu, fill it in and submit it."""
    page.get_by_role("link", name="Diarise a receipt").click()
    expect(page.get_by_role("heading", name="Diarise a receipt")).to_be_visible()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Sender").fill(sender)
    if letter_number:
        page.get_by_label("Letter number").fill(letter_number)
    page.get_by_label("Scanned letter").set_input_files(letter)
    page.get_by_role("button", name="Diarise", exact=True).click()


def receipt_number_shown(page: Page) -> str:
    """The number in the heading of the receipt page the browser is on."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Receipt \d+/\d{4}/SP-HTR$"))
    return heading.inner_text().removeprefix("Receipt ").strip()


def inbox_rows(page: Page):
    return page.locator("table.inbox tbody tr")


def row_for(page: Page, number: str):
    return inbox_rows(page).filter(has=page.get_by_role("link", name=number, exact=True))


def pdf_viewer_opened(page: Page) -> bool:
    """Chromium shows a framed PDF in its viewer, a frame of its own (asked for a while)."""
    for _ in range(100):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            return True
        page.wait_for_timeout(100)
    return False


def test_diarise_send_and_read_a_receipt(page: Page, tmp_path):
    subject = f"थाना कोतवाली से प्राप्त शिकायत {uuid.uuid4().hex[:6]}"
    sender = "प्रभारी निरीक्षक, थाना कोतवाली हाथरस"
    remark = "कृपया अवलोकन करें — please see"
    content = pdf(pages=2, text="Complaint from Kotwali")
    letter = tmp_path / "shikayat.pdf"
    letter.write_bytes(content)

    # 1. The CRU diarist diarises the letter and sends it to the Reader. ----------------------
    log_in(page, CRU)
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", name="Inbox", exact=True)).to_be_visible()
    expect(page.locator("header .who")).to_have_text("Pooja Yadav")

    fill_diarise_form(page, subject, sender, letter, letter_number="शि-42/2025")
    number = receipt_number_shown(page)
    year = int(NUMBER.match(number).group(2))
    assert year in {datetime.now(UTC).year, datetime.now(UTC).year - 1}
    receipt_url = page.url
    assert re.search(r"/receipts/[0-9a-f]{32}$", receipt_url), receipt_url

    expect(page.locator(".flash")).to_have_text(f"Diarised as {number}.")
    fields = page.locator("dl.fields")
    expect(fields).to_contain_text(subject)
    expect(fields).to_contain_text(sender)
    expect(fields.locator("dd.holder")).to_have_text("Central Receipt Unit, SP Office Hathras")
    expect(page.locator("ol.history li")).to_have_count(1)
    expect(page.locator("ol.history li").first).to_contain_text("Diarised · Pooja Yadav")

    # The scanned letter is shown beside the fields, and is the very PDF that was uploaded.
    sha256 = hashlib.sha256(content).hexdigest()
    iframe = page.locator("section.pdf iframe")
    expect(iframe).to_have_count(1)
    expect(iframe).to_have_attribute("src", f"/documents/{sha256}")
    expect(page.locator("section.pdf")).to_contain_text("(2 pages)")
    answer = page.context.request.get(f"/documents/{sha256}")
    assert answer.status == 200
    assert answer.headers["content-type"].split(";")[0] == "application/pdf"
    assert answer.body() == content
    # Served sandboxed (an uploaded PDF runs nothing as this site), and still shown: the
    # browser's own PDF viewer opens inside the frame.
    assert answer.headers["content-security-policy"].startswith("sandbox;")
    assert pdf_viewer_opened(page)
    shot(page, "receipt-cru")

    send = page.locator("form.send")
    reader_option = send.locator("select[name=to_post_id] option", has_text=READER_ABBR)
    expect(reader_option).to_have_count(1)
    expect(reader_option).to_contain_text(READER_POST)
    to_post = reader_option.get_attribute("value")
    send.locator("select[name=to_post_id]").select_option(value=to_post)
    send.get_by_label("Remark").fill(remark)
    send.get_by_role("button", name="Send").click()

    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".flash")).to_have_text(f"Sent {number} to {READER_POST}.")
    expect(row_for(page, number)).to_have_count(0)  # it has left the CRU's desk
    shot(page, "inbox-cru-after-send")

    # 2. The Reader finds it unread in the inbox, with a notice, and opens it. -----------------
    log_out(page)
    log_in(page, READER)
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator("header .who")).to_have_text("Suresh Chandra Sharma")

    row = row_for(page, number)
    expect(row).to_have_count(1)
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    assert row.locator("td").first.evaluate("td => getComputedStyle(td).fontWeight") == "700"
    expect(row).to_contain_text(subject)
    expect(row).to_contain_text(sender)
    expect(row).to_contain_text("Central Receipt Unit, SP Office Hathras")
    expect(row.locator(".remark")).to_have_text(remark)

    # The notice comes through the event bus (files' outbox relay, then notify): reload until
    # it has arrived, as the Reader would.
    notice = page.locator("section.notices li.notice", has_text=number)
    deadline = time.monotonic() + 30
    while notice.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(notice).to_have_count(1)
    expect(notice).to_have_class(re.compile(r"\bunread\b"))
    expect(notice).to_contain_text(
        f"Receipt {number} was sent to you from Central Receipt Unit, SP Office Hathras: {subject}"
    )
    shot(page, "inbox-reader")

    row.get_by_role("link", name=number, exact=True).click()
    expect(page).to_have_url(receipt_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Receipt {number}")
    expect(page.locator("dl.fields dd.holder")).to_have_text(READER_POST)
    expect(page.locator("dl.fields")).to_contain_text(remark)
    history = page.locator("ol.history li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Diarised · Pooja Yadav")
    expect(history.nth(1)).to_contain_text(f"Sent · Pooja Yadav → {READER_POST}")
    expect(history.nth(2)).to_contain_text("Opened · Suresh Chandra Sharma")
    expect(page.locator("section.pdf iframe")).to_have_attribute("src", f"/documents/{sha256}")
    expect(page.locator("form.send")).to_have_count(1)  # the Reader holds it now and may send it on
    shot(page, "receipt-reader")

    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(row_for(page, number)).not_to_have_class(re.compile(r"\bunread\b"))
    # Opening the receipt answers its notice too (an event again: reload until it has).
    deadline = time.monotonic() + 30
    while "unread" in (notice.get_attribute("class") or "") and time.monotonic() < deadline:
        page.wait_for_timeout(300)
        page.reload()
    expect(notice).not_to_have_class(re.compile(r"\bunread\b"))

    # 3. Hindi and back. ------------------------------------------------------------------------
    page.get_by_role("link", name="हिन्दी").click()
    expect(page).to_have_url(re.compile(r"/inbox\??$"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("heading", level=1)).to_have_text("इनबॉक्स")
    expect(page.locator("table.inbox thead th")).to_have_text(HINDI_HEADERS)
    expect(page.locator("header .who")).to_have_text("सुरेश चन्द्र शर्मा")
    expect(row_for(page, number)).to_contain_text(subject)
    expect(row_for(page, number)).to_contain_text("केंद्रीय आवती इकाई, पुलिस अधीक्षक कार्यालय हाथरस")
    shot(page, "inbox-reader-hi")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    expect(page.locator("table.inbox thead th")).to_have_text(ENGLISH_HEADERS)


def test_a_file_that_is_not_a_pdf_is_refused(page: Page, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf(text="A real letter"))
    fake = tmp_path / "letter.pdf"
    fake.write_text("This is a plain text file wearing a .pdf name.\n")
    refused_subject = f"थाना कोतवाली से प्राप्त शिकायत {uuid.uuid4().hex[:6]}"

    log_in(page, CRU)
    fill_diarise_form(page, f"पहला पत्र {uuid.uuid4().hex[:6]}", "थाना सासनी", good)
    first = NUMBER.match(receipt_number_shown(page))
    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    before = inbox_rows(page).count()
    assert before >= 1  # at least the letter just diarised, which stays at the CRU's desk

    page.get_by_role("link", name="Diarise a receipt").click()
    page.get_by_label("Subject").fill(refused_subject)
    page.get_by_label("Sender").fill("थाना कोतवाली")
    page.get_by_label("Scanned letter").set_input_files(fake)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Diarise", exact=True).click()
    assert navigation.value.status == 400

    expect(page.get_by_role("heading", level=1)).to_have_text("Diarise a receipt")
    expect(page.get_by_role("alert")).to_have_text("The file is not a PDF.")
    expect(page.get_by_label("Subject")).to_have_value(refused_subject)  # what was typed is kept
    shot(page, "diarise-not-a-pdf")

    page.get_by_role("link", name="Inbox", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    assert inbox_rows(page).count() == before
    expect(page.locator("main")).not_to_contain_text(refused_subject)

    # The refusal used up no number: the next letter gets the very next one.
    fill_diarise_form(page, f"दूसरा पत्र {uuid.uuid4().hex[:6]}", "थाना सासनी", good)
    second = NUMBER.match(receipt_number_shown(page))
    assert (int(second.group(1)), second.group(2)) == (int(first.group(1)) + 1, first.group(2))


def test_a_wrong_password_is_refused(page: Page):
    log_in(page, CRU, "not-the-password")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.get_by_role("link", name="Diarise a receipt")).to_have_count(0)
    shot(page, "login-wrong-password")

    page.goto("/inbox")  # still not logged in: sent back to the login page
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)inbox"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
