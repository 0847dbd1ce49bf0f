"""Who is calling: verify the access token with identity's public keys. Services are passed
the token itself (a credential, ``common.trust``), which each verifies again; the gateway keeps
the Actor it read (``g.actor``) for its own pages."""

import threading
import time

from flask import current_app, g, request, session

from common.errors import Unauthenticated
from common.tokens import AUDIENCE, verify_access_token
from common.trust import actor_from_claims, credential
from gateway.i18n import current_language
from gateway.rpc import rpc


class PublicKeys:
    """Identity's token-verifying keys, fetched once and again only when an unknown key id
    shows up (key rotation), at most every few seconds so forged key ids cannot flood identity."""

    REFETCH_SECONDS = 5.0

    def __init__(self):
        self._keys: dict[str, str] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def verify(self, token: str, rpc, audience: str = AUDIENCE) -> dict:
        try:
            return verify_access_token(token, self._keys, audience)
        except Unauthenticated as exc:
            if exc.code != "TOKEN_UNKNOWN_KEY":
                raise
        self._refetch(rpc)
        return verify_access_token(token, self._keys, audience)

    def _refetch(self, rpc) -> None:
        """Fetch the keys unless fetched a moment ago; either way the caller tries once more
        with the keys there are now (another thread may just have fetched the new one)."""
        with self._lock:
            if time.monotonic() - self._fetched_at >= self.REFETCH_SECONDS or not self._keys:
                self._keys = rpc.identity.public_keys()
                self._fetched_at = time.monotonic()


class DisabledUsers:
    """Sessions ended before their access tokens expire: people disabled in the last quarter
    hour, and access tokens (by ``jti``) whose login was ended by logout. Asked of identity at
    most once a second, so disabling a person or logging out ends the session at once."""

    REFRESH_SECONDS = 1.0

    def __init__(self):
        self._ids: frozenset[str] = frozenset()
        self._tokens: frozenset[str] = frozenset()
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def refuse(self, claims: dict, actor: dict) -> None:
        """Refuse a verified token whose person is disabled or whose login has ended;
        ``actor`` (the caller's) is what identity is asked with."""
        if time.monotonic() - self._fetched_at > self.REFRESH_SECONDS:
            with self._lock:
                if time.monotonic() - self._fetched_at > self.REFRESH_SECONDS:
                    ended = rpc().identity.revocations(actor)
                    self._ids = frozenset(ended["users"])
                    self._tokens = frozenset(ended["tokens"])
                    self._fetched_at = time.monotonic()
        if claims["sub"] in self._ids:
            raise Unauthenticated("ACCOUNT_DISABLED")
        if claims.get("jti") in self._tokens:
            raise Unauthenticated("TOKEN_REVOKED")


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
    session["user_name"] = tokens["user"]["name_en"]
    session["user_name_hi"] = tokens["user"]["name_hi"]


def _actor(token: str, audience: str = AUDIENCE) -> dict:
    claims = current_app.extensions["public_keys"].verify(token, rpc(), audience)
    actor = actor_from_claims(claims, current_language())
    current_app.extensions["disabled_users"].refuse(claims, credential(token, actor.lang))
    g.actor = actor
    return credential(token, actor.lang)
