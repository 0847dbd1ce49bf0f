"""Digital Signature Certificates (Class 3 DSCs): which ones an officer may enrol. No I/O here.

An officer enrols the certificate of the key on their USB token so that what they sign can later
be checked against it. We accept it only if it chains to a configured trust root (the CCA roots
in production) with every signature on the way checked, is in date, may sign documents, and is
issued to that officer. Revocation (CRL/OCSP) is not checked here: it needs the network, so it
belongs to whoever fetches revocation data, at enrolment and again at signing.
"""

import hashlib
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    PathError,
    ValidationError,
)

from common import aio
from common.clock import iso
from common.errors import InvalidInput, Refused

# Days before expiry at which the officer is warned, least urgent first.
EXPIRY_WARNING_DAYS = (30, 7, 1)


# Either one will do: Indian CAs issue signing DSCs with nonRepudiation, digitalSignature or both.
# (pyHanko's PDF validation asks for nonRepudiation unless told otherwise: tell it the same.)
SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


# What cryptography and asn1crypto raise for bytes that are no certificate we can read: mostly
# ValueError, but an unknown version, a doubled extension, an unknown kind of name or key are
# exceptions of their own (found by fuzzing the upload: tests/unit/test_fuzz_parsers.py).
_NOT_A_CERTIFICATE = (
    ValueError,
    TypeError,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
    UnsupportedAlgorithm,
)


def load_certificate(data: bytes) -> x509.Certificate:
    """One X.509 certificate from PEM or DER, as the officer's token software exports it.

    A PEM file must hold exactly one certificate (a chain would leave us guessing whose it is)
    and no private key (the key belongs on the token; one that has been uploaded is exposed).
    """
    if b"-----BEGIN" in data:  # PEM, perhaps after text such as `openssl x509 -text` prints
        if b"PRIVATE KEY-----" in data:
            raise InvalidInput("NOT_A_CERTIFICATE", {"private_key": True})
        try:
            certs = x509.load_pem_x509_certificates(data)
        except _NOT_A_CERTIFICATE:
            raise InvalidInput("NOT_A_CERTIFICATE") from None
        if len(certs) != 1:
            raise InvalidInput("NOT_A_CERTIFICATE", {"certificates": len(certs)})
        return _read_through(certs[0])
    try:
        return _read_through(x509.load_der_x509_certificate(data))
    except _NOT_A_CERTIFICATE:
        raise InvalidInput("NOT_A_CERTIFICATE") from None


def _read_through(cert: x509.Certificate) -> x509.Certificate:
    """The certificate, once every part the checks read has been read: both libraries parse
    lazily, and a part that is garbled must refuse the upload here, not fail a check later."""
    try:
        _ = (cert.issuer, cert.subject, cert.extensions, cert.public_key(), _asn1(cert).native)
        _ = (cert.not_valid_before_utc, cert.not_valid_after_utc)
    except _NOT_A_CERTIFICATE:
        raise InvalidInput("NOT_A_CERTIFICATE") from None
    return cert


