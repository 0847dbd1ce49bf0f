"""Scans for tests: a Hindi letter drawn as a real PDF, rasterised, and wrapped as an image
alone, so the PDF has no text layer and only OCR can read it (as a scanned paper letter)."""

import subprocess
import tempfile
from pathlib import Path

from fpdf import FPDF

from common.office_pdf import OfficePdf

SCAN_DPI = 150  # an office scanner's usual setting; one such page OCRs in about 2 s here


def hindi_scan_pdf(lines: list[str]) -> bytes:
    """An A4 image-only PDF of ``lines`` (Hindi or English), one page."""
    return image_pdf(_rasterised(_letter(lines)))


def blank_scan_pdf() -> bytes:
    """An image-only PDF of an empty white page: a scan of nothing."""
    blank = FPDF(unit="mm", format="A4")
    blank.add_page()
    return image_pdf(_rasterised(bytes(blank.output())))


def image_pdf(png: bytes) -> bytes:
    """A PDF whose one A4 page is the image ``png`` and nothing else."""
    with tempfile.TemporaryDirectory(prefix="eoffice-scan-") as folder:
        image = Path(folder) / "page.png"
        image.write_bytes(png)
        out = FPDF(unit="mm", format="A4")
        out.add_page()
        out.image(str(image), x=0, y=0, w=210, h=297)
        return bytes(out.output())


def _letter(lines: list[str]) -> bytes:
    """``lines`` drawn as a real PDF, with a text layer, before it is scanned."""
    page = OfficePdf({"page": "{page}/{total}"})
    page.add_page()
    page.set_font("deva", "", 16)
    for line in lines:
        page.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(page.output())


def _rasterised(pdf: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="eoffice-scan-") as folder:
        source, image = Path(folder) / "page.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(SCAN_DPI),
                "-gray",
                "-png",
                "-singlefile",
                str(source),
                str(image),
            ],
            check=True,
            capture_output=True,
        )
        return Path(f"{image}.png").read_bytes()


def long_scan_pdf(pages: int) -> bytes:
    """An image-only PDF of ``pages`` pages of Hindi: seconds of OCR, for deadlines."""
    with tempfile.TemporaryDirectory(prefix="eoffice-scan-") as folder:
        image = Path(folder) / "page.png"
        image.write_bytes(_rasterised(_letter(["चौकीदार की नियुक्ति", "भूमि विवाद"] * 6)))
        out = FPDF(unit="mm", format="A4")
        for _ in range(pages):
            out.add_page()
            out.image(str(image), x=0, y=0, w=210, h=297)
        return bytes(out.output())


def encrypted_pdf(text: str) -> bytes:
    """A PDF with a text layer that opens only with a password."""
    locked = FPDF(unit="mm", format="A4")
    locked.add_page()
    locked.set_font("helvetica", size=14)
    locked.multi_cell(0, 8, text)
    locked.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    return bytes(locked.output())
