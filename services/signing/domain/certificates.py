"""Certificates as the signing rules need them: read from DER (refused by name when they are not
certificates), in date at the moment of signing, their key's signature size, and in the forms
pyHanko wants (asn1crypto certificates, a registry of the chain)."""

from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko_certvalidator.registry import SimpleCertificateStore

from common.errors import InvalidInput, Refused


def certificate(der: bytes) -> x509.Certificate:
    """The certificate in ``der``; ``NOT_A_CERTIFICATE`` when it is none."""
    try:
        return x509.load_der_x509_certificate(der)
    except (ValueError, TypeError):
        raise InvalidInput("NOT_A_CERTIFICATE") from None


def require_in_validity(cert: x509.Certificate, at: datetime) -> None:
    """Refuse to sign at ``at`` with a certificate expired or not yet valid then."""
    if at > cert.not_valid_after_utc:
        raise Refused("DSC_EXPIRED", {"not_after": cert.not_valid_after_utc.isoformat()})
    if at < cert.not_valid_before_utc:
        raise Refused("DSC_NOT_YET_VALID", {"not_before": cert.not_valid_before_utc.isoformat()})


def signature_size(cert: x509.Certificate) -> int:
    """The most bytes a signature by the certificate's key takes (RSA or EC only)."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * ((key.curve.key_size + 7) // 8) + 9  # DER: two INTEGERs in a SEQUENCE
    raise InvalidInput("UNSUPPORTED_KEY_TYPE")


def asn1(der: bytes) -> asn1_x509.Certificate:
    """The certificate as pyHanko reads it (asn1crypto)."""
    return asn1_x509.Certificate.load(der)


def registry(chain_der: list[bytes]) -> SimpleCertificateStore:
    """The chain a signature carries, as pyHanko's certificate registry."""
    certs = [asn1(der) for der in chain_der]
    # pyhanko-certvalidator leaves from_certs untyped
    store: SimpleCertificateStore = SimpleCertificateStore.from_certs(certs)  # type: ignore[no-untyped-call]
    return store


def trust_roots(roots_der: list[bytes]) -> list[asn1_x509.Certificate]:
    """The roots a verification trusts, as pyHanko's validation context takes them."""
    return [asn1(der) for der in roots_der]
