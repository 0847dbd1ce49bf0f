"""PAdES signatures without a signer plug-in: prepared here, signed on the officer's token,
checked and finished here; seals signed here; any signed PDF verified here.

The officer's path is three calls in two processes: :func:`prepare` adds the visible signature
field (an incremental update) and returns a :class:`Prepared` whose ``signed_attrs`` are exactly
the bytes the token signs; the token signs them (``tools/token_signer.py``); :func:`finish`
refuses a signature that the enrolled certificate's key did not make
(:func:`check_token_signature`) and embeds it. The private key never reaches the server.

pyHanko 0.38 is asynchronous; every function here is synchronous and runs its own event loop
(:func:`common.aio.run`), so it must not be called from inside a running event loop.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import ExternalSigner, PdfSignatureMetadata, PdfSigner, Signer
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import (
    DocumentSecurityStore,
    NoDSSFoundError,
    collect_validation_info,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from common import aio
from common.errors import Conflict, InvalidInput, Refused
from common.pdf import BROKEN_PDF, check_pdf
from services.signing.render.stamp import Stamp, box, style, text_params

__all__ = [
    "Prepared",
    "Seal",
    "SealKeyError",
    "Stamp",
    "add_validation_data",
    "check_token_signature",
    "finish",
    "prepare",
    "verify",
]

MD_ALGORITHM = "sha256"
# Verification is public: one upload must not make the server check thousands of signatures.
MAX_SIGNATURES_CHECKED = 20
RSA_ALGORITHM = "sha256_rsa"  # the token signs with CKM_SHA256_RSA_PKCS
ECDSA_ALGORITHM = "sha256_ecdsa"  # the token signs SHA-256(signed_attrs) with CKM_ECDSA, DER
# Room for the signature container (the signed attributes, a signature, the certificates)
# beyond the certificates themselves, and for a time-stamp token when one is asked for.
_CMS_OVERHEAD = 2048
_TIMESTAMP_ROOM = 8192


@dataclass(frozen=True)
class Prepared:
    """A signing between :func:`prepare` and :func:`finish`: plain values only.

    ``signed_attrs`` is what the token signs (DER). ``prepared_pdf`` already holds the visible
    field and a zero-filled hole from ``reserved_start`` to ``reserved_end`` for the signature;
    ``document_digest`` is the SHA-256 of everything else. ``to_json``/``from_json`` carry it
    through a database between two calls.
    """

    prepared_pdf: bytes
    signed_attrs: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    field_name: str
    algorithm: str
    signer_cert_sha256: str

    def to_json(self) -> dict[str, Any]:
        """JSON-safe: the byte fields in base64."""
        return {
            key: base64.b64encode(value).decode() if isinstance(value, bytes) else value
            for key, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Prepared:
        return cls(
            **{
                spec.name: base64.b64decode(data[spec.name])
                if spec.name in _BYTE_FIELDS
                else data[spec.name]
                for spec in fields(cls)
            }
        )


_BYTE_FIELDS = frozenset({"prepared_pdf", "signed_attrs", "document_digest"})


def prepare(
    pdf: bytes,
    signer_cert_der: bytes,
    chain_der: list[bytes],
    stamp: Stamp,
    field_name: str,
    timestamp_url: str | None = None,
    *,
    slot: int | None = None,
) -> Prepared:
    """Add a visible signature field with ``stamp`` to ``pdf`` and say what the token must sign.

    ``slot`` places the stamp (0 = bottom right of the last page, then leftwards, then a row up);
    by default it is the number of signature fields the document already has. With a
    ``timestamp_url`` only room for the time-stamp is reserved: the TSA is asked in :func:`finish`.
    """
    cert = _certificate(signer_cert_der)
    _require_in_validity(cert, stamp.signed_at)
    algorithm = _algorithm(cert)
    writer = _writer(pdf)
    signer = ExternalSigner(
        _asn1(signer_cert_der),
        _registry(chain_der),
        signature_value=_signature_size(cert),
    )
    reserved = _bytes_reserved(signer_cert_der, chain_der, _signature_size(cert), timestamp_url)

    async def run() -> tuple[PreparedByteRangeDigest, bytes, bytes]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=reserved, appearance_text_params=text_params(stamp)
        )
        attrs = await signer.signed_attrs(digest.document_digest, MD_ALGORITHM, use_pades=True)
        return digest, output.getvalue(), attrs.dump()

    with _reading_upload():
        pdf_signer = _pdf_signer(writer, signer, stamp, field_name, slot, timestamper=None)
        digest, prepared_pdf, signed_attrs = aio.run(_signing_errors(run()))
    return Prepared(
        prepared_pdf=prepared_pdf,
        signed_attrs=signed_attrs,
        document_digest=digest.document_digest,
        reserved_start=digest.reserved_region_start,
        reserved_end=digest.reserved_region_end,
        field_name=field_name,
        algorithm=algorithm,
        signer_cert_sha256=hashlib.sha256(signer_cert_der).hexdigest(),
    )


def check_token_signature(signer_cert_der: bytes, signed_attrs: bytes, signature: bytes) -> None:
    """Refuse a signature over ``signed_attrs`` that the certificate's key did not make.

    RSA PKCS#1 v1.5 or ECDSA (DER-encoded), both over SHA-256. pyHanko would embed any bytes
    it is given, and the PDF would only fail later, in someone else's viewer.
    """
    key = _certificate(signer_cert_der).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_attrs, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_attrs, ec.ECDSA(hashes.SHA256()))
        else:
            raise InvalidInput("UNSUPPORTED_KEY_TYPE")
    except (InvalidSignature, ValueError):
        raise Refused("SIGNATURE_NOT_BY_YOUR_KEY") from None


def finish(
    prepared: Prepared,
    signer_cert_der: bytes,
    chain_der: list[bytes],
    signature: bytes,
    timestamp_url: str | None = None,
) -> bytes:
    """Embed the token's ``signature`` into the prepared PDF and return the signed PDF.

    The signature is checked first (:func:`check_token_signature`), and the certificate must be
    the one the signing was prepared for. With a ``timestamp_url`` the TSA time-stamps the
    signature (PAdES B-T).
    """
    if hashlib.sha256(signer_cert_der).hexdigest() != prepared.signer_cert_sha256:
        raise Refused("SIGNATURE_NOT_BY_YOUR_KEY", {"certificate": "not the one prepared for"})
    check_token_signature(signer_cert_der, prepared.signed_attrs, signature)
    signer = ExternalSigner(_asn1(signer_cert_der), _registry(chain_der), signature_value=signature)
    timestamper = HTTPTimeStamper(timestamp_url) if timestamp_url else None
    output = io.BytesIO(prepared.prepared_pdf)

    async def run() -> None:
        signature_cms = await signer.async_sign_prescribed_attributes(
            MD_ALGORITHM,
            signed_attrs=cms.CMSAttributes.load(prepared.signed_attrs),
            timestamper=timestamper,
        )
        await PdfTBSDocument.async_finish_signing(
            output,
            prepared_digest=PreparedByteRangeDigest(
                document_digest=prepared.document_digest,
                reserved_region_start=prepared.reserved_start,
                reserved_region_end=prepared.reserved_end,
            ),
            signature_cms=signature_cms,
        )

    aio.run(_signing_errors(run()))
    return output.getvalue()


class SealKeyError(ValueError):
    """The seal's key or certificate cannot be used (never says anything about the key)."""


