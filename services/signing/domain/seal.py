"""The office's seal: its own signing key, held by the server, for documents the system itself
issues (a letter signed on paper and scanned), stamped as the officer's signature is."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import NoReturn, cast

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import NameOID
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator.registry import CertificateStore

from common import aio
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

SealKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class SealKeyError(ValueError):
    """The seal's key or certificate cannot be used (never says anything about the key)."""


class Seal:
    """The office's own signing key, for documents the system itself issues.

    Load it once (:meth:`load`) from an encrypted PKCS#8 PEM and reuse it: parsing and
    decrypting a key costs far more than a signature. ``repr`` shows only the certificate.
    """

    __slots__ = ("_key", "_signer", "certificate_der", "chain_der")

    def __init__(self, key: SealKey, certificate_der: bytes, chain_der: list[bytes]) -> None:
        self._key = key
        self.certificate_der = certificate_der
        self.chain_der = list(chain_der)
        self._signer = _LoadedKeySigner(key, asn1(certificate_der), registry(chain_der))

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
        cert = certificate(certificate_der)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SealKeyError("the seal key must be RSA or EC")
        if _public_der(key.public_key()) != _public_der(cert.public_key()):
            raise SealKeyError("the seal certificate is not for this key")
        return cls(key, certificate_der, chain_der)

    @staticmethod
    def generate(
        common_name: str,
        issuer_key: CertificateIssuerPrivateKeyTypes,
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
        key: SealKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if key_type == "rsa"
            else ec.generate_private_key(ec.SECP256R1())
        )
        issuer = certificate(issuer_cert_der)
        # the issuer signs certificates, so its key is one that can
        issuer_public = cast(CertificateIssuerPublicKeyTypes, issuer.public_key())
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
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), False)
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
        cert = certificate(self.certificate_der)
        require_in_validity(cert, stamp.signed_at)
        writer = open_for_signing(pdf)
        timestamper = HTTPTimeStamper(timestamp_url) if timestamp_url else None
        reserved = bytes_reserved(
            self.certificate_der, self.chain_der, signature_size(cert), timestamp_url
        )

        with reading_upload():
            field = pdf_signer(writer, self._signer, stamp, field_name, slot, timestamper)

            async def run() -> bytes:
                output: io.BytesIO = await field.async_sign_pdf(
                    writer, bytes_reserved=reserved, appearance_text_params=text_params(stamp)
                )
                return output.getvalue()

            return aio.run(signing_errors(run()))

    def __repr__(self) -> str:
        cert = certificate(self.certificate_der)
        return f"Seal(subject={_common_name(cert)!r}, serial={cert.serial_number:x})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a seal is not to be pickled")


class _LoadedKeySigner(Signer):
    """A pyHanko signer holding an already parsed key (``SimpleSigner`` re-parses per signature)."""

    def __init__(
        self, key: SealKey, signing_cert: asn1_x509.Certificate, cert_registry: CertificateStore
    ) -> None:
        self._key = key
        super().__init__(signing_cert=signing_cert, cert_registry=cert_registry)

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != MD_ALGORITHM:
            raise SigningError(f"the seal signs with {MD_ALGORITHM} only")
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def __repr__(self) -> str:
        return "_LoadedKeySigner()"


def _public_der(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()
