"""The officer's DSC on the token: the signing certificates the plugged-in tokens hold, the one
the officer signs with, and the signature made by its private key, which never leaves the token.

A certificate and its private key carry the same CKA_ID (what every token's software writes).
Certificates are read without the PIN; the PIN opens the token only to sign.

RSA signs with CKM_SHA256_RSA_PKCS. EC tokens (SoftHSM2 among them) may lack CKM_ECDSA_SHA256,
so the SHA-256 is taken here and signed with CKM_ECDSA, and r‖s is DER-encoded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, CertificateType, KeyType, Mechanism, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11
from pkcs11.types import SignMixin
from pkcs11.util.ec import encode_ecdsa_signature

from eoffice_signer.errors import UNUSABLE, SignerError
from eoffice_signer.modules import Module
from eoffice_signer.request import SHA256_HEX, Request

KEY_TYPES = {"rsa": KeyType.RSA, "ec": KeyType.EC}
# A certificate for signing says so, or says nothing of its use (an encryption certificate,
# the other half of many Indian DSC pairs, is not offered).
SIGNING_USES = {"digital_signature", "non_repudiation"}


@dataclass(frozen=True)
class Certificate:
    """A signing certificate on a plugged-in token, with what the officer knows it by."""

    subject: str  # the holder's name (the common name)
    issuer: str  # the CA that issued it
    valid_until: datetime
    key_type: str  # "rsa" or "ec"
    token_label: str
    label: str
    key_id: bytes  # the private key beside it has the same CKA_ID
    sha256: str  # of its DER, as the office names an enrolled DSC
    token: Any = field(default=None, compare=False, repr=False)  # pkcs11's Token
    library: Any = field(default=None, compare=False, repr=False)  # kept loaded while in use

    def describe(self, now: datetime) -> str:
        expired = " (EXPIRED)" if self.valid_until <= now else ""
        return (
            f"{self.subject} - {self.key_type.upper()} key, issued by {self.issuer}, "
            f"valid until {self.valid_until.date().isoformat()}{expired}; "
            f"token {self.token_label!r}, label {self.label!r}"
        )


def certificates(modules: Sequence[Module]) -> list[Certificate]:
    """Every signing certificate on every token plugged in, through each library, in a fixed
    order (so that ``--cert N`` means the same as the N shown)."""
    found: list[Certificate] = []
    unusable: list[str] = []
    for module in modules:
        try:
            library = pkcs11.lib(module.path)
            tokens = [slot.get_token() for slot in library.get_slots(token_present=True)]
        except (OSError, RuntimeError, p11.PKCS11Error) as error:
            unusable.append(f"{module.path} ({module.driver}): {error}")
            continue
        for token in tokens:
            if token.flags & TokenFlag.TOKEN_INITIALIZED:
                found += _on_token(library, token)
    if found:
        return sorted(found, key=lambda c: (c.token_label, c.label, c.sha256))
    if len(unusable) == len(modules):
        raise SignerError(f"cannot load the PKCS#11 library {'; '.join(unusable)}")
    tried = ", ".join(f"{module.driver}: {module.path}" for module in modules)
    raise SignerError(f"no token with a signing certificate is plugged in (looked with {tried})")


def _on_token(library: Any, token: Any) -> list[Certificate]:
    try:
        with token.open() as session:
            objects = list(
                session.get_objects(
                    {
                        Attribute.CLASS: ObjectClass.CERTIFICATE,
                        Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    }
                )
            )
            stored = [(o[Attribute.VALUE], o[Attribute.LABEL], o[Attribute.ID]) for o in objects]
    except p11.PKCS11Error:
        return []  # a token that cannot be read now (being removed) holds nothing to sign with
    found = (
        _signing_certificate(bytes(der), label, bytes(key_id), token, library)
        for der, label, key_id in stored
    )
    return [certificate for certificate in found if certificate is not None]


def _signing_certificate(
    der: bytes, label: str, key_id: bytes, token: Any, library: Any
) -> Certificate | None:
    """The certificate, when it is one an officer signs with (not a CA's, not one only for
    encryption, with an RSA or EC key)."""
    try:
        cert = x509.Certificate.load(der)
        uses = cert.key_usage_value
        if cert.ca or (uses is not None and not SIGNING_USES & set(uses.native)):
            return None
        if cert.public_key.algorithm not in KEY_TYPES:
            return None
        subject, issuer = cert.subject.native, cert.issuer.native
        return Certificate(
            subject=subject.get("common_name") or cert.subject.human_friendly,
            issuer=issuer.get("common_name") or cert.issuer.human_friendly,
            valid_until=cert.not_valid_after,
            key_type=cert.public_key.algorithm,
            token_label=token.label.strip(),
            label=label,
            key_id=key_id,
            sha256=hashlib.sha256(der).hexdigest(),
            token=token,
            library=library,
        )
    except (ValueError, TypeError, KeyError):
        return None


def choose(
    found: Sequence[Certificate],
    request: Request,
    number: int | None = None,
    sha256: str | None = None,
    ask: Callable[[Sequence[Certificate]], Certificate] | None = None,
) -> Certificate:
    """The certificate to sign ``request`` with: the one the officer named (by its number in
    the list, or its SHA-256), else the DSC the office enrolled, else the only one, else the
    one the officer picks when ``ask``ed. It must be the enrolled DSC and have the key type the
    office asks for."""
    if sha256:
        chosen = _with_sha256(found, sha256.replace(":", "").strip().lower(), "--cert-sha256")
    elif number is not None:
        if not 1 <= number <= len(found):
            raise SignerError(
                f"there is no certificate {number}: the tokens hold {len(found)} "
                "(eoffice-signer --list shows them)",
                UNUSABLE,
            )
        chosen = found[number - 1]
    elif request.certificate_sha256:
        chosen = _with_sha256(
            found, request.certificate_sha256, "your DSC enrolled with the office"
        )
    elif len(found) == 1:
        chosen = found[0]
    elif ask is not None:
        chosen = ask(found)
    else:
        raise SignerError(
            f"the tokens hold {len(found)} certificates: choose one with --cert N or "
            "--cert-sha256 (eoffice-signer --list shows them)",
            UNUSABLE,
        )
    if request.certificate_sha256 and chosen.sha256 != request.certificate_sha256:
        raise SignerError(
            f"the office enrolled another certificate as your DSC (SHA-256 "
            f"{request.certificate_sha256}), not {chosen.subject}'s (SHA-256 {chosen.sha256})"
        )
    if chosen.key_type != request.key_type:
        raise SignerError(
            f"the office asks for a signature by an {request.key_type.upper()} key, but "
            f"{chosen.subject}'s certificate (label {chosen.label!r}) is for an "
            f"{chosen.key_type.upper()} key"
        )
    return chosen


def _with_sha256(found: Sequence[Certificate], sha256: str, what: str) -> Certificate:
    if not SHA256_HEX.fullmatch(sha256):
        raise SignerError(f"{what}: {sha256!r} is not a SHA-256 in hex", UNUSABLE)
    for certificate in found:
        if certificate.sha256 == sha256:
            return certificate
    held = "; ".join(f"{c.subject} ({c.sha256[:12]}…)" for c in found)
    raise SignerError(
        f"{what} (SHA-256 {sha256}) is not on the plugged-in tokens, which hold: {held}"
    )


def sign(certificate: Certificate, pin: str, request: Request) -> bytes:
    """Sign ``request.to_sign`` with the private key beside ``certificate`` on its token."""
    try:
        with certificate.token.open(user_pin=pin) as session:
            key = _private_key(session, certificate)
            if certificate.key_type == "rsa":
                return key.sign(request.to_sign, mechanism=Mechanism.SHA256_RSA_PKCS)
            digest = hashlib.sha256(request.to_sign).digest()
            return encode_ecdsa_signature(key.sign(digest, mechanism=Mechanism.ECDSA))
    except p11.PinIncorrect:
        raise SignerError("wrong PIN (a few more wrong tries will lock the token)") from None
    except p11.PinLocked:
        raise SignerError("the token's PIN is locked: ask your CA or token admin") from None
    except (p11.PinLenRange, p11.PinInvalid):
        raise SignerError(
            "that PIN cannot be right for this token (length or characters)"
        ) from None
    except (p11.TokenNotPresent, p11.DeviceRemoved):
        raise SignerError("the token was removed") from None
    except p11.PKCS11Error as error:
        raise SignerError(f"the token refused: {type(error).__name__}") from None


def _private_key(session: Any, certificate: Certificate) -> SignMixin:
    try:
        key = session.get_key(
            object_class=ObjectClass.PRIVATE_KEY,
            key_type=KEY_TYPES[certificate.key_type],
            id=certificate.key_id,
        )
        return cast(SignMixin, key)  # a private key of a signing type
    except p11.NoSuchKey:
        raise SignerError(
            f"the token holds {certificate.subject}'s certificate (label {certificate.label!r}) "
            "but no private key beside it"
        ) from None
    except p11.MultipleObjectsReturned:
        raise SignerError(
            f"more than one private key goes with the certificate labelled {certificate.label!r}"
        ) from None
