"""Search over receipts and files without a text index. Each document keeps the sorted,
normalised terms of its searchable fields in an array field (``search_terms = terms(number,
subject, sender, ...)``, indexed like any other field); a search asks for the documents that hold
every term of the query (``{"search_terms": {"$all": query_terms(q)}}``), an equality lookup that
both MongoDB and the embedded store answer from an index. Build the terms and the query with this
module only: a document is found only when both sides were normalised the same way.

Normalisation folds what people type differently for the same word:

- Unicode compatibility forms (NFKC, which includes NFC): fullwidth digits and letters from some
  input methods, ligatures from text copied out of PDFs;
- invisible format characters (ZWJ, ZWNJ, zero-width space, word joiner, BOM, soft hyphen, bidi
  marks: every character of category Cf), the combining grapheme joiner and variation selectors:
  "क्‍ष" typed with a joiner is "क्ष";
- the nukta: every Devanagari nukta letter, precomposed (U+0958-U+095F, U+0929, U+0931, U+0934)
  or typed as letter + nukta, becomes its letter without the nukta: ज़िला is जिला, फ़ाइल is फाइल.
  This also folds ड़/ढ़ to ड/ढ, which are distinct letters in Hindi, and a few words differ only
  by a nukta (राज़/राज, ख़ाना/खाना); but typists often leave it out (सडक for सड़क, जिला for
  ज़िला), so for search the recall is worth the rare extra match;
- chandrabindu to anusvara (पाँच is पांच), the usual spelling on keyboards without the
  chandrabindu;
- a nasal consonant + virama before a stop of its own class (ङ्क, ञ्च, ण्ड, न्द, म्ब) to anusvara:
  हिन्दी is हिंदी, सम्बन्ध is संबंध, the two spellings the standard allows;
- case (Unicode casefolding), and every decimal digit (Devanagari ०-९ and other scripts) to 0-9.

Everything else that is not a letter, a mark or a digit separates words: punctuation, the danda
(।) and double danda (॥), brackets, quotes, ``<``/``>``. Only ``-``, ``/`` and ``.`` (and the
Unicode hyphens, folded to ``-``) stay inside a token, so that file and receipt numbers
(``A-11011/3/2025-ESTT``, ``132177/2025/SP-HTR``) and dates stay whole.

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
import unicodedata
from collections.abc import Iterator

MIN_WORD = 2  # shorter words (व, न, a) are neither indexed nor searched for; numbers always are
MIN_PREFIX = 3
MAX_PREFIX = 20
MAX_TOKEN = 64
MAX_SPAN = 6  # consecutive parts of a file or receipt number indexed together
MAX_TERMS = 2000

CONNECTORS = "-/."

_NUKTA = 0x093C
_CHANDRABINDU = 0x0901
_ANUSVARA = "\u0902"
_VIRAMA = "\u094d"
# Drawn as nothing but not of category Cf: combining grapheme joiner, variation selectors.
_INVISIBLE_MARKS = {0x034F, *range(0xFE00, 0xFE10)}
# Hyphens that survive NFKD (U+2011 becomes U+2010, U+FE63 and U+FF0D become "-").
_HYPHENS = {0x2010, 0x2012, 0x2013, 0x2212}

# Nasal + virama before a stop of the same class is written as anusvara.
_NASAL_CLUSTER = re.compile(
    "|".join(
        f"{nasal}{_VIRAMA}(?=[{stops}])"
        for nasal, stops in (
            ("ङ", "कखगघ"),
            ("ञ", "चछजझ"),
            ("ण", "टठडढ"),
            ("न", "तथदध"),
            ("म", "पफबभ"),
        )
    )
)
_PART = re.compile(r"[^-/.]+")


class _FoldTable(dict):
    """The ``str.translate`` table of the per-character folds, filled on first sight of each
    character (the alphabet of real text is small; ``re``'s ``\\w`` is no use here, as it does
    not match Devanagari vowel signs)."""

    def __missing__(self, codepoint: int) -> str | None:
        char = chr(codepoint)
        category = unicodedata.category(char)
        if codepoint == _NUKTA or codepoint in _INVISIBLE_MARKS or category == "Cf":
            folded = None
        elif codepoint == _CHANDRABINDU:
            folded = _ANUSVARA
        elif category == "Nd":
            folded = str(unicodedata.decimal(char))
        elif codepoint in _HYPHENS:
            folded = "-"
        elif char in CONNECTORS or category[0] in "LMN":
            folded = char
        else:
            folded = " "
        self[codepoint] = folded
        return folded


_FOLD = _FoldTable()


def normalise(text: str) -> str:
    """The search form of a text: folded as described above, words separated by single spaces,
    file-number connectors (``-``, ``/``, ``.``) kept. Idempotent."""
    folded = unicodedata.normalize("NFKD", text).translate(_FOLD).casefold()
    folded = _NASAL_CLUSTER.sub(_ANUSVARA, unicodedata.normalize("NFKC", folded))
    return " ".join(folded.split())


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
    nothing: do not send ``{"$all": []}``)."""
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
