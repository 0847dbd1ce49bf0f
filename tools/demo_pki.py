"""A demo PKI for one machine, made once under EOFFICE_DATA_DIR/pki: a root that stands in for
the national CCA root; the office seal's key (encrypted at rest) and certificate under it; and a
demo CA for officers' DSCs under it (standing in for a licensed CA such as eMudhra), its key
encrypted with the seal's password, which issues the demo district's DSC (tools/demo_notices.py:
a certificate only; its key would live on the officer's token, and is not kept).
`make run` sets the seal and trust settings from it unless they are set already (the DSC trust
only while the seal is the demo's and EOFFICE_DSC_TRUST_ROOTS is unset); a real office sets
EOFFICE_SEAL_KEY_FILE, EOFFICE_SEAL_CERT_FILE, EOFFICE_SEAL_PASSWORD (a Kubernetes secret) and
EOFFICE_DSC_TRUST_ROOTS itself and never uses this (the production profile refuses it)."""

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import NameOID

ROOT_NAME = "e-Office Demo Root (not for real use)"
SEAL_NAME = "e-Office Demo Seal, SP Office Hathras"
DSC_CA_NAME = "e-Office Demo CA for DSCs (not for real use)"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "e-Office demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: CertificatePublicKeyTypes,
    issuer_key: CertificateIssuerPrivateKeyTypes,
    ca: bool,
    days: int,
) -> x509.Certificate:
    now = datetime.now(UTC) - timedelta(minutes=5)
    usage = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    usage.update(
        {"key_cert_sign": True, "crl_sign": True}
        if ca
        else {"digital_signature": True, "content_commitment": True}
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if subject != issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _files(data_dir: Path) -> dict[str, Path]:
    pki = data_dir / "pki"
    return {
        "root": pki / "demo-root.pem",
        "key": pki / "seal-key.pem",
        "cert": pki / "seal-chain.pem",
        "password": pki / "seal-password",
        "dsc_ca": pki / "dsc-ca.pem",
        "dsc_ca_key": pki / "dsc-ca-key.pem",
    }


def ensure(data_dir: Path) -> dict[str, str]:
    """Make the demo root, seal and DSC CA if missing; return the settings that point at the
    seal and its root. (The root's key is not kept: a PKI made before the DSC CA existed keeps
    its root and seal, and has no DSC CA.)"""
    files = _files(data_dir)
    seal_files = ("root", "key", "cert", "password")
    if not all(files[f].is_file() for f in seal_files):
        files["root"].parent.mkdir(parents=True, exist_ok=True)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        root = _certificate(
            _name(ROOT_NAME), _name(ROOT_NAME), root_key.public_key(), root_key, True, 365 * 20
        )
        seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        seal = _certificate(
            _name(SEAL_NAME), root.subject, seal_key.public_key(), root_key, False, 365 * 5
        )
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        dsc_ca = _certificate(
            _name(DSC_CA_NAME), root.subject, ca_key.public_key(), root_key, True, 365 * 10
        )
        password = secrets.token_urlsafe(24)
        pem = serialization.Encoding.PEM
        files["password"].write_text(password)
        files["password"].chmod(0o600)
        files["key"].write_bytes(_encrypted(seal_key, password))
        files["cert"].write_bytes(seal.public_bytes(pem) + root.public_bytes(pem))
        files["dsc_ca_key"].write_bytes(_encrypted(ca_key, password))
        files["dsc_ca"].write_bytes(dsc_ca.public_bytes(pem))
        files["root"].write_bytes(root.public_bytes(pem))
    return {
        "EOFFICE_SEAL_KEY_FILE": str(files["key"]),
        "EOFFICE_SEAL_CERT_FILE": str(files["cert"]),
        "EOFFICE_SEAL_TRUST_ROOTS": str(files["root"]),
        "EOFFICE_SEAL_PASSWORD": files["password"].read_text().strip(),
    }


def _encrypted(key: rsa.RSAPrivateKey, password: str) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode()),
    )


def dsc_trust(data_dir: Path) -> dict[str, str]:
    """The DSC trust settings that make the demo root stand in for the CCA root, with the demo
    DSC CA as the licensed CA (``ensure`` first)."""
    files = _files(data_dir)
    trust = {"EOFFICE_DSC_TRUST_ROOTS": str(files["root"])}
    if files["dsc_ca"].is_file():
        trust["EOFFICE_DSC_INTERMEDIATES"] = str(files["dsc_ca"])
    return trust


def issue_dsc(data_dir: Path, name: str, days: int) -> bytes | None:
    """A DSC certificate (PEM) for ``name`` from the demo DSC CA, valid from now for ``days``
    days; None when this PKI has no DSC CA. Only the certificate is made to last: its key would
    be on the officer's token, and the demo has no token, so the key is not kept."""
    files = _files(data_dir)
    if not (files["dsc_ca"].is_file() and files["dsc_ca_key"].is_file()):
        return None
    ca = x509.load_pem_x509_certificate(files["dsc_ca"].read_bytes())
    ca_key = serialization.load_pem_private_key(
        files["dsc_ca_key"].read_bytes(), files["password"].read_text().strip().encode()
    )
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    dsc = _certificate(_name(name), ca.subject, key.public_key(), ca_key, False, days)
    return dsc.public_bytes(serialization.Encoding.PEM)


def configure(data_dir: Path) -> None:
    """Set the demo seal's settings in this process's environment, where not set already, and
    (unless DSC trust roots are given) trust the demo root and DSC CA for officers' DSCs."""
    if os.environ.get("EOFFICE_SEAL_KEY_FILE"):
        return
    settings = ensure(data_dir)
    if not os.environ.get("EOFFICE_DSC_TRUST_ROOTS"):
        settings |= dsc_trust(data_dir)
    for key, value in settings.items():
        os.environ.setdefault(key, value)
