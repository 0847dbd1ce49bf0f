"""The office's A4 PDF, shared by the note sheet, the RTI export, letters and the monthly district
report: Hindi and English on one page, with the dates and labels an Indian office writes.

Values in, bytes out; the only I/O is reading the fonts (found through ``common.fonts``). Hindi
needs real shaping (conjuncts, the ि sign drawn before its consonant), so text goes through
HarfBuzz with Noto Sans Devanagari, and Latin letters fall back to Noto Sans."""

import unicodedata
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from common import fonts
from common.clock import IST
from common.errors import InvalidInput

# family -> (regular, bold); without these no page can be drawn.
REQUIRED_FONTS = {
    "deva": (fonts.DEVANAGARI, fonts.DEVANAGARI_BOLD),
    "latin": (fonts.LATIN, fonts.LATIN_BOLD),
}
# Loaded only when a text needs them (a quoted letter in Bengali, a ₹-like symbol), if present.
OPTIONAL_FONTS = (
    ("bengali", "NotoSansBengali-Regular.ttf"),
    ("gurmukhi", "NotoSansGurmukhi-Regular.ttf"),
    ("gujarati", "NotoSansGujarati-Regular.ttf"),
    ("oriya", "NotoSansOriya-Regular.ttf"),
    ("tamil", "NotoSansTamil-Regular.ttf"),
    ("telugu", "NotoSansTelugu-Regular.ttf"),
    ("kannada", "NotoSansKannada-Regular.ttf"),
    ("malayalam", "NotoSansMalayalam-Regular.ttf"),
    ("symbols", "NotoSansSymbols-Regular.ttf"),
    ("symbols2", "NotoSansSymbols2-Regular.ttf"),
    ("math", "NotoSansMath-Regular.ttf"),
)
REPLACEMENT = "\ufffd"  # shown for a character no font can draw, rather than dropping it
# fpdf2 writes the page count where this stands; a private-use character no font draws, so text
# a user typed can never contain it (fpdf2's default "{nb}" would be replaced in a note too).
PAGES_ALIAS = "\ue000"

Labels = TypeVar("Labels")


def labels_for(lang: str, table: dict[str, Labels]) -> Labels:
    """The labels of ``table`` in the reader's language; a language it lacks is refused."""
    if lang not in table:
        raise InvalidInput("LANGUAGE_NOT_SUPPORTED", {"lang": lang, "supported": list(table)})
    return table[lang]


def local_time(moment: str | None, seconds: bool = False) -> str:
    """``2025-03-12T10:15:00+00:00`` as an Indian office writes it: ``12.03.2025 15:45`` (IST).
    A time without a zone is taken as already local; anything unreadable is shown as given."""
    if not moment:
        return ""
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return str(moment)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(IST)
    return parsed.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def content_date(moments: Iterable[object]) -> datetime | None:
    """The latest of some ISO moments: stamped as the PDF's creation date instead of the clock,
    so the same notes or history always give the same bytes."""
    parsed: list[datetime] = []
    for moment in moments:
        try:
            when = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
        except ValueError:
            continue
        parsed.append(when if when.tzinfo else when.replace(tzinfo=IST))
    return max(parsed, default=None)


