"""What counts as a PDF, for every service that takes one (a scanned letter, a draft, a PDF to
sign or to verify): judged by its bytes, never by a file name or a declared media type."""

import io

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from common.errors import InvalidInput, TooLarge, UnsupportedMedia

MAX_PDF_BYTES = 20 * 1024 * 1024
# What pyHanko raises, or lets through, reading a PDF that is broken inside: a bad number (an
# object offset too large for an int, a real that is no decimal), a broken page tree, its own
# assertions, a structure nested past Python's stack. Objects are read when first needed, so
# this can come at any step of working on an uploaded PDF, not only when it is opened (found
# by fuzzing the uploads: tests/unit/test_fuzz_parsers.py).
BROKEN_PDF = (
    PdfError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    ArithmeticError,
    AssertionError,
    RecursionError,
)


def check_pdf(content: bytes) -> int:
    """Accept a real, readable PDF of at most 20 MB and return its page count.

    Judged by the bytes, never by the file name or the declared media type.
    """
    if len(content) > MAX_PDF_BYTES:
        raise TooLarge("PDF_TOO_LARGE", {"limit_bytes": MAX_PDF_BYTES, "size": len(content)})
    if not content.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-":
        raise UnsupportedMedia("NOT_A_PDF")
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        pages = int(reader.root["/Pages"]["/Count"])
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if pages < 1:
        raise InvalidInput("PDF_UNREADABLE")
    return pages
