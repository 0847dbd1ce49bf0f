"""Identity's collections: offices, posts, delegations, users, refresh tokens, signing keys.
Changes that others must hear of carry their events in the changed document (common.outbox)."""

import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import iso, utcnow
from common.errors import Conflict, NotFound
from common.outbox import with_events
from common.secrets_at_rest import SecretBox, is_sealed

OUTBOX_COLLECTIONS = ["users", "posts", "delegations", "vpn_accounts"]


def ensure_indexes(db) -> None:
    db.offices.create_index("code", unique=True)
    db.offices.create_index("parent_id")
    db.posts.create_index("abbreviation", unique=True)
    db.posts.create_index("holder_user_id")
    db.posts.create_index("district_id")
    db.posts.create_index("office_id")
    db.users.create_index("username", unique=True)
    db.users.create_index("disabled_at")
    db.users.create_index("employee_code")
    db.users.create_index("sheet_values.email")
    db.users.create_index("sheet_values.post")
    db.sheets.create_index("uploaded_by")
    db.delegations.create_index("delegate_user_id")
    db.delegations.create_index("post_id")
    db.refresh_tokens.create_index("family")
    db.refresh_tokens.create_index("user_id")
    db.signing_keys.create_index("active")
    # An address is never given to two people, nor a person two live accounts, even when
    # requests race: the unique indexes decide, the loser retries or is refused.
    db.vpn_accounts.create_index("slot", unique=True)
    db.vpn_accounts.create_index("live_user", unique=True)
    db.vpn_accounts.create_index("user_id")
    db.vpn_accounts.create_index("district_id")
    db.users.create_index("dsc.not_after")
    for name in OUTBOX_COLLECTIONS:
        db[name].create_index("has_outbox")


def new_id() -> str:
    return uuid.uuid4().hex


def sealed_for(kind: str, owner_id: str) -> str:
    """What a sealed secret is bound to (common.secrets_at_rest): its kind ("signing_key",
    "totp", "vpn") and the record it belongs to, so it opens nowhere else."""
    return f"identity.{kind}:{owner_id}"


def seal_plaintext_secrets(db, box: SecretBox) -> None:
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


# --- offices ---------------------------------------------------------------------------------


def office_by_code(db, code: str) -> dict:
    office = db.offices.find_one({"code": code}) if isinstance(code, str) else None
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", {"code": code})
    return office


def office_or_none(db, office_id) -> dict | None:
    return db.offices.find_one({"_id": office_id}) if isinstance(office_id, str) else None


def office_by_id(db, office_id: str) -> dict:
    office = office_or_none(db, office_id)
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", {"office_id": office_id})
    return office


def ancestors(db, office: dict) -> list[dict]:
    """The office and everything above it, root first."""
    found = {o["_id"]: o for o in db.offices.find({"_id": {"$in": office["path"]}})}
    return [found[i] for i in office["path"]]


def insert_office(db, office: dict) -> dict:
    try:
        db.offices.insert_one(office)
    except DuplicateKeyError:
        raise Conflict("OFFICE_CODE_TAKEN", {"code": office["code"]}) from None
    return office


def roots(db) -> list[dict]:
    return list(db.offices.find({"parent_id": None}))


def subtree(db, office: dict) -> list[dict]:
    """An office and every office below it."""
    found, pending = [], [office]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children(db, current["_id"]))
    return found


def children(db, office_id: str) -> list[dict]:
    return list(db.offices.find({"parent_id": office_id}))


def set_office_path(db, office_id: str, path: list[str]) -> None:
    db.offices.update_one({"_id": office_id}, {"$set": {"path": path}})


def update_office(db, office_id: str, fields: dict, entry: dict) -> dict:
    return db.offices.find_one_and_update(
        {"_id": office_id},
        {"$set": fields, "$push": {"history": entry}},
        return_document=ReturnDocument.AFTER,
    )


def district_of(db, office: dict) -> str:
    """The district an office belongs to (itself if it is one): marking happens within it."""
    for ancestor in reversed(ancestors(db, office)):
        if ancestor["level"] == "district":
            return ancestor["_id"]
    return office["path"][0]


