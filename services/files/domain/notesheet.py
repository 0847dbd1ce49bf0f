"""The noting side of a file as a PDF, for printing, for the record room and for RTI replies.

Pure: values in, bytes out; the only I/O is reading the fonts. Hindi needs real shaping
(conjuncts, the ि sign drawn before its consonant), so text goes through HarfBuzz with Noto Sans
Devanagari, and Latin letters fall back to Noto Sans."""

import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from common.errors import InvalidInput
from services.files.domain import notes as notes_domain

DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
IST = timezone(timedelta(hours=5, minutes=30), "IST")

# family -> (regular, bold); without these no page can be drawn.
REQUIRED_FONTS = {
    "deva": ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    "latin": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
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

LABELS = {
    "hi": {
        "title": "टिप्पणी पृष्ठ / Note sheet",
        "file_no": "फ़ाइल सं.",
        "subject": "विषय",
        "references": "संदर्भ",
        "draft": "मसौदा / DRAFT",
        "draft_note": "अपुष्ट टिप्पणी, हस्ताक्षरित नहीं",
        "drafted_by": "मसौदा लेखक",
        "on_behalf_of": "{name} की ओर से",
        "page": "पृष्ठ {page} / {total}",
    },
    "en": {
        "title": "Note sheet / टिप्पणी पृष्ठ",
        "file_no": "File No.",
        "subject": "Subject",
        "references": "References",
        "draft": "DRAFT / मसौदा",
        "draft_note": "not confirmed, not signed",
        "drafted_by": "Drafted by",
        "on_behalf_of": "for {name}",
        "page": "Page {page} of {total}",
    },
}


class FontsMissing(RuntimeError):
    """The Noto fonts are not installed where we were told to look (Debian: fonts-noto-core)."""


def labels_for(lang: str, table: dict[str, dict[str, str]]) -> dict[str, str]:
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


def content_date(moments) -> datetime | None:
    """The latest of some ISO moments: stamped as the PDF's creation date instead of the clock,
    so the same notes or history always give the same bytes."""
    parsed = []
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
_DRAWING = ContextVar("drawing", default=False)


class _ExtractableFont(TTFFont):
    """Makes shaped Hindi come back whole from pdftotext, PDF search and copy-paste.

    fpdf2 gives a multi-glyph cluster's text to its first glyph: for "नि" that is the ि drawn on
    the left, so the न after it carries none and readers see a gap ("नि रीक्षक"). And a vowel
    sign nudged left by the font (े over द) starts a hair before the next letter, which poppler
    takes for overprinted duplicate text and splits the word ("दे खें"). So the text is spread
    over the glyphs that advance, in drawing order, and signs that do not advance carry none."""

    __slots__ = ()

    def shape_text(self, text, font_size_pt, text_shaping_params):
        token = _DRAWING.set(True)
        try:
            return super().shape_text(text, font_size_pt, text_shaping_params)
        finally:
            _DRAWING.reset(token)

    def perform_harfbuzz_shaping(self, text, font_size_pt, text_shaping_params):
        infos, positions = super().perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        if not _DRAWING.get():
            return infos, positions
        return _spread_text(infos, positions, len(text)), positions


def _spread_text(infos, positions, text_length: int):
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
        self, labels: dict[str, str], font_dir: str | Path = DEFAULT_FONT_DIR, orientation="P"
    ):
        font_dir = Path(font_dir)
        missing = [
            str(font_dir / name)
            for pair in REQUIRED_FONTS.values()
            for name in pair
            if not (font_dir / name).is_file()
        ]
        if missing:
            raise FontsMissing(
                "Fonts for Hindi PDFs not found: " + ", ".join(missing) + " (on Debian: "
                "apt-get install fonts-noto-core, or pass the directory holding them)"
            )
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_creator("e-Office")
        self.labels = labels
        self._numbering = False
        self._font_dir = font_dir
        self._fallbacks: list[str] = []
        self._covered: set[int] = set()
        self._uncovered: set[int] = set()
        for family, (regular, bold) in REQUIRED_FONTS.items():
            self._load(family, "", font_dir / regular)
            self._load(family, "B", font_dir / bold)
        self._fallbacks.remove("deva")
        self.set_fallback_fonts(self._fallbacks, exact_match=False)
        self.set_text_shaping(True)

    def _load(self, family: str, style: str, path: Path) -> None:
        self.add_font(family, style, str(path))
        font = self.fonts[family + style]
        font.__class__ = _ExtractableFont
        self._covered.update(font.cmap)
        if family not in self._fallbacks:
            self._fallbacks.append(family)

    def _font_for(self, char: str) -> bool:
        """Load the first optional font that can draw ``char``; False if none can."""
        if ord(char) in self._uncovered:
            return False
        for family, name in OPTIONAL_FONTS:
            path = self._font_dir / name
            if family in self._fallbacks or not path.is_file():
                continue
            if ord(char) in _cmap(str(path)):
                self._load(family, "", path)
                self.set_fallback_fonts(self._fallbacks, exact_match=False)
                return True
        self._uncovered.add(ord(char))
        return False

    def _render_styled_text_line(self, *args, **kwargs):
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


