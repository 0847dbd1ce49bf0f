"""Access tokens: EdDSA (Ed25519) JWTs signed by identity, verified by anyone holding its public
keys. Every verifier goes through ``verify_access_token`` so the checks cannot drift apart."""

from typing import Any

import jwt

from common.errors import Unauthenticated

ISSUER = "eoffice-identity"
AUDIENCE = "eoffice"
# A token good for one signing only carries this audience followed by the signing's id.
SIGNING_AUDIENCE_PREFIX = "eoffice-signing:"
ACCESS_TOKEN_SECONDS = 15 * 60


def signing_audience(signing_id: str) -> str:
    """The audience of a token good for one signing only (the officer's token signer)."""
    return f"{SIGNING_AUDIENCE_PREFIX}{signing_id}"


def for_signing(signing_id: str) -> tuple[str, str]:
    """What the few calls of one signing accept: the person's session token, or the token
    made for that one signing."""
    return (AUDIENCE, signing_audience(signing_id))


def verify_access_token(
    token: str, public_keys: dict[str, str], audience: str | tuple[str, ...] = AUDIENCE
) -> dict[str, Any]:
    """Return the claims of a valid token; raise ``Unauthenticated`` with a reason otherwise.

    ``public_keys`` maps key id to PEM public key, as published by identity; ``audience`` is
    what the token must be for (a single-signing token names its one signing), or a tuple of
    what it may be for.
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise Unauthenticated("TOKEN_MALFORMED") from None
    key = public_keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise Unauthenticated("TOKEN_UNKNOWN_KEY")
    try:
        return jwt.decode(
            token,
            key,
            algorithms=["EdDSA"],
            audience=audience,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("TOKEN_EXPIRED") from None
    except jwt.PyJWTError:
        raise Unauthenticated("TOKEN_INVALID") from None