# --- posts -----------------------------------------------------------------------------------


def insert_post(db, post: dict) -> dict:
    try:
        db.posts.insert_one(post)
    except DuplicateKeyError:
        raise Conflict("POST_ABBREVIATION_TAKEN", {"abbreviation": post["abbreviation"]}) from None
    return post


def post_or_none(db, post_id) -> dict | None:
    return db.posts.find_one({"_id": post_id}, {"outbox": 0}) if isinstance(post_id, str) else None


def post_by_id(db, post_id: str) -> dict:
    post = post_or_none(db, post_id)
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"post_id": post_id})
    return post


def post_by_abbreviation(db, abbreviation: str) -> dict:
    post = db.posts.find_one({"abbreviation": abbreviation}, {"outbox": 0})
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"abbreviation": abbreviation})
    return post


def posts_held_by(db, user_id: str) -> list[dict]:
    return list(db.posts.find({"holder_user_id": user_id}, {"outbox": 0}))


def posts_in_district(db, district_id: str) -> list[dict]:
    return list(db.posts.find({"district_id": district_id}, {"outbox": 0}))


def posts_of_office(db, office_id: str) -> list[dict]:
    return list(db.posts.find({"office_id": office_id}, {"outbox": 0}))


def assign_post(db, post: dict, user_id: str, charge: str, event: dict) -> None:
    """Give the post to a person (the holder it had, if any, loses it), with its event. A
    regular posting is a transfer: the person leaves their other regular post; an additional
    charge comes on top."""
    if charge == "regular":
        db.posts.update_many(
            {"holder_user_id": user_id, "charge": "regular", "_id": {"$ne": post["_id"]}},
            {"$set": {"holder_user_id": None, "charge": None}},
        )
    db.posts.update_one(
        {"_id": post["_id"]},
        with_events({"$set": {"holder_user_id": user_id, "charge": charge}}, event),
    )


def set_post_path(db, post_id: str, office_path: list[str], district_id: str) -> None:
    db.posts.update_one(
        {"_id": post_id}, {"$set": {"office_path": office_path, "district_id": district_id}}
    )


# --- delegations -----------------------------------------------------------------------------


def insert_delegation(db, delegation: dict, event: dict) -> None:
    db.delegations.insert_one({**delegation, "outbox": [event], "has_outbox": True})


def delegation(db, delegation_id) -> dict | None:
    if not isinstance(delegation_id, str):
        return None
    return db.delegations.find_one({"_id": delegation_id}, {"outbox": 0})


def delegations_to(db, user_id: str) -> list[dict]:
    return list(db.delegations.find({"delegate_user_id": user_id}, {"outbox": 0}))


def delegations_of_post(db, post_id: str) -> list[dict]:
    return list(db.delegations.find({"post_id": post_id}, {"outbox": 0}))


def end_delegation(db, delegation_id: str, at: str) -> dict | None:
    return db.delegations.find_one_and_update(
        {"_id": delegation_id, "ended_at": None},
        {"$set": {"ended_at": at}},
        projection={"outbox": 0},
        return_document=ReturnDocument.AFTER,
    )


# --- users -----------------------------------------------------------------------------------


def insert_user(db, user: dict, event: dict) -> dict:
    try:
        db.users.insert_one({**user, "outbox": [event], "has_outbox": True})
    except DuplicateKeyError:
        raise Conflict("USERNAME_TAKEN", {"username": user["username"]}) from None
    return user


def user_by_username(db, username: str) -> dict | None:
    return db.users.find_one({"username": username}, {"outbox": 0})


def user_by_id(db, user_id: str) -> dict:
    user = db.users.find_one({"_id": user_id}, {"outbox": 0}) if isinstance(user_id, str) else None
    if user is None:
        raise NotFound("USER_NOT_FOUND", {"user_id": user_id})
    return user


def users_by_ids(db, user_ids: list[str]) -> dict[str, dict]:
    return {u["_id"]: u for u in db.users.find({"_id": {"$in": list(user_ids)}}, {"outbox": 0})}


