"""Noting: a note is yellow (a draft its writer may edit or discard) until confirmed; then it is
green, gets its paragraph numbers, and never changes again."""

import uuid
from typing import Any

from common.actor import Actor
from common.errors import Conflict, InvalidInput, NotFound
from services.files.domain import history, search
from services.files.domain.change import Change, Item, change

MAX_NOTE_CHARS = 20_000
REFERENCE_KINDS = ("PUC", "FR", "NOTE", "DRAFT")


def note_by_id(file: Item, note_id: str) -> dict[str, Any]:
    for note in file.get("notes", []):
        if note["id"] == note_id:
            found: dict[str, Any] = note
            return found
    raise NotFound("NOTE_NOT_FOUND")


def check_text(text: str | None) -> str:
    """Notes are plain text, shown as text (a ``<script>`` in a note is just words)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("NOTE_EMPTY")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("NOTE_TOO_LONG", {"max": MAX_NOTE_CHARS})
    return text


def require_own_yellow(actor: Actor, note: dict[str, Any]) -> None:
    """Only its writer touches a draft note; a green note nobody touches."""
    if note["status"] == "green":
        raise Conflict("NOTE_IS_GREEN")
    if note["status"] == "discarded":
        raise Conflict("NOTE_DISCARDED")
    if note["author"]["user_id"] != actor.user_id:
        raise Conflict("NOTE_NOT_YOURS")


def paragraphs(text: str) -> list[str]:
    """A note's paragraphs: blocks separated by blank lines."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def require_approval(file: Item, paragraph: int) -> dict[str, Any]:
    """The green note holding ``paragraph`` must be by a Section Officer or above (an officer)."""
    for note in file.get("notes", []):
        if (
            note["status"] == "green"
            and note["first_paragraph"] <= paragraph <= note["last_paragraph"]
        ):
            if "officer" not in note.get("author_roles", []):
                raise Conflict("APPROVAL_NOT_BY_OFFICER")
            approval: dict[str, Any] = note
            return approval
    raise Conflict("APPROVAL_NOT_FOUND", {"paragraph": paragraph})


def next_paragraph(file: Item) -> int:
    """Paragraph numbers run on across every green note of the file."""
    greens = [n for n in file.get("notes", []) if n["status"] == "green"]
    return max((n["last_paragraph"] for n in greens), default=0) + 1


# --- what noting does to a file ----------------------------------------------------------------


def written(
    file: Item, actor: Actor, post_id: str, now: str, text: str, references: list[Any]
) -> Change:
    """A yellow (draft) note by the actor, at the post holding the file."""
    note = {
        "id": uuid.uuid4().hex,
        "status": "yellow",
        "text": check_text(text),
        "references": references,
        "author": actor.audit(post_id),
        "author_roles": list(actor.roles),
        "post_id": post_id,
        "created_at": now,
        "confirmed_at": None,
        "first_paragraph": None,
        "last_paragraph": None,
    }
    return change(
        "note_written", actor, post_id, now, {"note_id": note["id"]}, push={"notes": note}
    )


def _with_note(file: Item, note_id: str, fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**n, **fields} if n["id"] == note_id else n for n in file["notes"]]


def edited(
    file: Item, note: dict[str, Any], actor: Actor, now: str, text: str, references: list[Any]
) -> Change:
    """The writer's yellow note, changed."""
    fields = {"text": check_text(text), "references": references}
    return change(
        "note_edited",
        actor,
        note["post_id"],
        now,
        {"note_id": note["id"]},
        set={"notes": _with_note(file, note["id"], fields)},
    )


def discarded(file: Item, note: dict[str, Any], actor: Actor, now: str) -> Change:
    return change(
        "note_discarded",
        actor,
        note["post_id"],
        now,
        {"note_id": note["id"]},
        set={"notes": _with_note(file, note["id"], {"status": "discarded"})},
    )


def confirmed(file: Item, note: dict[str, Any], actor: Actor, post_id: str, now: str) -> Change:
    """The writer's yellow note becomes green: numbered on from the last green paragraph, part
    of the record (its words searchable), never to change."""
    first = next_paragraph(file)
    last = first + len(paragraphs(note["text"])) - 1
    green = {
        "status": "green",
        "confirmed_at": now,
        "first_paragraph": first,
        "last_paragraph": last,
    }
    details = {
        "note_id": note["id"],
        "paragraphs": [first, last],
        "text_sha256": history.digest(note["text"]),
    }
    return change(
        "note_confirmed",
        actor,
        post_id,
        now,
        details,
        set={"notes": _with_note(file, note["id"], green)},
        add_to_set={"search_terms": {"$each": search.terms(note["text"])}},
    )


def shown_to(actor: Actor, file: Item) -> list[dict[str, Any]]:
    """The notes of a file a reader sees: the green ones, and their own yellow drafts."""
    return [
        n
        for n in file.get("notes", [])
        if n["status"] == "green"
        or (n["status"] == "yellow" and n["author"]["user_id"] == actor.user_id)
    ]
