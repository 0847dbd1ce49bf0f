"""The noting side of a file as a PDF, for printing, for the record room and for RTI replies.
Which notes it shows and how they are numbered is ``services.files.domain.notesheet``."""

from pathlib import Path
from typing import Any, cast

from fpdf.enums import XPos, YPos

from common.office_pdf import OfficePdf, content_date, labels_for, local_time
from services.files.domain import notes as notes_domain
from services.files.domain import notesheet as rules

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

MARGIN = 15.0
NUMBER_WIDTH = 14.0  # the margin column holding the paragraph numbers
BODY_GAP = 4.0
LINE = 6.2  # body line height in mm, for 11 pt Devanagari with its tall matras
PARAGRAPH_GAP = 2.0
TEXT_SIZE = 11


class _NoteSheetPdf(OfficePdf):
    def __init__(self, file: dict[str, Any], labels: dict[str, str], font_dir: Path | None) -> None:
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
        wrapped = self.multi_cell(0, LINE, text, align="L", dry_run=True, output="LINES")
        return cast(list[str], wrapped)  # what output="LINES" gives; fpdf2 types every output

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

    def note(self, note: dict[str, Any]) -> None:
        """One note: each paragraph with its number in the margin, the references, then the
        signature block (green) or who drafted it (yellow). The signature never stands alone at
        the top of a page: the note's last lines go over with it."""
        green = note.get("status") == "green"
        paragraphs = notes_domain.paragraphs(str(note.get("text") or ""))
        numbers = rules.paragraph_numbers(note, len(paragraphs))
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

    def _closing_lines(
        self, note: dict[str, Any], green: bool
    ) -> list[tuple[str, str, float, int]]:
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


def render_note_sheet(
    file: dict[str, Any],
    notes: list[dict[str, Any]],
    lang: str = "hi",
    font_dir: Path | None = None,
) -> bytes:
    """The note sheet of ``file`` as PDF bytes.

    ``file``: ``number``, ``subject``, ``office`` (its name). Each note: ``text`` (paragraphs
    separated by a blank line, shown exactly as typed), ``first_paragraph`` (numbers run on
    across notes, one a paragraph) or a single ``paragraph`` number, ``author`` (a name, or the
    ``actor.audit()`` dict the files service stores), ``designation`` (the post's name),
    ``confirmed_at`` (ISO), ``status`` (``green``: confirmed, with a signature block; ``yellow``
    or anything else but ``discarded``: shown as a draft), ``references``
    (``["PUC", "FR-I"]``). Discarded notes are left out; drafts follow the numbered notes.
    The fonts are fontconfig's unless ``font_dir`` names a directory holding them."""
    pdf = _NoteSheetPdf(file, labels_for(lang, LABELS), font_dir)
    stamped = content_date(n.get("confirmed_at") for n in notes if n.get("confirmed_at"))
    if stamped:
        pdf.set_creation_date(stamped)
    pdf.add_page()
    for note in rules.on_the_sheet(notes):
        pdf.note(note)
    return bytes(pdf.output())
