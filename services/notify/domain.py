"""What deserves a notice, and for whom; what an email carries. No I/O."""

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from common.actor import Actor
from common.errors import NotFound
from common.events import (
    DraftDispatched,
    Event,
    FileOpened,
    FileSent,
    ReceiptOpened,
    ReceiptSent,
)


def notices_for(event: Event) -> list[dict[str, Any]]:
    """The notices an event raises: one for the post a receipt was sent to.

    A notice belongs to the post, not to a person, so whoever holds the post (after a transfer,
    the successor) sees it. Its id is derived from the event so a redelivery adds nothing.
    """
    body = event.body()
    if isinstance(body, ReceiptSent):
        kind, item_id = "receipt_received", body.receipt_id
    elif isinstance(body, FileSent) and body.how != "pulled_back":  # taking back is no news
        kind, item_id = "file_received", body.file_id
    else:
        return []
    return [
        {
            "_id": f"{event.event_id}:{body.to_post_id}",
            "kind": kind,
            "post_id": body.to_post_id,
            "item_id": item_id,
            "params": {
                "item_id": item_id,
                "number": body.number,
                "subject": body.subject,
                "from_post_name": body.from_post_name.model_dump(),
                "remark": body.remark,
            },
            "created_at": event.occurred_at.isoformat(timespec="microseconds"),
            "read_at": None,
        }
    ]


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
    """The notice, if it belongs to one of the actor's posts (else it is not found)."""
    if notice is None or not actor.holds(notice["post_id"]):
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
