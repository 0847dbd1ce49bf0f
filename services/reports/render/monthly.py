"""The monthly district report as an A4 PDF, in Hindi or English: an office's pendency by age,
the items past the seven-working-day rule and whether they are explained, adoption, and the
month-wise flow of receipts and files. What goes in it is gathered by the reports service;
this only draws it (values in, bytes out)."""

from pathlib import Path
from typing import Any

from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace

from common.office_pdf import OfficePdf, labels_for, local_time

LABELS: dict[str, dict[str, Any]] = {
    "hi": {
        "title": "मासिक ज़िला प्रतिवेदन",
        "office": "कार्यालय",
        "month": "माह",
        "as_of": "स्थिति",
        "pendency": "लंबित कार्य, आयु अनुसार (कार्य दिवस)",
        "late": "सात कार्य दिवस से अधिक लंबित: स्पष्टीकरण की स्थिति",
        "adoption": "ई-ऑफ़िस अंगीकरण",
        "flows": "माहवार आवक, जावक और निस्तारण",
        "desk": "पटल",
        "total": "कुल",
        "whole_office": "पूरा कार्यालय",
        "ages": ["0–7", "8–15", "16–30", "30 से अधिक"],
        "stages": ["चेतावनी", "स्पष्टीकरण आवश्यक", "उच्चाधिकारी को भेजा गया", "स्पष्टीकृत"],
        "adoption_rows": [
            ("staff_onboarded", "पंजीकृत कर्मचारी (सरकारी आईडी)"),
            ("staff_with_vpn", "वीपीएन वाले कर्मचारी"),
            ("staff_with_dsc", "डीएससी वाले कर्मचारी"),
            ("receipts_created", "ई-प्राप्तियाँ बनाई गईं"),
            ("files_created", "ई-फ़ाइलें बनाई गईं"),
            ("movements", "संचलन"),
            ("first_day", "प्रथम कार्य दिवस"),
        ],
        "flow_columns": ["माह", "प्राप्तियाँ बनीं", "फ़ाइलें बनीं", "प्राप्त", "भेजे गए", "बंद"],
        "none": "कोई लंबित कार्य नहीं",
        "page": "पृष्ठ {page} / {total}",
    },
    "en": {
        "title": "Monthly district report",
        "office": "Office",
        "month": "Month",
        "as_of": "As of",
        "pendency": "Pending items by age (working days)",
        "late": "Held over seven working days: explanation status",
        "adoption": "e-Office adoption",
        "flows": "Month-wise received, sent and closed",
        "desk": "Desk",
        "total": "Total",
        "whole_office": "Whole office",
        "ages": ["0–7", "8–15", "16–30", "over 30"],
        "stages": ["Warning", "Explanation required", "Escalated", "Explained"],
        "adoption_rows": [
            ("staff_onboarded", "Staff onboarded (Gov ID)"),
            ("staff_with_vpn", "Staff with VPN"),
            ("staff_with_dsc", "Staff with DSC"),
            ("receipts_created", "e-Receipts created"),
            ("files_created", "e-Files created"),
            ("movements", "Movements"),
            ("first_day", "First day of work"),
        ],
        "flow_columns": ["Month", "Receipts made", "Files made", "Received", "Sent", "Closed"],
        "none": "Nothing pending",
        "page": "Page {page} of {total}",
    },
}
AGE_KEYS = ("0-7", "8-15", "16-30", "over_30")
STAGE_KEYS = ("warning", "explanation_required", "escalated")
FLOW_KEYS = ("receipts_created", "files_created", "received", "sent", "closed")
MARGIN = 15.0
HEADINGS = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))


def render_monthly(report: dict[str, Any], lang: str, font_dir: Path | None = None) -> bytes:
    """The PDF of ``report`` (``answers.monthly_report``): ``office_id``, ``path``, ``month``,
    ``as_of``, the office's pendency row (``office``) and its desks' (``desks``, each with a
    ``name``), its adoption row (``adoption``) and its month-wise flows (``months``)."""
    labels = labels_for(lang, LABELS)
    pdf = OfficePdf(labels, font_dir)
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{labels['title']} {report['office_id']} {report['month']}")
    pdf.add_page()
    pdf.set_font("deva", "B", 15)
    pdf.cell(0, 9, labels["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.labelled(labels["office"], " / ".join(report["path"]), 5.5, 10)
    pdf.labelled(labels["month"], report["month"], 5.5, 10)
    pdf.labelled(labels["as_of"], local_time(report["as_of"]), 5.5, 10)

    rows = [report["office"], *report["desks"]]
    _heading(pdf, labels["pendency"])
    _table(
        pdf,
        [labels["desk"], *labels["ages"], labels["total"]],
        [[_name(r, labels), *(r["ages"][k] for k in AGE_KEYS), r["total"]] for r in rows],
    )
    _heading(pdf, labels["late"])
    _table(
        pdf,
        [labels["desk"], *labels["stages"]],
        [
            [_name(r, labels), *(r["late"][k] for k in STAGE_KEYS), r["late_explained"]]
            for r in rows
        ],
    )
    _heading(pdf, labels["adoption"])
    adoption = report["adoption"]
    _table(pdf, None, [[text, _shown(adoption.get(key))] for key, text in labels["adoption_rows"]])
    _heading(pdf, labels["flows"])
    _table(
        pdf,
        labels["flow_columns"],
        [[m["month"], *(m.get(k, 0) for k in FLOW_KEYS)] for m in report["months"]],
    )
    return bytes(pdf.output())


def _name(row: dict[str, Any], labels: dict[str, Any]) -> str:
    return str(row.get("name") or labels["whole_office"])


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _heading(pdf: OfficePdf, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("deva", "B", 12)
    pdf.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: OfficePdf, header: list[str] | None, rows: list[list[Any]]) -> None:
    """A table with the first column for names and the rest for numbers."""
    columns = len(header or rows[0])
    pdf.set_font("deva", "", 9)
    with pdf.table(
        col_widths=(3, *([1.4] * (columns - 1))) if columns > 2 else (3, 2),
        line_height=5,
        text_align=Align.L,
        headings_style=HEADINGS,
        cell_fill_color=(246, 246, 246),
        cell_fill_mode=TableCellFillMode.ROWS,
        padding=1,
        first_row_as_headings=header is not None,
        repeat_headings=1,
    ) as table:
        for line in [header] if header else []:
            table.row(line)
        for row in rows:
            table.row([str(cell) for cell in row])
