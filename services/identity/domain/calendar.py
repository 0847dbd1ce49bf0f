"""A state's holiday calendar for a year: the sheet the state admin uploads, checked row by row,
what the working-day clock is told, and the default when no calendar has been uploaded. Pure:
rows and stored records in, answers out.

CSMOP's clock stops on Sundays, on the Saturdays a state gives off (second, and in some states
fourth) and on gazetted holidays; a restricted holiday is taken by a few and stops nothing, so
it is shown beside the gazetted ones but never counted.

Like the master data sheet, a bad row (a date that does not exist, one outside the year, a date
already given by an earlier row, an unknown kind) is rejected with its reason and every good
row is kept."""

import io
import re
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.errors import InvalidInput
from common.sheets import Column, SheetLayout, parse_date, reason
from services.identity.domain.sheets.layout import MAX_ROWS, header_text

FIRST_YEAR, LAST_YEAR = 1900, 2099
MAX_NAME = 120

HOLIDAY_SHEET = SheetLayout(
    (
        Column("date", "Date", "तिथि", "DD-MM-YYYY", aliases=("दिनांक", "तारीख", "holiday date")),
        Column(
            "name_en",
            "Holiday (English)",
            "अवकाश (अंग्रेज़ी)",
            "Latin letters / अंग्रेज़ी अक्षर",
            optional=True,
            aliases=("holiday", "occasion", "name of holiday", "अवकाश का नाम"),
        ),
        Column(
            "name_hi",
            "Holiday (Hindi)",
            "अवकाश (हिन्दी)",
            "Devanagari / देवनागरी",
            optional=True,
            aliases=("अवकाश (हिंदी)", "अवकाश का नाम (हिन्दी)"),
        ),
        Column(
            "kind",
            "Kind",
            "प्रकार",
            "gazetted / restricted — राजपत्रित / निर्बन्धित",
            aliases=("type", "holiday type", "अवकाश का प्रकार"),
        ),
    ),
    max_rows=MAX_ROWS,  # the reading's one cap (its message names it); a year has 366 days
)

# How offices write the two kinds, in either language (compared without case or spaces).
_KINDS = {
    "gazetted": "gazetted",
    "g": "gazetted",
    "gh": "gazetted",
    "public": "gazetted",
    "publicholiday": "gazetted",
    "gazettedholiday": "gazetted",
    "राजपत्रित": "gazetted",
    "राजपत्रितअवकाश": "gazetted",
    "सार्वजनिक": "gazetted",
    "सार्वजनिकअवकाश": "gazetted",
    "restricted": "restricted",
    "r": "restricted",
    "rh": "restricted",
    "optional": "restricted",
    "restrictedholiday": "restricted",
    "निर्बन्धित": "restricted",
    "निर्बंधित": "restricted",
    "निर्बन्धितअवकाश": "restricted",
    "निर्बंधितअवकाश": "restricted",
    "प्रतिबंधित": "restricted",
    "ऐच्छिक": "restricted",
}
_LOOKS_LIKE_A_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")

SAMPLE_ROWS = (
    ("26-01-{year}", "Republic Day", "गणतन्त्र दिवस", "gazetted"),
    ("15-08-{year}", "Independence Day", "स्वतन्त्रता दिवस", "gazetted"),
    ("02-10-{year}", "Gandhi Jayanti", "गांधी जयन्ती", "gazetted"),
)


@dataclass
class HolidayRow:
    """One row of a holiday sheet as checked: the holiday it gives, or why it is rejected."""

    row: int
    date: str
    name_en: str
    name_hi: str
    kind: str
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return not self.reasons

    def holiday(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("date", "name_en", "name_hi", "kind")}

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            **self.holiday(),
            "action": self.kind if self.kept else "reject",
            "reasons": self.reasons,
        }