class Seal:
    """The office's own signing key, for documents the system itself issues.

    Load it once (:meth:`load`) from an encrypted PKCS#8 PEM and reuse it: parsing and
    decrypting a key costs far more than a signature. ``repr`` shows only the certificate.
    """

    __slots__ = ("_key", "_signer", "certificate_der", "chain_der")

    def __init__(self, key, certificate_der: bytes, chain_der: list[bytes]):
        self._key = key
        self.certificate_der = certificate_der
        self.chain_der = list(chain_der)
        self._signer = _LoadedKeySigner(key, _asn1(certificate_der), _registry(chain_der))

    @classmethod
    def load(
        cls, encrypted_pem: bytes, password: bytes, certificate_der: bytes, chain_der: list[bytes]
    ) -> Seal:
        """The seal from its encrypted key (password from the environment) and certificate."""
        if not password or b"ENCRYPTED PRIVATE KEY" not in encrypted_pem:
            raise SealKeyError("the seal key must be an encrypted PKCS#8 PEM with a password")
        try:
            key = serialization.load_pem_private_key(encrypted_pem, password=password)
        except (ValueError, TypeError):
            raise SealKeyError("the seal key cannot be decrypted with this password") from None
        cert = _certificate(certificate_der)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SealKeyError("the seal key must be RSA or EC")
        if _public_der(key.public_key()) != _public_der(cert.public_key()):
            raise SealKeyError("the seal certificate is not for this key")
        return cls(key, certificate_der, chain_der)

    @staticmethod
    def generate(
        common_name: str,
        issuer_key,
        issuer_cert_der: bytes,
        password: bytes,
        *,
        key_type: str = "rsa",
        organisation: str = "Government of India",
        valid_for: timedelta = timedelta(days=730),
    ) -> tuple[bytes, bytes]:
        """A new seal key and its certificate from ``issuer_key`` (for tests and rotation).

        Returns ``(encrypted_pem, certificate_der)``. A rotated seal gets a new key and
        certificate; what the old one sealed stays valid.
        """
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if key_type == "rsa"
            else ec.generate_private_key(ec.SECP256R1())
        )
        issuer = _certificate(issuer_cert_der)
        now = datetime.now(UTC).replace(microsecond=0)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(min(now + valid_for, issuer.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), False
            )
            .sign(issuer_key, hashes.SHA256())
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
        return pem, cert.public_bytes(serialization.Encoding.DER)

    @staticmethod
    def reencrypt(encrypted_pem: bytes, password: bytes, new_password: bytes) -> bytes:
        """The same key under a new password (rotating the password, not the key)."""
        try:
            key = serialization.load_pem_private_key(encrypted_pem, password=password)
        except (ValueError, TypeError):
            raise SealKeyError("the seal key cannot be decrypted with this password") from None
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(new_password),
        )

    def sign(
        self,
        pdf: bytes,
        stamp: Stamp,
        field_name: str,
        *,
        slot: int | None = None,
        timestamp_url: str | None = None,
    ) -> bytes:
        """Seal ``pdf`` with a visible stamp, as an incremental update."""
        cert = _certificate(self.certificate_der)
        _require_in_validity(cert, stamp.signed_at)
        writer = _writer(pdf)
        timestamper = HTTPTimeStamper(timestamp_url) if timestamp_url else None
        reserved = _bytes_reserved(
            self.certificate_der, self.chain_der, _signature_size(cert), timestamp_url
        )

        async def run() -> bytes:
            output = await pdf_signer.async_sign_pdf(
                writer, bytes_reserved=reserved, appearance_text_params=text_params(stamp)
            )
            return output.getvalue()

        with _reading_upload():
            pdf_signer = _pdf_signer(writer, self._signer, stamp, field_name, slot, timestamper)
            return aio.run(_signing_errors(run()))

    def __repr__(self) -> str:
        cert = _certificate(self.certificate_der)
        return f"Seal(subject={_common_name(cert)!r}, serial={cert.serial_number:x})"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("a seal is not to be pickled")


