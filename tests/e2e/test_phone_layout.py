"""The desk's screens on a police station's phone (360 x 740) and on an office screen
(1280 x 800), with the text people really type: a subject of one 300-letter word, a note pages
long with a link pasted into it, a subject in Urdu with emoji. No screen scrolls sideways (a wide
table scrolls inside its own box); a file's notes and correspondence stack on the phone and sit
side by side on the office screen; the phone's menu leads to the inbox; the send dialog fits
the phone and sends.

The office is the shared one of tests/e2e: the work is made here, and nothing counts what it did
not make. Screenshots land in /tmp/shots/."""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_api import Desk, diarised, wait_for
from tests.e2e.test_desk_screens import choose_post
from tests.e2e.test_notify_api import dispatched_by_email
from tests.support.browser import log_in, shot

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
CRU, READER, SP, NODAL = "cru.hathras", "reader.hathras", "sp.hathras", "asp.hathras"
THUMB = 44  # px: the smallest target a thumb hits reliably


def one_word(length: int) -> str:
    """A subject typed without a single space (it happens: a pasted reference number)."""
    tag = uuid.uuid4().hex[:8]
    return (tag + "Pratibedan" * length)[:length]


def urdu_subject() -> str:
    return f"تھانہ کوتوالی میں شکایت 🚓📄 درخواست نمبر {uuid.uuid4().hex[:6]} برائے کارروائی 🙏"


def long_note() -> str:
    link = "https://uppolice.gov.in/" + "circular" * 60
    paragraph = "निरीक्षण के दौरान पाई गई कमियों का विवरण संलग्न है और सुधार हेतु प्रस्ताव प्रस्तुत है। " * 25
    return f"{paragraph}\n\n{link}\n\nیہ شکایت اردو میں درج ہے 🚓\n\n{paragraph}"


@dataclass(frozen=True)
class Work:
    long_subject: str
    urdu: str
    long_receipt: dict  # with the Reader
    urdu_receipt: dict  # with the Reader
    file: dict  # the Reader's, in Urdu, with a long note and a long-subject letter put in it
    dispatched: str  # the subject of a letter in the SP office's dispatch register


@pytest.fixture(scope="module")
def work(office, login) -> Work:
    def desk(who: str) -> Desk:
        return Desk(office.url, login(who))

    cru, reader = desk(CRU), desk(READER)
    long_subject, urdu = one_word(300), urdu_subject()

    def sent_to_the_reader(subject: str) -> dict:
        receipt = diarised(cru, subject=subject, sender=subject)
        r = cru.send(receipt["id"], reader.post_ids[0], remark=one_word(120))
        assert r.status_code == 200, r.text
        return receipt

    long_receipt, urdu_receipt, filed = (
        sent_to_the_reader(s) for s in (long_subject, urdu, long_subject)
    )
    r = reader.post("/api/v1/files", json={"subject": urdu})
    assert r.status_code == 201, r.text
    file = r.json()
    r = reader.post(f"/api/v1/files/{file['id']}/notes", json={"text": long_note()})
    assert r.status_code == 201, r.text
    r = reader.post(f"/api/v1/receipts/{filed['id']}/put-in-file", json={"file_id": file["id"]})
    assert r.status_code == 200, r.text
    file = r.json()
    dispatched = one_word(300)
    dispatched_by_email(desk, ["ri.hathras@uppolice.gov.in"], subject=dispatched)

    def told() -> bool:
        notices = reader.get("/api/v1/notices").json()["items"]
        return any(n["params"].get("number") == urdu_receipt["number"] for n in notices)

    wait_for("the Reader's notice of the Urdu letter", told)
    return Work(long_subject, urdu, long_receipt, urdu_receipt, file, dispatched)


