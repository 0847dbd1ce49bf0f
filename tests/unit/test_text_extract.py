"""Reading a PDF's words (services/files/text/extract.py) on real PDFs: a text layer, a Hindi
scan read by OCR, and each way a document gives no text."""

import pytest

from services.files.text.extract import Reading, Unreadable, read_text
from tests.support.pdfs import broken_pdf, pdf
from tests.support.scans import blank_scan_pdf, encrypted_pdf, hindi_scan_pdf, long_scan_pdf


def unreadable(content: bytes, deadline_s: float = 30.0) -> Unreadable:
    with pytest.raises(Unreadable) as caught:
        read_text(content, deadline_s)
    return caught.value


def test_a_text_layer_is_read_as_it_is():
    reading = read_text(pdf(pages=2, text="Transfer of constable Ram Kumar to Police Lines"))
    assert (reading.method, reading.pages) == ("text", 2)
    assert "Transfer of constable Ram Kumar" in reading.text
    assert "page 2" in reading.text


def test_a_hindi_scan_without_a_text_layer_is_read_by_ocr():
    scan = hindi_scan_pdf(["सेवा में, पुलिस अधीक्षक हाथरस", "विषय: चौकीदार की नियुक्ति एवं भूमि विवाद"])
    reading = read_text(scan)
    assert isinstance(reading, Reading)
    assert (reading.method, reading.pages) == ("ocr", 1)
    assert "चौकीदार" in reading.text


def test_an_encrypted_pdf_is_refused_as_encrypted():
    assert unreadable(encrypted_pdf("A confidential letter about the land dispute")).reason == (
        "encrypted"
    )


def test_a_broken_pdf_is_refused_as_broken():
    assert unreadable(broken_pdf()).reason == "broken"
    assert unreadable(b"not a pdf at all").reason == "broken"


def test_a_scan_of_nothing_has_no_text():
    assert unreadable(blank_scan_pdf()).reason == "no_text"


def test_a_long_scan_stops_at_the_deadline():
    assert unreadable(long_scan_pdf(pages=4), deadline_s=0.5).reason == "deadline"
