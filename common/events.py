"""The event contract shared by producers and consumers.

Every event is the envelope ``{event_id, type, occurred_at, actor, office_path, payload, v}``.
Its ``type`` names a payload model below, so a producer cannot publish, and a consumer cannot
read, a payload that the other side does not know.
"""

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from common.actor import Actor


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(BaseModel):
    """A name as both languages of the office write it (a post, an office)."""

    en: str
    hi: str

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> "Names":
        """The names of a stored record (``name_en``, ``name_hi``)."""
        return cls(en=record["name_en"], hi=record["name_hi"])


class ReceiptDiarised(Payload):
    receipt_id: str
    number: str
    subject: str
    office_id: str
    post_id: str  # the post that diarised it and now holds it
    post_name: Names
    seq: int  # position in the receipt's history, so consumers can order events
    physical: bool = False  # a paper letter entered in the diary (HQ counts e-work apart)


class ReceiptSent(Payload):
    receipt_id: str
    number: str
    subject: str
    from_post_id: str
    from_post_name: Names
    to_post_id: str
    to_post_name: Names
    to_office_id: str
    to_office_path: list[str]
    remark: str = ""
    seq: int


class ReceiptOpened(Payload):
    receipt_id: str
    number: str
    post_id: str
    seq: int


class ReceiptFiled(Payload):
    """A receipt went into a file: from now on it moves, and waits, as part of the file."""

    receipt_id: str
    number: str
    file_id: str
    file_number: str
    seq: int


class ReceiptClosed(Payload):
    """A receipt needs nothing more: it stops waiting anywhere."""

    receipt_id: str
    number: str
    post_id: str
    seq: int


class FileCreated(Payload):
    file_id: str
    number: str
    subject: str
    office_id: str
    post_id: str
    post_name: Names
    seq: int
    physical: bool = False  # a paper file registered here (HQ counts e-work apart)


class FileSent(Payload):
    """A file moved to another post: sent on, sent back or pulled back (``how``)."""

    file_id: str
    number: str
    subject: str
    how: str
    from_post_id: str
    from_post_name: Names
    to_post_id: str
    to_post_name: Names
    to_office_id: str
    to_office_path: list[str]
    remark: str = ""
    priority: str = "normal"
    due_date: str | None = None  # the sender's "reply by" (notify reminds before and after)
    drafts_for_approval: int = 0  # drafts in it awaiting an officer's approval
    seq: int


class FileStatusChanged(Payload):
    """A file was parked or unparked, closed or reopened, recorded, or merged into another: it
    waits at its holder's desk only while open."""

    file_id: str
    number: str
    status: str
    post_id: str  # its holder
    post_name: Names
    office_path: list[str]  # the holder's office
    seq: int


class FileOpened(Payload):
    file_id: str
    number: str
    post_id: str
    seq: int


class PersonOnboarded(Payload):
    user_id: str
    username: str
    name: Names
    office_id: str
    employee_code: str | None = None
    # From the onboarding sheet: where notify may mail and text them (they can change it).
    email: str | None = None
    mobile: str | None = None


class PostAssigned(Payload):
    """A person took a post: a transfer in, or an additional charge. Pending work stays with
    the post, so the new holder finds it in their inbox."""

    post_id: str
    post_name: Names
    user_id: str
    user_name: str
    previous_user_id: str | None
    charge: str  # "regular" or "additional"


class PostDelegated(Payload):
    delegation_id: str
    post_id: str
    post_name: Names
    holder_user_id: str
    delegate_user_id: str
    starts: str
    ends: str


class DelegationEnded(Payload):
    """A delegation was ended before its time (one that runs out needs no event: its end was
    announced with it)."""

    delegation_id: str
    post_id: str
    post_name: Names
    holder_user_id: str
    delegate_user_id: str
    ended_at: str


class PersonDisabled(Payload):
    user_id: str


class VpnIssued(Payload):
    user_id: str
    district_id: str
    address: str


class VpnRevoked(Payload):
    user_id: str
    district_id: str
    address: str


class DscEnrolled(Payload):
    user_id: str
    subject_cn: str
    sha256: str
    not_after: str


class DscExpiring(Payload):
    """An enrolled DSC expires in ``days`` days (30, 7, then 1: time to renew the token), or
    has expired (``days`` 0)."""

    user_id: str
    sha256: str
    not_after: str
    days: int


class DscRevoked(Payload):
    user_id: str
    sha256: str


class DraftApproved(Payload):
    """A draft letter or order in a file was approved for issue (and got its issue number)."""

    file_id: str
    draft_id: str
    issue_number: str
    approved_version: int
    post_id: str
    drafted_by_post_id: str | None = None  # the desk that wrote it (told it was approved)
    seq: int


class DocumentSigned(Payload):
    """A prepared signing was completed: the signed PDF is kept by signing under ``signing_id``
    until the service it was for (``purpose``) takes it."""

    signing_id: str
    purpose: dict[str, Any]  # {"kind": "draft", "file_id": ..., "draft_id": ...}
    sha256: str  # of the signed PDF
    signer_user_id: str
    signer_name: str
    certificate_sha256: str
    signed_at: str


class DraftIssued(Payload):
    file_id: str
    draft_id: str
    issue_number: str
    sha256: str  # the issued PDF
    post_id: str
    drafted_by_post_id: str | None = None
    seq: int


class DraftDispatched(Payload):
    """An issued letter went out: by email (notify sends it, with the PDF) or by post."""

    file_id: str
    draft_id: str
    issue_number: str
    subject: str
    mode: str  # "email" | "post"
    to: list[str]  # email addresses, or the postal address as lines
    sha256: str
    register_number: str
    post_id: str
    seq: int


