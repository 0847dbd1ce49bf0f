"""The office tree: offices, the posts in them and who holds them, and delegations of posts."""

import uuid
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.errors import Conflict, NotFound
from common.outbox import with_events
from services.identity.store.records import insert_with_event

# --- offices ---------------------------------------------------------------------------------


def office_by_code(db: Any, code: str) -> dict:
    office = db.offices.find_one({"code": code}) if isinstance(code, str) else None
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", {"code": code})
    return office


def office_or_none(db: Any, office_id: object) -> dict | None:
    return db.offices.find_one({"_id": office_id}) if isinstance(office_id, str) else None


def office_by_id(db: Any, office_id: str | None) -> dict:
    office = office_or_none(db, office_id)
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", {"office_id": office_id})
    return office


def ancestors(db: Any, office: dict) -> list[dict]:
    """The office and everything above it, root first."""
    found = {o["_id"]: o for o in db.offices.find({"_id": {"$in": office["path"]}})}
    return [found[i] for i in office["path"]]


def insert_office(db: Any, office: dict) -> dict:
    try:
        db.offices.insert_one(office)
    except DuplicateKeyError:
        raise Conflict("OFFICE_CODE_TAKEN", {"code": office["code"]}) from None
    return office


def roots(db: Any) -> list[dict]:
    return list(db.offices.find({"parent_id": None}))


def subtree(db: Any, office: dict) -> list[dict]:
    """An office and every office below it."""
    found, pending = [], [office]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children(db, current["_id"]))
    return found


def children(db: Any, office_id: str) -> list[dict]:
    return list(db.offices.find({"parent_id": office_id}))


def set_office_path(db: Any, office_id: str, path: list[str]) -> None:
    db.offices.update_one({"_id": office_id}, {"$set": {"path": path}})
    _tree_changed(db)


def update_office(db: Any, office_id: str, fields: dict, entry: dict) -> dict:
    updated = db.offices.find_one_and_update(
        {"_id": office_id},
        {"$set": fields, "$push": {"history": entry}},
        return_document=ReturnDocument.AFTER,
    )
    _tree_changed(db)
    return updated


def district_of(db: Any, office: dict) -> str:
    """The district an office belongs to (itself if it is one): marking happens within it."""
    for ancestor in reversed(ancestors(db, office)):
        if ancestor["level"] == "district":
            return ancestor["_id"]
    return office["path"][0]


# --- posts -----------------------------------------------------------------------------------


def insert_post(db: Any, post: dict) -> dict:
    try:
        db.posts.insert_one(post)
    except DuplicateKeyError:
        raise Conflict("POST_ABBREVIATION_TAKEN", {"abbreviation": post["abbreviation"]}) from None
    return post


def post_or_none(db: Any, post_id: object) -> dict | None:
    return db.posts.find_one({"_id": post_id}, {"outbox": 0}) if isinstance(post_id, str) else None


def post_by_id(db: Any, post_id: str) -> dict:
    post = post_or_none(db, post_id)
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"post_id": post_id})
    return post


def post_by_abbreviation(db: Any, abbreviation: str) -> dict:
    post = db.posts.find_one({"abbreviation": abbreviation}, {"outbox": 0})
    if post is None:
        raise NotFound("POST_NOT_FOUND", {"abbreviation": abbreviation})
    return post


def posts_held_by(db: Any, user_id: str) -> list[dict]:
    return list(db.posts.find({"holder_user_id": user_id}, {"outbox": 0}))


def posts_in_district(db: Any, district_id: str) -> list[dict]:
    return list(db.posts.find({"district_id": district_id}, {"outbox": 0}))


def posts_under(db: Any, office_id: str) -> list[dict]:
    """Every post of an office and of the offices below it: its id and holder only."""
    return list(db.posts.find({"office_path": office_id}, {"_id": 1, "holder_user_id": 1}))


def posts_of_office(db: Any, office_id: str) -> list[dict]:
    return list(db.posts.find({"office_id": office_id}, {"outbox": 0}))


def assign_post(db: Any, post: dict, user_id: str, charge: str, event: dict) -> None:
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
    _tree_changed(db)


def set_post_path(db: Any, post_id: str, office_path: list[str], district_id: str) -> None:
    db.posts.update_one(
        {"_id": post_id}, {"$set": {"office_path": office_path, "district_id": district_id}}
    )
    _tree_changed(db)


# --- the tree's version ----------------------------------------------------------------------
# Files keeps identity's answers about posts, chains and offices only while this tag stays the
# same. Every write that changes such an answer (a holder, a post's place, an office's name or
# place) sets a new tag *after* the write, so whoever reads the new tag then reads the new
# answer. A random tag, not a count: a store made anew or restored never repeats a tag that a
# keeper still holds.


def tree_version(db: Any) -> str:
    found = db.tree_version.find_one({"_id": "tree"})
    return found["tag"] if found else _tree_changed(db)


def _tree_changed(db: Any) -> str:
    tag = uuid.uuid4().hex
    db.tree_version.update_one({"_id": "tree"}, {"$set": {"tag": tag}}, upsert=True)
    return tag


# --- delegations -----------------------------------------------------------------------------


def insert_delegation(db: Any, delegation: dict, event: dict) -> None:
    insert_with_event(db.delegations, delegation, event)


def delegation(db: Any, delegation_id: object) -> dict | None:
    if not isinstance(delegation_id, str):
        return None
    return db.delegations.find_one({"_id": delegation_id}, {"outbox": 0})


def delegations_to(db: Any, user_id: str) -> list[dict]:
    return list(db.delegations.find({"delegate_user_id": user_id}, {"outbox": 0}))


def delegations_of_post(db: Any, post_id: str) -> list[dict]:
    return list(db.delegations.find({"post_id": post_id}, {"outbox": 0}))


def end_delegation(db: Any, delegation_id: str, at: str, event: dict) -> dict | None:
    """End a delegation not yet ended, with ``event`` (None if it had already ended)."""
    return db.delegations.find_one_and_update(
        {"_id": delegation_id, "ended_at": None},
        with_events({"$set": {"ended_at": at}}, event),
        projection={"outbox": 0},
        return_document=ReturnDocument.AFTER,
    )
