"""Reminders that fall due later: before and after a file's due date (in working days of the
state's calendar), and before and at the end of a delegation. Each is a record with the moment
it falls due, kept in the store, so a service that was down sends what fell due, once, when it
returns. No I/O."""

from datetime import date, datetime, time, timedelta
from typing import Any

from common.clock import IST, iso
from common.events import DelegationEnded, Event, FileSent, FileStatusChanged, PostDelegated
from common.workdays import Calendar

REMIND_AT = time(10, 0)  # IST: in office hours, after the morning's dak
Reminder = dict[str, Any]


def _at(day: date) -> str:
    return iso(datetime.combine(day, REMIND_AT, IST))


def _working_day_before(calendar: Calendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _working_day_after(calendar: Calendar, day: date) -> date:
    day += timedelta(days=1)
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def _reminder(
    event: Event, kind: str, to: str, recipient: str, key: str, fire_at: str, params: dict[str, Any]
) -> Reminder:
    return {
        "_id": f"{event.event_id}.{kind}:{recipient}",
        "kind": kind,
        "to": to,
        "recipient": recipient,
        "key": key,  # what cancels it: the item moving on from that post, the delegation ending
        "params": params,
        "office_path": event.office_path,
        "fire_at": fire_at,
        "made_at": iso(event.occurred_at),
        "fired": False,
    }


def for_due_date(event: Event, calendar: Calendar, now: datetime) -> list[Reminder]:
    """A file sent with a due date: its new desk is reminded on the working day before it
    (if that is still ahead) and on the working day after it, if the file is still there."""
    body = event.body()
    if not isinstance(body, FileSent) or not body.due_date or body.how == "pulled_back":
        return []
    due = date.fromisoformat(body.due_date[:10])
    params = {
        "item_id": body.file_id,
        "item_kind": "file",
        "number": body.number,
        "due_date": due.isoformat(),
    }
    key = held_key(body.file_id, body.to_post_id)
    found = []
    before = _at(_working_day_before(calendar, due))
    if before > iso(now):
        found.append(_reminder(event, "due_soon", "post", body.to_post_id, key, before, params))
    after = _at(_working_day_after(calendar, due))
    found.append(_reminder(event, "past_due", "post", body.to_post_id, key, after, params))
    return found


def held_key(item_id: str, post_id: str) -> str:
    return f"{item_id}@{post_id}"


def for_delegation(event: Event, now: datetime) -> list[Reminder]:
    """A delegation: the day before it ends its delegate is told; when it ends, both."""
    body = event.body()
    if not isinstance(body, PostDelegated):
        return []
    params = {"post_name": body.post_name.model_dump(), "ends": body.ends}
    key = f"delegation:{body.delegation_id}"
    ending = iso(datetime.fromisoformat(body.ends) - timedelta(days=1))
    found = []
    if ending > max(body.starts, iso(now)):
        found.append(
            _reminder(
                event, "delegation_ending", "user", body.delegate_user_id, key, ending, params
            )
        )
    for who in (body.delegate_user_id, body.holder_user_id):
        found.append(_reminder(event, "delegation_ended", "user", who, key, body.ends, params))
    return found


def cancelled_by(event: Event) -> str | None:
    """The reminders an event makes pointless (those made before it): a file moved on from a
    desk or closed there, a delegation ended early (it was told then)."""
    body = event.body()
    if isinstance(body, FileSent):
        return held_key(body.file_id, body.from_post_id)
    if isinstance(body, FileStatusChanged) and body.status not in ("open", "parked"):
        return held_key(body.file_id, body.post_id)
    if isinstance(body, DelegationEnded):
        return f"delegation:{body.delegation_id}"
    return None


def notice_of(reminder: Reminder) -> dict[str, Any]:
    """The notice a reminder raises when it falls due (its id is the reminder's: once)."""
    to = reminder["to"]
    return {
        "_id": reminder["_id"],
        "kind": reminder["kind"],
        "post_id": reminder["recipient"] if to == "post" else None,
        "user_id": reminder["recipient"] if to == "user" else None,
        "item_id": reminder["params"].get("item_id"),
        "params": reminder["params"],
        "office_path": reminder["office_path"],
        "created_at": reminder["fire_at"],
        "read_at": None,
    }
