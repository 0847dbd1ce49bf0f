"""Identity's collections: offices, posts, users, refresh tokens and token-signing keys."""

import uuid

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import iso, utcnow
from common.errors import Conflict, NotFound


def ensure_indexes(db) -> None:
    db.offices.create_index("code", unique=True)
    db.posts.create_index("abbreviation", unique=True)
    db.posts.create_index("holder_user_id")
    db.posts.create_index("district_id")
    db.users.create_index("username", unique=True)
    db.refresh_tokens.create_index("family")
    db.signing_keys.create_index("active")


def _new_id() -> str:
    return uuid.uuid4().hex


# --- offices ---------------------------------------------------------------------------------


def office_by_code(db, code: str) -> dict:
    office = db.offices.find_one({"code": code})
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", {"code": code})
    return office


def insert_office(db, code, name_en, name_hi, level, parent: dict | None) -> dict:
    office_id = _new_id()
    office = {
        "_id": office_id,
        "code": code,
        "name_en": name_en,
        "name_hi": name_hi,
        "level": level,
        "parent_id": parent["_id"] if parent else None,
        "path": (parent["path"] if parent else []) + [office_id],
        "created_at": iso(utcnow()),
    }
    try:
        db.offices.insert_one(office)
    except DuplicateKeyError:
        raise Conflict("OFFICE_CODE_TAKEN", {"code": code}) from None
    return office


def district_of(db, office: dict) -> str:
    """The district an office belongs to (itself if it is one): marking happens within it."""
    for office_id in reversed(office["path"]):
        if db.offices.find_one({"_id": office_id}, {"level": 1}).get("level") == "district":
            return office_id
    return office["path"][0]


# --- posts -----------------------------------------------------------------------------------


def insert_post(db, office: dict, abbreviation, name_en, name_hi, reports_to: str | None) -> dict:
    post = {
        "_id": _new_id(),
        "abbreviation": abbreviation,
        "name_en": name_en,
        "name_hi": name_hi,
        "office_id": office["_id"],
        "office_code": office["code"],
        "office_path": office["path"],
        "district_id": district_of(db, office),
        "reports_to": reports_to,
        "holder_user_id": None,
    }
    try:
        db.posts.insert_one(post)
    except DuplicateKeyError:
        raise Conflict("POST_ABBREVIATION_TAKEN", {"abbreviation": abbreviation}) from None
    return post


def post_by_id(db, post_id: str) -> dict:
    post = db.posts.find_one({"_id": post_id}) if isinstance(post_id, str) else None
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"post_id": post_id})
    return post


def post_by_abbreviation(db, abbreviation: str) -> dict:
    post = db.posts.find_one({"abbreviation": abbreviation})
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"abbreviation": abbreviation})
    return post


def posts_held_by(db, user_id: str) -> list[dict]:
    return list(db.posts.find({"holder_user_id": user_id}))


def posts_in_district(db, district_id: str) -> list[dict]:
    return list(db.posts.find({"district_id": district_id}))


def set_post_holder(db, post_id: str, user_id: str) -> None:
    db.posts.update_one({"_id": post_id}, {"$set": {"holder_user_id": user_id}})


# --- users -----------------------------------------------------------------------------------


def insert_user(db, username, name_en, name_hi, password_hash, roles, office: dict) -> dict:
    user = {
        "_id": _new_id(),
        "username": username,
        "name_en": name_en,
        "name_hi": name_hi,
        "password_hash": password_hash,
        "roles": roles,
        "office_id": office["_id"],
        "disabled": False,
        "created_at": iso(utcnow()),
    }
    try:
        db.users.insert_one(user)
    except DuplicateKeyError:
        raise Conflict("USERNAME_TAKEN", {"username": username}) from None
    return user


def user_by_username(db, username: str) -> dict | None:
    return db.users.find_one({"username": username})


def user_by_id(db, user_id: str) -> dict:
    user = db.users.find_one({"_id": user_id}) if isinstance(user_id, str) else None
    if user is None:
        raise NotFound("USER_NOT_FOUND", {"user_id": user_id})
    return user


def users_by_ids(db, user_ids: list[str]) -> dict[str, dict]:
    return {u["_id"]: u for u in db.users.find({"_id": {"$in": user_ids}})}


# --- token-signing keys ----------------------------------------------------------------------


def active_signing_key(db) -> dict | None:
    return db.signing_keys.find_one({"active": True})


def insert_signing_key(db, kid: str, private_pem: str, public_pem: str) -> dict:
    key = {
        "_id": kid,
        "private_pem": private_pem,
        "public_pem": public_pem,
        "active": True,
        "created_at": iso(utcnow()),
    }
    db.signing_keys.insert_one(key)
    return key


def public_keys(db) -> dict[str, str]:
    return {k["_id"]: k["public_pem"] for k in db.signing_keys.find({}, {"public_pem": 1})}


# --- refresh tokens --------------------------------------------------------------------------


def insert_refresh_token(db, token_id: str, family: str, user_id: str, expires_at: str) -> None:
    db.refresh_tokens.insert_one(
        {
            "_id": token_id,
            "family": family,
            "user_id": user_id,
            "expires_at": expires_at,
            "used": False,
            "revoked": False,
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


def revoke_family(db, family: str) -> None:
    db.refresh_tokens.update_many({"family": family}, {"$set": {"revoked": True}})
