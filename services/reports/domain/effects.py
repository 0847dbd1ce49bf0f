"""What one event adds to the counted read models, pure: daily counters of the offices above
it, register entries, the onboarding of a person, the rule's marks on an item.

Every effect here is a sum or a set keyed by the event's own facts (its day is the IST day it
happened), never by when it arrived: the same events give the same numbers in any order, which
is what lets ``make rebuild-reports`` agree with the live models.
"""

from dataclasses import dataclass
from typing import Any

from common.events import (
    EVENT_TYPES,
    DraftDispatched,
    DscEnrolled,
    DscRevoked,
    Event,
    FileCreated,
    FileSent,
    FileStatusChanged,
    PersonDisabled,
    PersonOnboarded,
    ReceiptDiarised,
    ReceiptSent,
    VpnIssued,
    VpnRevoked,
)
from services.reports.domain.pendency import ist_day

# The version of the event envelope these models read; a later one is kept for a later reader.
READS_VERSION = 1
# The rule's events (files raises them): an item held past seven working days, and its
# holder's explanation.
OVERDUE = ("receipt.overdue", "file.overdue")
EXPLAINED = ("receipt.delay_explained", "file.delay_explained")
# Registers kept per office and month.
REGISTERS = ("diary", "files", "dispatch", "closed")
# Daily counters, per office and day, summed up the tree.
FLOWS = (
    "receipts_created",
    "files_created",
    "paper_items",  # of those created, receipts and files kept on paper
    "received",
    "sent",
    "movements",
    "dispatched",
    "closed",
    "onboarded",
    "vpn",
    "dsc",
)


@dataclass(frozen=True)
class Flow:
    """Add one to ``field`` of every office on ``office_path`` for ``day``."""

    office_path: tuple[str, ...]
    day: str
    field: str


def unreadable(event: Event) -> str | None:
    """Why these models cannot read an event yet (kept for a later version), or None."""
    if event.type not in EVENT_TYPES:
        return "unknown_type"
    if event.v != READS_VERSION:
        return "unknown_version"
    try:
        event.body()
    except ValueError:
        return "unreadable_payload"
    return None


def flows(event: Event) -> list[Flow]:
    """The daily counters an event adds to."""
    body, day, here = event.body(), ist_day(event.occurred_at), tuple(event.office_path)
    if isinstance(body, (ReceiptDiarised, FileCreated)):
        made = "receipts_created" if isinstance(body, ReceiptDiarised) else "files_created"
        return [Flow(here, day, made), *([Flow(here, day, "paper_items")] if body.physical else [])]
    if isinstance(body, (ReceiptSent, FileSent)):
        there = tuple(body.to_office_path)
        return [Flow(here, day, "sent"), Flow(here, day, "movements"), Flow(there, day, "received")]
    if isinstance(body, FileStatusChanged) and body.status == "closed":
        return [Flow(tuple(body.office_path) or here, day, "closed")]
    if isinstance(body, DraftDispatched):
        return [Flow(here, day, "dispatched")]
    if isinstance(body, PersonOnboarded):
        return [Flow(here, day, "onboarded")]
    if isinstance(body, VpnIssued):
        return [Flow(here, day, "vpn")]
    if isinstance(body, DscEnrolled):
        return [Flow(here, day, "dsc")]
    return []


def register_entry(event: Event) -> tuple[str, str, str, dict[str, Any]] | None:
    """(register, office id, month, entry) when an event writes a line in an office's register."""
    body, office = event.body(), event.office_path[-1] if event.office_path else ""
    at = event.occurred_at.isoformat(timespec="seconds")
    month = ist_day(event.occurred_at)[:7]
    if isinstance(body, ReceiptDiarised):
        line = {"id": body.receipt_id, "number": body.number, "subject": body.subject}
        return "diary", body.office_id, month, {**line, "at": at, "post_id": body.post_id}
    if isinstance(body, FileCreated):
        line = {"id": body.file_id, "number": body.number, "subject": body.subject}
        return "files", body.office_id, month, {**line, "at": at, "post_id": body.post_id}
    if isinstance(body, DraftDispatched):
        line = {"id": body.file_id, "number": body.issue_number, "subject": body.subject}
        extra = {"mode": body.mode, "register_number": body.register_number}
        return "dispatch", office, month, {**line, **extra, "at": at, "post_id": body.post_id}
    if isinstance(body, FileStatusChanged) and body.status == "closed":
        office = body.office_path[-1] if body.office_path else office
        line = {"id": body.file_id, "number": body.number, "subject": ""}
        return "closed", office, month, {**line, "at": at, "post_id": body.post_id}
    return None


def person_fact(event: Event) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """(user id, facts to set, moments to raise) for the onboarding of staff. What can be
    undone (a VPN revoked and issued again, a DSC revoked, a person disabled) is kept as the
    latest moment of each, so the same events give the same person in any order."""
    body, at = event.body(), event.occurred_at.isoformat(timespec="microseconds")
    if isinstance(body, PersonOnboarded):
        return body.user_id, {"office_path": list(event.office_path), "govid": True}, {}
    if isinstance(body, VpnIssued):
        return body.user_id, {}, {"vpn_issued_at": at}
    if isinstance(body, VpnRevoked):
        return body.user_id, {}, {"vpn_revoked_at": at}
    if isinstance(body, DscEnrolled):  # per certificate: a person may hold a new one and an old
        return body.user_id, {}, {f"dsc.{body.sha256}.enrolled_at": at}
    if isinstance(body, DscRevoked):
        return body.user_id, {}, {f"dsc.{body.sha256}.revoked_at": at}
    if isinstance(body, PersonDisabled):
        return body.user_id, {}, {"disabled_at": at}
    return None


def staff_position(person: dict[str, Any]) -> str | None:
    """Where an onboarded person is counted: office path and what they hold now (a VPN issued
    since it was last revoked; a DSC enrolled and not revoked). A disabled person is not."""
    if not person.get("office_path") or person.get("disabled_at"):
        return None
    issued, revoked = person.get("vpn_issued_at"), person.get("vpn_revoked_at")
    vpn = bool(issued) and (revoked is None or issued > revoked)
    certificates = person.get("dsc", {}).values()
    dsc = any(c.get("enrolled_at") and not c.get("revoked_at") for c in certificates)
    held = "".join("1" if x else "0" for x in (person.get("govid"), vpn, dsc))
    return "|".join([",".join(person["office_path"]), held])


def origin(event: Event) -> tuple[str, str] | None:
    """(item id, post) for the desk that made an item: a receipt diarised or a file opened
    there (its "items pending with others" once it moves on)."""
    body = event.body()
    if isinstance(body, ReceiptDiarised):
        return body.receipt_id, body.post_id
    if isinstance(body, FileCreated):
        return body.file_id, body.post_id
    return None


def mark(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(item id, mark) for the rule's events: a stage reached at a post, or an explanation."""
    p = event.payload
    item = str(p.get("receipt_id") or p.get("file_id"))
    if event.type in OVERDUE:
        return item, {"post_id": p["holder_post_id"], "seq": p["seq"], "stage": p["stage"]}
    if event.type in EXPLAINED:
        return item, {"post_id": p["post_id"], "seq": p["seq"], "explained": True}
    return None
