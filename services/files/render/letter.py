"""A draft letter or order written in the UI, as the PDF that goes for approval and signature:
the office's heading, the file number and date, the addressee, the subject, the paragraphs as
typed; the lower part of the last page is left free for the signature stamps."""

from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf.enums import XPos, YPos

from common.clock import IST
from common.office_pdf import OfficePdf, labels_for

LABELS = {
    "hi": {
        "letter": "पत्र",
        "order": "आदेश",
        "reply": "पत्र",
        "number": "पत्रांक",
        "date": "दिनांक",
        "to": "सेवा में",
        "subject": "विषय",
        "page": "पृष्ठ {page} / {total}",
    },
    "en": {
        "letter": "Letter",
        "order": "Order",
        "reply": "Letter",
        "number": "No.",
        "date": "Dated",
        "to": "To",
        "subject": "Subject",
        "page": "Page {page} of {total}",
    },
}
SIGNATURE_SPACE = 60.0  # mm kept free at the foot of the last page for the signature stamps
LINE = 6.2


def render_letter(
    draft: dict[str, Any],
    office: dict[str, str],
    file_number: str,
    lang: str = "hi",
    font_dir: Path | None = None,
) -> bytes:
    """``draft``: kind, subject, addressee, text (paragraphs separated by a blank line),
    created_at (ISO). ``office``: name_en, name_hi."""
    labels = labels_for(lang, LABELS)
    pdf = OfficePdf(labels, font_dir)
    written = datetime.fromisoformat(draft["created_at"])
    pdf.set_creation_date(written)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()

    pdf.set_font("deva", "B", 13)
    for name in dict.fromkeys([office.get("name_hi", ""), office.get("name_en", "")]):
        if name:
            pdf.multi_cell(0, 7, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("deva", "B", 12)
    pdf.cell(0, 8, labels[draft["kind"]], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("deva", "", 11)
    day = written.astimezone(IST).strftime("%d.%m.%Y")
    pdf.cell(110, LINE, f"{labels['number']}: {file_number}")
    pdf.cell(0, LINE, f"{labels['date']}: {day}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("deva", "B", 11)
    pdf.cell(0, LINE, labels["to"] + ",", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("deva", "", 11)
    pdf.set_x(pdf.l_margin + 10)
    pdf.multi_cell(0, LINE, draft["addressee"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.labelled(labels["subject"], draft["subject"], LINE, 11)
    pdf.ln(3)
    for paragraph in [p.strip() for p in draft["text"].split("\n\n") if p.strip()]:
        pdf.multi_cell(0, LINE, paragraph, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    if pdf.get_y() > pdf.h - pdf.b_margin - SIGNATURE_SPACE:
        pdf.add_page()  # the stamps need their space below the last line
    return bytes(pdf.output())
