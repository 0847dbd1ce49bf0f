"""A demo PKI for one machine, made once under EOFFICE_DATA_DIR/pki: a root that stands in for
the national CCA root, and the office seal's key (encrypted at rest) and certificate under it.
`make run` sets the seal and trust settings from it unless they are set already; a real office
sets EOFFICE_SEAL_KEY_FILE, EOFFICE_SEAL_CERT_FILE, EOFFICE_SEAL_PASSWORD (a Kubernetes secret)
and EOFFICE_DSC_TRUST_ROOTS itself and never uses this."""

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
    years: int,
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
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def ensure(data_dir: Path) -> dict[str, str]:
    """Make the demo root and seal if missing; return the settings that point at them."""
    pki = data_dir / "pki"
    files = {
        "root": pki / "demo-root.pem",
        "key": pki / "seal-key.pem",
        "cert": pki / "seal-chain.pem",
        "password": pki / "seal-password",
    }
    if not all(f.is_file() for f in files.values()):
        pki.mkdir(parents=True, exist_ok=True)
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        root = _certificate(
            _name(ROOT_NAME), _name(ROOT_NAME), root_key.public_key(), root_key, True, 20
        )
        seal_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        seal = _certificate(
            _name(SEAL_NAME), root.subject, seal_key.public_key(), root_key, False, 5
        )
        password = secrets.token_urlsafe(24)
        pem = serialization.Encoding.PEM
        files["password"].write_text(password)
        files["password"].chmod(0o600)
        files["key"].write_bytes(
            seal_key.private_bytes(
                pem,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(password.encode()),
            )
        )
        files["cert"].write_bytes(seal.public_bytes(pem) + root.public_bytes(pem))
        files["root"].write_bytes(root.public_bytes(pem))
    return {
        "EOFFICE_SEAL_KEY_FILE": str(files["key"]),
        "EOFFICE_SEAL_CERT_FILE": str(files["cert"]),
        "EOFFICE_SEAL_TRUST_ROOTS": str(files["root"]),
        "EOFFICE_SEAL_PASSWORD": files["password"].read_text().strip(),
    }


def configure(data_dir: Path) -> None:
    """Set the demo seal's settings in this process's environment, where not set already."""
    if os.environ.get("EOFFICE_SEAL_KEY_FILE"):
        return
    for key, value in ensure(data_dir).items():
        os.environ.setdefault(key, value)
