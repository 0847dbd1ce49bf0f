"""Search over receipts and files without a text index. Each document keeps the sorted,
normalised terms of its searchable fields in an array field (``search_terms = terms(number,
subject, sender, ...)``, indexed like any other field); a search asks for the documents that hold
every term of the query (one equality per term, ``{"$and": [{"search_terms": t}, ...]}``: both
MongoDB and the embedded store answer that from an index; the embedded one reads every document
for ``$all``). Build the terms and the query with this
module only: a document is found only when both sides were normalised the same way.

Normalisation is ``common.fold.normalise`` (nukta, joiners, chandrabindu, nasal clusters, case,
digits); see there.

The terms of a document (:func:`terms`):

- a word of at least two characters, and every prefix of it of three characters or more, so a
  partial word finds it ("establ" finds "Establishment", "हाथ" finds "हाथरस"); prefixes stop at
  ``MAX_PREFIX`` characters, and a query word is cut to that length too, so longer words still
  match;
- a number whole, however short (the 3 of ``A-11011/3/2025-ESTT``); no prefixes, so "1321" does
  not find every receipt from 132100 to 132199;
- a number like ``A-11011/3/2025-ESTT`` whole, each of its parts as above (``11011``, ``estt``),
  and each run of up to ``MAX_SPAN`` consecutive parts as written (``11011/3/2025``, ``sp-htr``,
  ``132177/2025``), so it is found by the whole number and by its parts;
- at most ``MAX_TERMS`` terms, the earliest first (pass the number and the subject before the
  long texts), and no term longer than ``MAX_TOKEN`` characters, so a 10,000-character subject
  costs a bounded index entry.

Characters are counted in code points of the normalised text (जिला is four: ज ि ल ा).
"""

import re
from collections.abc import Iterator

from common.fold import normalise

MIN_WORD = 2  # shorter words (व, न, a) are neither indexed nor searched for; numbers always are
MIN_PREFIX = 3
MAX_PREFIX = 20
MAX_TOKEN = 64
MAX_SPAN = 6  # consecutive parts of a file or receipt number indexed together
MAX_TERMS = 2000

_PART = re.compile(r"[^-/.]+")


def _is_number(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _word_terms(token: str) -> Iterator[str]:
    if _is_number(token):
        yield token[:MAX_TOKEN]
    elif len(token) >= MIN_WORD:
        yield token[:MAX_PREFIX]
        for length in range(MIN_PREFIX, min(len(token), MAX_PREFIX)):
            yield token[:length]


def _chunk_terms(chunk: str) -> Iterator[str]:
    parts = [match.span() for match in _PART.finditer(chunk)]
    if len(parts) == 1:
        yield from _word_terms(chunk[parts[0][0] : parts[0][1]])
        return
    if parts:
        yield _run(chunk, parts[0][0], parts[-1][1])
    for i, (start, end) in enumerate(parts):
        yield from _word_terms(chunk[start:end])
        for j in range(i + 1, min(i + MAX_SPAN, len(parts))):
            yield _run(chunk, start, parts[j][1])


def _run(chunk: str, start: int, end: int) -> str:
    return chunk[start : min(end, start + MAX_TOKEN)]


def terms(*texts: str | None) -> list[str]:
    """The sorted, unique terms of ``texts`` (empty and ``None`` texts are skipped) for a
    document's ``search_terms``: words and their prefixes, numbers, file and receipt numbers
    whole and in parts; at most ``MAX_TERMS``, keeping those that come first."""
    found: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for chunk in normalise(text).split(" "):
            for term in _chunk_terms(chunk):
                found[term] = None
                if len(found) >= MAX_TERMS:
                    return sorted(found)
    return sorted(found)


def query_terms(query: str) -> list[str]:
    """The terms a document must all hold to match ``query``, in the order typed, without
    repeats: each word or number whole (no prefixes; a word longer than ``MAX_PREFIX`` is cut to
    it), a file or receipt number whole (or a run of its parts: ``132177/2025``). Words shorter
    than ``MIN_WORD`` are left out; an empty list means there is nothing to search by (match
    nothing: do not send an empty query)."""
    wanted: dict[str, None] = {}
    for chunk in normalise(query).split(" "):
        parts = [match.span() for match in _PART.finditer(chunk)]
        if len(parts) > 1:
            wanted[_run(chunk, parts[0][0], parts[-1][1])] = None
        elif parts:
            token = chunk[parts[0][0] : parts[0][1]]
            if _is_number(token):
                wanted[token[:MAX_TOKEN]] = None
            elif len(token) >= MIN_WORD:
                wanted[token[:MAX_PREFIX]] = None
    return list(wanted)