def check_enrolment(
    cert: x509.Certificate,
    trust_roots: list[x509.Certificate],
    intermediates: list[x509.Certificate],
    person_names: list[str],
    at: datetime,
) -> dict[str, Any]:
    """What to store for an officer's DSC, or ``Refused`` with the first rule it breaks.

    The rules in the order the officer can act on them: a self-signed certificate is not a DSC
    (DSC_SELF_SIGNED); an expired or future one cannot sign today (DSC_EXPIRED,
    DSC_NOT_YET_VALID); it must be a signing certificate, not a CA's (DSC_KEY_USAGE); it must
    chain to a trust root through valid CA certificates (DSC_UNTRUSTED); and be issued to this
    officer (DSC_NAME_MISMATCH). ``at`` must be timezone-aware.
    """
    if _self_signed(cert):
        raise Refused("DSC_SELF_SIGNED")
    if at > cert.not_valid_after_utc:
        raise Refused("DSC_EXPIRED", {"not_after": iso(cert.not_valid_after_utc)})
    if at < cert.not_valid_before_utc:
        raise Refused("DSC_NOT_YET_VALID", {"not_before": iso(cert.not_valid_before_utc)})

    ee = _asn1(cert)
    usages = sorted(ee.key_usage_value.native) if ee.key_usage_value else []
    if ee.ca:
        raise Refused("DSC_KEY_USAGE", {"key_usage": usages, "ca": True})
    try:
        SIGNING_KEY_USAGE.validate(ee)
    except InvalidCertificateError:
        raise Refused("DSC_KEY_USAGE", {"key_usage": usages, "ca": False}) from None

    _validate_path(ee, trust_roots, intermediates, at)

    subject_cn = _common_name(cert.subject)
    wanted = {_normalise(name) for name in person_names}
    if not subject_cn or _normalise(subject_cn) not in wanted:
        raise Refused("DSC_NAME_MISMATCH", {"subject_cn": subject_cn})

    return {
        "serial": format(cert.serial_number, "x"),
        "subject_cn": subject_cn,
        "issuer_cn": _common_name(cert.issuer),
        "not_before": iso(cert.not_valid_before_utc),
        "not_after": iso(cert.not_valid_after_utc),
        "sha256": hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        "key_usage": usages,
    }


def expiry_warnings_due(not_after: datetime, now: datetime, already_sent: set[int]) -> list[int]:
    """The expiry warning (30, 7 or 1 days ahead) to send now, if any: ``[]`` or ``[days]``.

    Only the most urgent warning whose time has come is sent: a certificate enrolled five days
    before it expires gets the 7-day warning, not a stale 30-day one as well, and the 1-day one
    on a later check. ``already_sent`` holds the days already warned for this certificate (keep
    it per certificate: a renewed DSC starts afresh). Once expired, ``[0]``: the expiry itself,
    told once.
    """
    left = not_after - now
    if left <= timedelta(0):
        return [] if 0 in already_sent else [0]
    due = [days for days in EXPIRY_WARNING_DAYS if left <= timedelta(days=days)]
    if not due or min(due) in already_sent:
        return []
    return [min(due)]


def _self_signed(cert: x509.Certificate) -> bool:
    """Issued by itself: names match and its own key verifies its signature."""
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (InvalidSignature, ValueError, TypeError):  # all mean "not signed by itself"
        return False
    return True


def _validate_path(
    ee: asn1_x509.Certificate,
    trust_roots: list[x509.Certificate],
    intermediates: list[x509.Certificate],
    at: datetime,
) -> None:
    """RFC 5280 path validation at ``at`` (signatures, CA flags, path lengths, validity).

    pyhanko-certvalidator is the validator pyHanko uses on signed PDFs, so a DSC accepted here
    is judged by the same rules when its signatures are verified. No fetching: no revocation.
    """
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust_roots],
        other_certs=[_asn1(c) for c in intermediates],
        moment=at,
        allow_fetching=False,
    )
    validator = CertificateValidator(ee, validation_context=context)
    try:
        aio.run(validator.async_validate_path())
    except (PathError, ValidationError) as error:
        raise Refused("DSC_UNTRUSTED", {"reason": _untrusted_reason(error)}) from None


def _untrusted_reason(error: Exception) -> str:
    """A stable word for why the chain failed, for the logs and the help desk."""
    if isinstance(error, PathBuildingError):
        return "NO_PATH_TO_TRUST_ROOT"
    if isinstance(error, ExpiredError):
        return "CA_EXPIRED"
    if isinstance(error, NotYetValidError):
        return "CA_NOT_YET_VALID"
    if isinstance(error, DisallowedAlgorithmError):
        return "WEAK_ALGORITHM"
    return "INVALID_PATH"


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _common_name(name: x509.Name) -> str:
    attributes = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attributes[0].value) if attributes else ""


def _normalise(name: str) -> str:
    """'Dr. A.K.  Sharma' and 'DR A K SHARMA' are one name: case, dots and spaces aside."""
    text = unicodedata.normalize("NFKC", name).casefold().replace(".", " ")
    return " ".join(text.split())
