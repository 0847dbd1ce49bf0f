"""The reports' exports, as a reader opens them: the XLSX holds the same rows as the JSON (and
the CSV), numbers as numbers, the header row frozen; the monthly district report's PDF reads
back, through pdftotext, with its Hindi headings whole."""

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gateway.api.reports import _flat, table_csv, table_xlsx
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
