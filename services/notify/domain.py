"""What deserves a notice, and for whom; what an email carries. No I/O."""

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from common.actor import Actor
from common.errors import NotFound
from common.events import (
    DraftDispatched,
    DscExpiring,
    Event,
    FileOpened,
    FileOverdue,
    FileSent,
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


def notices_for(event: Event) -> list[dict[str, Any]]:
    """The notices an event raises, each for a post or for a person: work that reached a desk
    (sent, sent back, pulled back), the seven-working-day rule's stages, a delegation, a DSC
    about to expire, a VPN account issued or revoked.

    Work belongs to the post, not to a person, so whoever holds the post (after a transfer, the
    successor) sees it; what concerns a person (their DSC, their VPN, acting for another post)
    is theirs. Its id is derived from the event and its recipient, so a redelivery adds nothing.
    """
    body = event.body()
    if isinstance(body, ReceiptSent):
        to_post = (body.to_post_id, "receipt_received", body.receipt_id, _sent(body))
    elif isinstance(body, FileSent):
        kind = SENT_AS.get(body.how, "file_received")
        # Pulled back: the desk it was taken from is told; otherwise the desk it reached.
        post = body.from_post_id if body.how == "pulled_back" else body.to_post_id
        to_post = (post, kind, body.file_id, _sent(body))
    elif isinstance(body, (ReceiptOverdue, FileOverdue)):
        item = body.receipt_id if isinstance(body, ReceiptOverdue) else body.file_id
        told = body.escalated_to_post_id if body.stage == "escalated" else body.holder_post_id
        params = {
            "item_id": item,
            "item_kind": "receipt" if isinstance(body, ReceiptOverdue) else "file",
            "working_days": body.working_days,
        }
        to_post = (told or body.holder_post_id, STAGE_AS[body.stage], item, params)
    elif isinstance(body, PostDelegated):
        post_name = body.post_name.model_dump()
        return [
            _notice(
                event,
                "user",
                body.delegate_user_id,
                "delegation_started",
                None,
                {"post_name": post_name, "starts": body.starts, "ends": body.ends},
            )
        ]
    elif isinstance(body, DscExpiring):
        return [
            _notice(
                event,
                "user",
                body.user_id,
                "dsc_expiring",
                None,
                {"days": body.days, "not_after": body.not_after},
            )
        ]
    elif isinstance(body, (VpnIssued, VpnRevoked)):
        kind = "vpn_issued" if isinstance(body, VpnIssued) else "vpn_revoked"
        return [_notice(event, "user", body.user_id, kind, None, {"address": body.address})]
    else:
        return []
    post, kind, item, params = to_post
    return [_notice(event, "post", post, kind, item, params)]


def _sent(body: ReceiptSent | FileSent) -> dict[str, Any]:
    item = body.receipt_id if isinstance(body, ReceiptSent) else body.file_id
    return {
        "item_id": item,
        "number": body.number,
        "subject": body.subject,
        "from_post_name": body.from_post_name.model_dump(),
        "to_post_name": body.to_post_name.model_dump(),
        "remark": body.remark,
    }


def _notice(
    event: Event, to: str, recipient: str, kind: str, item: str | None, params: dict[str, Any]
) -> dict[str, Any]:
    """A notice for a post (``to="post"``) or a person (``to="user"``)."""
    return {
        "_id": f"{event.event_id}:{recipient}",
        "kind": kind,
        "post_id": recipient if to == "post" else None,
        "user_id": recipient if to == "user" else None,
        "item_id": item,
        "params": params,
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


def require_own(actor: Actor, notice: dict[str, Any] | None) -> dict[str, Any]:
    """The notice, if it is for the actor or one of their posts (else it is not found)."""
    if notice is None:
        raise NotFound("NOTICE_NOT_FOUND")
    post, user = notice.get("post_id"), notice.get("user_id")
    if not ((post and actor.holds(post)) or (user and user == actor.user_id)):
        raise NotFound("NOTICE_NOT_FOUND")
    return notice


def dispatch_email(event: Event, sender: str, pdf: bytes, verify_base: str) -> EmailMessage | None:
    """The email that carries an issued letter to its addressees (None if it went by post):
    a short bilingual covering note and the signed PDF attached; the PDF is the letter."""
    body = event.body()
    if not isinstance(body, DraftDispatched) or body.mode != "email":
        return None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(body.to)
    message["Subject"] = f"{body.issue_number}: {body.subject}"
    message["Message-ID"] = make_msgid(idstring=event.event_id)
    message.set_content(
        f"संलग्न पत्र सं. {body.issue_number} डिजिटल रूप से हस्ताक्षरित है।\n"
        f"Attached: letter No. {body.issue_number}, digitally signed.\n\n"
        f"Verify it / सत्यापन: {verify_base}/verify/{body.issue_number}\n"
        f"Dispatch register No. / प्रेषण पंजी सं.: {body.register_number}\n"
    )
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"{body.issue_number}.pdf"
    )
    return message
