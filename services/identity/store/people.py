"""People: their records, the one password check at a time, onboarding sheets and DSCs."""

from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import iso, utcnow
from common.errors import Conflict, NotFound
from common.outbox import with_events
from services.identity.store.records import insert_with_event

# --- users -----------------------------------------------------------------------------------


def insert_user(db: Any, user: dict, event: dict) -> dict:
    try:
        insert_with_event(db.users, user, event)
    except DuplicateKeyError:
        raise Conflict("USERNAME_TAKEN", {"username": user["username"]}) from None
    return user


def user_by_username(db: Any, username: str) -> dict | None:
    return db.users.find_one({"username": username}, {"outbox": 0})


def user_by_id(db: Any, user_id: str) -> dict:
    user = db.users.find_one({"_id": user_id}, {"outbox": 0}) if isinstance(user_id, str) else None
    if user is None:
        raise NotFound("USER_NOT_FOUND", {"user_id": user_id})
    return user


def users_by_ids(db: Any, user_ids: list[str]) -> dict[str, dict]:
    return {u["_id"]: u for u in db.users.find({"_id": {"$in": list(user_ids)}}, {"outbox": 0})}


def users_of_offices(db: Any, office_ids: list[str]) -> list[dict]:
    return list(
        db.users.find({"office_id": {"$in": list(office_ids)}}, {"outbox": 0, "password_hash": 0})
    )


def set_user(db: Any, user_id: str, fields: dict, event: dict | None = None) -> None:
    update = {"$set": fields}
    db.users.update_one({"_id": user_id}, with_events(update, event) if event else update)


def record_failure(db: Any, user_id: str, next_attempt_at: str | None) -> int:
    """Count a failed login; returns the count so far."""
    user = db.users.find_one_and_update(
        {"_id": user_id},
        {"$inc": {"failed_logins": 1}, "$set": {"next_attempt_at": next_attempt_at}},
        projection={"failed_logins": 1},
        return_document=ReturnDocument.AFTER,
    )
    return user["failed_logins"]


def claim_login(db: Any, user_id: str, now: str, until: str) -> dict | None:
    """Take the person's one password-check slot (free, or left over by a crash) and return
    them as they are now; None if another check is under way."""
    return db.users.find_one_and_update(
        {"_id": user_id, "$or": [{"login_busy_until": None}, {"login_busy_until": {"$lt": now}}]},
        {"$set": {"login_busy_until": until}},
        projection={"outbox": 0},
        return_document=ReturnDocument.AFTER,
    )


def release_login(db: Any, user_id: str) -> None:
    db.users.update_one({"_id": user_id}, {"$set": {"login_busy_until": None}})


def recently_disabled(db: Any, since: str) -> list[str]:
    return [u["_id"] for u in db.users.find({"disabled_at": {"$gte": since}}, {"_id": 1})]


# --- onboarding from the master data sheet -------------------------------------------------


def onboarded(db: Any, codes: list[str], emails: list[str], posts: list[str]) -> dict[str, dict]:
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


def logins(db: Any) -> set[str]:
    return {u["username"] for u in db.users.find({}, {"username": 1})}


def insert_sheet(db: Any, sheet: dict) -> None:
    db.sheets.insert_one(sheet)


def sheet(db: Any, sheet_id: str) -> dict | None:
    return db.sheets.find_one({"_id": sheet_id}) if isinstance(sheet_id, str) else None


def update_sheet(db: Any, sheet_id: str, fields: dict) -> None:
    db.sheets.update_one({"_id": sheet_id}, {"$set": fields})


def insert_onboarded(db: Any, user: dict, event: dict) -> bool:
    """Create an onboarded person; False if a run that crashed half-way made them already
    (their id comes from their employee code, so it cannot be made twice)."""
    try:
        insert_with_event(db.users, user, event)
    except DuplicateKeyError:
        return False
    return True


# --- DSC -------------------------------------------------------------------------------------


def replace_dsc(db: Any, user_id: str, record: dict | None, event: dict) -> None:
    """Enrol (or, with None, revoke) a DSC; the one it replaces goes to the person's DSC history."""
    current = db.users.find_one({"_id": user_id}, {"dsc": 1}).get("dsc")
    update = {"$set": {"dsc": record}}
    if current:
        update["$push"] = {"dsc_history": {**current, "ended_at": iso(utcnow())}}
    db.users.update_one({"_id": user_id}, with_events(update, event))


def dscs_expiring_before(db: Any, moment: str) -> list[dict]:
    return list(db.users.find({"dsc.not_after": {"$lt": moment}}, {"dsc": 1, "office_id": 1}))


def dsc_warning_sent(db: Any, user_id: str, sha256: str, days: int, event: dict) -> None:
    db.users.update_one(
        {"_id": user_id, "dsc.sha256": sha256},
        with_events({"$push": {"dsc.warnings_sent": days}}, event),
    )