class ReceiptOverdue(Payload):
    """A receipt has been held long at one desk (the seven-working-day rule): raised once per
    receipt, holder and stage, and once per further level it is escalated to."""

    receipt_id: str
    holder_post_id: str
    working_days: int
    stage: str  # "warning" | "explanation_required" | "escalated"
    escalated_to_post_id: str | None = None
    seq: int


class FileOverdue(Payload):
    """A file has been held long at one desk (the seven-working-day rule): raised once per file,
    holder and stage, and once per further level it is escalated to."""

    file_id: str
    holder_post_id: str
    working_days: int
    stage: str  # "warning" | "explanation_required" | "escalated"
    escalated_to_post_id: str | None = None
    seq: int


class ReceiptDelayExplained(Payload):
    """The holder of a late receipt recorded why (the text stays in the receipt's history)."""

    receipt_id: str
    post_id: str
    working_days: int
    seq: int


class FileDelayExplained(Payload):
    """The holder of a late file recorded why (the text stays in the file's history)."""

    file_id: str
    post_id: str
    working_days: int
    seq: int


class LeaveEvent(Payload):
    """What every leave event says of the application: whose, which kind, which days."""

    application_id: str
    applicant_user_id: str
    applicant_post_id: str
    kind: str
    from_date: str
    to_date: str
    days: float
    seq: int  # the application's version after the change


class LeaveApplied(LeaveEvent):
    to_post_id: str  # where it waits now
    level: str


class LeaveRecommended(LeaveEvent):
    by_post_id: str
    to_post_id: str
    level: str


class LeaveSanctioned(LeaveEvent):
    by_post_id: str
    order_number: str | None = None  # the sanction order issued with it
    # The officer the applicant named to hold their post meanwhile: identity delegates the
    # post to them for exactly the days of the leave.
    delegate_to_user_id: str | None = None


class LeaveRejected(LeaveEvent):
    by_post_id: str
    reason: str


class LeaveReturned(LeaveEvent):
    """Sent back to the applicant for correction (with what to correct)."""

    by_post_id: str
    reason: str


class LeaveCancelled(LeaveEvent):
    """Withdrawn by the applicant; ``curtailed_to`` when leave already begun was cut short."""

    was: str  # the status it had
    curtailed_to: str | None = None
    refunded_days: float = 0
    # The officer's post that held it, or sanctioned it (None: it was with its applicant).
    held_by_post_id: str | None = None


class LeaveJoined(LeaveEvent):
    """The applicant reported back for duty after sanctioned leave; joining before its last day
    cut it short (``curtailed_to``: the last day taken) and gave the days not taken back."""

    joined_on: str
    curtailed_to: str | None = None
    refunded_days: float = 0


# type -> (source service, payload model)
EVENT_TYPES: dict[str, tuple[str, type[Payload]]] = {
    "receipt.diarised": ("files", ReceiptDiarised),
    "receipt.sent": ("files", ReceiptSent),
    "receipt.opened": ("files", ReceiptOpened),
    "receipt.filed": ("files", ReceiptFiled),
    "receipt.closed": ("files", ReceiptClosed),
    "file.created": ("files", FileCreated),
    "file.sent": ("files", FileSent),
    "file.opened": ("files", FileOpened),
    "file.status_changed": ("files", FileStatusChanged),
    "draft.approved": ("files", DraftApproved),
    "draft.issued": ("files", DraftIssued),
    "draft.dispatched": ("files", DraftDispatched),
    "document.signed": ("signing", DocumentSigned),
    "person.onboarded": ("identity", PersonOnboarded),
    "post.assigned": ("identity", PostAssigned),
    "post.delegated": ("identity", PostDelegated),
    "post.delegation_ended": ("identity", DelegationEnded),
    "person.disabled": ("identity", PersonDisabled),
    "vpn.issued": ("identity", VpnIssued),
    "vpn.revoked": ("identity", VpnRevoked),
    "dsc.enrolled": ("identity", DscEnrolled),
    "dsc.expiring": ("identity", DscExpiring),
    "dsc.revoked": ("identity", DscRevoked),
    "receipt.overdue": ("files", ReceiptOverdue),
    "file.overdue": ("files", FileOverdue),
    "receipt.delay_explained": ("files", ReceiptDelayExplained),
    "file.delay_explained": ("files", FileDelayExplained),
    "leave.applied": ("leave", LeaveApplied),
    "leave.recommended": ("leave", LeaveRecommended),
    "leave.sanctioned": ("leave", LeaveSanctioned),
    "leave.rejected": ("leave", LeaveRejected),
    "leave.returned": ("leave", LeaveReturned),
    "leave.cancelled": ("leave", LeaveCancelled),
    "leave.joined": ("leave", LeaveJoined),
}


class Event(BaseModel):
    """An event as it crosses the bus: the envelope, its payload still a dict (``body()``
    reads it as its typed model)."""

    model_config = ConfigDict(extra="forbid")

    event_id: str
    type: str
    occurred_at: datetime
    actor: dict[str, Any] | None
    office_path: list[str]
    payload: dict[str, Any]
    v: int = 1

    def body(self) -> Payload:
        """The payload as its typed model."""
        return EVENT_TYPES[self.type][1].model_validate(self.payload)


def new_event(
    payload: Payload,
    actor: Actor,
    office_path: Iterable[str],
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """Build an event envelope (as a plain dict, ready for the outbox) for a typed payload."""
    (event_type,) = [t for t, (_, model) in EVENT_TYPES.items() if model is type(payload)]
    return Event(
        event_id=uuid.uuid4().hex,
        type=event_type,
        occurred_at=occurred_at or datetime.now(UTC),
        actor=actor.audit(),
        office_path=list(office_path),
        payload=payload.model_dump(mode="json"),
    ).model_dump(mode="json")
