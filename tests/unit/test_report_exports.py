"""The reports' exports, as a reader opens them: the XLSX holds the same rows as the JSON (and
the CSV), numbers as numbers, the header row frozen; the monthly district report's PDF reads
back, through pdftotext, with its Hindi headings whole."""

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from common.errors import InvalidInput
from common.workdays import Calendar
from gateway.api.reports import _flat, table_csv, table_xlsx
from services.reports.answers import monthly_report
from services.reports.render.monthly import render_monthly
from services.reports.schemas import NodeRows

ROWS: list[dict[str, Any]] = [
    *NodeRows.model_json_schema()["examples"][0]["rows"],
    {
        "node": "post:cru",
        "path": ["up", "police", "hathras", "post:cru"],
        "total": 0,
        "ages": {"0-7": 0, "8-15": 0, "16-30": 0, "over_30": 0},
        "late_explained": 0,
        "share_with_vpn": 0.5,
        "oldest_day": None,
        "subject": '=HYPERLINK("http://x")\x07 बैठक',
    },
]


def _sheet_rows(content: bytes) -> tuple[list[str], list[dict[str, Any]], str | None]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in lines[0]]
    rows = [
        {h: v for h, v in zip(header, line, strict=True) if v is not None} for line in lines[1:]
    ]
    return header, rows, sheet.freeze_panes


def test_the_xlsx_holds_the_json_rows_with_numbers_as_numbers() -> None:
    flat = [_flat(r) for r in ROWS]
    header, rows, frozen = _sheet_rows(table_xlsx(flat))

    assert header == table_csv(flat).splitlines()[0].split(",")  # the CSV's columns, in order
    expected = [{k: v for k, v in r.items() if v is not None} for r in flat]
    expected[1]["subject"] = '=HYPERLINK("http://x") बैठक'  # the bell cannot be in XLSX
    assert rows == expected
    assert rows[0]["ages.0-7"] == 2 and isinstance(rows[0]["ages.0-7"], int)
    assert rows[1]["share_with_vpn"] == 0.5
    assert rows[0]["path"] == "up/police/agra-zone/aligarh-range/hathras"
    assert frozen == "A2"


def test_text_starting_with_an_equals_sign_is_text_not_a_formula() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx([_flat(r) for r in ROWS]))).active
    assert sheet is not None
    cell = next(c for c in sheet[3] if isinstance(c.value, str) and c.value.startswith("="))
    assert cell.data_type == "s"


REPORT: dict[str, Any] = {
    "office_id": "hathras",
    "path": ["up", "police", "hathras"],
    "month": "2026-03",
    "as_of": "2026-03-20T11:30:00+00:00",
    "office": ROWS[0],
    "desks": [{**ROWS[0], "name": "निरीक्षक, सदर"}],
    "adoption": {"staff_onboarded": 5, "staff_with_vpn": 0, "first_day": "2026-03-01"},
    "months": [{"month": "2026-03", "receipts_created": 41, "received": 60, "sent": 58}],
}
HEADINGS = {
    "hi": [
        "मासिक ज़िला प्रतिवेदन",
        "लंबित कार्य, आयु अनुसार (कार्य दिवस)",
        "सात कार्य दिवस से अधिक लंबित: स्पष्टीकरण की स्थिति",
        "ई-ऑफ़िस अंगीकरण",
        "माहवार आवक, जावक और निस्तारण",
    ],
    "en": [
        "Monthly district report",
        "Pending items by age (working days)",
        "Held over seven working days: explanation status",
        "e-Office adoption",
        "Month-wise received, sent and closed",
    ],
}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("lang", ["hi", "en"])
def test_the_monthly_report_reads_back_with_its_headings_whole(lang: str, tmp_path: Path) -> None:
    path = tmp_path / "monthly.pdf"
    path.write_bytes(render_monthly(REPORT, lang))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]

    for heading in HEADINGS[lang]:
        assert heading in lines  # a whole line: shaped, no gaps, no vowel sign astray
    assert any(line.startswith("निरीक्षक, सदर 2 1 0 0 3") for line in lines)
    assert any("2026-03 41 0 60 58 0" in line for line in lines)


def test_a_month_not_written_yyyy_mm_is_refused_by_name() -> None:
    nodes = [{"_id": "hathras", "path": ["up", "hathras"]}]
    for month in ("2026-13", "2026-3", "2026-03\n", "march"):
        with pytest.raises(InvalidInput, match="MONTH_INVALID"):
            monthly_report(None, nodes, lambda s, y: Calendar(), datetime.now(UTC), month, "hi")
