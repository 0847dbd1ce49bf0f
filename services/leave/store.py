"""Leave's collections: ``applications`` (each with its history and outbox), the ``ledger``
of each person's openings, credits, debits and refunds (ids made from what each entry is for,
so it is written once), ``delegations`` of posts, kept from identity's events so routing
passes over an officer whose post is delegated, the medical ``certificates`` each person
uploaded (the PDFs themselves are blobs), and ``days_held``: the half days each person's
applications hold, one record each, so two applications sent at once cannot both hold one.
Idempotency records live beside them."""

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError

from common.errors import Conflict, NotFound
from common.outbox import with_events, with_first_events
from common.storage import Db, apply_once, next_counter

OUTBOX_COLLECTIONS = ("applications",)


def ensure_indexes(db: Db) -> None:
    db.applications.create_index("user_id")
    db.applications.create_index("at_post_id")
    db.applications.create_index("office_path")  # an office's calendar and register
    db.applications.create_index("has_outbox")
    db.ledger.create_index("user_id")
    db.delegations.create_index("post_id")
    # An issued order is found by its number (the verification page); none is issued twice.
    db.applications.create_index("order.number", unique=True, sparse=True)


# --- applications ------------------------------------------------------------------------------


def insert_application(db: Db, application: dict[str, Any], event: dict[str, Any]) -> None:
    db.applications.insert_one(with_first_events(application, event))


def application(db: Db, application_id: str) -> dict[str, Any]:
    found = (
        db.applications.find_one({"_id": application_id}, {"outbox": 0})
        if isinstance(application_id, str)
        else None
    )
    if found is None:
        raise NotFound("LEAVE_APPLICATION_NOT_FOUND")
    return found


