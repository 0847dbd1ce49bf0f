"""A file's life at its desk, pure: opened at a post (under the scheme or outside it), papers
put in it, parked and unparked, closed and reopened, recorded, linked to another, merged."""

from datetime import date, datetime
from typing import Any

from common.actor import Actor
from common.clock import iso
from common.errors import Conflict
from common.events import FileCreated, Names, ReceiptFiled
from services.files.domain import drafts, movement, notes, receipts, search, visibility
from services.files.domain.change import Change, Event, Item, NewItem, Post, change


def at_post(
    file_id: str,
    number: str,
    post: Post,
    actor: Actor,
    now: str,
    described: dict[str, Any],
    section: str | None,
    supervisors: list[str],
) -> Item:
    """A new file's document, open and held at ``post`` where it was made (a legacy record
    is made the same way, then recorded at once)."""
    return {
        "_id": file_id,
        "number": number,
        "subject": described["subject"],
        "category": described["category"],
        "grading": described["grading"],
        "physical": described["physical"],
        "status": "open",
        "head": described["head"],
        "section": section,
        "office_id": post["office_id"],
        "office_path": post["office_path"],
        "created_at": now,
        "created_by": actor.audit(post["id"]),
        "creator_post_id": post["id"],
        "holder_post_id": post["id"],
        "holder_post_name": Names.of(post).model_dump(),
        "from_post_name": None,
        "holder_since": now,
        "opened_at": now,
        "priority": "normal",
        "due_date": None,
        "remark": "",
        "sent_by_post_id": None,
        "involved_posts": [post["id"]],
        "supervisors": supervisors,
        "notes": [],
        "correspondence": [],
    }


def created(
    file_id: str,
    number: str,
    post: Post,
    actor: Actor,
    now: str,
    described: dict[str, Any],
    section: str | None,
    supervisors: list[str],
) -> NewItem:
    """A file opened at ``post``: ``described`` its subject, category, grading, physical and
    head (``section`` the head's section, if it has a head)."""
    doc = at_post(file_id, number, post, actor, now, described, section, supervisors)
    told = {
        "file_id": file_id,
        "number": number,
        "subject": described["subject"],
        "office_id": post["office_id"],
        "post_id": post["id"],
        "post_name": Names.of(post),
        "physical": described["physical"],
    }
    return movement.new_item(
        doc,
        search.terms(number, described["subject"]),
        actor,
        post["id"],
        now,
        "created",
        {"number": number},
        Event(FileCreated, told),
    )


def next_page(file: Item) -> int:
    """Correspondence pages run on across every paper of the file."""
    return max((c["last_page"] for c in file["correspondence"]), default=0) + 1


def paper(
    kind: str,
    paper_id: str,
    number: str,
    subject: str,
    sha256: str,
    pages: int,
    first: int,
    now: str,
) -> dict[str, Any]:
    """A paper on the correspondence side of a file, as its pages from ``first``."""
    return {
        "kind": kind,
        "id": paper_id,
        "number": number,
        "subject": subject,
        "sha256": sha256,
        "pages": pages,
        "first_page": first,
        "last_page": first + pages - 1,
        "added_at": now,
    }


def require_putable(receipt: Item, file: Item) -> None:
    """A receipt goes into a file only from the desk holding both, open, received, and graded
    no higher than the file."""
    if receipt["holder_post_id"] != file["holder_post_id"]:
        raise Conflict("RECEIPT_NOT_WITH_YOU")
    receipts.require_open(receipt)
    receipts.require_received(receipt)
    visibility.require_graded_within(receipt, file)


def receipt_put_in(
    file: Item, receipt: Item, actor: Actor, now: str, replies: list[dict[str, Any]]
) -> Change:
    """The receipt becomes the file's next pages; its pending replies (given their first
    versions, ``replies``) become drafts of the file."""
    document = receipt["document"]
    pages = paper(
        "receipt",
        receipt["_id"],
        receipt["number"],
        receipt["subject"],
        document["sha256"],
        document["pages"],
        next_page(file),
        now,
    )
    push: dict[str, Any] = {"correspondence": pages}
    if replies:
        push["drafts"] = {"$each": replies}
    details = {
        "receipt_id": receipt["_id"],
        "number": receipt["number"],
        "drafts": [d["id"] for d in replies],
    }
    return change("receipt_put_in", actor, file["holder_post_id"], now, details, push=push)


def put_in_file(receipt: Item, file: Item, actor: Actor, now: str) -> Change:
    """The receipt now lives in the file: it leaves the desk's inbox and pendency, and whoever
    may see the file may see it; its pending replies went with it."""
    moved = [
        {**d, "status": "in_file"} if drafts.is_pending(d) else d for d in receipt.get("drafts", [])
    ]
    told = {
        "receipt_id": receipt["_id"],
        "number": receipt["number"],
        "file_id": file["_id"],
        "file_number": file["number"],
    }
    return change(
        "put_in_file",
        actor,
        file["holder_post_id"],
        now,
        {"file_id": file["_id"], "file_number": file["number"]},
        set={"status": "in_file", "file_id": file["_id"], "drafts": moved},
        events=(Event(ReceiptFiled, told),),
    )


# --- park, close, reopen, record ---------------------------------------------------------------


