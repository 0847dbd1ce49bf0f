"""The leave sanction order as the PDF that is sealed or signed and issued: in Hindi, then in
English, on one page. The office's heading, the order number and date, whose leave of which kind
for which days, by which officer's sanction, and where and with which code anyone can verify it;
the foot of the page is left free for the seal or the signature stamp."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fpdf.enums import XPos, YPos

from common.clock import IST
from common.office_pdf import OfficePdf

SIGNATURE_SPACE = 60.0  # mm kept free at the foot of the page for the stamp
LINE = 6.2
HALVES = {
    "forenoon": ("पूर्वाह्न", "forenoon"),
    "afternoon": ("अपराह्न", "afternoon"),
}


@dataclass(frozen=True)
class Order:
    """What the order says; each name in Hindi and English where the office keeps both."""

    number: str
    code: str
    issued_at: datetime
    office_en: str
    office_hi: str
    applicant: str
    post_en: str
    post_hi: str
    kind_en: str
    kind_hi: str
    from_date: date
    to_date: date
    half: str | None
    days: float
    sanctioned_by_en: str
    sanctioned_by_hi: str
    verify_url: str


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _days(days: float) -> str:
    return f"{days:g}"


def _hindi(order: Order) -> str:
    period = (
        f"दिनांक {_day(order.from_date)} ({HALVES[order.half][0]})"
        if order.half
        else f"दिनांक {_day(order.from_date)} से {_day(order.to_date)} तक"
    )
    return (
        f"श्री/श्रीमती {order.applicant}, {order.post_hi} को {period} कुल {_days(order.days)} "
        f"दिवस का {order.kind_hi} एतद्द्वारा स्वीकृत किया जाता है।"
    )


def _english(order: Order) -> str:
    period = (
        f"on {_day(order.from_date)} ({HALVES[order.half][1]})"
        if order.half
        else f"from {_day(order.from_date)} to {_day(order.to_date)}"
    )
    unit = "day" if order.days == 1 else "days"
    return (
        f"{order.kind_en} of {_days(order.days)} {unit} {period} is hereby sanctioned to "
        f"{order.applicant}, {order.post_en}."
    )


def render_order(order: Order, font_dir: Path | None = None) -> bytes:
    pdf = OfficePdf({"page": "पृष्ठ {page} / {total} · Page {page} of {total}"}, font_dir)
    pdf.set_creation_date(order.issued_at)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.set_font("deva", "B", 13)
    for name in dict.fromkeys([order.office_hi, order.office_en]):
        if name:
            pdf.multi_cell(0, 7, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("deva", "B", 12)
    pdf.cell(0, 8, "अवकाश स्वीकृति आदेश", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 8, "Leave Sanction Order", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font("deva", "", 11)
    pdf.cell(110, LINE, f"आदेश संख्या / Order No.: {order.number}")
    day = _day(order.issued_at.astimezone(IST).date())
    pdf.cell(0, LINE, f"दिनांक / Dated: {day}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for text, sanctioned_by, label in (
        (_hindi(order), order.sanctioned_by_hi, "आज्ञा से"),
        (_english(order), order.sanctioned_by_en, "By order of"),
    ):
        pdf.set_font("deva", "", 11)
        pdf.multi_cell(0, LINE, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        pdf.labelled(label, sanctioned_by, LINE, 11)
        pdf.ln(4)
    pdf.set_font("deva", "", 9)
    pdf.multi_cell(
        0,
        5,
        f"सत्यापन / Verify: {order.verify_url}\nसत्यापन कोड / Verification code: {order.code}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    if pdf.get_y() > pdf.h - pdf.b_margin - SIGNATURE_SPACE:
        pdf.add_page()  # the stamp needs its space below the last line
    return bytes(pdf.output())
