"""Verifying any signed PDF, for anyone: who signed it, when, with which chain, whether each
signature is intact and trusted, and whether the document changed after it was signed.

pyHanko is asynchronous; :func:`verify` is synchronous and runs its own event loop
(:func:`common.aio.run`).
"""

import enum
import io
from datetime import UTC, datetime
from typing import Any, cast

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from common import aio
from common.errors import InvalidInput, Refused
from common.pdf import BROKEN_PDF, check_pdf

from .certificates import trust_roots

# Verification is public: one upload must not make the server check thousands of signatures.
MAX_SIGNATURES_CHECKED = 20

# A signature whose container cannot be read or checked at all (garbled, unknown format).
_BROKEN_SIGNATURE = (
    PdfError,
    SignatureValidationError,
    PathError,
    ValidationError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
)


def verify(pdf: bytes, trust_roots_der: list[bytes]) -> dict[str, Any]:
    """Who signed ``pdf``, when, with which chain, and whether it changed since.

    One entry per signature in signing order. ``valid`` is pyHanko's bottom line with our roots
    trusted (intact, cryptographically valid, trusted chain, permitted later changes);
    ``modified_after_signing`` says whether anything at all (a later signature included) was
    added after it, from the document's revisions; ``changes_after`` says what kind
    (``none``, ``lta_updates``, ``form_filling`` (later signatures), ``annotations``, ``other``,
    or ``appended_data``: bytes after the last revision). ``ok`` is every signature valid and
    nothing after the last one but time-stamps and validation data. ``problem`` says what is
    wrong with a signature, the worst first: ``DOCUMENT_CHANGED_AFTER_SIGNING`` (the signed
    bytes differ from what was signed), ``SIGNATURE_INVALID``, ``SIGNATURE_UNREADABLE``, or
    pyHanko's AdES sub-indication for a chain that cannot be trusted (``OUT_OF_BOUNDS_NO_POE``).

    A PDF with more than ``MAX_SIGNATURES_CHECKED`` signatures is refused before any is checked.
    """
    check_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        revisions = reader.xrefs.total_revisions
        found = list(sig_fields.enumerate_sig_fields(reader, filled_status=True))
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if len(found) > MAX_SIGNATURES_CHECKED:
        raise Refused("TOO_MANY_SIGNATURES", {"limit": MAX_SIGNATURES_CHECKED, "found": len(found)})
    signatures: list[EmbeddedPdfSignature] = []
    unreadable: list[dict[str, Any]] = []
    for name, _value, field_ref in found:
        try:
            signatures.append(EmbeddedPdfSignature(reader, field_ref, name))
        except _BROKEN_SIGNATURE:
            unreadable.append(_unreadable(name))
    signatures.sort(key=lambda signature: signature.signed_revision)
    roots = trust_roots(trust_roots_der)
    try:
        store: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        store = None

    async def run() -> list[dict[str, Any]]:
        return [await _verify_one(s, roots, revisions, store) for s in signatures]

    reports = aio.run(run()) + unreadable
    for report in reports:
        if report["later_revisions"] == 0 and not report["covers_whole_file"]:
            report["changes_after"] = "appended_data"
    appended = _appended_data(pdf, reader) or any(
        report["changes_after"] == "appended_data" for report in reports
    )
    tail_ok = bool(reports) and reports[-1]["changes_after"] in ("none", "lta_updates")
    return {
        "ok": bool(reports) and all(r["valid"] for r in reports) and tail_ok and not appended,
        "revisions": revisions,
        "appended_data": appended,
        "validation_data": store is not None,
        "signatures": reports,
    }


def _appended_data(pdf: bytes, reader: PdfFileReader) -> bool:
    """Bytes after the end of the last revision: no update, so nothing signs or explains them."""
    end = pdf.rfind(b"%%EOF")
    start = pdf.rfind(b"startxref", 0, end)
    if end < 0 or start < 0 or pdf[end + 5 :].strip():
        return True
    try:
        startxref = int(pdf[start + 9 : end].strip())
    except ValueError:
        return True
    return startxref != reader.xrefs.get_startxref_for_revision(reader.xrefs.total_revisions - 1)


