"""Who is calling: verify the access token with identity's public keys. Services are passed
the token itself (a credential, ``common.trust``), which each verifies again; the gateway keeps
the Actor it read (``g.actor``) for its own pages."""

from flask import current_app, g, request, session

from common import idempotency
from common.errors import InvalidInput, Unauthenticated
from common.tokens import AUDIENCE
from common.trust import Verifier, credential
from gateway.i18n import current_language
from gateway.rpc import rpc


def verifier() -> Verifier:
    """The gateway's check of who is calling: the same as every service's (``common.trust``),
    asking identity for its keys and revocations through this thread's RPC client. It believes
    people's access tokens only: a service principal's assertion is no login (no principal
    keys are given to it)."""
    return Verifier(
        lambda: rpc().identity.public_keys(),
        lambda: rpc().identity.revocations(),
        principal_keys_dir=None,
    )


def bearer_actor(audience: str = AUDIENCE) -> dict:
    """The API caller, from ``Authorization: Bearer``, with a token for ``audience`` (the
    office; the token signer's routes take a token for their one signing instead)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise Unauthenticated("NO_TOKEN")
    return _actor(header[7:].strip(), audience)


def session_actor() -> dict:
    """The browser user, from the session cookie; an expired access token is renewed with the
    refresh token once, transparently."""
    token = session.get("access_token")
    if not token:
        raise Unauthenticated("NO_TOKEN")
    try:
        return _actor(token)
    except Unauthenticated as exc:
        if exc.code != "TOKEN_EXPIRED" or not session.get("refresh_token"):
            raise
    tokens = rpc().identity.refresh({"refresh_token": session["refresh_token"]})
    remember(tokens)
    return _actor(tokens["access_token"])


def forget() -> None:
    """End the browser's login; the language chosen stays."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def remember(tokens: dict) -> None:
    session["access_token"] = tokens["access_token"]
    session["refresh_token"] = tokens["refresh_token"]
    session["user_id"] = tokens["user"]["id"]  # whose actions wait on this device (offline.js)
    session["user_name"] = tokens["user"]["name_en"]
    session["user_name_hi"] = tokens["user"]["name_hi"]
    session["typing"] = tokens["user"].get("typing", "off")  # how they type Hindi (typing.js)


CHANGES = ("POST", "PUT", "PATCH", "DELETE")


def _actor(token: str, audience: str = AUDIENCE) -> dict:
    g.actor = current_app.extensions["verifier"].actor(
        credential(token, current_language()), audience
    )
    passed: dict = g.actor.credential
    key = request.headers.get("Idempotency-Key")
    # (A single-signing token's one action is once by itself: SIGNING_ALREADY_COMPLETED.)
    if key is not None and request.method in CHANGES and audience == AUDIENCE:
        # Every service this request reaches applies its part once for this key.
        if not idempotency.KEY.fullmatch(key):
            raise InvalidInput("BAD_IDEMPOTENCY_KEY")
        asked = {"key": key, "request": f"{request.method} {request.path}"}
        passed = {**passed, idempotency.FIELD: asked}
    return passed
