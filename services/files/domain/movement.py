"""How a receipt or a file moves between posts: one holder at a time; send on, send back, pull
back only while unopened; what is parked or closed does not move. Receipts and files come into
being at a post and move by the same transitions here; what differs between them is said where
it differs."""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from common.actor import Actor
from common.errors import Conflict, Refused
from common.events import (
    FileOpened,
    FileSent,
    FileStatusChanged,
    Names,
    Payload,
    ReceiptOpened,
    ReceiptSent,
)
from services.files.domain import history
from services.files.domain.change import Change, Event, Item, NewItem, Post, change

PRIORITIES = ("normal", "immediate", "most_immediate")
MAX_LEVELS = 4


def require_holder(actor: Actor, file: Item) -> str:
    if not actor.holds(file["holder_post_id"]):
        raise Conflict("FILE_NOT_WITH_YOU")
    return str(file["holder_post_id"])


def require_open(file: dict[str, Any]) -> None:
    if file["status"] != "open":
        raise Conflict("FILE_NOT_OPEN", {"status": file["status"]})


def require_version(file: dict[str, Any], seen: int | None) -> None:
    if seen is not None and seen != file["version"]:
        raise Conflict("VERSION_CONFLICT", {"current_version": file["version"]})


def pull_back_from(actor: Actor, file: dict[str, Any]) -> str:
    """The sender may take a file back only while the receiver has not opened it."""
    sender = file.get("sent_by_post_id")
    if sender is None or not actor.holds(sender):
        raise Conflict("NOT_THE_SENDER")
    if file.get("opened_at"):
        raise Conflict("ALREADY_OPENED")
    return str(sender)


def send_back_to(file: dict[str, Any]) -> str:
    sender = file.get("sent_by_post_id")
    if sender is None:
        raise Conflict("NOTHING_TO_SEND_BACK")
    return str(sender)


RETENTION_YEARS = {"A": None, "B": 25, "C": 10}


def review_date(category: str, closed_on: date, asked: date | None) -> date | None:
    """When a recorded file comes up for review: never for A; for B at 25 years unless asked
    otherwise; for C when asked, but no later than 10 years (it is then weeded)."""
    years = RETENTION_YEARS[category]
    if years is None:
        return None
    limit = closed_on.replace(year=closed_on.year + years)
    if asked is None:
        return limit
    if asked <= closed_on or (category == "C" and asked > limit):
        raise Refused("REVIEW_DATE_INVALID", {"latest": limit.isoformat()})
    return asked


def require_recordable(file: dict[str, Any]) -> None:
    if not file.get("physical"):
        raise Conflict("ONLY_PHYSICAL_RECORDED")
    if file["status"] != "closed":
        raise Conflict("FILE_NOT_CLOSED")


def require_mergeable(file: dict[str, Any], other: dict[str, Any]) -> None:
    """CSMOP: only physical files, of one section (and, here, of one grading, so a merge never
    shows a Secret paper to more eyes), may be merged."""
    if file["_id"] == other["_id"]:
        raise Conflict("MERGE_WITH_ITSELF")
    if not (file.get("physical") and other.get("physical")):
        raise Conflict("ONLY_PHYSICAL_MERGED")
    if not file.get("section") or file.get("section") != other.get("section"):
        raise Conflict("MERGE_SECTIONS_DIFFER")
    if file.get("office_id") != other.get("office_id"):
        raise Conflict("MERGE_SECTIONS_DIFFER")
    if file["grading"] != other["grading"]:
        raise Conflict("MERGE_GRADINGS_DIFFER")


def skipped_levels(from_chain: list[str], to_post_id: str) -> list[str] | None:
    """The posts a file jumps over on its way up, when the receiver is above the sender in the
    chain of command; None when the receiver is not above (sideways or down). ``from_chain`` is
    the sender's reporting chain, nearest first."""
    if to_post_id not in from_chain:
        return None
    return from_chain[: from_chain.index(to_post_id)]


def levels_to_decision(route: list[str]) -> int:
    """How many levels a file climbed on its way to a decision (CSMOP: no more than four)."""
    return len(route)


# --- coming into being at a post ---------------------------------------------------------------


def new_item(
    doc: Item,
    search_terms: list[str],
    actor: Actor,
    post_id: str,
    now: str,
    action: str,
    details: dict[str, Any],
    event: Event,
) -> NewItem:
    """A receipt or file as it comes into being at a post (diarised, opened, or a copy marked
    to it): ``doc`` as its kind describes it, then its version, the first link of its history
    chain and its search terms; and the event that tells of it."""
    first = history.entry(None, action, now, actor, post_id, details)
    made = {**doc, "version": 1, "history": [first], "search_terms": search_terms}
    return NewItem(made, event.at(first["seq"]))


# --- opening -----------------------------------------------------------------------------------


def is_first_open(actor: Actor, item: Item) -> bool:
    """The holder opening it for the first time since it reached them is recorded."""
    return actor.holds(item["holder_post_id"]) and item.get("opened_at") is None


def opened(kind: str, item: Item, actor: Actor, now: str) -> Change:
    """The holder opens what reached them."""
    told: type[Payload] = ReceiptOpened if kind == "receipts" else FileOpened
    about = {_ID[kind]: item["_id"], "number": item["number"], "post_id": item["holder_post_id"]}
    return change(
        "opened",
        actor,
        item["holder_post_id"],
        now,
        set={"opened_at": now},
        events=(Event(told, about),),
    )