class _LoadedKeySigner(Signer):
    """A pyHanko signer holding an already parsed key (``SimpleSigner`` re-parses per signature)."""

    def __init__(self, key, signing_cert, cert_registry):
        self._key = key
        super().__init__(signing_cert=signing_cert, cert_registry=cert_registry)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if digest_algorithm != MD_ALGORITHM:
            raise SigningError(f"the seal signs with {MD_ALGORITHM} only")
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def __repr__(self) -> str:
        return "_LoadedKeySigner()"


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
    signatures, unreadable = [], []
    for name, _value, field_ref in found:
        try:
            signatures.append(EmbeddedPdfSignature(reader, field_ref, name))
        except _BROKEN_SIGNATURE:
            unreadable.append(_unreadable(name))
    signatures.sort(key=lambda signature: signature.signed_revision)
    roots = [_asn1(root) for root in trust_roots_der]
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


def add_validation_data(
    pdf: bytes,
    trust_roots_der: list[bytes],
    *,
    crls_der: list[bytes] = (),
    ocsps_der: list[bytes] = (),
    allow_fetching: bool = False,
) -> bytes:
    """Embed what a verifier needs years later (PAdES B-LT when the signatures are B-T).

    For every signature: the chain and revocation data (CRLs, OCSP responses) for the signer
    and the time-stamp authority, in the document security store, as one incremental update.
    Revocation is checked hard-fail: data that cannot be found (given here, or fetched when
    ``allow_fetching``) is a refusal, ``VALIDATION_DATA_UNAVAILABLE``.
    """
    check_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if not signatures:
        raise Refused("NOTHING_SIGNED")
    writer = IncrementalPdfFileWriter.from_reader(reader)

    async def run() -> bytes:
        context = ValidationContext(
            trust_roots=[_asn1(root) for root in trust_roots_der],
            other_certs=[c for s in signatures for c in s.other_embedded_certs],
            crls=list(crls_der),
            ocsps=list(ocsps_der),
            allow_fetching=allow_fetching,
            revocation_mode="hard-fail",
        )
        try:
            for signature in signatures:
                paths = await collect_validation_info(signature, context)
                DocumentSecurityStore.supply_dss_in_writer(
                    writer,
                    signature.pkcs7_content.hex().encode("ascii"),
                    validation_context=context,
                    paths=paths,
                )
        except (SignatureValidationError, PathError, ValidationError) as error:
            reason = type(error).__name__
            raise Refused("VALIDATION_DATA_UNAVAILABLE", {"reason": reason}) from None
        finally:
            await context.aclose()
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()

    return aio.run(run())


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


