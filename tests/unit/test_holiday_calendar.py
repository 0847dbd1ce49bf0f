"""The holiday sheet, row by row, and the calendar the working-day clock is answered."""

import io
from datetime import datetime

import openpyxl
import pytest

from common.clock import IST
from common.errors import InvalidInput
from common.workdays import Calendar
from services.identity.domain import calendar
from services.identity.domain.sheets.reading import read_sheet

HEADERS = "Date / तिथि,Holiday (English),अवकाश (हिन्दी),Kind / प्रकार"


def sheet(*lines: str) -> bytes:
    return "\n".join((HEADERS, *lines)).encode()


def checked(*lines: str, year: int = 2026) -> list[calendar.HolidayRow]:
    return calendar.check_rows(read_sheet(sheet(*lines), layout=calendar.HOLIDAY_SHEET), year)


def codes(row: calendar.HolidayRow) -> list[str]:
    return [r["code"] for r in row.reasons]


def test_good_rows_give_gazetted_and_restricted_holidays_in_either_language():
    rows = checked(
        "26-01-2026,Republic Day,गणतन्त्र दिवस,gazetted",
        "2026-03-04,Holi,होली,राजपत्रित",
        "14/01/2026,Makar Sankranti,,RH",
        "05.11.2026,,गुरु नानक जयंती,निर्बन्धित",
    )
    assert [(r.date, r.kind, r.kept) for r in rows] == [
        ("2026-01-26", "gazetted", True),
        ("2026-03-04", "gazetted", True),
        ("2026-01-14", "restricted", True),
        ("2026-11-05", "restricted", True),
    ]
    assert calendar.summarise(rows) == {"gazetted": 2, "restricted": 2, "reject": 0}


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        ("31-02-2026,Nonesuch,,gazetted", "date", "DATE_NOT_REAL"),
        ("2026-13-01,Nonesuch,,gazetted", "date", "DATE_NOT_REAL"),
        ("next monday,Nonesuch,,gazetted", "date", "DATE_FORMAT_INVALID"),
        ("26-01-2025,Republic Day,,gazetted", "date", "HOLIDAY_DATE_OUTSIDE_YEAR"),
        (",Republic Day,,gazetted", "date", "HOLIDAY_DATE_MISSING"),
        ("26-01-2026,Republic Day,,festival", "kind", "HOLIDAY_KIND_UNKNOWN"),
        ("26-01-2026,Republic Day,,", "kind", "HOLIDAY_KIND_MISSING"),
        ("26-01-2026,,,gazetted", "name_en", "HOLIDAY_NAME_MISSING"),
        ("26-01-2026," + "R" * 121 + ",,gazetted", "name_en", "HOLIDAY_NAME_TOO_LONG"),
        ("=DATE(2026;1;26),Republic Day,,gazetted", "date", "FORMULA_NOT_ALLOWED"),
    ],
)
def test_a_bad_row_is_rejected_with_its_reason_and_the_good_rows_kept(line, field, code):
    good, bad, also_good = checked(
        "15-08-2026,Independence Day,,gazetted", line, "02-10-2026,Gandhi Jayanti,,gazetted"
    )
    assert good.kept and also_good.kept
    assert [(r["field"], r["code"]) for r in bad.reasons] == [(field, code)]
    assert bad.as_dict()["action"] == "reject"
    assert calendar.summarise([good, bad, also_good]) == {
        "gazetted": 2,
        "restricted": 0,
        "reject": 1,
    }


def test_a_date_given_twice_keeps_the_first_row_and_names_it_in_the_later_ones_reason():
    rows = checked(
        "26-01-2026,Republic Day,,gazetted",
        "26-01-2026,Republic Day again,,restricted",
        "2026-01-26,Third time,,gazetted",
    )
    assert [codes(r) for r in rows] == [
        [],
        ["HOLIDAY_DATE_DUPLICATE"],
        ["HOLIDAY_DATE_DUPLICATE"],
    ]
    assert rows[1].reasons[0]["details"] == {"first_row": 2}