def check_year(year: object) -> int:
    """The year asked for, or HOLIDAY_YEAR_INVALID (calendars are kept for 1900-2099)."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("HOLIDAY_YEAR_INVALID", {"first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def check_rows(rows: list[dict[str, Any]], year: int) -> list[HolidayRow]:
    """Each row of a holiday sheet (as ``read_sheet`` gives it) checked on its own, then for a
    date an earlier kept row already gives: that later row is rejected, the first one kept."""
    checked = [_check_row(row, year) for row in rows]
    first_row_of: dict[str, int] = {}
    for row in checked:
        if not row.kept:
            continue
        if row.date in first_row_of:
            row.reasons.append(
                reason("date", "HOLIDAY_DATE_DUPLICATE", first_row=first_row_of[row.date])
            )
        else:
            first_row_of[row.date] = row.row
    return checked


def _check_row(row: dict[str, Any], year: int) -> HolidayRow:
    raw_date, kind_text = row["date"], row["kind"]
    checked = HolidayRow(row["row"], raw_date, row["name_en"], row["name_hi"], kind_text)
    problems = checked.reasons
    formulas = set(row.get("formulas", []))
    problems.extend(reason(name, "FORMULA_NOT_ALLOWED") for name in row.get("formulas", []))
    if "date" not in formulas:
        day = parse_date(raw_date)
        if not raw_date:
            problems.append(reason("date", "HOLIDAY_DATE_MISSING"))
        elif day is None:
            code = "DATE_NOT_REAL" if _LOOKS_LIKE_A_DATE.match(raw_date) else "DATE_FORMAT_INVALID"
            problems.append(reason("date", code))
        elif day.year != year:
            problems.append(reason("date", "HOLIDAY_DATE_OUTSIDE_YEAR", year=year))
        else:
            checked.date = day.isoformat()
    if not (checked.name_en or checked.name_hi) and not formulas & {"name_en", "name_hi"}:
        problems.append(reason("name_en", "HOLIDAY_NAME_MISSING"))
    for name in ("name_en", "name_hi"):
        if len(row[name]) > MAX_NAME:
            problems.append(reason(name, "HOLIDAY_NAME_TOO_LONG", max=MAX_NAME))
    if "kind" not in formulas:
        kind = _KINDS.get("".join(kind_text.casefold().split()))
        if not kind_text:
            problems.append(reason("kind", "HOLIDAY_KIND_MISSING"))
        elif kind is None:
            problems.append(reason("kind", "HOLIDAY_KIND_UNKNOWN"))
        else:
            checked.kind = kind
    return checked


def summarise(rows: list[HolidayRow]) -> dict[str, int]:
    """How many rows gave a gazetted holiday, a restricted one, or were rejected."""
    actions = [r.as_dict()["action"] for r in rows]
    return {a: actions.count(a) for a in ("gazetted", "restricted", "reject")}


def working_calendar(state_id: str, year: int, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The calendar the clock counts by: the stored one for that state and year, or the
    default (no holidays, second Saturdays off) with ``uploaded`` false."""
    if stored is None:
        return {
            "state_id": state_id,
            "year": year,
            "holidays": [],
            "restricted": [],
            "second_saturday": True,
            "fourth_saturday": False,
            "uploaded": False,
        }
    days = sorted(stored["holidays"], key=lambda h: h["date"])
    return {
        "state_id": state_id,
        "year": year,
        "holidays": [h["date"] for h in days if h["kind"] == "gazetted"],
        "restricted": [h["date"] for h in days if h["kind"] == "restricted"],
        "second_saturday": stored["second_saturday"],
        "fourth_saturday": stored["fourth_saturday"],
        "uploaded": True,
    }


def template_xlsx(year: int) -> bytes:
    """The downloadable holiday sheet: bilingual headers (frozen), three sample holidays of
    ``year`` to overwrite, text-formatted cells (so Excel keeps dates as typed) and a dropdown
    for the kind."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Holidays"
    columns = HOLIDAY_SHEET.columns
    ws.append([header_text(c) for c in columns])
    for when, name_en, name_hi, kind in SAMPLE_ROWS:
        ws.append([when.format(year=year), name_en, name_hi, kind])
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font, head.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letter].width = max(18, len(header_text(column)) + 2)
        ws.column_dimensions[letter].number_format = "@"
        for row in range(2, len(SAMPLE_ROWS) + 2):
            ws.cell(row=row, column=index).number_format = "@"
    ws.row_dimensions[1].height = 32
    kinds = DataValidation(
        type="list",
        formula1='"gazetted,restricted,राजपत्रित,निर्बन्धित"',
        allow_blank=False,
        showErrorMessage=True,
        error="gazetted or restricted / राजपत्रित या निर्बन्धित",
    )
    last = get_column_letter(len(columns))
    kinds.add(f"{last}2:{last}{HOLIDAY_SHEET.max_rows + 1}")
    ws.add_data_validation(kinds)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