async def _verify_one(signature, roots, revisions: int, store) -> dict[str, Any]:
    try:
        settings = {
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
        await context.aclose()
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


def _problem(status) -> str | None:
    """What is wrong with a signature, the worst first; None when nothing is."""
    if not status.intact:
        return "DOCUMENT_CHANGED_AFTER_SIGNING"
    if not status.valid:
        return "SIGNATURE_INVALID"
    return status.trust_problem_indic.name if status.trust_problem_indic else None


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


async def _signing_errors(coroutine):
    """pyHanko's refusals (a certifying signature forbidding changes, a seed value), in our
    words."""
    try:
        return await coroutine
    except SigningError as error:
        raise Refused("CANNOT_SIGN", {"reason": str(error)}) from None


def _pdf_signer(writer, signer, stamp: Stamp, field_name: str, slot: int | None, timestamper):
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


@contextmanager
def _reading_upload() -> Iterator[None]:
    """Work on an uploaded PDF (adding a signature field reads its page tree and forms): if it
    turns out to be unreadable, say so by name."""
    try:
        yield
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    check_pdf(pdf)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if writer.prev.encrypted:
        raise InvalidInput("PDF_ENCRYPTED")
    return writer


def _last_page_box(reader: PdfFileReader) -> tuple[float, float, float, float]:
    """The visible area of the last page: its crop box, else its media box (both inheritable)."""
    count = int(reader.root["/Pages"]["/Count"])
    page = reader.find_page_for_modification(count - 1)[0].get_object()
    for key in ("/CropBox", "/MediaBox"):
        node = page
        while node is not None:
            if key in node:
                x0, y0, x1, y1 = (float(v) for v in node[key])
                return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
            parent = node.get("/Parent")
            node = parent.get_object() if parent is not None else None
    return 0.0, 0.0, 595.0, 842.0  # no box at all: A4


def _bytes_reserved(
    cert_der: bytes, chain_der: list[bytes], signature_size: int, timestamp_url: str | None
) -> int:
    """Room (hex digits) for the signature container: no guessing by a dry run, no TSA call."""
    size = len(cert_der) + sum(map(len, chain_der)) + signature_size + _CMS_OVERHEAD
    if timestamp_url:
        size += _TIMESTAMP_ROOM
    return 2 * size


def _signature_size(cert: x509.Certificate) -> int:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * ((key.curve.key_size + 7) // 8) + 9  # DER: two INTEGERs in a SEQUENCE
    raise InvalidInput("UNSUPPORTED_KEY_TYPE")


def _algorithm(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGORITHM
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECDSA_ALGORITHM
    raise InvalidInput("UNSUPPORTED_KEY_TYPE")


def _require_in_validity(cert: x509.Certificate, at: datetime) -> None:
    if at > cert.not_valid_after_utc:
        raise Refused("DSC_EXPIRED", {"not_after": cert.not_valid_after_utc.isoformat()})
    if at < cert.not_valid_before_utc:
        raise Refused("DSC_NOT_YET_VALID", {"not_before": cert.not_valid_before_utc.isoformat()})


def _certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except (ValueError, TypeError):
        raise InvalidInput("NOT_A_CERTIFICATE") from None


def _asn1(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def _registry(chain_der: list[bytes]) -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([_asn1(der) for der in chain_der])


def _public_der(key) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _subject_name(cert: asn1_x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None
