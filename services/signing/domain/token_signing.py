"""The officer's PAdES signature, made on their own token without a signer plug-in: prepared
here, signed on the token, checked and finished here. The private key never reaches the server.

The path is three calls in two processes: :func:`prepare` adds the visible signature field (an
incremental update) and returns a :class:`Prepared` whose ``signed_attrs`` are exactly the bytes
the token signs; the token signs them (the officer's ``eoffice-signer``, signer/);
:func:`finish` refuses a signature that the enrolled certificate's key did not make
(:func:`check_token_signature`) and embeds it.

pyHanko is asynchronous; these functions are synchronous and run their own event loop
(:func:`common.aio.run`).
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import asdict, dataclass
from typing import Any, cast

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.signers import ExternalSigner
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper

from common import aio
from common.errors import InvalidInput, Refused
from services.signing.render.stamp import Stamp, text_params

from .certificates import asn1, certificate, registry, require_in_validity, signature_size
from .signature_field import (
    MD_ALGORITHM,
    bytes_reserved,
    open_for_signing,
    pdf_signer,
    reading_upload,
    signing_errors,
)

RSA_ALGORITHM = "sha256_rsa"  # the token signs with CKM_SHA256_RSA_PKCS
ECDSA_ALGORITHM = "sha256_ecdsa"  # the token signs SHA-256(signed_attrs) with CKM_ECDSA, DER


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
        """The signing :meth:`to_json` kept."""
        return cls(
            prepared_pdf=base64.b64decode(data["prepared_pdf"]),
            signed_attrs=base64.b64decode(data["signed_attrs"]),
            document_digest=base64.b64decode(data["document_digest"]),
            reserved_start=data["reserved_start"],
            reserved_end=data["reserved_end"],
            field_name=data["field_name"],
            algorithm=data["algorithm"],
            signer_cert_sha256=data["signer_cert_sha256"],
        )


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
    cert = certificate(signer_cert_der)
    require_in_validity(cert, stamp.signed_at)
    algorithm = _algorithm(cert)
    writer = open_for_signing(pdf)
    signer = ExternalSigner(
        asn1(signer_cert_der),
        registry(chain_der),
        signature_value=signature_size(cert),
    )
    reserved = bytes_reserved(signer_cert_der, chain_der, signature_size(cert), timestamp_url)

    with reading_upload():
        field = pdf_signer(writer, signer, stamp, field_name, slot, timestamper=None)

        async def run() -> tuple[PreparedByteRangeDigest, bytes, bytes]:
            digest, _tbs, output = await field.async_digest_doc_for_signing(
                writer, bytes_reserved=reserved, appearance_text_params=text_params(stamp)
            )
            attrs = await signer.signed_attrs(digest.document_digest, MD_ALGORITHM, use_pades=True)
            # with no output given, pyHanko writes to a BytesIO of its own
            return digest, cast(io.BytesIO, output).getvalue(), attrs.dump()

        digest, prepared_pdf, signed_attrs = aio.run(signing_errors(run()))
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
    key = certificate(signer_cert_der).public_key()
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
    signer = ExternalSigner(asn1(signer_cert_der), registry(chain_der), signature_value=signature)
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

    aio.run(signing_errors(run()))
    return output.getvalue()


def _algorithm(cert: x509.Certificate) -> str:
    """What the token is asked to do (the gateway and ``eoffice-signer`` read it)."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGORITHM
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECDSA_ALGORITHM
    raise InvalidInput("UNSUPPORTED_KEY_TYPE")
