"""Token-signing keys, refresh tokens and the access tokens of ended logins, and sealing the
secrets an older version stored in plain form."""

from typing import Any

from pymongo import ReturnDocument

from common.clock import iso, utcnow
from common.secrets_at_rest import SecretBox, is_sealed
from services.identity.store.records import sealed_for


def seal_plaintext_secrets(db: Any, box: SecretBox) -> None:
    """Seal the secrets an older version stored in plain form, and drop the private keys
    nothing uses (retired token-signing keys, the VPN server's). Once per database."""
    if db.settings.find_one({"_id": "secrets_sealed"}):
        return
    for key in db.signing_keys.find({}, {"private_pem": 1, "active": 1}):
        pem = key.get("private_pem")
        if not key.get("active"):
            pem = None  # a retired key never signs again
        elif pem and not is_sealed(pem):
            pem = box.seal(pem, sealed_for("signing_key", key["_id"]))
        db.signing_keys.update_one({"_id": key["_id"]}, {"$set": {"private_pem": pem}})
    holders = {"$or": [{"totp_secret": {"$ne": None}}, {"totp_pending_secret": {"$ne": None}}]}
    for user in db.users.find(holders, {"totp_secret": 1, "totp_pending_secret": 1}):
        plain = {
            name: box.seal(user[name], sealed_for("totp", user["_id"]))
            for name in ("totp_secret", "totp_pending_secret")
            if user.get(name) and not is_sealed(user[name])
        }
        if plain:
            db.users.update_one({"_id": user["_id"]}, {"$set": plain})
    for account in db.vpn_accounts.find({"private_key": {"$ne": None}}, {"private_key": 1}):
        if not is_sealed(account["private_key"]):
            sealed = box.seal(account["private_key"], sealed_for("vpn", account["_id"]))
            db.vpn_accounts.update_one({"_id": account["_id"]}, {"$set": {"private_key": sealed}})
    db.settings.update_one({"_id": "vpn_server"}, {"$unset": {"private_key": ""}})
    db.settings.insert_one({"_id": "secrets_sealed", "at": iso(utcnow())})


# --- token-signing keys ----------------------------------------------------------------------


def active_signing_key(db: Any) -> dict | None:
    return db.signing_keys.find_one({"active": True})


def insert_signing_key(db: Any, kid: str, private_pem: str, public_pem: str) -> dict:
    """A new active key; ``private_pem`` comes sealed (common.secrets_at_rest)."""
    key = {
        "_id": kid,
        "private_pem": private_pem,
        "public_pem": public_pem,
        "active": True,
        "created_at": iso(utcnow()),
        "retired_at": None,
    }
    db.signing_keys.insert_one(key)
    return key


def retire_signing_keys(db: Any, at: str) -> None:
    """Retired keys verify a little longer but never sign again: their private half goes."""
    db.signing_keys.update_many(
        {"active": True}, {"$set": {"active": False, "retired_at": at, "private_pem": None}}
    )


def verifying_keys(db: Any, retired_after: str) -> dict[str, str]:
    """Public keys that may still have live tokens: the active one and those retired recently."""
    return {
        k["_id"]: k["public_pem"]
        for k in db.signing_keys.find({}, {"public_pem": 1, "retired_at": 1})
        if k.get("retired_at") is None or k["retired_at"] >= retired_after
    }


# --- refresh tokens --------------------------------------------------------------------------


def insert_refresh_token(
    db: Any, token_id: str, family: str, user_id: str, expires_at: str, access: tuple[str, str]
) -> None:
    """A refresh token, with the access token issued beside it (``jti``, expiry): ending the
    login ends that one too."""
    access_jti, access_expires_at = access
    db.refresh_tokens.insert_one(
        {
            "_id": token_id,
            "family": family,
            "user_id": user_id,
            "expires_at": expires_at,
            "used": False,
            "revoked": False,
            "access_jti": access_jti,
            "access_expires_at": access_expires_at,
        }
    )


def use_refresh_token(db: Any, token_id: str) -> tuple[dict | None, dict | None]:
    """Mark a refresh token used, exactly once. Returns (the token if this call used it,
    the stored token if it exists at all)."""
    used = db.refresh_tokens.find_one_and_update(
        {"_id": token_id, "used": False, "revoked": False},
        {"$set": {"used": True, "used_at": iso(utcnow())}},
        return_document=ReturnDocument.AFTER,
    )
    if used is not None:
        return used, used
    return None, db.refresh_tokens.find_one({"_id": token_id})


def refresh_token(db: Any, token_id: str) -> dict | None:
    return db.refresh_tokens.find_one({"_id": token_id})


def revoke_family(db: Any, family: str, now: str) -> None:
    """End a login: its refresh tokens, and the access tokens issued with them that are still
    alive (kept by ``jti`` until they expire, for every verifier to refuse)."""
    db.refresh_tokens.update_many({"family": family}, {"$set": {"revoked": True}})
    for token in db.refresh_tokens.find(
        {"family": family}, {"access_jti": 1, "access_expires_at": 1}
    ):
        if token.get("access_jti") and token["access_expires_at"] > now:
            db.revoked_access_tokens.update_one(
                {"_id": token["access_jti"]},
                {"$set": {"expires_at": token["access_expires_at"]}},
                upsert=True,
            )


def revoked_access_tokens(db: Any, now: str) -> list[str]:
    """The ``jti`` of access tokens whose login ended before they expired; expired ones go."""
    db.revoked_access_tokens.delete_many({"expires_at": {"$lte": now}})
    return [t["_id"] for t in db.revoked_access_tokens.find({}, {"_id": 1})]


def revoke_all_of(db: Any, user_id: str) -> None:
    db.refresh_tokens.update_many({"user_id": user_id}, {"$set": {"revoked": True}})
