"""Pendency from events, pure: where each item is now, and what that adds up to per post."""

from collections.abc import Mapping
from typing import Any

from common.actor import Actor
from common.errors import Forbidden
from common.events import (
    Event,
    FileCreated,
    FileSent,
    FileStatusChanged,
    ReceiptClosed,
    ReceiptDiarised,
    ReceiptFiled,
    ReceiptSent,
)

# (post, its names, its office path) of an item that waits nowhere.
NOWHERE: tuple[None, None, list[str]] = (None, None, [])


def whereabouts(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(item id, where it now waits) for an event that moves an item, else None."""
    body = event.body()
    post_id: str | None
    post_name: dict[str, Any] | None
    office_path: list[str]
    if isinstance(body, (ReceiptFiled, ReceiptClosed)):  # waits in its file, or nowhere
        item, (post_id, post_name, office_path) = body.receipt_id, NOWHERE
    elif isinstance(body, FileStatusChanged):  # parked, closed, merged: set aside, not pending
        item = body.file_id
        post_id, post_name, office_path = (
            (body.post_id, body.post_name.model_dump(), body.office_path)
            if body.status == "open"
            else NOWHERE
        )
    elif isinstance(body, (ReceiptDiarised, FileCreated)):  # waits where it was made
        item = body.receipt_id if isinstance(body, ReceiptDiarised) else body.file_id
        post_id, post_name, office_path = (
            body.post_id,
            body.post_name.model_dump(),
            event.office_path,
        )
    elif isinstance(body, (ReceiptSent, FileSent)):
        item = body.receipt_id if isinstance(body, ReceiptSent) else body.file_id
        post_id, post_name, office_path = (
            body.to_post_id,
            body.to_post_name.model_dump(),
            body.to_office_path,
        )
    else:
        return None
    since = event.occurred_at.isoformat(timespec="microseconds")
    where = {"post_id": post_id, "post_name": post_name, "office_path": office_path, "since": since}
    return item, {**where, "seq": body.seq}


def pendency_by_post(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many items wait at each post and since when the oldest has waited; most first."""
    posts: dict[str, dict[str, Any]] = {}
    for item in items:
        row = posts.setdefault(
            item["post_id"],
            {
                "post_id": item["post_id"],
                "post_name": item["post_name"],
                "items": 0,
                "oldest_since": item["since"],
            },
        )
        row["items"] += 1
        row["oldest_since"] = min(row["oldest_since"], item["since"])
    return sorted(posts.values(), key=lambda r: (-r["items"], r["oldest_since"]))


REPORT_ROLES = ("hq_viewer", "admin")


def office_to_report(actor: Actor, office_id: str | None) -> str:
    """Anyone sees their own office (and what lies under it); other offices need HQ or admin,
    and then only the part of them within the grant's scope (``may_count``)."""
    if office_id in (None, actor.office_id):
        if actor.office_id is None:
            raise Forbidden("NO_OFFICE")
        return actor.office_id
    if any(actor.has_role(role) for role in REPORT_ROLES):
        return office_id
    raise Forbidden("NOT_YOUR_OFFICE")


def may_count(actor: Actor, office_id: str, item: Mapping[str, Any]) -> bool:
    """Whether an item waiting under ``office_id`` counts in the actor's report: anything under
    their own office; elsewhere, only what waits inside the scope of their HQ viewer or admin
    grant (a viewer of Hathras asking for the range sees Hathras, not Aligarh)."""
    if office_id == actor.office_id:
        return True
    return any(actor.may(role, item["office_path"]) for role in REPORT_ROLES)
