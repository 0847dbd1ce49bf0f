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


def test_numbers_in_a_hindi_scan_are_read_as_written():
    """Dates, file numbers and years are how old papers are found. Tesseract's Hindi model
    read first misreads Latin digits (1994 as 994, 03.11.2001 as 03.7.200, A-11011/3/2025 as
    A-0/3/2025: measured); with English first they come back whole, the Hindi as well."""
    scan = hindi_scan_pdf(
        [
            "महोदय, निवेदन है कि ग्राम मुरसान में दिनांक 03.11.2001 को",
            "फ़ाइल 37/1994, Ref No. A-11011/3/2025-ESTT",
        ]
    )
    text = read_text(scan).text
    for written in ("03.11.2001", "37/1994", "A-11011/3/2025-ESTT", "दिनांक", "मुरसान"):
        assert written in text, (written, text)


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
