"""Gov IDs (each person's official email / login) and post addresses. Pure: no I/O.

A state writes its naming scheme once, as a pattern, and every district gets the same kind of
ID. The same name, office, pattern and set of IDs already taken always give the same answer,
so a dry run shows exactly the IDs that applying will create.

Pattern placeholders (everything else is copied as written, lowercased):

- ``{first}``, ``{last}``: the first and last parts of the English name ("Ram Kumar Yadav":
  ``ram``, ``yadav``); ``{last}`` is empty for a one-part name.
- ``{first_initial}``, ``{last_initial}``, ``{middle_initials}`` ("Ram Kumar Yadav": ``r``,
  ``y``, ``k``), ``{initials}`` (``rky``).
- ``{office}``: the office code, lowercased (``sp-htr``).
- ``{domain}``: the ``domain`` argument (``up.gov.in``).
- ``{n}``: where a collision's number goes (empty the first time, then 2, 3, ...); without it
  the number goes at the end of the part before the ``@``.

Names are folded to lowercase ASCII: accents dropped, Devanagari transliterated. Honorifics at
the start ("Shri", "Sri", "Smt.", "Km.", "Dr.", "Mr.") are dropped; so is an abbreviated
"Mohd."/"Md." when at least two name parts follow it ("Mohd. Aslam Khan" -> aslam.khan, since
otherwise every Mohd. Khan would be mohd.khan, mohd.khan2, ...), but "Mohd. Aslam" and the
full "Mohammad" are kept as names.
"""

import re
import string
import unicodedata

from common.errors import InvalidInput

PLACEHOLDERS = frozenset(
    {
        "first",
        "last",
        "first_initial",
        "last_initial",
        "middle_initials",
        "initials",
        "office",
        "domain",
        "n",
    }
)
_NAME_PLACEHOLDERS = PLACEHOLDERS - {"office", "domain", "n"}
MAX_LOCAL_PART = 64  # RFC 5321
_LONGEST_NAME_PART = 20

HONORIFICS = frozenset(
    {
        "shri",
        "sri",
        "shree",
        "sh",
        "smt",
        "shrimati",
        "srimati",
        "sushri",
        "kumari",
        "km",
        "kum",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "late",
    }
)
_MOHD = frozenset({"mohd", "md"})

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ABBREVIATION = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
_LOCAL_CLEAN = re.compile(r"[^a-z0-9._-]")
_SEPARATOR_RUNS = re.compile(r"([._-])[._-]+")


def gov_id(
    name_en: str, office_code: str, pattern: str, taken: set[str], *, domain: str = ""
) -> str:
    """The Gov ID for a person, not in ``taken``: lowercase IDs (logins are kept lowercase), so
    a caller making thousands of IDs passes one set instead of it being folded per call."""
    fields = _pattern_fields(pattern)
    if "domain" in fields:
        domain = _domain(domain)
    parts = name_parts(name_en)
    if not parts:
        raise InvalidInput("GOV_ID_NAME_UNUSABLE", {"name": name_en})
    office = office_code.strip().lower()
    for cap in range(_LONGEST_NAME_PART, 0, -1):
        local, at_domain = _render(pattern, parts, cap, office, domain, "")
        if len(local) <= MAX_LOCAL_PART - 4:  # room for a collision number
            break
    else:
        raise InvalidInput("GOV_ID_TOO_LONG", {"pattern": pattern})
    if not re.search(r"[a-z]", local):
        raise InvalidInput("GOV_ID_NAME_UNUSABLE", {"name": name_en})
    number = 1
    while True:
        suffix = "" if number == 1 else str(number)
        local, at_domain = _render(pattern, parts, cap, office, domain, suffix)
        if "n" not in fields:
            local += suffix
        candidate = f"{local}@{at_domain}"
        if candidate not in taken:
            return candidate
        number += 1


def post_address(abbreviation: str, domain: str) -> str:
    """A post's own mailbox, which stays with the post when its holder is transferred:
    ``post_address("HC-ESTT-SP-HTR", "up.gov.in")`` is ``hc-estt-sp-htr@up.gov.in``."""
    abbr = abbreviation.strip().upper()
    if not _ABBREVIATION.match(abbr):
        raise InvalidInput("POST_ABBREVIATION_INVALID", {"abbreviation": abbreviation})
    return f"{abbr.lower()}@{_domain(domain)}"


def name_parts(name_en: str) -> list[str]:
    """The parts of a name as lowercase ASCII, honorifics dropped."""
    parts = [p for p in (_fold(word) for word in re.split(r"[\s.]+", name_en)) if p]
    while len(parts) > 1 and parts[0] in HONORIFICS:
        parts = parts[1:]
    if len(parts) > 2 and parts[0] in _MOHD:
        parts = parts[1:]
    return parts


