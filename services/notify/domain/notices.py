"""What deserves a notice, and for whom. No I/O."""

from collections.abc import Mapping
from typing import Any

from common.actor import Actor
from common.errors import NotFound
from common.events import (
    DelegationEnded,
    DocumentSigned,
    DraftApproved,
    DraftIssued,
    DscExpiring,
    Event,
    FileOpened,
    FileOverdue,
    FileSent,
    LeaveApplied,
    LeaveCancelled,
    LeaveEvent,
    LeaveRecommended,
    LeaveRejected,
    LeaveReturned,
    LeaveSanctioned,
    PersonDisabled,
    PostDelegated,
    ReceiptOpened,
    ReceiptOverdue,
    ReceiptSent,
    VpnIssued,
    VpnRevoked,
)

# What a sending is called at the desk it reaches (or, pulled back, the desk it left).
SENT_AS = {
    "sent": "file_received",
    "sent_back": "file_sent_back",
    "pulled_back": "file_pulled_back",
}
# The seven-working-day rule's stages, as told to the desk they concern.
STAGE_AS = {
    "warning": "overdue_warning",
    "explanation_required": "explanation_required",
    "escalated": "escalated_to_you",
}
# Every kind of notice, for the preferences screen: work at a desk (for its post), then what
# concerns a person.
POST_KINDS = (
    "receipt_received",
    "file_received",
    "draft_for_approval",
    "file_sent_back",
    "file_pulled_back",
    "due_soon",
    "past_due",
    "overdue_warning",
    "explanation_required",
    "escalated_to_you",
    "draft_approved",
    "draft_issued",
    "dispatch_failed",
    "circular",
    "leave_to_act_on",
    "leave_cancelled",
)
PERSON_KINDS = (
    "document_signed",
    "delegation_started",
    "delegation_ending",
    "delegation_ended",
    "dsc_expiring",
    "dsc_expired",
    "vpn_issued",
    "vpn_revoked",
    "account_disabled",
    "leave_recommended",
    "leave_returned",
    "leave_rejected",
    "leave_sanctioned",
)
# What the applicant is told of their application's way, by the event that moved it.
LEAVE_TOLD = {
    LeaveRecommended: "leave_recommended",
    LeaveReturned: "leave_returned",
    LeaveRejected: "leave_rejected",
    LeaveSanctioned: "leave_sanctioned",
}
KINDS = POST_KINDS + PERSON_KINDS

Notice = dict[str, Any]


def notices_for(event: Event) -> list[Notice]:
    """The notices an event raises, each for a post or for a person.

    Work belongs to the post, not to a person, so whoever holds the post (after a transfer, the
    successor) sees it; what concerns a person (their DSC, their VPN, acting for another post,
    their account) is theirs. Its id is derived from the event and its recipient, so a
    redelivery adds nothing. Reminders (due dates, a delegation's end) are not raised here but
    when they fall due (``domain.reminders``)."""
    body = event.body()
    if isinstance(body, ReceiptSent):
        return [for_post(event, body.to_post_id, "receipt_received", _sent(body))]
    if isinstance(body, FileSent):
        kind = SENT_AS.get(body.how, "file_received")
        if kind == "file_received" and body.drafts_for_approval:
            kind = "draft_for_approval"
        # Pulled back: the desk it was taken from is told; otherwise the desk it reached.
        post = body.from_post_id if body.how == "pulled_back" else body.to_post_id
        return [for_post(event, post, kind, _sent(body))]
    if isinstance(body, (ReceiptOverdue, FileOverdue)):
        item = body.receipt_id if isinstance(body, ReceiptOverdue) else body.file_id
        told = body.escalated_to_post_id if body.stage == "escalated" else body.holder_post_id
        params: dict[str, Any] = {
            "item_id": item,
            "item_kind": "receipt" if isinstance(body, ReceiptOverdue) else "file",
            "working_days": body.working_days,
        }
        return [for_post(event, told or body.holder_post_id, STAGE_AS[body.stage], params)]
    if isinstance(body, (DraftApproved, DraftIssued)) and body.drafted_by_post_id:
        kind = "draft_approved" if isinstance(body, DraftApproved) else "draft_issued"
        params = {
            "item_id": body.file_id,
            "item_kind": "file",
            "issue_number": body.issue_number,
        }
        return [for_post(event, body.drafted_by_post_id, kind, params)]
    if isinstance(body, LeaveEvent):
        return _for_leave(event, body)
    return _for_person(event, body)


def _for_leave(event: Event, body: LeaveEvent) -> list[Notice]:
    """An application reaching an officer's post tells that post it waits for them; a word on
    it (recommended on, returned, rejected, sanctioned) tells its applicant; its cancellation
    tells the officer's post that held or sanctioned it (none when it was back with its
    applicant)."""
    told: list[Notice] = []
    params = leave_params(body)
    if isinstance(body, (LeaveApplied, LeaveRecommended)):
        told.append(for_post(event, body.to_post_id, "leave_to_act_on", dict(params)))
    if isinstance(body, LeaveCancelled) and body.held_by_post_id and body.was != "returned":
        more = {"was": body.was, "curtailed_to": body.curtailed_to}
        told.append(for_post(event, body.held_by_post_id, "leave_cancelled", params | more))
    kind = LEAVE_TOLD.get(type(body))
    if kind:
        if isinstance(body, (LeaveRejected, LeaveReturned)):
            params = {**params, "reason": body.reason}
        told.append(for_person(event, body.applicant_user_id, kind, params))
    return told


