"""What deserves a notice, and for whom. No I/O."""

from common.actor import Actor
from common.errors import NotFound
from common.events import Event, ReceiptSent


def notices_for(event: Event) -> list[dict]:
    """The notices an event raises: one for the post a receipt was sent to.

    A notice belongs to the post, not to a person, so whoever holds the post (after a transfer,
    the successor) sees it. Its id is derived from the event so a redelivery adds nothing.
    """
    body = event.body()
    if isinstance(body, ReceiptSent):
        return [
            {
                "_id": f"{event.event_id}:{body.to_post_id}",
                "kind": "receipt_received",
                "post_id": body.to_post_id,
                "params": {
                    "receipt_id": body.receipt_id,
                    "number": body.number,
                    "subject": body.subject,
                    "sender": (event.actor or {}).get("name", ""),
                    "remark": body.remark,
                },
                "created_at": event.occurred_at.isoformat(timespec="microseconds"),
                "read_at": None,
            }
        ]
    return []


def require_own(actor: Actor, notice: dict | None) -> dict:
    if notice is None or not actor.holds(notice["post_id"]):
        raise NotFound("NOTICE_NOT_FOUND")
    return notice