MARGIN = 15.0
NUMBER_WIDTH = 14.0  # the margin column holding the paragraph numbers
BODY_GAP = 4.0
LINE = 6.2  # body line height in mm, for 11 pt Devanagari with its tall matras
PARAGRAPH_GAP = 2.0
TEXT_SIZE = 11


class _NoteSheetPdf(OfficePdf):
    def __init__(self, file: dict, labels: dict, font_dir):
        super().__init__(labels, font_dir)
        self.file = file
        self.set_margins(MARGIN, 12, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{labels['title']} {file.get('number', '')}")

    def header(self) -> None:
        left = self.l_margin
        self.set_left_margin(MARGIN)
        self.set_xy(MARGIN, 10)
        width = self.w - 2 * MARGIN
        if self.file.get("office"):
            self.set_font("deva", "B", 11)
            self.cell(width, 6, self.fit_line(str(self.file["office"]), width), align="C")
            self.ln(6)
        self.set_font("deva", "B", 14)
        self.cell(width, 8, self.labels["title"], align="C")
        self.ln(9)
        self.labelled(self.labels["file_no"], str(self.file.get("number", "")), 5.5, 10)
        subject = str(self.file.get("subject", ""))
        if self.page_no() > 1:
            self.set_font("deva", "", 10)
            label_width = self.get_string_width(self.labels["subject"] + ": ") + 1
            subject = self.fit_line(" ".join(subject.split()), width - label_width)
        self.labelled(self.labels["subject"], subject, 5.5, 10)
        self.ln(1.5)
        self.set_draw_color(90)
        self.set_line_width(0.3)
        self.line(MARGIN, self.get_y(), self.w - MARGIN, self.get_y())
        self.ln(4)
        self.set_left_margin(left)
        self.set_x(left)

    def ensure_room(self, height: float) -> None:
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def lines(self, text: str, style: str = "", size: float = TEXT_SIZE) -> list[str]:
        """How ``text`` wraps at the current width, without drawing it."""
        self.set_font("deva", style, size)
        return self.multi_cell(0, LINE, text, align="L", dry_run=True, output="LINES")

    def line_by_line(
        self, lines: list[str], number: int | None, keep_last: int = 0, tail: float = 0
    ) -> None:
        """Draw wrapped lines, ``number`` in the margin of the first; the last ``keep_last`` of
        them go to the next page together with ``tail`` mm of what follows if need be."""
        keep_last = min(keep_last, len(lines))
        for index, line in enumerate(lines):
            if index == len(lines) - keep_last:
                self.ensure_room(LINE * keep_last + tail)
            if index == 0:
                self.ensure_room(LINE * min(2, len(lines)))
                self.margin_number(number)
            self.multi_cell(0, LINE, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def margin_number(self, number: int | None) -> None:
        if number is None:
            return
        self.set_x(MARGIN)
        self.set_font("deva", "B", TEXT_SIZE)
        self.cell(NUMBER_WIDTH, LINE, f"{number}.", align="R")  # leaves y on the number's line
        self.set_font("deva", "", TEXT_SIZE)
        self.set_x(self.l_margin)

    def note(self, note: dict) -> None:
        """One note: each paragraph with its number in the margin, the references, then the
        signature block (green) or who drafted it (yellow). The signature never stands alone at
        the top of a page: the note's last lines go over with it."""
        green = note.get("status") == "green"
        paragraphs = notes_domain.paragraphs(str(note.get("text") or ""))
        numbers = _paragraph_numbers(note, len(paragraphs))
        self.set_left_margin(MARGIN + NUMBER_WIDTH + BODY_GAP)
        self.ensure_room(2 * LINE)
        self.set_x(self.l_margin)
        if not green:
            self.set_text_color(160, 90, 0)
            label = f"{self.labels['draft']} ({self.labels['draft_note']})"
            self.line_by_line(self.lines(label, "B"), None)
            self.set_text_color(0)
        references = ", ".join(str(r) for r in note.get("references") or [])
        closing = self._closing_lines(note, green)
        tail = PARAGRAPH_GAP + LINE * 0.6 + LINE * len(closing)
        if references:
            tail += LINE * len(self.lines(f"{self.labels['references']}: {references}", "B"))
        if not paragraphs:
            self.ensure_room(tail)
        for index, paragraph in enumerate(paragraphs):
            if index < len(paragraphs) - 1:
                self.ensure_room(2 * LINE)  # a number never sits alone at the foot of a page
                self.margin_number(numbers[index])
                self.set_font("deva", "", TEXT_SIZE)
                self.multi_cell(0, LINE, paragraph, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            else:  # wrapped ahead, so its last lines can be kept with the signature
                self.line_by_line(self.lines(paragraph), numbers[index], keep_last=2, tail=tail)
            self.ln(PARAGRAPH_GAP)
        if references:
            self.labelled(self.labels["references"], references, LINE, TEXT_SIZE)
        self.ln(LINE * 0.6)
        for text, style, size, colour in closing:
            self.set_font("deva", style, size)
            self.set_text_color(colour)
            self.multi_cell(0, LINE, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0)
        self.set_left_margin(MARGIN)
        self.set_x(MARGIN)
        self.ln(LINE * 0.8)

    def _closing_lines(self, note: dict, green: bool) -> list[tuple[str, str, float, int]]:
        """A green note ends where the signature is affixed: name, (for whom, when working a
        delegated post), designation, date and time (IST). A draft names who wrote it, in grey,
        and carries no signature block."""
        author = note.get("author")
        name = str((author.get("name") if isinstance(author, dict) else author) or "")
        behalf = (author.get("on_behalf_of") or {}) if isinstance(author, dict) else {}
        for_whom = self.labels["on_behalf_of"].format(name=behalf["name"]) if behalf else ""
        designation = str(note.get("designation") or "")
        if green:
            lines = [
                (name, "B"),
                (for_whom, ""),
                (designation, ""),
                (local_time(note.get("confirmed_at")), ""),
            ]
            return [(text, style, TEXT_SIZE, 0) for text, style in lines if text]
        drafted_by = ", ".join(v for v in (name, for_whom, designation) if v)
        return [(f"{self.labels['drafted_by']}: {drafted_by}", "", 9, 110)]


def _paragraph_numbers(note: dict, count: int) -> list[int | None]:
    """A confirmed note's paragraphs are numbered one each from ``first_paragraph``, as
    ``confirm_note`` numbered them; a note given a single ``paragraph`` number carries it on its
    first paragraph; a draft has none yet."""
    first = note.get("first_paragraph")
    if isinstance(first, int):
        return [first + index for index in range(count)]
    single = note.get("paragraph")
    return [single if isinstance(single, int) and i == 0 else None for i in range(count)]


def _order(note: dict) -> tuple[bool, int]:
    number = note.get("first_paragraph") or note.get("paragraph")
    return (not isinstance(number, int), number if isinstance(number, int) else 0)


def render_note_sheet(
    file: dict, notes: list[dict], lang: str = "hi", font_dir: str | Path = DEFAULT_FONT_DIR
) -> bytes:
    """The note sheet of ``file`` as PDF bytes.

    ``file``: ``number``, ``subject``, ``office`` (its name). Each note: ``text`` (paragraphs
    separated by a blank line, shown exactly as typed), ``first_paragraph`` (numbers run on
    across notes, one a paragraph) or a single ``paragraph`` number, ``author`` (a name, or the
    ``actor.audit()`` dict the files service stores), ``designation`` (the post's name),
    ``confirmed_at`` (ISO), ``status`` (``green``: confirmed, with a signature block; ``yellow``
    or anything else but ``discarded``: shown as a draft), ``references``
    (``["PUC", "FR-I"]``). Discarded notes are left out; drafts follow the numbered notes."""
    pdf = _NoteSheetPdf(file, labels_for(lang, LABELS), font_dir)
    stamped = content_date(n.get("confirmed_at") for n in notes if n.get("confirmed_at"))
    if stamped:
        pdf.set_creation_date(stamped)
    pdf.add_page()
    for note in sorted((n for n in notes if n.get("status") != "discarded"), key=_order):
        pdf.note(note)
    return bytes(pdf.output())
