"""The visible signature stamp: who signed, as what, in which office and when, in Hindi and English.

No installed font carries both scripts (Noto Sans Devanagari has digits and punctuation but no
Latin letters; Noto Sans has no Devanagari), and a pyHanko text stamp draws with one font. So the
Devanagari font and the Latin part of Noto Sans are merged once per process (~1 s, in memory);
HarfBuzz (through pyHanko's ``GlyphAccumulator``) then shapes each line, and pyHanko tags every
line with its text (``/ActualText``) so that copying or extracting it gives the original words.

Each line is shaped as one run in the script HarfBuzz guesses from its first letters, so a line
is kept in one script; a Hindi line may end in digits or a short Latin word (``IST``).
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fontTools import subset, ttLib
from fontTools.merge import Merger
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.pdf_utils.xref import ObjectStream
from pyhanko.stamp import QRStampStyle, TextStampStyle

from common import fonts
from common.clock import IST
from common.errors import Refused

# Stamp boxes (PDF points) along the bottom of the last page, right to left, then a row up.
WIDTH = 180
HEIGHT = 80
MARGIN = 24
GAP = 8
FONT_SIZE = 8

_DEVANAGARI = [0x20, 0x2D, 0x2E, 0x30, *range(0x0900, 0x0980), 0x200C, 0x200D, 0x25CC]
_LATIN = [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x2013, 0x2014, 0x2018, 0x2019, 0x201C]
_LATIN += [0x201D, 0x2022, 0x2026, 0x20B9]
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")
_LATIN_FEATURES = ["kern", "liga", "mark", "mkmk", "ccmp", "locl"]


@dataclass(frozen=True)
class Stamp:
    """What the stamp says. ``signed_at`` is shown in IST; ``extra_lines`` follow the date
    (an issue number, a verification code)."""

    name_en: str
    name_hi: str
    designation_en: str
    designation_hi: str
    office_en: str
    office_hi: str
    signed_at: datetime
    extra_lines: tuple[str, ...] = ()
    qr_url: str | None = None  # drawn as a QR code beside the text: where to verify it

    def __post_init__(self) -> None:
        if self.signed_at.tzinfo is None:
            raise ValueError("signed_at must say its time zone")

    def lines(self) -> list[str]:
        """The stamp's lines, top to bottom, each in one script."""
        when = self.signed_at.astimezone(IST).strftime("%d-%m-%Y %H:%M:%S IST")
        lines = [
            f"{self.name_hi}, {self.designation_hi}",
            f"{self.name_en}, {self.designation_en}",
            self.office_hi,
            self.office_en,
            f"दिनांक / Date: {when}",
            *self.extra_lines,
        ]
        return [_clean(line) for line in lines if _clean(line)]


def _clean(text: str) -> str:
    """NFC, one line, single spaces: a stray newline or tab must not break the layout."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def style(stamp: Stamp) -> TextStampStyle:
    """A bordered text stamp, shrunk to fit its box; with a QR code on its left when the stamp
    has a ``qr_url`` (pass it as the ``url`` appearance parameter when signing)."""
    text = "\n".join(stamp.lines()).replace("%", "%%")  # the stamp text is a %-template
    box_style = TextBoxStyle(
        font=_BilingualFont(FONT_SIZE), font_size=FONT_SIZE, leading=FONT_SIZE + 3
    )
    if stamp.qr_url:
        return QRStampStyle(stamp_text=text, text_box_style=box_style, border_width=1, innsep=2)
    return TextStampStyle(stamp_text=text, text_box_style=box_style, border_width=1)


def text_params(stamp: Stamp) -> dict[str, str] | None:
    """What the stamp's appearance needs at signing time (the QR code's URL)."""
    return {"url": stamp.qr_url} if stamp.qr_url else None


def box(page_box: tuple[float, float, float, float], slot: int) -> tuple[int, int, int, int]:
    """Where stamp number ``slot`` goes on a page: bottom right first, never overlapping."""
    x0, y0, x1, y1 = page_box
    per_row = max(1, int((x1 - x0 - 2 * MARGIN + GAP) // (WIDTH + GAP)))
    row, column = divmod(slot, per_row)
    right = x1 - MARGIN - column * (WIDTH + GAP)
    bottom = y0 + MARGIN + row * (HEIGHT + GAP)
    if slot < 0 or bottom + HEIGHT > y1 - MARGIN:
        raise Refused("NO_ROOM_FOR_STAMP", {"slot": slot})
    return (round(right - WIDTH), round(bottom), round(right), round(bottom + HEIGHT))


class _BilingualFont(FontEngineFactory):
    """pyHanko's ``GlyphAccumulatorFactory``, but reading the merged font from memory."""

    def __init__(self, font_size: int) -> None:
        self.font_size = font_size

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream: ObjectStream | None = None
    ) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        engine = GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(bilingual_font()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
        # HarfBuzz shapes from its own copy of the font; the fontTools copy is only subset for
        # embedding, which drops the layout tables anyway, after reading them (~150 ms).
        for tag in _LAYOUT_TABLES:
            if tag in engine.tt:
                del engine.tt[tag]
        return engine


@functools.cache
def bilingual_font() -> bytes:
    """Noto Sans Devanagari plus the Latin of Noto Sans, as one TrueType font (built once);
    ``fonts.FontsMissing`` if either is not installed."""
    devanagari, latin = fonts.require([fonts.DEVANAGARI, fonts.LATIN])
    merged = Merger().merge(
        [_subset(devanagari, _DEVANAGARI, ["*"]), _subset(latin, _LATIN, _LATIN_FEATURES)]
    )
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def _subset(path: Path, unicodes: list[int], features: list[str]) -> io.BytesIO:
    font = ttLib.TTFont(path)
    options = subset.Options()
    options.hinting = False
    options.layout_features = features
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out