async def _verify_one(
    signature: EmbeddedPdfSignature,
    roots: list[asn1_x509.Certificate],
    revisions: int,
    store: DocumentSecurityStore | None,
) -> dict[str, Any]:
    """The report on one signature (see :func:`verify`)."""
    try:
        settings: dict[str, Any] = {
            "trust_roots": roots,
            "other_certs": list(signature.other_embedded_certs),
            "allow_fetching": False,
            "revocation_mode": "soft-fail",
        }
        # reads the certificates the signature carries: a garbled one is found here
        context = store.as_validation_context(settings) if store else ValidationContext(**settings)
    except _BROKEN_SIGNATURE:
        return _unreadable(signature.field_name)
    try:
        status = await async_validate_pdf_signature(signature, context)
    except _BROKEN_SIGNATURE:
        return _unreadable(signature.field_name)
    finally:
        await context.aclose()  # type: ignore[no-untyped-call]  # untyped in pyhanko-certvalidator
    signer = status.signing_cert
    if status.validation_path is not None:
        chain = [_subject_name(c) for c in status.validation_path.iter_certs(include_root=True)]
        chain.reverse()
    else:
        chain = [_subject_name(signer)] + [_subject_name(c) for c in signature.other_embedded_certs]
    timestamp = status.timestamp_validity
    level = status.modification_level
    return {
        "field": signature.field_name,
        "signer": signer.subject.native.get("common_name"),
        "signer_serial": format(signer.serial_number, "x"),
        "signed_at": _iso(status.signer_reported_dt),
        "timestamp": _iso(timestamp.timestamp) if timestamp else None,
        "timestamp_trusted": bool(timestamp.trusted) if timestamp else None,
        "chain": chain,
        "intact": bool(status.intact),
        # pyHanko's ``valid`` is about the signature over the signed attributes alone, and holds
        # for a document changed after signing: here a signature is valid only over its document.
        "signature_valid": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "valid": bool(status.bottom_line),
        "problem": _problem(status),
        # The bytes the signature covers ([start, length, start, length]): where "not intact"
        # points a reader with a hex viewer.
        "byte_range": [int(n) for n in signature.byte_range],
        "revision": signature.signed_revision + 1,
        "later_revisions": revisions - signature.signed_revision - 1,
        "covers_whole_file": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        "modified_after_signing": status.coverage != SignatureCoverageLevel.ENTIRE_FILE,
        "changes_after": level.name.lower() if level is not None else "unknown",
        "changes_permitted": status.docmdp_ok,
    }


def _problem(status: PdfSignatureStatus) -> str | None:
    """What is wrong with a signature, the worst first; None when nothing is."""
    if not status.intact:
        return "DOCUMENT_CHANGED_AFTER_SIGNING"
    if not status.valid:
        return "SIGNATURE_INVALID"
    indication = status.trust_problem_indic
    # every AdES sub-indication pyHanko gives is a member of one of its enums
    return cast(enum.Enum, indication).name if indication else None


def _unreadable(field: str) -> dict[str, Any]:
    """The report of a signature nobody can check: not valid, and said so, not left out."""
    return {
        "field": field,
        "signer": None,
        "signer_serial": None,
        "signed_at": None,
        "timestamp": None,
        "timestamp_trusted": None,
        "chain": [],
        "intact": False,
        "signature_valid": False,
        "trusted": False,
        "valid": False,
        "problem": "SIGNATURE_UNREADABLE",
        "byte_range": None,
        "revision": None,
        "later_revisions": None,
        "covers_whole_file": False,
        "modified_after_signing": None,
        "changes_after": "unknown",
        "changes_permitted": None,
    }


def _subject_name(cert: asn1_x509.Certificate) -> str:
    name: str = cert.subject.native.get("common_name") or cert.subject.human_friendly
    return name


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None
