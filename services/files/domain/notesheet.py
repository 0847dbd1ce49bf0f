"""What a file's note sheet shows: which notes, in which order, with which paragraph numbers.
Drawing it is ``services.files.render.notesheet``."""

from typing import Any


def on_the_sheet(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The notes the sheet shows, in order: the numbered (confirmed) notes by their first
    paragraph, then the drafts as they come; discarded notes are left out."""
    return sorted((n for n in notes if n.get("status") != "discarded"), key=_order)


def paragraph_numbers(note: dict[str, Any], count: int) -> list[int | None]:
    """A confirmed note's paragraphs are numbered one each from ``first_paragraph``, as
    ``confirm_note`` numbered them; a note given a single ``paragraph`` number carries it on its
    first paragraph; a draft has none yet."""
    first = note.get("first_paragraph")
    if isinstance(first, int):
        return [first + index for index in range(count)]
    single = note.get("paragraph")
    return [single if isinstance(single, int) and i == 0 else None for i in range(count)]


def _order(note: dict[str, Any]) -> tuple[bool, int]:
    number = note.get("first_paragraph") or note.get("paragraph")
    return (not isinstance(number, int), number if isinstance(number, int) else 0)