def test_a_rejected_row_does_not_claim_its_date():
    rows = checked("26-01-2026,Republic Day,,festival", "26-01-2026,Republic Day,,gazetted")
    assert [codes(r) for r in rows] == [["HOLIDAY_KIND_UNKNOWN"], []]


def test_a_sheet_without_the_kind_column_is_refused_as_a_whole():
    with pytest.raises(InvalidInput) as refused:
        read_sheet(
            b"Date,Holiday (English),Holiday (Hindi)\n26-01-2026,Republic Day,\n",
            layout=calendar.HOLIDAY_SHEET,
        )
    assert refused.value.code == "SHEET_MISSING_COLUMNS"
    assert refused.value.details == {"missing": ["kind"]}


def test_the_template_reads_back_as_three_good_rows_of_its_year():
    content = calendar.template_xlsx(2027)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == [
        "Date / तिथि",
        "Holiday (English) / अवकाश (अंग्रेज़ी)",
        "Holiday (Hindi) / अवकाश (हिन्दी)",
        "Kind / प्रकार",
    ]
    rows = calendar.check_rows(read_sheet(content, "h.xlsx", layout=calendar.HOLIDAY_SHEET), 2027)
    assert [(r.date, r.kind) for r in rows if r.kept] == [
        ("2027-01-26", "gazetted"),
        ("2027-08-15", "gazetted"),
        ("2027-10-02", "gazetted"),
    ]


def test_the_master_data_sheet_is_still_read_with_its_own_columns():
    with pytest.raises(InvalidInput) as refused:
        read_sheet(sheet("26-01-2026,Republic Day,,gazetted"))
    assert refused.value.code == "SHEET_MISSING_COLUMNS"


def test_with_nothing_uploaded_the_default_calendar_is_answered():
    assert calendar.working_calendar("UP", 2026, None) == {
        "state_id": "UP",
        "year": 2026,
        "holidays": [],
        "restricted": [],
        "second_saturday": True,
        "fourth_saturday": False,
        "uploaded": False,
    }


def test_the_stored_calendar_counts_gazetted_holidays_only():
    stored = {
        "holidays": [
            {"date": "2026-03-04", "name_en": "Holi", "name_hi": "", "kind": "gazetted"},
            {"date": "2026-01-14", "name_en": "Sankranti", "name_hi": "", "kind": "restricted"},
            {"date": "2026-01-26", "name_en": "Republic Day", "name_hi": "", "kind": "gazetted"},
        ],
        "second_saturday": True,
        "fourth_saturday": True,
    }
    answer = calendar.working_calendar("UP", 2026, stored)
    assert answer == {
        "state_id": "UP",
        "year": 2026,
        "holidays": ["2026-01-26", "2026-03-04"],
        "restricted": ["2026-01-14"],
        "second_saturday": True,
        "fourth_saturday": True,
        "uploaded": True,
    }
    clock = Calendar.of(answer["holidays"], answer["second_saturday"], answer["fourth_saturday"])
    # Mon 12 Jan to Fri 16 Jan: the restricted holiday on Wednesday does not stop the clock.
    held = clock.working_days_held(
        datetime(2026, 1, 12, 10, tzinfo=IST), datetime(2026, 1, 16, 17, tzinfo=IST)
    )
    assert held == 5
    # Fri 23 Jan to Tue 27 Jan: Saturday 24th (the fourth) off, Sunday, Republic Day on Monday.
    held = clock.working_days_held(
        datetime(2026, 1, 23, 10, tzinfo=IST), datetime(2026, 1, 27, 17, tzinfo=IST)
    )
    assert held == 2


@pytest.mark.parametrize("year", [1899, 2100, "2026", True, 2026.0])
def test_a_year_outside_the_calendar_or_not_a_number_is_refused(year):
    with pytest.raises(InvalidInput) as refused:
        calendar.check_year(year)
    assert refused.value.code == "HOLIDAY_YEAR_INVALID"
