"""Notify's collections: in-app notices, their deliveries by email and SMS (and the emails of
dispatched letters), people's preferences, who holds each post (from identity's events), and
the reminders that fall due later."""

import contextlib
from collections.abc import Iterable
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from common.storage import Db

DEAD = ("dead", "unknown")


def ensure_indexes(db: Db) -> None:
    db.notices.create_index("post_id")
    db.notices.create_index("user_id")
    db.notices.create_index("item_id")
    db.deliveries.create_index("status")
    db.deliveries.create_index("notice_id")
    db.deliveries.create_index("dispatch_of")
    db.people.create_index("wanted")
    db.people.create_index("digest")
    db.posts.create_index("holder_user_id")
    db.reminders.create_index("fired")
    db.reminders.create_index("key")


# --- notices -----------------------------------------------------------------------------------


def add_notice(db: Db, notice: dict[str, Any]) -> bool:
    """Store a notice once: its id comes from the event, so a redelivered event is a no-op."""
    try:
        db.notices.insert_one(notice)
    except DuplicateKeyError:
        return False
    return True


def add_notices(db: Db, notices: list[dict[str, Any]]) -> int:
    """Store many notices in one write (a circular's fan-out); those already there are kept."""
    if not notices:
        return 0
    try:
        return len(db.notices.insert_many(notices, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        return int(exc.details["nInserted"])


# A person's notices are those of their posts and their own: two indexed lookups (one query
# with an "$or" of both scans every notice on the embedded store: ~100 ms at 10,000).
def _addressed(post_ids: Iterable[str], user_id: str) -> list[dict[str, Any]]:
    return [{"post_id": {"$in": list(post_ids)}}, {"user_id": user_id}]


def notices_for(db: Db, post_ids: Iterable[str], user_id: str) -> list[dict[str, Any]]:
    """The notices of a person: for any of their posts, and for them."""
    return [n for query in _addressed(post_ids, user_id) for n in db.notices.find(query)]


def unread_count(db: Db, post_ids: Iterable[str], user_id: str) -> int:
    return sum(
        int(db.notices.count_documents({**query, "read_at": None}))
        for query in _addressed(post_ids, user_id)
    )


def mark_all_read(db: Db, post_ids: Iterable[str], user_id: str, at: str) -> int:
    """Mark every unread notice of a person read; how many were."""
    return sum(
        int(
            db.notices.update_many({**q, "read_at": None}, {"$set": {"read_at": at}}).modified_count
        )
        for q in _addressed(post_ids, user_id)
    )


def notice(db: Db, notice_id: str) -> dict[str, Any] | None:
    return db.notices.find_one({"_id": notice_id}) if isinstance(notice_id, str) else None


def mark_read_for_item(db: Db, post_id: str, item_id: str, at: str) -> None:
    db.notices.update_many(
        {"item_id": item_id, "post_id": post_id, "read_at": None}, {"$set": {"read_at": at}}
    )


def mark_read(db: Db, notice_id: str, at: str) -> None:
    db.notices.update_one({"_id": notice_id, "read_at": None}, {"$set": {"read_at": at}})


# --- who holds a post, and what people chose -----------------------------------------------------


def post_held(
    db: Db, post_id: str, user_id: str, at: str, name: dict[str, str] | None = None
) -> None:
    """Record the post's holder (and its name) as of ``at`` (an older event arriving late
    changes nothing)."""
    held: dict[str, Any] = {"holder_user_id": user_id, "at": at}
    if name:
        held["name"] = name
    with contextlib.suppress(DuplicateKeyError):
        db.posts.update_one({"_id": post_id, "at": {"$lt": at}}, {"$set": held}, upsert=True)


def post_names(db: Db, post_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The names of the posts notify has seen assigned."""
    found = db.posts.find({"_id": {"$in": list(post_ids)}})
    return {p["_id"]: p["name"] for p in found if p.get("name")}


def holders(db: Db, post_ids: Iterable[str]) -> dict[str, str]:
    return {p["_id"]: p["holder_user_id"] for p in db.posts.find({"_id": {"$in": list(post_ids)}})}


def posts_of(db: Db, user_id: str) -> list[str]:
    return [p["_id"] for p in db.posts.find({"holder_user_id": user_id})]


def person(db: Db, user_id: str) -> dict[str, Any] | None:
    return db.people.find_one({"_id": user_id})


def people(db: Db, user_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {p["_id"]: p for p in db.people.find({"_id": {"$in": list(user_ids)}})}


def first_contacts(db: Db, user_id: str, email: str | None, mobile: str | None) -> None:
    """A new person's addresses from their onboarding sheet, unless they already chose."""
    with contextlib.suppress(DuplicateKeyError):
        db.people.insert_one({"_id": user_id, "email": email, "mobile": mobile, "wanted": []})


def save_person(db: Db, user_id: str, prefs: dict[str, Any], wanted: list[str]) -> None:
    db.people.update_one({"_id": user_id}, {"$set": {**prefs, "wanted": wanted}}, upsert=True)


def anyone_wants(db: Db, kind: str) -> bool:
    return db.people.find_one({"wanted": kind}, {"_id": 1}) is not None


def digest_due(db: Db, day: str) -> list[dict[str, Any]]:
    """People who chose the daily digest and have not had today's."""
    return [p for p in db.people.find({"digest": True}) if p.get("digest_sent_on") != day]


def digest_sent(db: Db, user_id: str, day: str) -> bool:
    """Claim today's digest for a person (False: it was already sent)."""
    found = db.people.find_one_and_update(
        {"_id": user_id, "digest_sent_on": {"$ne": day}}, {"$set": {"digest_sent_on": day}}
    )
    return found is not None


# --- deliveries ----------------------------------------------------------------------------------


def plan(db: Db, deliveries: list[dict[str, Any]]) -> None:
    """Plan deliveries once each (a redelivered event plans nothing new)."""
    for delivery in deliveries:
        with contextlib.suppress(DuplicateKeyError):
            db.deliveries.insert_one(delivery)


def claim_due(db: Db, now: str) -> dict[str, Any] | None:
    """Take the next delivery due to be tried, marking it ``sending`` (with the time: a claim
    that never finishes is found by ``interrupted``)."""
    for status in ("pending", "failed"):
        due = {"status": status, "next_try": {"$lte": now}}
        for candidate in db.deliveries.find(due, {"_id": 1}).sort("next_try", 1).limit(20):
            claimed = db.deliveries.find_one_and_update(
                {"_id": candidate["_id"], "status": status},
                {"$set": {"status": "sending", "claimed_at": now}, "$inc": {"attempts": 1}},
                return_document=ReturnDocument.AFTER,
            )
            if claimed is not None:
                return claimed
    return None


def tried(db: Db, delivery_id: str, outcome: dict[str, Any], attempt: dict[str, Any]) -> None:
    """Record a try's outcome (``status`` and the fields it sets) and the try itself."""
    db.deliveries.update_one(
        {"_id": delivery_id, "status": "sending"},
        {"$set": outcome, "$push": {"tries": attempt}},
    )


def interrupted(db: Db, claimed_before: str, at: str) -> list[dict[str, Any]]:
    """Deliveries claimed before ``claimed_before`` and never recorded: the process sending
    them died. Whether they went is unknown, so they wait for an admin, never retried blind."""
    found = list(db.deliveries.find({"status": "sending", "claimed_at": {"$lt": claimed_before}}))
    for d in found:
        db.deliveries.update_one(
            {"_id": d["_id"], "status": "sending"},
            {"$set": {"status": "unknown", "reason": "INTERRUPTED_WHILE_SENDING", "at": at}},
        )
    return found


def delivery(db: Db, delivery_id: str) -> dict[str, Any] | None:
    return db.deliveries.find_one({"_id": delivery_id}) if isinstance(delivery_id, str) else None


def dead_letters(db: Db) -> list[dict[str, Any]]:
    return list(db.deliveries.find({"status": {"$in": list(DEAD)}}))


def replay(db: Db, delivery_id: str, now: str, by: dict[str, Any]) -> dict[str, Any] | None:
    """Put a dead delivery back to be tried now, its tries counted afresh."""
    return db.deliveries.find_one_and_update(
        {"_id": delivery_id, "status": {"$in": list(DEAD)}},
        {
            "$set": {"status": "pending", "next_try": now, "attempts": 0, "reason": None},
            "$push": {"tries": {"at": now, "replayed_by": by}},
        },
        return_document=ReturnDocument.AFTER,
    )


def deliveries_of_notices(db: Db, notice_ids: list[str]) -> list[dict[str, Any]]:
    return list(db.deliveries.find({"notice_id": {"$in": notice_ids}}))


def deliveries_of_dispatch(db: Db, issue_number: str) -> list[dict[str, Any]]:
    return list(db.deliveries.find({"dispatch_of": issue_number}))


# --- events notify could not read ---------------------------------------------------------------


def keep_unread(db: Db, raw: dict[str, Any], reason: str, at: str) -> None:
    """Keep an event notify cannot read yet (once per event), to be read when it can."""
    key = raw.get("event_id") if isinstance(raw.get("event_id"), str) else None
    with contextlib.suppress(DuplicateKeyError):
        db.unread_events.insert_one(
            {**({"_id": key} if key else {}), "raw": raw, "reason": reason, "at": at}
        )


def unread_events(db: Db) -> list[dict[str, Any]]:
    """Newest first."""
    return sorted(db.unread_events.find({}), key=lambda k: k["at"], reverse=True)


# --- reminders -----------------------------------------------------------------------------------


def add_reminders(db: Db, reminders: list[dict[str, Any]]) -> None:
    for reminder in reminders:
        with contextlib.suppress(DuplicateKeyError):
            db.reminders.insert_one(reminder)


def cancel_reminders(db: Db, key: str, made_before: str) -> None:
    db.reminders.update_many(
        {"key": key, "fired": False, "made_at": {"$lt": made_before}},
        {"$set": {"fired": True, "cancelled": True}},
    )


def reminders_due(db: Db, now: str) -> list[dict[str, Any]]:
    return list(db.reminders.find({"fired": False, "fire_at": {"$lte": now}}))


def reminder_fired(db: Db, reminder_id: str) -> None:
    db.reminders.update_one({"_id": reminder_id}, {"$set": {"fired": True}})