# --- moving ------------------------------------------------------------------------------------

_ID = {"receipts": "receipt_id", "files": "file_id"}


def require_elsewhere(item: Item, to_post_id: str) -> None:
    """What moves goes to another post than the one holding it."""
    if to_post_id == item["holder_post_id"]:
        raise Conflict("ALREADY_WITH_THAT_POST")


def arrival(kind: str, item: Item, to: Post, now: str, pulled_back: bool = False) -> Item:
    """Where ``item`` (or a copy of it) now waits, and from whom: unopened, and a physical
    receipt unreceived."""
    # A pull back undoes the send: the file is the sender's again as it was before it, open in
    # front of them. Any other move of a file remembers what a pull back would restore.
    before = item.get("before_send", {})
    moved: dict[str, Any] = {
        "holder_post_id": to["id"],
        "holder_post_name": Names.of(to).model_dump(),
        "from_post_name": before.get("from_post_name") if pulled_back else item["holder_post_name"],
        "sent_by_post_id": (
            before.get("sent_by_post_id") if pulled_back else item["holder_post_id"]
        ),
    }
    if kind == "files":
        moved["before_send"] = (
            {}
            if pulled_back
            else {
                "from_post_name": item.get("from_post_name"),
                "sent_by_post_id": item.get("sent_by_post_id"),
            }
        )
    # A new stay at a desk: the seven-working-day rule counts afresh, and the posts above the
    # last holder no longer see it as escalated.
    moved |= {
        "holder_since": now,
        "opened_at": now if pulled_back else None,
        "escalated_to_post_ids": [],
    }
    if kind == "receipts":
        moved["awaiting_receipt"] = item.get("kind") == "physical"
    return moved


@dataclass(frozen=True)
class Sending:
    """How an item goes on: ``how`` it moves (``sent``, ``sent_back``, ``pulled_back``), the
    sender's remark and priority; a file's due date and the levels it skips on its way up; the
    posts a receipt's copies go to (recorded with the send; each copy is a new receipt)."""

    how: str
    remark: str
    priority: str = "normal"
    due_date: str | None = None
    skipped: list[str] | None = None
    copies_to: tuple[Post, ...] = ()


def send(
    kind: str, item: Item, actor: Actor, to: Post, how: Sending, now: str, to_chain: list[str]
) -> Change:
    """Move ``item`` from its holder to the post ``to`` (whose chain of command is
    ``to_chain``): it waits there unopened (a physical receipt also unreceived), the posts it
    passed and their supervisors may see it from now on, and the office is told."""
    from_post = item["holder_post_id"]
    pulled_back = how.how == "pulled_back"
    moved = arrival(kind, item, to, now, pulled_back)
    moved["priority"] = how.priority
    if kind == "files":
        moved["due_date"] = how.due_date
    moved |= {
        "remark": how.remark,
        "involved_posts": sorted(set(item["involved_posts"]) | {to["id"]}),
        "supervisors": sorted(set(item.get("supervisors", [])) | set(to_chain)),
    }
    details: dict[str, Any] = {"to_post_id": to["id"], "to_post_name": Names.of(to).model_dump()}
    if kind == "receipts":
        details["copies_to"] = [
            {"post_id": p["id"], "post_name": Names.of(p).model_dump()} for p in how.copies_to
        ]
    details |= {"remark": how.remark, "priority": how.priority}
    if kind == "files":
        details |= {"due_date": how.due_date, "skipped_levels": how.skipped or []}
    return change(
        how.how,
        actor,
        to["id"] if pulled_back else from_post,
        now,
        details,
        set=moved,
        events=(sent_event(kind, item, item["_id"], to, how),),
    )


def sent_event(kind: str, item: Item, item_id: str, to: Post, how: Sending) -> Event:
    """What the office is told of a move (of a receipt, or of its copy ``item_id``)."""
    about: dict[str, Any] = {
        _ID[kind]: item_id,
        "number": item["number"],
        "subject": item["subject"],
    }
    if kind == "files":
        about["how"] = how.how
    about |= {
        "from_post_id": item["holder_post_id"],
        "from_post_name": item["holder_post_name"],
        "to_post_id": to["id"],
        "to_post_name": Names.of(to),
        "to_office_id": to["office_id"],
        "to_office_path": to["office_path"],
        "remark": how.remark,
    }
    if kind == "files":
        about |= {
            "priority": how.priority,
            "due_date": how.due_date,
            "drafts_for_approval": sum(1 for d in item.get("drafts", []) if d["status"] == "draft"),
        }
    return Event(ReceiptSent if kind == "receipts" else FileSent, about)


# --- a file's status ---------------------------------------------------------------------------


def changes_status(file: Item, step: Change) -> bool:
    status = step.set.get("status")
    return bool(status) and status != file["status"]


def status_told(file: Item, holder: Post, step: Change) -> Change:
    """``step``, which changes the file's status, with the office told of it (it decides
    whether the file is pending); ``holder`` is the post holding the file."""
    told = {
        "file_id": file["_id"],
        "number": file["number"],
        "status": step.set["status"],
        "post_id": holder["id"],
        "post_name": Names.of(holder),
        "office_path": holder["office_path"],
    }
    return replace(step, events=(*step.events, Event(FileStatusChanged, told)))
