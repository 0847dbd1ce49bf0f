"""A prepared signing as the office serves it, checked before the token sees it."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from eoffice_signer.errors import UNUSABLE, SignerError
from eoffice_signer.signed_attributes import is_signed_attributes

# The office's algorithm names, and the key each needs (asn1crypto's names for them).
ALGORITHMS = {"sha256_rsa": "rsa", "sha256_ecdsa": "ec"}
MAX_TO_SIGN = 8192  # signed attributes are a few hundred bytes
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Request:
    signing_id: str
    to_sign: bytes
    algorithm: str
    # The DSC the office enrolled for the officer: the certificate to sign with, when given.
    certificate_sha256: str | None = None

    @property
    def key_type(self) -> str:
        return ALGORITHMS[self.algorithm]


def read_request(data: Any) -> Request:
    """Check a prepared signing (``GET /api/v1/signing/{id}``, or the same JSON in a file)."""
    if not isinstance(data, dict):
        raise SignerError("the request is not a JSON object", UNUSABLE)
    signing_id = data.get("signing_id")
    algorithm = data.get("algorithm")
    certificate_sha256 = data.get("certificate_sha256")
    if not isinstance(signing_id, str) or not signing_id:
        raise SignerError("the request has no signing_id", UNUSABLE)
    if algorithm not in ALGORITHMS:
        raise SignerError(
            f"unknown algorithm {algorithm!r}: expected one of {sorted(ALGORITHMS)}", UNUSABLE
        )
    if certificate_sha256 is not None and not (
        isinstance(certificate_sha256, str) and SHA256_HEX.fullmatch(certificate_sha256)
    ):
        raise SignerError("certificate_sha256 is not a SHA-256 in hex", UNUSABLE)
    try:
        to_sign = base64.b64decode(data.get("to_sign_b64") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise SignerError("to_sign_b64 is not base64", UNUSABLE) from None
    if not to_sign or len(to_sign) > MAX_TO_SIGN:
        raise SignerError("to_sign_b64 is empty or too long to be signed attributes", UNUSABLE)
    if not is_signed_attributes(to_sign):
        raise SignerError(
            "what the office sent is not a PDF signature's signed attributes", UNUSABLE
        )
    return Request(signing_id, to_sign, algorithm, certificate_sha256)