def users_of_offices(db, office_ids: list[str]) -> list[dict]:
    return list(
        db.users.find({"office_id": {"$in": list(office_ids)}}, {"outbox": 0, "password_hash": 0})
    )


def set_user(db, user_id: str, fields: dict, event: dict | None = None) -> None:
    update = {"$set": fields}
    db.users.update_one({"_id": user_id}, with_events(update, event) if event else update)


def record_failure(db, user_id: str, next_attempt_at: str | None) -> int:
    """Count a failed login; returns the count so far."""
    user = db.users.find_one_and_update(
        {"_id": user_id},
        {"$inc": {"failed_logins": 1}, "$set": {"next_attempt_at": next_attempt_at}},
        projection={"failed_logins": 1},
        return_document=ReturnDocument.AFTER,
    )
    return user["failed_logins"]


def claim_login(db, user_id: str, now: str, until: str) -> dict | None:
    """Take the person's one password-check slot (free, or left over by a crash) and return
    them as they are now; None if another check is under way."""
    return db.users.find_one_and_update(
        {"_id": user_id, "$or": [{"login_busy_until": None}, {"login_busy_until": {"$lt": now}}]},
        {"$set": {"login_busy_until": until}},
        projection={"outbox": 0},
        return_document=ReturnDocument.AFTER,
    )


def release_login(db, user_id: str) -> None:
    db.users.update_one({"_id": user_id}, {"$set": {"login_busy_until": None}})


def recently_disabled(db, since: str) -> list[str]:
    return [u["_id"] for u in db.users.find({"disabled_at": {"$gte": since}}, {"_id": 1})]


# --- onboarding from the master data sheet -------------------------------------------------


def onboarded(db, codes: list[str], emails: list[str], posts: list[str]) -> dict[str, dict]:
    """People already onboarded who share an employee code, an email or a post with a sheet,
    by employee code: what the sheet's plan must be checked against. One indexed lookup per
    value: on the embedded store a large ``$in`` that matches many people is far slower."""
    found = {}
    for key, values in (
        ("employee_code", codes),
        ("sheet_values.email", emails),
        ("sheet_values.post", posts),
    ):
        for value in dict.fromkeys(values):
            user = db.users.find_one({key: value}, {"outbox": 0, "password_hash": 0})
            if user is not None:
                found[user["employee_code"]] = user
    return found


def logins(db) -> set[str]:
    return {u["username"] for u in db.users.find({}, {"username": 1})}


def insert_sheet(db, sheet: dict) -> None:
    db.sheets.insert_one(sheet)


def sheet(db, sheet_id: str) -> dict | None:
    return db.sheets.find_one({"_id": sheet_id}) if isinstance(sheet_id, str) else None


def update_sheet(db, sheet_id: str, fields: dict) -> None:
    db.sheets.update_one({"_id": sheet_id}, {"$set": fields})


def insert_onboarded(db, user: dict, event: dict) -> bool:
    """Create an onboarded person; False if a run that crashed half-way made them already
    (their id comes from their employee code, so it cannot be made twice)."""
    try:
        db.users.insert_one({**user, "outbox": [event], "has_outbox": True})
    except DuplicateKeyError:
        return False
    return True


# --- VPN accounts ----------------------------------------------------------------------------


def vpn_addresses_issued(db, district_id: str) -> set[str]:
    """Every address ever issued in the district, revoked ones too: an address in old logs
    must keep pointing at one person."""
    return {
        a["address"] for a in db.vpn_accounts.find({"district_id": district_id}, {"address": 1})
    }


def insert_vpn_account(db, account: dict, event: dict) -> bool:
    """Store a new account; False if its address was taken meanwhile (try the next one)."""
    try:
        db.vpn_accounts.insert_one({**account, "outbox": [event], "has_outbox": True})
    except DuplicateKeyError:
        # The engines do not both say which index refused it: ask.
        if live_vpn_account(db, account["live_user"]):
            raise Conflict("VPN_ALREADY_ISSUED") from None
        return False
    return True


def live_vpn_account(db, user_id: str) -> dict | None:
    return db.vpn_accounts.find_one({"live_user": user_id}, {"outbox": 0})


