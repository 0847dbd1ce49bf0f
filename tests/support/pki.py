"""A small test PKI shaped like India's: a root (the CCA) → a licensed CA → officers' DSCs.

Built with ``cryptography`` in memory. Keys are generated once per process and cached by label,
so a test suite pays for each RSA key once; certificates are cheap and made fresh on each call.
End-entity certificates carry what document signing needs (digitalSignature + nonRepudiation,
CA:false, SKI/AKI), so the same helpers serve enrolment, pyHanko, SoftHSM2 and pdfsig tests.

    root = root_ca()                         # cached, self-signed, CA:true
    sub = licensed_ca()                      # cached, issued by root, pathlen 0
    dsc = officer("Pooja Yadav")             # issued by sub, RSA-2048
    dsc.pem, dsc.der, dsc.key_pem(), dsc.pkcs12(b"1234"), dsc.chain
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

KeyType = Literal["rsa", "ec"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

ROOT_NAME = "Test CCA India Root 2026"
LICENSED_CA_NAME = "Test Licensed CA for Government 2026"

# Names as in asn1crypto and pyHanko ("non_repudiation" is cryptography's content_commitment).
DOCUMENT_SIGNING = frozenset({"digital_signature", "non_repudiation"})
CA_USAGE = frozenset({"key_cert_sign", "crl_sign"})
_KEY_USAGE_ARGS = {
    "digital_signature": "digital_signature",
    "non_repudiation": "content_commitment",
    "key_encipherment": "key_encipherment",
    "data_encipherment": "data_encipherment",
    "key_agreement": "key_agreement",
    "key_cert_sign": "key_cert_sign",
    "crl_sign": "crl_sign",
}

# CA validity is fixed when this module is first imported, so cached CAs are stable in a run.
_STARTED = datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, with the chain up to (and including) the root."""

    cert: x509.Certificate
    key: PrivateKey
    issuer: Issued | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        """The certificate as asn1crypto sees it (what pyHanko and its validator take)."""
        return asn1_x509.Certificate.load(self.der)

    @property
    def chain(self) -> list[Issued]:
        """This certificate, then each issuer up to the root (one element if self-signed)."""
        out: list[Issued] = [self]
        while out[-1].issuer is not None:
            out.append(out[-1].issuer)
        return out

    def chain_pem(self) -> bytes:
        return b"".join(link.pem for link in self.chain)

    def key_pem(self, password: bytes | None = None) -> bytes:
        """PKCS#8 PEM (SoftHSM2's ``softhsm2-util --import`` and pyHanko's loaders read it)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(password)
        )

    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def pkcs12(self, password: bytes | None = None) -> bytes:
        """Key, certificate and CA chain as a .p12 (for ``pk12util`` into an NSS database)."""
        cas = [link.cert for link in self.chain[1:]]
        return pkcs12.serialize_key_and_certificates(
            self.name.encode(), self.key, self.cert, cas or None, _encryption(password)
        )


def _encryption(password: bytes | None) -> serialization.KeySerializationEncryption:
    if password:
        return serialization.BestAvailableEncryption(password)
    return serialization.NoEncryption()


@functools.cache
def private_key(key_type: KeyType = "rsa", label: str = "") -> PrivateKey:
    """One key per (type, label) per process: RSA-2048 costs ~100 ms to make, so make it once."""
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r}")


@functools.cache
def root_ca() -> Issued:
    """The trust root of the test PKI (stands in for the CCA root)."""
    return ca(
        ROOT_NAME,
        issuer=None,
        path_length=1,
        not_before=_STARTED - timedelta(days=3650),
        not_after=_STARTED + timedelta(days=7300),
    )


@functools.cache
def licensed_ca() -> Issued:
    """The sub-CA that issues officers' DSCs (stands in for a licensed CA such as eMudhra)."""
    return ca(
        LICENSED_CA_NAME,
        issuer=root_ca(),
        path_length=0,
        not_before=_STARTED - timedelta(days=1825),
        not_after=_STARTED + timedelta(days=3650),
    )


def ca(
    name: str,
    *,
    issuer: Issued | None = None,
    key_type: KeyType = "rsa",
    key_label: str | None = None,
    path_length: int | None = 0,
    signing_key: PrivateKey | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Issued:
    """A CA certificate: CA:true with ``path_length``, keyCertSign + cRLSign.

    With no ``issuer`` it is a self-signed root (a separate, unknown PKI unless you trust it).
    ``signing_key`` forges, as for :func:`officer`.
    """
    key = private_key(key_type, key_label if key_label is not None else f"ca:{name}")
    return _issue(
        subject=_name(name, organisation="Test Certifying Authority"),
        public_key=key.public_key(),
        issuer=issuer,
        own_key=key,
        signing_key=signing_key,
        ca=True,
        path_length=path_length,
        key_usage=CA_USAGE,
        extended_key_usage=(),
        not_before=not_before or _STARTED - timedelta(days=365),
        not_after=not_after or _STARTED + timedelta(days=3650),
    )


def officer(
    name: str = "Pooja Yadav",
    *,
    key_type: KeyType = "rsa",
    key_label: str | None = None,
    key_usage: Iterable[str] | None = DOCUMENT_SIGNING,
    extended_key_usage: Sequence[x509.ObjectIdentifier] = (),
    issuer: Issued | None = None,
    self_signed: bool = False,
    signing_key: PrivateKey | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    organisation: str = "Test State Police",
) -> Issued:
    """An officer's Class 3 DSC (end entity, CA:false), issued by the licensed CA by default.

    ``key_usage=None`` leaves the extension out. ``self_signed`` makes the officer their own
    issuer. ``signing_key`` forges: the certificate names ``issuer`` (its name and key id) but is
    signed with another key. Validity defaults to one day ago until two years from now.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    key = private_key(key_type, key_label if key_label is not None else f"officer:{name}")
    return _issue(
        subject=_name(name, organisation=organisation),
        public_key=key.public_key(),
        issuer=None if self_signed else (issuer or licensed_ca()),
        own_key=key,
        signing_key=signing_key,
        ca=False,
        path_length=None,
        key_usage=key_usage,
        extended_key_usage=extended_key_usage,
        not_before=not_before or now - timedelta(days=1),
        not_after=not_after or now + timedelta(days=730),
    )


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    *,
    subject: x509.Name,
    public_key,
    issuer: Issued | None,
    own_key: PrivateKey,
    signing_key: PrivateKey | None,
    ca: bool,
    path_length: int | None,
    key_usage: Iterable[str] | None,
    extended_key_usage: Sequence[x509.ObjectIdentifier],
    not_before: datetime,
    not_after: datetime,
) -> Issued:
    issuer_name = issuer.cert.subject if issuer else subject
    issuer_public_key = issuer.key.public_key() if issuer else public_key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False
        )
    )
    if key_usage is not None:
        builder = builder.add_extension(_key_usage(key_usage), critical=True)
    if extended_key_usage:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(list(extended_key_usage)), critical=False
        )
    signer = signing_key or (issuer.key if issuer else own_key)
    cert = builder.sign(signer, hashes.SHA256())
    return Issued(cert=cert, key=own_key, issuer=issuer)


def _key_usage(names: Iterable[str]) -> x509.KeyUsage:
    names = set(names)
    unknown = names - _KEY_USAGE_ARGS.keys()
    if unknown:
        raise ValueError(f"unknown key usage {sorted(unknown)}")
    flags = {arg: usage in names for usage, arg in _KEY_USAGE_ARGS.items()}
    return x509.KeyUsage(**flags, encipher_only=False, decipher_only=False)
