"""Passwords, tokens and who may administer what. No I/O here."""

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.tokens import ACCESS_TOKEN_SECONDS, AUDIENCE, ISSUER, signing_audience

REFRESH_TOKEN_DAYS = 7
# Two tabs of one browser whose access tokens expire together refresh with the same token at
# the same moment. A token presented again this soon after it was rotated gets a fresh pair of
# its own (same login); later, a second use means a copy is loose, and the login is ended.
REFRESH_REUSE_GRACE_SECONDS = 10
ACTIVATION_DAYS = 14

# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified against when a username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_signing_key() -> tuple[str, str, str]:
    """A fresh Ed25519 key: (key id, private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return uuid.uuid4().hex[:16], private_pem, public_pem


def access_token_claims(
    user: dict[str, Any],
    posts: list[dict[str, Any]],
    office_path: list[str],
    now: datetime,
    delegated: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """What the gateway needs to build an Actor without asking identity on every request.
    Delegated posts carry their end, so a delegation that ends stops working at once even in a
    token issued before."""
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user["_id"],
        "name": user["name_en"],
        "grants": list(user.get("grants", [])),
        "posts": [p["_id"] for p in posts],
        "delegated": list(delegated),
        "office": user["office_id"],
        "office_path": office_path,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ACCESS_TOKEN_SECONDS)).timestamp()),
        "jti": uuid.uuid4().hex,
    }


def signing_token_claims(
    person: dict[str, Any], signing_id: str, until: datetime
) -> dict[str, Any]:
    """A person's claims, good for one signing only (its own audience) and until ``until``."""
    return {**person, "aud": signing_audience(signing_id), "exp": int(until.timestamp())}


def sign_access_token(claims: dict[str, Any], kid: str, private_pem: str) -> str:
    return jwt.encode(claims, private_pem, algorithm="EdDSA", headers={"kid": kid})


def new_refresh_token() -> tuple[str, str]:
    """(the token handed to the client, the hash we keep): a stolen database yields no tokens."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_id(token)


def new_activation_code() -> tuple[str, str]:
    """(the code printed on a new person's slip, the hash we keep): 10 characters that are easy
    to read out and type (no 0/O or 1/I)."""
    code = "".join(secrets.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(10))
    return code, activation_code_hash(code)


def activation_code_hash(code: str) -> str:
    return hashlib.sha256(
        code.strip().upper().replace("-", "").replace(" ", "").encode()
    ).hexdigest()


def refresh_token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reused_within_grace(used_at: str | None, now: datetime) -> bool:
    """Whether a refresh token rotated at ``used_at`` (ISO) is presented again so soon that it
    is one browser's tabs racing, not a stolen copy."""
    if not used_at:
        return False
    return now - datetime.fromisoformat(used_at) <= timedelta(seconds=REFRESH_REUSE_GRACE_SECONDS)
