"""Lists a page at a time (API.md: ``?limit=&cursor=`` answered with ``next_cursor``)."""

from typing import TypeVar

from common.errors import InvalidInput
from common.validation import whole_number

MAX_LIMIT = 200

T = TypeVar("T")


def page_of(items: list[T], limit: object, cursor: object) -> tuple[list[T], str | None]:
    """The page of ``items`` the cursor points at, and the cursor of the next page (None at
    the end). The cursor is the position in the list, so the list must come in a fixed order."""
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("BAD_LIMIT")
    start = _position(cursor)
    more = start + limit < len(items)
    return items[start : start + limit], str(start + limit) if more else None


def _position(cursor: object) -> int:
    """Where a cursor points; anything that is not one of ours (say "³²", which once answered
    500) starts at the beginning."""
    return whole_number(str(cursor) if cursor else "") or 0
