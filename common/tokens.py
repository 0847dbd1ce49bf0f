"""Access tokens: EdDSA (Ed25519) JWTs signed by identity, verified by anyone holding its public
keys. Every verifier goes through ``verify_access_token`` so the checks cannot drift apart."""

import jwt

from common.errors import Unauthenticated

ISSUER = "eoffice-identity"
AUDIENCE = "eoffice"
ACCESS_TOKEN_SECONDS = 15 * 60


def signing_audience(signing_id: str) -> str:
    """The audience of a token good for one signing only (the officer's token signer)."""
    return f"eoffice-signing:{signing_id}"


def verify_access_token(token: str, public_keys: dict[str, str], audience: str = AUDIENCE) -> dict:
    """Return the claims of a valid token; raise ``Unauthenticated`` with a reason otherwise.

    ``public_keys`` maps key id to PEM public key, as published by identity. ``audience`` is
    what the token must be for: the office (default), or one signing (``signing_audience``).
    """
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise Unauthenticated("TOKEN_MALFORMED") from None
    key = public_keys.get(kid)
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
