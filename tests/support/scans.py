"""Scans for tests: tools.demo_scans's image-only Hindi letters (only OCR reads them), a long
one for deadlines, and a PDF locked with a password."""

from fpdf import FPDF

from tools.demo_scans import blank_scan_pdf, hindi_scan_pdf

__all__ = ["blank_scan_pdf", "encrypted_pdf", "hindi_scan_pdf", "long_scan_pdf"]


def long_scan_pdf(pages: int) -> bytes:
    """An image-only PDF of ``pages`` full pages of Hindi: seconds of OCR, for deadlines."""
    return hindi_scan_pdf(["चौकीदार की नियुक्ति", "भूमि विवाद"] * 6, pages=pages)


def encrypted_pdf(text: str) -> bytes:
    """A PDF with a text layer that opens only with a password."""
    locked = FPDF(unit="mm", format="A4")
    locked.add_page()
    locked.set_font("helvetica", size=14)
    locked.multi_cell(0, 8, text)
    locked.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    return bytes(locked.output())
