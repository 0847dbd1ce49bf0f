"""An action applied once, however often it is sent: the ``Idempotency-Key`` of the API.

A phone that loses its link mid-request cannot know whether its action arrived, so it sends it
again with the same key. The gateway passes the key inside the caller's credential (only for a
state-changing request), and every service's ``@rpc`` entrypoint (``common.rpc``) applies each
call at most once per (person, service method, key): the first call is recorded as running,
then with its answer, or with the refusal it met; a repeat with the same arguments gets that
answer or refusal again without acting, a repeat with other arguments is refused
(``IDEMPOTENCY_KEY_REUSED``), and one that arrives while the first still runs is told so
(``IDEMPOTENCY_KEY_IN_USE``). A failure that is not the office's answer (a crash, a timeout)
records nothing, so the retry acts; a try whose worker died outright (killed mid-call) leaves
its record running, and a retry takes it over once ``RUNNING_LEASE_SECONDS`` have passed — far
beyond the gateway's wait for a service, so a try still alive then is not raced. The record
lives in the service's own store, beside the change it protects; records are forgotten after
``KEPT_HOURS``.
"""

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from common import errors
from common.clock import iso, utcnow
from common.errors import Conflict, OfficeError, Refused
from common.storage import Db

KEPT_HOURS = 24
RUNNING_LEASE_SECONDS = 60
KEY = re.compile(r"[\x21-\x7e]{1,200}")  # 1-200 visible ASCII characters
FIELD = "idempotency"  # in the credential: {"key": ..., "request": "POST /api/v1/..."}


def requested(credential: object) -> dict[str, str] | None:
    """The idempotency the gateway asked for in this credential, if any."""
    asked = credential.get(FIELD) if isinstance(credential, dict) else None
    if isinstance(asked, dict) and isinstance(asked.get("key"), str):
        return {"key": asked["key"], "request": str(asked.get("request", ""))}
    return None


def fingerprint(request: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """What makes two calls "the same": the API request line and the call's arguments."""
    text = json.dumps([request, args, kwargs], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def once(db: Db, record_id: str, same: str, act: Callable[[], Any]) -> Any:
    """``act()`` once for ``record_id``; its answer (or the office's refusal) again after."""
    now = iso(utcnow())
    try:
        db.idempotency.insert_one({"_id": record_id, "same": same, "status": "running", "at": now})
    except DuplicateKeyError:
        record = db.idempotency.find_one({"_id": record_id}) or {}
        if not _abandoned(db, record, same, now):
            return _again(record, same)
    try:
        answer = act()
    except OfficeError as refusal:
        error = {"class": type(refusal).__name__, "code": refusal.code, "details": refusal.details}
        db.idempotency.update_one(
            {"_id": record_id}, {"$set": {"status": "refused", "error": error}}
        )
        raise
    except BaseException:
        db.idempotency.delete_one({"_id": record_id})  # not the office's answer: try again
        raise
    db.idempotency.update_one({"_id": record_id}, {"$set": {"status": "done", "answer": answer}})
    return answer


def _abandoned(db: Db, record: dict[str, Any], same: str, now: str) -> bool:
    """Whether this retry takes over a try that has run past its lease (its worker died)."""
    lease_ended = iso(utcnow() - timedelta(seconds=RUNNING_LEASE_SECONDS))
    if record.get("status") != "running" or record.get("same") != same:
        return False
    if record.get("at", "") >= lease_ended:
        return False
    # Conditional on the old start, so two retries arriving together take it over once.
    taken = db.idempotency.update_one(
        {"_id": record["_id"], "status": "running", "at": record.get("at")}, {"$set": {"at": now}}
    )
    return int(taken.matched_count) == 1


def _again(record: dict[str, Any], same: str) -> Any:
    if record.get("same") != same:
        raise Refused("IDEMPOTENCY_KEY_REUSED")
    if record.get("status") == "done":
        return record.get("answer")
    if record.get("status") == "refused":
        error = record["error"]
        raise _ERRORS.get(error["class"], Conflict)(error["code"], error["details"])
    raise Conflict("IDEMPOTENCY_KEY_IN_USE")


def forget_old(db: Db) -> int:
    """Forget records older than ``KEPT_HOURS`` (a retry comes within minutes, not days)."""
    before = iso(utcnow() - timedelta(hours=KEPT_HOURS))
    return int(db.idempotency.delete_many({"at": {"$lt": before}}).deleted_count)


def ensure_indexes(db: Db) -> None:
    db.idempotency.create_index("at")


# The office's refusals by name, to raise a recorded one again as what it was.
_ERRORS = {
    name: cls
    for name, cls in vars(errors).items()
    if isinstance(cls, type) and issubclass(cls, OfficeError)
}
