"""Real scans of Hindi letters, for the demo, the tests and the bench: a page written with the
office's PDF (Noto Sans Devanagari, shaped), rasterised by pdftoppm as a scanner would, and the
image alone wrapped into a new PDF, so it carries no text layer and only OCR can read it."""

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from common.office_pdf import OfficePdf

DPI = 200  # what record rooms scan at: Tesseract reads Devanagari well from 200 dpi up


def _letter_pdf(lines: Sequence[str]) -> bytes:
    pdf = OfficePdf({"page": ""})
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("deva", size=16)
    for line in lines:
        pdf.multi_cell(0, 11, line)
        pdf.ln(3)
    return bytes(pdf.output())


def hindi_scan_pdf(lines: Sequence[str], dpi: int = DPI, pages: int = 1) -> bytes:
    """An image-only PDF of ``lines`` (Hindi and English), as a scanner makes it: the page
    ``pages`` times (a long scan, for deadlines)."""
    with tempfile.TemporaryDirectory(prefix="scan-") as folder:
        source = Path(folder) / "letter.pdf"
        source.write_bytes(_letter_pdf(lines))
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile"]
            + [str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        scan = FPDF(unit="mm", format="A4")
        for _ in range(pages):
            scan.add_page()
            scan.image(str(Path(folder) / "page.png"), x=0, y=0, w=210, h=297)
        return bytes(scan.output())


def blank_scan_pdf() -> bytes:
    """A scan of an empty page: a valid PDF with nothing on it to read."""
    return hindi_scan_pdf([])