def leave_params(body: LeaveEvent, **more: Any) -> dict[str, Any]:
    """What a leave notice says of its application (the officer it went to, when it moved)."""
    params: dict[str, Any] = {
        "item_id": body.application_id,
        "item_kind": "leave",
        "leave_kind": body.kind,
        "from_date": body.from_date,
        "to_date": body.to_date,
        "days": body.days,
        **more,
    }
    if isinstance(body, (LeaveApplied, LeaveRecommended)):
        params["to_post_id"] = body.to_post_id
    return params


def with_post_names(told: list[Notice], names: Mapping[str, Any]) -> list[Notice]:
    """Leave notices with the name of the officer's post they went to, where notify knows it
    (from identity's events); the screen says "the next officer" where it does not."""
    for n in told:
        post = n["params"].get("to_post_id")
        if post and post in names:
            n["params"]["to_post_name"] = names[post]
    return told


def _for_person(event: Event, body: Any) -> list[Notice]:
    params: dict[str, Any]
    if isinstance(body, PostDelegated):
        params = {
            "post_name": body.post_name.model_dump(),
            "starts": body.starts,
            "ends": body.ends,
        }
        return [for_person(event, body.delegate_user_id, "delegation_started", params)]
    if isinstance(body, DelegationEnded):
        params = {"post_name": body.post_name.model_dump(), "ends": body.ended_at}
        return [
            for_person(event, who, "delegation_ended", params)
            for who in (body.delegate_user_id, body.holder_user_id)
        ]
    if isinstance(body, DscExpiring):
        kind = "dsc_expired" if body.days == 0 else "dsc_expiring"
        params = {"days": body.days, "not_after": body.not_after}
        return [for_person(event, body.user_id, kind, params)]
    if isinstance(body, (VpnIssued, VpnRevoked)):
        kind = "vpn_issued" if isinstance(body, VpnIssued) else "vpn_revoked"
        return [for_person(event, body.user_id, kind, {"address": body.address})]
    if isinstance(body, PersonDisabled):
        return [for_person(event, body.user_id, "account_disabled", {})]
    if isinstance(body, DocumentSigned):
        params = {"item_id": body.purpose.get("file_id"), "item_kind": "file"}
        return [for_person(event, body.signer_user_id, "document_signed", params)]
    return []


def _sent(body: ReceiptSent | FileSent) -> dict[str, Any]:
    item = body.receipt_id if isinstance(body, ReceiptSent) else body.file_id
    return {
        "item_id": item,
        "item_kind": "receipt" if isinstance(body, ReceiptSent) else "file",
        "number": body.number,
        "subject": body.subject,
        "from_post_name": body.from_post_name.model_dump(),
        "to_post_name": body.to_post_name.model_dump(),
        "remark": body.remark,
    }


def for_post(
    event: Event, post_id: str, kind: str, params: dict[str, Any], key: str = ""
) -> Notice:
    return _notice(f"{event.event_id}{key}:{post_id}", event, kind, params, post_id=post_id)


def for_person(
    event: Event, user_id: str, kind: str, params: dict[str, Any], key: str = ""
) -> Notice:
    return _notice(f"{event.event_id}{key}:{user_id}", event, kind, params, user_id=user_id)


def _notice(
    notice_id: str,
    event: Event,
    kind: str,
    params: dict[str, Any],
    post_id: str | None = None,
    user_id: str | None = None,
) -> Notice:
    """A notice for a post or a person; ``office_path`` says whose admin may see its deliveries."""
    return {
        "_id": notice_id,
        "kind": kind,
        "post_id": post_id,
        "user_id": user_id,
        "item_id": params.get("item_id"),
        "params": params,
        "office_path": event.office_path,
        "created_at": event.occurred_at.isoformat(timespec="microseconds"),
        "read_at": None,
    }


def seen_by_opening(event: Event) -> tuple[str, str] | None:
    """(post, item) whose notices are answered by this event: opening the receipt or file
    reads them."""
    body = event.body()
    if isinstance(body, ReceiptOpened):
        return body.post_id, body.receipt_id
    if isinstance(body, FileOpened):
        return body.post_id, body.file_id
    return None


def require_own(actor: Actor, notice: Notice | None) -> Notice:
    """The notice, if it is for the actor or one of their posts (else it is not found)."""
    if notice is None:
        raise NotFound("NOTICE_NOT_FOUND")
    post, user = notice.get("post_id"), notice.get("user_id")
    if not ((post and actor.holds(post)) or (user and user == actor.user_id)):
        raise NotFound("NOTICE_NOT_FOUND")
    return notice
