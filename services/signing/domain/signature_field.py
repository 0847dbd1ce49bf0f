"""A visible signature field added to a PDF, as the officer's signature and the seal both add
one: the uploaded PDF opened for an incremental update, the field placed with its stamp, room
reserved for the signature container, and pyHanko's refusals said in our words."""

import io
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.timestamps import TimeStamper

from common.errors import Conflict, InvalidInput, Refused
from common.pdf import BROKEN_PDF, check_pdf
from services.signing.render.stamp import Stamp, box, style

MD_ALGORITHM = "sha256"
# Room for the signature container (the signed attributes, a signature, the certificates)
# beyond the certificates themselves, and for a time-stamp token when one is asked for.
_CMS_OVERHEAD = 2048
_TIMESTAMP_ROOM = 8192

T = TypeVar("T")


def open_for_signing(pdf: bytes) -> IncrementalPdfFileWriter:
    """The uploaded ``pdf``, checked, ready for an incremental update; an encrypted one is
    refused (``PDF_ENCRYPTED``)."""
    check_pdf(pdf)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if writer.prev.encrypted:
        raise InvalidInput("PDF_ENCRYPTED")
    return writer


def pdf_signer(
    writer: IncrementalPdfFileWriter,
    signer: Signer,
    stamp: Stamp,
    field_name: str,
    slot: int | None,
    timestamper: TimeStamper | None,
) -> PdfSigner:
    """pyHanko's signer for a new PAdES field ``field_name`` on the last page, its stamp in box
    ``slot`` (by default one past the fields the document already has). A field of that name
    already signed is a conflict (``SIGNATURE_FIELD_TAKEN``)."""
    existing = list(sig_fields.enumerate_sig_fields(writer.prev))
    if any(name == field_name and value is not None for name, value, _ref in existing):
        raise Conflict("SIGNATURE_FIELD_TAKEN", {"field": field_name})
    where = box(_last_page_box(writer.prev), len(existing) if slot is None else slot)
    return PdfSigner(
        PdfSignatureMetadata(
            field_name=field_name, md_algorithm=MD_ALGORITHM, subfilter=SigSeedSubFilter.PADES
        ),
        signer,
        timestamper=timestamper,
        stamp_style=style(stamp),
        new_field_spec=SigFieldSpec(sig_field_name=field_name, on_page=-1, box=where),
    )


def bytes_reserved(
    cert_der: bytes, chain_der: list[bytes], signature_size: int, timestamp_url: str | None
) -> int:
    """Room (hex digits) for the signature container: no guessing by a dry run, no TSA call."""
    size = len(cert_der) + sum(map(len, chain_der)) + signature_size + _CMS_OVERHEAD
    if timestamp_url:
        size += _TIMESTAMP_ROOM
    return 2 * size


@contextmanager
def reading_upload() -> Iterator[None]:
    """Work on an uploaded PDF (adding a signature field reads its page tree and forms): if it
    turns out to be unreadable, say so by name."""
    try:
        yield
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None


async def signing_errors(coroutine: Coroutine[Any, Any, T]) -> T:
    """pyHanko's refusals (a certifying signature forbidding changes, a seed value), in our
    words."""
    try:
        return await coroutine
    except SigningError as error:
        raise Refused("CANNOT_SIGN", {"reason": str(error)}) from None


def _last_page_box(reader: PdfFileReader) -> tuple[float, float, float, float]:
    """The visible area of the last page: its crop box, else its media box (both inheritable)."""
    count = int(reader.root["/Pages"]["/Count"])
    # pyHanko leaves find_page_for_modification untyped
    page = reader.find_page_for_modification(count - 1)[0].get_object()  # type: ignore[no-untyped-call]
    for key in ("/CropBox", "/MediaBox"):
        node = page
        while node is not None:
            if key in node:
                x0, y0, x1, y1 = (float(v) for v in node[key])
                return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
            parent = node.get("/Parent")
            node = parent.get_object() if parent is not None else None
    return 0.0, 0.0, 595.0, 842.0  # no box at all: A4