def _pattern_fields(pattern: str) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        raise InvalidInput("GOV_ID_PATTERN_INVALID", {"pattern": pattern}) from None
    fields = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            raise InvalidInput("GOV_ID_PATTERN_INVALID", {"pattern": pattern})
        fields.add(name)
    local, at, rest = pattern.partition("@")
    if not at or "@" in rest or not (fields & _NAME_PLACEHOLDERS):
        raise InvalidInput("GOV_ID_PATTERN_INVALID", {"pattern": pattern})
    if any(name in rest for name in ("{first", "{last", "{middle", "{initials", "{n}")):
        raise InvalidInput("GOV_ID_PATTERN_INVALID", {"pattern": pattern})
    return fields


def _render(
    pattern: str, parts: list[str], cap: int, office: str, domain: str, suffix: str
) -> tuple[str, str]:
    short = [p[:cap] for p in parts]
    first, last = short[0], (short[-1] if len(short) > 1 else "")
    middle = short[1:-1]
    text = pattern.format(
        first=first,
        last=last,
        first_initial=first[:1],
        last_initial=last[:1],
        middle_initials="".join(p[:1] for p in middle),
        initials="".join(p[:1] for p in short),
        office=office,
        domain=domain,
        n=suffix,
    ).lower()
    local, _, at_domain = text.partition("@")
    local = _SEPARATOR_RUNS.sub(r"\1", _LOCAL_CLEAN.sub("", local)).strip("._-")
    if not _DOMAIN.match(at_domain):
        raise InvalidInput("GOV_ID_PATTERN_INVALID", {"pattern": pattern})
    return local, at_domain


def _domain(domain: str) -> str:
    clean = domain.strip().lower().lstrip("@")
    if not _DOMAIN.match(clean):
        raise InvalidInput("GOV_DOMAIN_INVALID", {"domain": domain})
    return clean


# --- folding to ASCII -----------------------------------------------------------------------

_LATIN_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)

# Devanagari, in the spelling people use for their names in English (राम -> ram, not rāma).
_CONSONANTS = {
    "क": "k",
    "ख": "kh",
    "ग": "g",
    "घ": "gh",
    "ङ": "n",
    "च": "ch",
    "छ": "chh",
    "ज": "j",
    "झ": "jh",
    "ञ": "n",
    "ट": "t",
    "ठ": "th",
    "ड": "d",
    "ढ": "dh",
    "ण": "n",
    "त": "t",
    "थ": "th",
    "द": "d",
    "ध": "dh",
    "न": "n",
    "प": "p",
    "फ": "ph",
    "ब": "b",
    "भ": "bh",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "ळ": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
}
_WITH_NUKTA = {"क": "q", "ख": "kh", "ग": "gh", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_VOWELS = {
    "अ": "a",
    "आ": "a",
    "इ": "i",
    "ई": "i",
    "उ": "u",
    "ऊ": "u",
    "ऋ": "ri",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऑ": "o",
    "ऍ": "e",
}
_SIGNS = {
    "ा": "a",
    "ि": "i",
    "ी": "i",
    "ु": "u",
    "ू": "u",
    "ृ": "ri",
    "े": "e",
    "ै": "ai",
    "ो": "o",
    "ौ": "au",
    "ॉ": "o",
    "ॅ": "e",
}
_NASAL = {"ं": "n", "ँ": "n", "ः": "h"}
_VIRAMA, _NUKTA = "्", "़"


def _fold(word: str) -> str:
    """One word as lowercase ASCII letters and digits."""
    text = unicodedata.normalize("NFD", word)
    if any("\u0900" <= ch <= "\u097f" for ch in text):
        text = _transliterate(text)
    text = unicodedata.normalize("NFKD", text.lower().translate(_LATIN_EXTRA))
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _transliterate(text: str) -> str:
    """Devanagari to Latin: a consonant carries an "a" unless a vowel sign or virama follows
    or it ends the word (राम -> ram, शर्मा -> sharma)."""
    out: list[str] = []
    chars = list(text)
    i = 0
    while i < len(chars):
        ch = chars[i]
        if ch in _CONSONANTS:
            nukta = i + 1 < len(chars) and chars[i + 1] == _NUKTA
            out.append(_WITH_NUKTA.get(ch, _CONSONANTS[ch]) if nukta else _CONSONANTS[ch])
            i += 2 if nukta else 1
            following = chars[i] if i < len(chars) else ""
            if following == _VIRAMA:
                i += 1
            elif following in _SIGNS:
                out.append(_SIGNS[following])
                i += 1
            elif following and (
                following in _CONSONANTS or following in _NASAL or following in _VOWELS
            ):
                out.append("a")
            elif not following and len(out) == 1:
                out.append("a")  # a one-letter word keeps its vowel
            continue
        out.append(_VOWELS.get(ch) or _NASAL.get(ch) or (ch if ch.isascii() else ""))
        i += 1
    return "".join(out)