@pytest.fixture
def opened(browser: Browser, office) -> Iterator:
    """Opens a fresh browser window of a size and logs someone in; closed after the test."""
    contexts = []

    def as_(who: str, viewport: dict) -> Page:
        context = browser.new_context(base_url=office.url, locale="en-IN", viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        log_in(page, who)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return page

    yield as_
    for context in contexts:
        context.close()


def assert_fits(page: Page, screen: str) -> None:
    width, scrolled = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scrolled <= width, f"{screen} scrolls sideways: {scrolled} px on a {width} px screen"


def screens(work: Work) -> dict[str, list[tuple[str, str, str | None]]]:
    """Who looks at which screen (a name, its path), and text of the work it must show."""
    return {
        READER: [
            ("inbox", "/inbox", work.long_subject),
            ("receipt-long", f"/receipts/{work.long_receipt['id']}", work.long_subject),
            ("receipt-urdu", f"/receipts/{work.urdu_receipt['id']}", work.urdu),
            ("file", f"/files/{work.file['id']}", "circularcircular"),  # notes, send dialog
            ("notices", "/notices", work.urdu_receipt["number"]),
        ],
        SP: [
            ("dispatch-register", "/dispatch-register", work.dispatched),
            ("reports", "/reports/", None),
        ],
        NODAL: [("staff", "/staff/people", None)],
    }


@VIEWPORTS
def test_no_screen_scrolls_sideways_whatever_was_typed(opened, work: Work, viewport: dict):
    size = "phone" if viewport == PHONE else "desktop"
    for who, seen in screens(work).items():
        page = opened(who, viewport)
        for name, path, shows in seen:
            page.goto(path)
            if shows:
                expect(page.locator("main")).to_contain_text(shows)
            assert_fits(page, path)
            shot(page, f"layout-{size}-{name}")


def test_urdu_in_a_subject_reads_right_to_left_without_turning_the_row_around(opened, work: Work):
    page = opened(READER, PHONE)
    row = page.get_by_role("row").filter(has_text=work.urdu_receipt["number"])
    subject = row.locator("td.subject")
    assert subject.evaluate("e => e.matches(':dir(rtl)')")
    number = row.get_by_role("link", name=work.urdu_receipt["number"])
    assert number.evaluate("e => e.matches(':dir(ltr)')")


@VIEWPORTS
def test_a_files_notes_and_correspondence_stack_on_a_phone_and_sit_side_by_side_when_wide(
    opened, work: Work, viewport: dict
):
    page = opened(READER, viewport)
    page.goto(f"/files/{work.file['id']}")
    notes = page.get_by_role("region", name="Notes").bounding_box()
    letters = page.get_by_role("region", name="Correspondence").bounding_box()
    assert notes and letters
    if viewport == PHONE:
        assert letters["y"] >= notes["y"] + notes["height"], "the panes are not one above the other"
        assert letters["x"] == pytest.approx(notes["x"], abs=1)
    else:
        assert letters["x"] >= notes["x"] + notes["width"], "the panes are not side by side"
        assert letters["y"] == pytest.approx(notes["y"], abs=1)


def test_on_a_phone_the_menu_opens_and_leads_to_the_inbox(opened, office, login):
    cru, reader = Desk(office.url, login(CRU)), Desk(office.url, login(READER))
    assert cru.send(diarised(cru)["id"], reader.post_ids[0]).status_code == 200
    wait_for("a notice unread", lambda: reader.get("/api/v1/notices").json()["unread"])
    page = opened(READER, PHONE)
    page.goto("/notices")
    inbox = page.locator("header nav").get_by_role("link", name="Inbox", exact=True)
    expect(inbox).to_be_hidden()  # folded into the menu
    menu = page.locator("header summary")
    expect(menu).to_have_text(re.compile(r"^Menu \d+$"))  # and how many notices are unread
    assert menu.bounding_box()["height"] >= THUMB
    menu.click()
    expect(inbox).to_be_visible()
    expect(page.locator("header .unread-count")).to_be_visible()  # beside Inbox, as when wide
    shot(page, "layout-phone-menu")
    inbox.click()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")


def test_on_a_desk_the_links_are_in_the_header_without_a_menu(opened):
    page = opened(READER, DESKTOP)
    expect(page.locator("header summary")).to_be_hidden()
    for name in ("Inbox", "Notices", "Diarise a receipt", "Dispatch register", "Reports"):
        expect(
            page.locator("header nav").get_by_role("link", name=name, exact=True)
        ).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_the_send_dialog_fits_a_phone_and_sends(opened, office, login):
    cru = Desk(office.url, login(CRU))
    receipt = diarised(cru, subject=one_word(300))
    page = opened(CRU, PHONE)
    page.goto(f"/receipts/{receipt['id']}")
    dialog = page.locator("details.action[open]").filter(has=page.locator("form.send"))
    controls = dialog.locator("input:visible, select:visible, textarea:visible, button:visible")
    assert controls.count() >= 6  # the search and its button, to, copies, priority, remark, send
    for i in range(controls.count()):
        box = controls.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"{controls.nth(i).evaluate('e => e.outerHTML')[:80]} runs off the screen"
        )
        assert box["height"] >= THUMB, f"{controls.nth(i).evaluate('e => e.name')} is too small"
    choose_post(page, "वाचक", re.compile(r"^Reader to SP, Hathras \(RDR-SP-HTR\)"))
    shot(page, "layout-phone-send-dialog")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Sent")
    assert_fits(page, "the receipt once sent")