@lru_cache(maxsize=64)
def _cmap(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@dataclass(frozen=True)
class _Glyph:
    codepoint: int
    cluster: int


# Set while fpdf2 shapes text to draw it (not merely to measure it, which it does per letter).
_DRAWING: ContextVar[bool] = ContextVar("drawing", default=False)


class _ExtractableFont(TTFFont):
    """Makes shaped Hindi come back whole from pdftotext, PDF search and copy-paste.

    fpdf2 gives a multi-glyph cluster's text to its first glyph: for "नि" that is the ि drawn on
    the left, so the न after it carries none and readers see a gap ("नि रीक्षक"). And a vowel
    sign nudged left by the font (े over द) starts a hair before the next letter, which poppler
    takes for overprinted duplicate text and splits the word ("दे खें"). So the text is spread
    over the glyphs that advance, in drawing order, and signs that do not advance carry none."""

    __slots__ = ()

    def shape_text(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> Any:
        token = _DRAWING.set(True)
        try:
            return super().shape_text(text, font_size_pt, text_shaping_params)
        finally:
            _DRAWING.reset(token)

    def perform_harfbuzz_shaping(
        self, text: str, font_size_pt: float, text_shaping_params: dict[str, Any] | None
    ) -> tuple[Sequence[Any], Sequence[Any]]:
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        if not _DRAWING.get():
            return infos, positions
        return _spread_text(infos, positions, len(text)), positions


def _spread_text(infos: Sequence[Any], positions: Sequence[Any], text_length: int) -> Sequence[Any]:
    """New cluster values for fpdf2, which gives text index i to the first glyph holding the
    largest cluster value <= i: each glyph that advances gets the next character of its
    cluster (the last one the rest); a glyph that does not advance repeats the value of the
    glyph before it, so it gets nothing."""
    clusters = [int(info.cluster) for info in infos]
    if any(b < a for a, b in zip(clusters, clusters[1:], strict=False)):
        return infos  # a right-to-left run: leave fpdf2's mapping alone
    advances = [position.x_advance != 0 for position in positions]
    # Units: a cluster's glyphs, with any following cluster that draws no advancing glyph.
    units: list[list[int]] = []
    for index, cluster in enumerate(clusters):
        same_cluster = index > 0 and cluster == clusters[index - 1]
        if units and (same_cluster or not advances[index]):
            units[-1].append(index)
        else:
            units.append([index])
    spread = [0] * len(infos)
    for number, unit in enumerate(units):
        first = clusters[unit[0]]
        chars = (clusters[units[number + 1][0]] if number + 1 < len(units) else text_length) - first
        given, value = 0, first
        for index in unit:
            if advances[index] or index == unit[0]:
                value = first + min(given, chars - 1)
                given += 1
            spread[index] = value
    if spread == clusters:
        return infos
    return [_Glyph(info.codepoint, value) for info, value in zip(infos, spread, strict=True)]


class OfficePdf(FPDF):
    """An A4 FPDF that writes Hindi and English: shaping on, Noto Sans Devanagari first, Noto Sans
    for Latin, other Indian scripts loaded when a text needs them. Every string drawn passes
    through ``normalize_text``, so nothing a user typed is dropped silently or read as an fpdf2
    instruction. The footer says "Page x of y" in the language of ``labels``."""

    def __init__(
        self, labels: dict[str, str], font_dir: Path | None = None, orientation: str = "P"
    ) -> None:
        # Checked before anything is drawn: without these no page can be.
        paths = fonts.require([name for pair in REQUIRED_FONTS.values() for name in pair], font_dir)
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_creator("e-Office")
        self.labels = labels
        self._numbering = False
        self._font_dir = font_dir
        self._fallbacks: list[str] = []
        self._covered: set[int] = set()
        self._uncovered: set[int] = set()
        for family, regular, bold in zip(REQUIRED_FONTS, paths[0::2], paths[1::2], strict=True):
            self._load(family, "", regular)
            self._load(family, "B", bold)
        self._fallbacks.remove("deva")
        self.set_fallback_fonts(self._fallbacks, exact_match=False)
        self.set_text_shaping(True)

    def _load(self, family: str, style: str, path: Path) -> None:
        self.add_font(family, style, str(path))
        font = self.fonts[family + style]
        assert isinstance(font, TTFFont)  # a font file added is a TrueType font, not a core one
        font.__class__ = _ExtractableFont
        self._covered.update(font.cmap)
        if family not in self._fallbacks:
            self._fallbacks.append(family)

    def _font_for(self, char: str) -> bool:
        """Load the first optional font that can draw ``char``; False if none can."""
        if ord(char) in self._uncovered:
            return False
        for family, name in OPTIONAL_FONTS:
            path = None if family in self._fallbacks else fonts.find(name, self._font_dir)
            if path is not None and ord(char) in _cmap(str(path)):
                self._load(family, "", path)
                self.set_fallback_fonts(self._fallbacks, exact_match=False)
                return True
        self._uncovered.add(ord(char))
        return False

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        # fpdf2 2.8.9: when a line starts with a fallback-font character (Latin in a Hindi
        # line), it sets the page's font inside the line's q…Q, believes it stays set, and the
        # next line's Hindi is drawn in the wrong font or vanishes (cf. py-pdf/fpdf2#1772). So
        # the font is set for the page, outside any q…Q, before every line.
        if self.page and self.current_font is not None and not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        return super()._render_styled_text_line(*args, **kwargs)

    def normalize_text(self, text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        kept = []
        for char in text:
            if (
                char == "\n"
                or ord(char) in self._covered
                or (char == PAGES_ALIAS and self._numbering)
                or self._font_for(char)
            ):
                kept.append(char)
            elif unicodedata.category(char) not in ("Cc", "Cf"):
                kept.append(REPLACEMENT)  # invisible controls go; anything visible shows as �
        return super().normalize_text("".join(kept))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("deva", "", 9)
        self.set_text_color(80)
        self._numbering = True
        label = self.labels["page"].format(page=self.page_no(), total=PAGES_ALIAS)
        self.cell(0, 5, label, align="C")
        self._numbering = False
        self.set_text_color(0)

    def labelled(self, label: str, value: str, line_height: float, size: float) -> None:
        """``Label: value`` with the value wrapped under itself, not under the label."""
        left = self.l_margin
        self.set_font("deva", "B", size)
        self.cell(self.get_string_width(label + ": ") + 0.5, line_height, label + ":")
        self.set_font("deva", "", size)
        self.set_left_margin(self.get_x())
        self.multi_cell(0, line_height, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_left_margin(left)
        self.set_x(left)

    def fit_line(self, text: str, width: float) -> str:
        """``text`` cut at a word so it fits on one line of ``width``, with … if cut."""
        if self.get_string_width(text) <= width:
            return text
        words = text.split()
        while len(words) > 1 and self.get_string_width(" ".join(words) + " …") > width:
            words.pop()
        cut = " ".join(words)
        while cut and self.get_string_width(cut + " …") > width:  # one word longer than a line
            cut = cut[:-1]
        return cut + " …"
