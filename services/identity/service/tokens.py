"""Tokens: access and refresh tokens for a login, their rotation and revocation, the keys
that sign them, and the one-signing token for the officer's token signer."""

from datetime import datetime, timedelta

from common.clock import iso, utcnow
from common.errors import Conflict, Unauthenticated
from common.rpc import rpc
from common.tokens import ACCESS_TOKEN_SECONDS
from common.validation import parse
from services.identity import store
from services.identity.domain import tokens as domain
from services.identity.schemas import (
    RefreshRequest,
    Revocations,
    SigningToken,
    Tokens,
    User,
)
from services.identity.service.base import Desk
from services.identity.service.views import user_view


class TokenDesk(Desk):
    @rpc
    def refresh(self, request: dict) -> dict:
        """Rotate a refresh token. A token presented twice means it was stolen (or the client
        is confused): the whole family of tokens descended from that login is revoked. Twice
        within seconds is two tabs of one browser refreshing together: the second gets a
        fresh pair of the same login."""
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        db = self.storage.db
        used, stored = store.use_refresh_token(db, token_id)
        if stored is None:
            raise Unauthenticated("REFRESH_TOKEN_INVALID")
        if used is None:
            if stored["revoked"]:  # logged out, disabled, or its login already ended
                raise Unauthenticated("REFRESH_TOKEN_REVOKED")
            if not domain.reused_within_grace(stored.get("used_at"), utcnow()):
                store.revoke_family(db, stored["family"], iso(utcnow()))
                raise Unauthenticated("REFRESH_TOKEN_REUSED")
            used = stored
        if used["expires_at"] < iso(utcnow()):
            raise Unauthenticated("REFRESH_TOKEN_EXPIRED")
        user = store.user_by_id(db, used["user_id"])
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        return self._tokens_for(user, family=used["family"])

    @rpc
    def logout(self, request: dict) -> dict:
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        stored = store.refresh_token(self.storage.db, token_id)
        if stored:
            store.revoke_family(self.storage.db, stored["family"], iso(utcnow()))
        return {"ok": True}

    @rpc
    def public_keys(self) -> dict[str, str]:
        """Key id -> PEM public key for everyone who verifies access tokens: the active key
        and keys retired so recently that tokens they signed may still be alive."""
        return self._verifying_keys()

    def _verifying_keys(self) -> dict[str, str]:
        self._signing_key()  # a fresh office has a key before anyone asks to verify
        since = iso(utcnow() - timedelta(seconds=ACCESS_TOKEN_SECONDS + 60))
        return store.verifying_keys(self.storage.db, since)

    def _revocations(self) -> dict:
        db, now = self.storage.db, utcnow()
        since = iso(now - timedelta(seconds=ACCESS_TOKEN_SECONDS + 60))
        return Revocations(
            users=store.recently_disabled(db, since),
            tokens=store.revoked_access_tokens(db, iso(now)),
        ).model_dump()

    @rpc
    def rotate_signing_key(self, actor: dict) -> dict:
        who = self.trust.actor(actor)
        self._require_state_admin(who)  # the keys sign for the whole state
        store.retire_signing_keys(self.storage.db, iso(utcnow()))
        kid = self._new_signing_key()["_id"]
        return {"active_key": kid}

    @rpc
    def revocations(self) -> dict:
        """What every verifier must refuse although its signature holds: people disabled so
        recently that they may still hold a live access token, and the access tokens (by
        ``jti``) of logins ended (logout, a stolen refresh token) before they expired."""
        return self._revocations()

    def _signing_key(self) -> dict:
        return store.active_signing_key(self.storage.db) or self._new_signing_key()

    def _signed(self, claims: dict) -> str:
        """The claims signed with the active key (its private half opened only for this)."""
        key = self._signing_key()
        private_pem = self.secrets.open(
            key["private_pem"], store.sealed_for("signing_key", key["_id"])
        )
        if private_pem is None:  # only a retired key loses its private half
            raise RuntimeError(f"the active signing key {key['_id']} has no private half")
        return domain.sign_access_token(claims, key["_id"], private_pem)

    def _new_signing_key(self) -> dict:
        kid, private_pem, public_pem = domain.new_signing_key()
        sealed = self.secrets.seal(private_pem, store.sealed_for("signing_key", kid))
        return store.insert_signing_key(self.storage.db, kid, sealed, public_pem)

    def _claims(self, user: dict, held: list[dict], now: datetime) -> dict:
        office = store.office_by_id(self.storage.db, user["office_id"])
        return domain.access_token_claims(
            user, held, office["path"], now, self._delegated(user["_id"], now)
        )

    def _tokens_for(self, user: dict, family: str | None) -> dict:
        db = self.storage.db
        now = utcnow()
        held = store.posts_held_by(db, user["_id"])
        claims = self._claims(user, held, now)
        access = self._signed(claims)
        refresh, refresh_id = domain.new_refresh_token()
        store.insert_refresh_token(
            db,
            refresh_id,
            family or refresh_id,
            user["_id"],
            iso(now + timedelta(days=domain.REFRESH_TOKEN_DAYS)),
            (claims["jti"], iso(now + timedelta(seconds=ACCESS_TOKEN_SECONDS))),
        )
        return Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=ACCESS_TOKEN_SECONDS,
            user=User(**user_view(user, held)),
        ).model_dump()

    @rpc
    def signing_token(self, actor: dict, signing_id: str) -> dict:
        """A token for the officer's token signer, good for one signing only: its audience
        names the signing (so every other door refuses it), and it lives as long as the signing
        still waits, never longer than an access token (verifiers drop a retired key after
        that). The officer's session token is never shown or pasted anywhere."""
        who = self.trust.actor(actor)
        waiting = self.signing.prepared(who.credential, signing_id)  # only the one who prepared it
        now = utcnow()
        until = min(
            datetime.fromisoformat(waiting["expires_at"]),
            now + timedelta(seconds=ACCESS_TOKEN_SECONDS),
        )
        if waiting["status"] != "prepared":
            raise Conflict("SIGNING_ALREADY_COMPLETED")
        if until <= now:
            raise Conflict("SIGNING_EXPIRED", {"expired_at": waiting["expires_at"]})
        user = store.user_by_id(self.storage.db, who.user_id)
        if user is None or user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        held = store.posts_held_by(self.storage.db, user["_id"])
        claims = domain.signing_token_claims(self._claims(user, held, now), signing_id, until)
        return SigningToken(
            signing_id=signing_id,
            token=self._signed(claims),
            expires_at=iso(datetime.fromtimestamp(claims["exp"], now.tzinfo)),
        ).model_dump()

    def _delegated(self, user_id: str, now: datetime) -> list[dict]:
        """Delegations to this person that are live now or start before the token expires."""
        horizon = iso(now + timedelta(seconds=ACCESS_TOKEN_SECONDS))
        db = self.storage.db
        found = [
            d
            for d in store.delegations_to(db, user_id)
            if not d.get("ended_at") and d["ends"] > iso(now) and d["starts"] <= horizon
        ]
        holders = store.users_by_ids(db, [d["holder_user_id"] for d in found])
        return [
            {
                "post_id": d["post_id"],
                "starts": d["starts"],
                "until": d["ends"],
                "for_user_id": d["holder_user_id"],
                "for_name": holders[d["holder_user_id"]]["name_en"],
            }
            for d in found
            if d["holder_user_id"] in holders
        ]
