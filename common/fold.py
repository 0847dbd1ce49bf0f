"""How Hindi and English text is folded before it is compared, so that what people type
differently for the same word matches (post search in identity, search in files).

It folds:

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
"""

import re
import unicodedata

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


class _FoldTable(dict[int, str | None]):
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
