"""What a full-text search asks for: the words of a query, folded as the documents were
(``common.fold.normalise``), each matched whole or, from three characters on, as the start of a
word ("चौकी" finds चौकीदार); a file or receipt number as its parts in a row. A query that is too
long, or holds nothing to search by (only punctuation), is refused with its own code."""

import re
from dataclasses import dataclass

from common.errors import Refused
from common.fold import normalise

MAX_QUERY = 200  # characters as typed: a phrase or a file number, never a pasted page
MIN_PREFIX = 3  # shorter words match only whole ("के" does not find केस)
MIN_WORD = 2  # single letters are noise (व, न, a); numbers are always searched for

_PART = re.compile(r"[^-/.]+")


@dataclass(frozen=True)
class TextQuery:
    """``words``: the folded words a document must all hold (for highlighting: ``starts``, those
    that may be the start of a longer word); ``match``: the same as an FTS5 query."""

    words: tuple[str, ...]
    starts: frozenset[str]
    match: str


def _is_number(word: str) -> bool:
    return word.isascii() and word.isdigit()


def text_query(query: object) -> TextQuery:
    """The query ``query`` as the index and the highlighter read it, or ``Refused``
    (SEARCH_QUERY_TOO_LONG, SEARCH_QUERY_EMPTY)."""
    if not isinstance(query, str) or len(query) > MAX_QUERY:
        raise Refused("SEARCH_QUERY_TOO_LONG", {"max": MAX_QUERY})
    words: dict[str, None] = {}
    starts: set[str] = set()
    phrases: dict[str, None] = {}
    for chunk in normalise(query).split():
        parts = [p for p in _PART.findall(chunk) if _is_number(p) or len(p) >= MIN_WORD]
        if not parts:
            continue
        last = parts[-1]
        prefix = len(last) >= MIN_PREFIX and not _is_number(last)
        words.update(dict.fromkeys(parts))
        if prefix:
            starts.add(last)
        # Folded text holds no quotes, so a part never needs escaping inside one.
        phrases['"' + " ".join(parts) + '"' + ("*" if prefix else "")] = None
    if not phrases:
        raise Refused("SEARCH_QUERY_EMPTY")
    return TextQuery(tuple(words), frozenset(starts), " ".join(phrases))
