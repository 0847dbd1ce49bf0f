"""Noting: a note is yellow (a draft its writer may edit or discard) until confirmed; then it is
green, gets its paragraph numbers, and never changes again."""

from common.actor import Actor
from common.errors import Conflict, InvalidInput, NotFound

MAX_NOTE_CHARS = 20_000
REFERENCE_KINDS = ("PUC", "FR", "NOTE", "DRAFT")


def note_by_id(file: dict, note_id: str) -> dict:
    for note in file.get("notes", []):
        if note["id"] == note_id:
            return note
    raise NotFound("NOTE_NOT_FOUND")


def check_text(text: str) -> str:
    """Notes are plain text, shown as text (a ``<script>`` in a note is just words)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("NOTE_EMPTY")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput("NOTE_TOO_LONG", {"max": MAX_NOTE_CHARS})
    return text


def require_own_yellow(actor: Actor, note: dict) -> None:
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


def require_approval(file: dict, paragraph: int) -> dict:
    """The green note holding ``paragraph`` must be by a Section Officer or above (an officer)."""
    for note in file.get("notes", []):
        if (
            note["status"] == "green"
            and note["first_paragraph"] <= paragraph <= note["last_paragraph"]
        ):
            if "officer" not in note.get("author_roles", []):
                raise Conflict("APPROVAL_NOT_BY_OFFICER")
            return note
    raise Conflict("APPROVAL_NOT_FOUND", {"paragraph": paragraph})


def next_paragraph(file: dict) -> int:
    """Paragraph numbers run on across every green note of the file."""
    greens = [n for n in file.get("notes", []) if n["status"] == "green"]
    return max((n["last_paragraph"] for n in greens), default=0) + 1
