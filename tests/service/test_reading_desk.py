"""The reading desk over the broker: a diarised letter's words are queued and read (OCR for a
Hindi scan), a letter that cannot be read says why, a scan that outruns the deadline does not
hold up the next letter, a reader stopped mid-read reads again after a restart, and an issued
letter is read for its file. Its words are shown only to those who may see the letter."""

import base64
import time

import pytest

from common.errors import NotFound
from tests.service.conftest import eventually
from tests.service.desks import CRU, HC, LETTER, SHO, SP, b64
from tests.service.test_drafts_and_signing import approved_letter
from tests.support.pdfs import pdf
from tests.support.scans import encrypted_pdf, hindi_scan_pdf, long_scan_pdf

SCAN = ["सेवा में, पुलिस अधीक्षक हाथरस", "विषय: चौकीदार की नियुक्ति"]


def diarised(desks, content: bytes, subject: str) -> dict:
    return desks.files.diarise(desks[CRU], {**LETTER, "subject": subject}, b64(content))


def text_when(desks, receipt: dict, *states: str) -> dict | None:
    """The receipt's text state once it is one of ``states`` (None if it never gets there)."""

    def state() -> dict | None:
        text = desks.files.get_receipt(desks[CRU], receipt["id"], opening=False)["text"]
        return text if text["state"] in states else None

    return eventually(state, seconds=60)


def test_a_hindi_scan_is_queued_then_read_by_ocr_for_those_who_may_see_it(desks):
    files, cru = desks.files, desks[CRU]
    receipt = diarised(desks, hindi_scan_pdf(SCAN), "चौकीदार नियुक्ति")
    assert receipt["text"]["state"] in ("queued", "reading")
    text = text_when(desks, receipt, "done")
    assert text == {"state": "done", "reason": None, "method": "ocr", "pages": 1}
    read = files.document_text(cru, receipt["document"]["sha256"])
    assert (read["state"], read["method"]) == ("done", "ocr")
    assert "चौकीदार" in read["text"]
    with pytest.raises(NotFound):  # another office's SHO may not see the letter, nor its words
        files.document_text(desks[SHO], receipt["document"]["sha256"])
    with pytest.raises(NotFound):
        files.document_text(cru, "0" * 64)


def test_a_letter_that_cannot_be_read_says_why(desks):
    receipt = diarised(desks, encrypted_pdf("A letter under a password"), "Locked letter")
    text = text_when(desks, receipt, "failed")
    assert text == {"state": "failed", "reason": "encrypted", "method": None, "pages": None}
    read = desks.files.document_text(desks[CRU], receipt["document"]["sha256"])
    assert (read["state"], read["reason"], read["text"]) == ("failed", "encrypted", None)


def test_a_scan_past_the_deadline_fails_and_the_next_letter_is_read(office, desks):
    office.kill("files")
    office.start("files", text={"deadline_s": 1})
    slow = diarised(desks, long_scan_pdf(pages=4), "A long scan")
    quick = diarised(desks, pdf(text="Leave application of constable Ram Kumar"), "Leave")
    assert text_when(desks, slow, "failed")["reason"] == "deadline"
    assert text_when(desks, quick, "done")["method"] == "text"


def test_a_reader_stopped_mid_read_reads_again_after_a_restart(office, desks):
    receipt = diarised(desks, long_scan_pdf(pages=2), "A scan read twice")
    assert text_when(desks, receipt, "reading", "done")["state"] == "reading"
    office.kill("files")  # mid-read: it stays "reading" in the store
    office.start("files")
    text = text_when(desks, receipt, "done")
    assert (text["method"], text["pages"]) == ("ocr", 2)


def test_an_issued_letter_is_read_for_its_file(signing_office, desks):
    files, sp = desks.files, desks[SP]
    file, draft = approved_letter(desks, signing_office)
    files.sign_on_paper(sp, file["id"], draft["id"], base64.b64encode(pdf()).decode())
    issued = files.issue_draft(sp, file["id"], draft["id"])["drafts"][0]["issued"]["sha256"]

    def read_on_file() -> dict | None:
        [letter] = files.get_file(sp, file["id"], opening=False)["correspondence"]
        return letter["text"] if letter["text"]["state"] == "done" else None

    assert eventually(read_on_file, seconds=60)["method"] == "text"
    assert "Test letter" in files.document_text(desks[HC], issued)["text"]
    assert base64.b64decode(files.document(sp, issued)).startswith(b"%PDF")  # the PDF too
    with pytest.raises(NotFound):
        files.document_text(desks[SHO], issued)


def test_a_letter_waits_in_the_queue_while_the_readers_cannot_run(desks, monkeypatch, tmp_path):
    """pdftotext and Tesseract missing (or a full disk) is the machine's fault, not the
    letter's: it stays queued, and is read once the readers are back."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdfinfo, pdftotext, tesseract here
    receipt = diarised(desks, pdf(text="Transfer order of head constable Mohan Lal"), "Transfer")
    time.sleep(5)  # two ticks of the reader
    text = desks.files.get_receipt(desks[CRU], receipt["id"], opening=False)["text"]
    assert text["state"] == "queued"
    monkeypatch.undo()
    assert text_when(desks, receipt, "done")["method"] == "text"
