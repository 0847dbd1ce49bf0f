"""A letter's words, end to end: a Hindi scan diarised over the API is queued, read by OCR and
its words answered to those who may see it (and to no one else); the receipt screen says how
far reading has got, in English and in Hindi, on a phone and a desktop."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised, wait_for
from tests.support.browser import log_in, on_phone_and_desktop, shot, size_of
from tests.support.pdfs import pdf
from tests.support.scans import encrypted_pdf, hindi_scan_pdf

CRU, SHO = "cru.hathras", "sho.kotwali.hathras"
READ_WAIT_SECONDS = 90  # behind whatever else the shared office has queued


@pytest.fixture
def cru(office, login) -> Desk:
    return Desk(office.url, login(CRU))


def text_of(desk: Desk, receipt: dict, *states: str) -> dict:
    """The letter's text once its state is one of ``states``."""

    def answer() -> dict | None:
        r = desk.get(f"/api/v1/documents/{receipt['document']['sha256']}/text")
        assert r.status_code == 200, r.text
        return r.json() if r.json()["state"] in states else None

    return wait_for(f"the letter's text {states}", answer, READ_WAIT_SECONDS)


def test_a_hindi_scan_is_read_and_its_words_shown_only_to_those_who_may_see_it(office, login, cru):
    scan = hindi_scan_pdf(["विषय: चौकीदार की नियुक्ति", f"Ref {uuid.uuid4().hex[:8]}"])
    receipt = diarised(cru, scan, subject=f"चौकीदार {uuid.uuid4().hex[:6]}")
    assert receipt["text"]["state"] in ("queued", "reading")
    read = text_of(cru, receipt, "done")
    assert (read["state"], read["method"], read["pages"], read["reason"]) == (
        "done",
        "ocr",
        1,
        None,
    )
    assert "चौकीदार" in read["text"]
    shown = cru.get(f"/api/v1/receipts/{receipt['id']}").json()["text"]
    assert shown == {"state": "done", "reason": None, "method": "ocr", "pages": 1}
    sho = Desk(office.url, login(SHO))
    hidden = sho.get(f"/api/v1/documents/{receipt['document']['sha256']}/text")
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "DOCUMENT_NOT_FOUND")


@on_phone_and_desktop
def test_the_receipt_screen_says_how_far_reading_its_letter_has_got(page: Page, cru):
    readable = diarised(cru, pdf(text=f"Road repair estimate {uuid.uuid4().hex}"))
    locked = diarised(cru, encrypted_pdf(f"Locked letter {uuid.uuid4().hex}"))
    text_of(cru, readable, "done")
    text_of(cru, locked, "failed")
    log_in(page, CRU)
    page.goto(f"/receipts/{readable['id']}")
    expect(page.locator(".text-state")).to_have_text("Text: read (text layer, 1 page)")
    page.goto(f"/receipts/{locked['id']}")
    expect(page.locator(".text-state")).to_have_text(
        "Text: could not be read: it is locked with a password"
    )
    page.goto(f"/lang/hi?next=/receipts/{locked['id']}")
    expect(page.locator(".text-state")).to_have_text("पाठ: पढ़ा नहीं जा सका: यह पासवर्ड से बंद है")
    shot(page, f"receipt-text-state-{size_of(page)}")
