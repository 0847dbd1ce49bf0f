"""A few lines of a document's own text around the first words a search found, as segments
``[{"text": ..., "hit": bool}]``: the screen marks the hits itself and shows every segment as
text, so nothing in a document is ever read as HTML. The text is the original (with its nukta,
its own digits, its spelling); each of its words is folded only to compare it with the query."""

import functools
import re

from common.fold import normalise
from services.files.text.query import TextQuery

BEFORE = 60  # characters of context before the first hit
LENGTH = 240  # characters of a snippet in all
MAX_SCAN = 100_000  # a hit later in a long document is shown by the document's start

# A word: letters and digits (``\w`` less the underscore) with their combining marks (``\w``
# leaves out the Devanagari vowel signs, virama, nukta and anusvara) and the joiners typed
# inside a word. Danda (U+0964, U+0965) is punctuation.
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0963\u0966-\u097f\ua8e0-\ua8ff\u200c\u200d\u00ad])+"
)
_SPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    return normalise(word)


def _is_hit(word: str, query: TextQuery) -> bool:
    folded = _folded(word)
    return folded in query.words or any(folded.startswith(s) for s in query.starts)


def _hits(text: str, query: TextQuery, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text, start, end) if _is_hit(m.group(), query)]


def _segment(text: str, hit: bool) -> dict[str, object]:
    return {"text": _SPACE.sub(" ", text), "hit": hit}


def snippet(text: str, query: TextQuery) -> list[dict[str, object]]:
    """About ``LENGTH`` characters of ``text`` from a little before its first hit, the hits in
    it marked; the start of the text, unmarked, when no word of it is a hit."""
    first = next(
        (m.start() for m in _WORD.finditer(text, 0, MAX_SCAN) if _is_hit(m.group(), query)),
        None,
    )
    begin = 0 if first is None else max(0, first - BEFORE)
    end = min(len(text), begin + LENGTH)
    if first is not None and begin:  # start at a word, not inside one
        space = _SPACE.search(text, begin, first)
        begin = space.end() if space else begin
    if end < len(text):  # and end after one
        spaces = [m.start() for m in _SPACE.finditer(text, begin + LENGTH // 2, end)]
        end = spaces[-1] if spaces else end
    segments = [_segment("…", False)] if begin else []
    at = begin
    for hit_start, hit_end in _hits(text, query, begin, end) if first is not None else []:
        if hit_start > at:
            segments.append(_segment(text[at:hit_start], False))
        segments.append(_segment(text[hit_start:hit_end], True))
        at = hit_end
    if at < end:
        segments.append(_segment(text[at:end], False))
    if end < len(text):
        segments.append(_segment("…", False))
    return _joined(segments)


def _joined(segments: list[dict[str, object]]) -> list[dict[str, object]]:
    """Neighbouring segments of the same kind as one, and none empty."""
    out: list[dict[str, object]] = []
    for seg in segments:
        if not seg["text"]:
            continue
        if out and out[-1]["hit"] == seg["hit"] and not seg["hit"]:
            out[-1] = {"text": str(out[-1]["text"]) + str(seg["text"]), "hit": False}
        else:
            out.append(seg)
    return out