def revoke_vpn_account(db, account: dict, at: str, event: dict) -> None:
    db.vpn_accounts.update_one(
        {"_id": account["_id"], "live_user": account["live_user"]},
        with_events(
            {
                "$set": {
                    "live_user": f"revoked:{account['_id']}",
                    "revoked_at": at,
                    "private_key": None,
                }
            },
            event,
        ),
    )


def live_vpn_addresses(db, user_ids: list[str]) -> dict[str, str]:
    return {
        a["user_id"]: a["address"]
        for a in db.vpn_accounts.find(
            {"live_user": {"$in": list(user_ids)}}, {"address": 1, "user_id": 1}
        )
    }


def live_vpn_accounts(db, district_id: str) -> list[dict]:
    return [
        a
        for a in db.vpn_accounts.find({"district_id": district_id}, {"outbox": 0})
        if not a.get("revoked_at")
    ]


def kept_vpn_server_key(db, public_key: str) -> str:
    """The VPN server's public key made on first use (the given one, unless one is kept
    already). Its private key is never stored: the office only ever hands out the public one."""
    db.settings.update_one(
        {"_id": "vpn_server"}, {"$setOnInsert": {"public_key": public_key}}, upsert=True
    )
    return db.settings.find_one({"_id": "vpn_server"})["public_key"]


# --- DSC -------------------------------------------------------------------------------------


def replace_dsc(db, user_id: str, record: dict | None, event: dict) -> None:
    """Enrol (or, with None, revoke) a DSC; the one it replaces goes to the person's DSC history."""
    current = db.users.find_one({"_id": user_id}, {"dsc": 1}).get("dsc")
    update = {"$set": {"dsc": record}}
    if current:
        update["$push"] = {"dsc_history": {**current, "ended_at": iso(utcnow())}}
    db.users.update_one({"_id": user_id}, with_events(update, event))


def dscs_expiring_before(db, moment: str) -> list[dict]:
    return list(db.users.find({"dsc.not_after": {"$lt": moment}}, {"dsc": 1, "office_id": 1}))


def dsc_warning_sent(db, user_id: str, sha256: str, days: int, event: dict) -> None:
    db.users.update_one(
        {"_id": user_id, "dsc.sha256": sha256},
        with_events({"$push": {"dsc.warnings_sent": days}}, event),
    )


# --- token-signing keys ----------------------------------------------------------------------


def active_signing_key(db) -> dict | None:
    return db.signing_keys.find_one({"active": True})


def insert_signing_key(db, kid: str, private_pem: str, public_pem: str) -> dict:
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


def retire_signing_keys(db, at: str) -> None:
    """Retired keys verify a little longer but never sign again: their private half goes."""
    db.signing_keys.update_many(
        {"active": True}, {"$set": {"active": False, "retired_at": at, "private_pem": None}}
    )


def verifying_keys(db, retired_after: str) -> dict[str, str]:
    """Public keys that may still have live tokens: the active one and those retired recently."""
    return {
        k["_id"]: k["public_pem"]
        for k in db.signing_keys.find({}, {"public_pem": 1, "retired_at": 1})
        if k.get("retired_at") is None or k["retired_at"] >= retired_after
    }


# --- refresh tokens --------------------------------------------------------------------------


def insert_refresh_token(
    db, token_id: str, family: str, user_id: str, expires_at: str, access: tuple[str, str]
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


def use_refresh_token(db, token_id: str) -> tuple[dict | None, dict | None]:
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


def refresh_token(db, token_id: str) -> dict | None:
    return db.refresh_tokens.find_one({"_id": token_id})


def revoke_family(db, family: str, now: str) -> None:
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


def revoked_access_tokens(db, now: str) -> list[str]:
    """The ``jti`` of access tokens whose login ended before they expired; expired ones go."""
    db.revoked_access_tokens.delete_many({"expires_at": {"$lte": now}})
    return [t["_id"] for t in db.revoked_access_tokens.find({}, {"_id": 1})]


def revoke_all_of(db, user_id: str) -> None:
    db.refresh_tokens.update_many({"user_id": user_id}, {"$set": {"revoked": True}})