def require_parked(file: Item) -> None:
    if file["status"] != "parked":
        raise Conflict("FILE_NOT_PARKED")


def parked(actor: Actor, post_id: str, now: str, remark: str) -> Change:
    """The holder sets the file aside (it stays with them, out of their pending work)."""
    return change("parked", actor, post_id, now, {"remark": remark}, set={"status": "parked"})


def unparked(file: Item, actor: Actor, post_id: str, now: str, remark: str) -> Change:
    """The holder takes a parked file up again."""
    require_parked(file)
    return change("unparked", actor, post_id, now, {"remark": remark}, set={"status": "open"})


def require_creator(file: Item, post_id: str) -> None:
    if post_id != file["creator_post_id"]:
        raise Conflict("ONLY_CREATOR_CLOSES")


def closed(file: Item, actor: Actor, post_id: str, now: str, approval_paragraph: int) -> Change:
    """Only the post that opened the file closes it, with the approval of an officer in the
    green note holding ``approval_paragraph``; the closing post alone may reopen or record it."""
    require_creator(file, post_id)
    notes.require_approval(file, approval_paragraph)
    return change(
        "closed",
        actor,
        post_id,
        now,
        {"approval_paragraph": approval_paragraph},
        set={"status": "closed", "closed_by_post_id": post_id},
    )


def reopened(file: Item, actor: Actor, closer: str, now: str, approval_paragraph: int) -> Change:
    """The closing post (``closer``, see ``require_reopenable``) reopens the file, again with an
    officer's approval in a green note."""
    notes.require_approval(file, approval_paragraph)
    details = {"approval_paragraph": approval_paragraph}
    return change("reopened", actor, closer, now, details, set={"status": "open"})


def recorded(
    file: Item, actor: Actor, closer: str, now: datetime, category: str, review: date | None
) -> Change:
    """The closing post sends the closed file to the record room under ``category`` (A, B or
    C), to be reviewed on the date its category sets (``review`` the date asked, if any)."""
    review_on = movement.review_date(category, now.date(), review)
    entry = {
        "category": category,
        "recorded_on": now.date().isoformat(),
        "review_date": review_on.isoformat() if review_on else None,
    }
    return change(
        "recorded", actor, closer, iso(now), entry, set={"status": "recorded", "record": entry}
    )


def require_closed_by(actor: Actor, file: Item, code: str) -> str:
    """The post that closed the file, if the actor holds it (``code`` otherwise)."""
    closer = file.get("closed_by_post_id")
    if not actor.holds(closer):
        raise Conflict(code)
    assert closer is not None  # actor.holds(None) is False
    return str(closer)


def require_reopenable(actor: Actor, file: Item) -> str:
    if file["status"] != "closed":
        raise Conflict("FILE_NOT_CLOSED")
    return require_closed_by(actor, file, "ONLY_CLOSER_REOPENS")


def is_linked(file: Item, other: Item) -> bool:
    """Whether ``file`` shows a link to ``other`` (never to itself)."""
    if other["_id"] == file["_id"]:
        raise Conflict("LINK_TO_ITSELF")
    return other["_id"] in file.get("links", [])


def linked(file: Item, other: Item, actor: Actor, post_id: str, now: str, link: bool) -> Change:
    """``file`` linked to (or delinked from) ``other``."""
    details = {"file_id": other["_id"], "number": other["number"]}
    action, op = ("linked", "add_to_set") if link else ("delinked", "pull")
    return change(action, actor, post_id, now, details, **{op: {"links": other["_id"]}})


def merged(
    file: Item, other: Item, actor: Actor, post_id: str, now: str, reason: str
) -> tuple[Change, Change, list[dict[str, Any]]]:
    """``other`` merged into ``file``: the change of each, and the papers that moved (each
    receipt among them follows with ``moved_with_merge``)."""
    movement.require_mergeable(file, other)
    if other["holder_post_id"] != post_id:
        raise Conflict("FILE_NOT_WITH_YOU")
    first = next_page(file) - 1
    moved = [
        {**c, "first_page": c["first_page"] + first, "last_page": c["last_page"] + first}
        for c in other["correspondence"]
    ]
    about = {"reason": reason}
    gone = change(
        "merged_into",
        actor,
        post_id,
        now,
        {**about, "file_id": file["_id"], "number": file["number"]},
        set={"status": "merged", "merged_into": file["_id"], "correspondence": []},
    )
    grown = change(
        "merged",
        actor,
        post_id,
        now,
        {**about, "file_id": other["_id"], "number": other["number"]},
        push={"correspondence": {"$each": moved}},
        add_to_set={"links": other["_id"]},
        set={
            "involved_posts": sorted(set(file["involved_posts"]) | set(other["involved_posts"])),
            "supervisors": sorted(
                set(file.get("supervisors", [])) | set(other.get("supervisors", []))
            ),
        },
    )
    return gone, grown, moved


def moved_with_merge(file: Item, other: Item, actor: Actor, post_id: str, now: str) -> Change:
    """A receipt that was in ``other`` travels on with ``file``, into which ``other`` merged."""
    details = {"from_file_id": other["_id"], "file_id": file["_id"], "number": file["number"]}
    return change("moved_with_merge", actor, post_id, now, details, set={"file_id": file["_id"]})