def application_if_any(db: Db, application_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = db.applications.find_one({"_id": application_id}, {"outbox": 0})
    return found


# --- the days each person's applications hold ----------------------------------------------------


def hold_days(
    db: Db, user_id: str, application_id: str, days: Iterable[str], at: str
) -> list[dict[str, Any]]:
    """Hold each half day for the application, as one record a person and half day (a unique
    id); answers the records of those another application of the person holds already."""
    held = []
    for day in days:
        key = f"{user_id}:{day}"
        try:
            db.days_held.insert_one({"_id": key, "application_id": application_id, "at": at})
        except DuplicateKeyError:
            found = db.days_held.find_one({"_id": key})
            if found is not None and found["application_id"] != application_id:
                held.append(found)
    return held


def take_over_day(db: Db, held: dict[str, Any], application_id: str, at: str) -> bool:
    """A day its holder gave up, held for another application, unless it changed hands since
    it was read."""
    taken = db.days_held.find_one_and_update(
        {"_id": held["_id"], "application_id": held["application_id"]},
        {"$set": {"application_id": application_id, "at": at}},
    )
    return taken is not None


def let_go_days(db: Db, user_id: str, application_id: str, days: Iterable[str]) -> None:
    """The days held for an application that was refused after all."""
    keys = [f"{user_id}:{day}" for day in days]
    db.days_held.delete_many({"_id": {"$in": keys}, "application_id": application_id})


def change_application(
    db: Db,
    application_id: str,
    version: int,
    fields: dict[str, Any],
    entry: dict[str, Any],
    event: dict[str, Any],
) -> dict[str, Any]:
    """Write a transition if the application is still at ``version``: its fields, one more
    history entry, its event, the next version. Someone else's change first: a conflict."""
    update = with_events(
        {
            "$set": fields,
            "$push": {"history": {**entry, "n": version + 1}},
            "$inc": {"version": 1},
        },
        event,
    )
    changed = db.applications.find_one_and_update(
        {"_id": application_id, "version": version},
        update,
        projection={"outbox": 0},
        return_document=ReturnDocument.AFTER,
    )
    if changed is None:
        raise Conflict("VERSION_CONFLICT")
    return changed


def reserve_order(
    db: Db, application_id: str, counter: str, make: Callable[[int], dict[str, str]]
) -> dict[str, str]:
    """The number (and code) an application's order is issued under: the one reserved for it
    already, or ``make`` of the next serial of ``counter``. A reservation is no change to the
    application (its version stays): it only fixes what a later issue prints."""
    found = db.applications.find_one({"_id": application_id}, {"order_reserved": 1}) or {}
    if not found.get("order_reserved"):
        db.applications.update_one(
            {"_id": application_id, "order_reserved": None},
            {"$set": {"order_reserved": make(next_counter(db, counter))}},
        )
        found = db.applications.find_one({"_id": application_id}, {"order_reserved": 1}) or {}
    reserved: dict[str, str] = found["order_reserved"]
    return reserved


def await_signing(db: Db, application_id: str, version: int, fields: dict[str, Any]) -> None:
    """The application waits for a signing on the officer's token, if it is still at
    ``version`` (which this does not change: the signing is taken at that version)."""
    done = db.applications.update_one({"_id": application_id, "version": version}, {"$set": fields})
    if done.matched_count != 1:
        raise Conflict("VERSION_CONFLICT")


def issued_order(db: Db, number: str) -> dict[str, Any] | None:
    """The application whose order was issued under ``number``."""
    if not isinstance(number, str):
        return None
    return db.applications.find_one({"order.number": number}, {"outbox": 0, "history": 0})


def applications_of(db: Db, user_id: str) -> list[dict[str, Any]]:
    """A person's applications, newest first."""
    found = db.applications.find({"user_id": user_id}, {"outbox": 0, "history": 0})
    return sorted(found, key=lambda a: (a["applied_at"], a["_id"]), reverse=True)


def waiting_at(db: Db, post_ids: Iterable[str]) -> list[dict[str, Any]]:
    """Applications waiting at any of these posts, oldest first (one indexed lookup a post)."""
    found = [
        a
        for post in set(post_ids)
        for a in db.applications.find({"at_post_id": post}, {"outbox": 0, "history": 0})
    ]
    return sorted(found, key=lambda a: (a["applied_at"], a["_id"]))


# --- the ledger -----------------------------------------------------------------------------


def add_entries(db: Db, entries: list[dict[str, Any]]) -> int:
    """Write ledger entries; one already written (the same id) is kept as it was. How many
    were new."""
    if not entries:
        return 0
    try:
        return len(db.ledger.insert_many(entries, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        return int(exc.details["nInserted"])


def ledger_of(db: Db, user_id: str) -> list[dict[str, Any]]:
    return list(db.ledger.find({"user_id": user_id}))


def entries_by_ids(db: Db, entry_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Ledger entries by id (one indexed lookup each: a sheet names thousands)."""
    found = (db.ledger.find_one({"_id": i}) for i in set(entry_ids))
    return {e["_id"]: e for e in found if e is not None}


def set_openings(db: Db, entries: list[dict[str, Any]]) -> None:
    """Write openings, each replacing the person's earlier opening of its kind (same id)."""
    for e in entries:
        db.ledger.replace_one({"_id": e["_id"]}, e, upsert=True)


# --- delegations, from identity's events -----------------------------------------------------


def delegation_made(db: Db, delegation: dict[str, Any], event_id: str) -> None:
    """Keep a delegation (once per event; an end that arrived first is kept: the delegation's
    own fields carry no end)."""
    fields = {k: v for k, v in delegation.items() if k not in ("_id", "ended_at")}
    with contextlib.suppress(DuplicateKeyError):
        apply_once(db.delegations, delegation["_id"], event_id, {"$set": fields})


def delegation_ended(
    db: Db, delegation_id: str, post_id: str, ended_at: str, event_id: str
) -> None:
    with contextlib.suppress(DuplicateKeyError):
        apply_once(
            db.delegations,
            delegation_id,
            event_id,
            {"$set": {"ended_at": ended_at}, "$setOnInsert": {"post_id": post_id}},
        )


def delegations_of(db: Db, post_id: str) -> list[dict[str, Any]]:
    return list(db.delegations.find({"post_id": post_id}))


# --- medical certificates ----------------------------------------------------------------------


def keep_certificate(db: Db, user_id: str, sha256: str, at: str) -> None:
    """Record that a person uploaded the certificate of this hash (once: the first upload's
    time is kept; the same upload at the same moment on MongoDB: one insert wins)."""
    with contextlib.suppress(DuplicateKeyError):
        db.certificates.update_one(
            {"_id": f"{user_id}:{sha256}"},
            {"$setOnInsert": {"user_id": user_id, "sha256": sha256, "uploaded_at": at}},
            upsert=True,
        )


def uploaded_certificate(db: Db, user_id: str, sha256: str) -> bool:
    """Whether this person uploaded the certificate of this hash."""
    return db.certificates.find_one({"_id": f"{user_id}:{sha256}"}, {"_id": 1}) is not None


# --- an office's leave ---------------------------------------------------------------------------


def office_applications(
    db: Db,
    office_id: str,
    statuses: Iterable[str] | None = None,
    kind: str | None = None,
    between: tuple[str, str] | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Applications of people in an office and below (their office path holds it), newest
    first, without history: of these statuses and this kind, and with a day within
    ``between`` (first, last; ISO dates) when given. A cut-short leave ends on its
    ``curtailed_to``, which is never after its ``to_date``: the caller trims what ended first."""
    query: dict[str, Any] = {"office_path": office_id}
    if statuses is not None:
        query["status"] = {"$in": list(statuses)}
    if kind is not None:
        query["kind"] = kind
    if between is not None:
        query["from_date"] = {"$lte": between[1]}
        query["to_date"] = {"$gte": between[0]}
    found = db.applications.find(query, {"outbox": 0, "history": 0})
    return sorted(found, key=lambda a: (a["applied_at"], a["_id"]), reverse=True)[:limit]
