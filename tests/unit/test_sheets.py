"""The master data sheet, from the nodal officer's side: download the template, fill it, upload
it for a dry run, read what will be created, updated or rejected and why, upload it again."""

import io
import json
import time
import zipfile
from datetime import datetime

import openpyxl
import pytest

from common.errors import InvalidInput
from services.identity.domain import sheets
from services.identity.domain.sheets import COLUMNS, FIELDS, SheetRules
from tests.support.sheets import person as support_person
from tests.support.sheets import with_last_row_numbered, xlsx_sheet

DESIGNATIONS = ["Constable", "Head Constable", "Sub Inspector", "Inspector", "Superintendent"]
RULES = SheetRules(
    email_domains=frozenset({"up.gov.in", "gov.in", "nic.in", "bihar.gov.in"}),
    designations=tuple(DESIGNATIONS),
    roles=frozenset({"dealing_hand", "diarist", "officer", "nodal_officer", "hq_viewer"}),
)
ENGLISH = [c.en for c in COLUMNS]
HINDI = [c.hi for c in COLUMNS]


def person(n: int = 1, **overrides) -> dict:
    """One filled row, in the order of COLUMNS, as the officer would type it."""
    row = {
        "name_en": "Pooja Yadav",
        "name_hi": "पूजा यादव",
        "employee_code": f"UP{n:06d}",
        "date_of_birth": "15-08-1990",
        "gender": "Female",
        "designation": "Head Constable",
        "date_of_joining": "01-07-2015",
        "mobile": f"98{n:08d}",
        "email": f"pooja.yadav{n}@up.gov.in",
        "office_code": "SP-HTR",
        "post": f"HC-{n}-SP-HTR",
        "roles": "dealing_hand",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], headers=ENGLISH, bom: bool = False) -> bytes:
    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value

    lines = [",".join(quote(h) for h in headers)]
    lines += [",".join(quote(str(r[f])) for f in FIELDS) for r in rows]
    text = "\n".join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def xlsx_bytes(rows: list[list], headers=ENGLISH, above: list[list] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_list(row: dict) -> list:
    return [row[f] for f in FIELDS]


def codes(check_or_plan) -> set[str]:
    return {r["code"] for r in check_or_plan.reasons}


def refused(content: bytes, filename: str = "staff.xlsx") -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        sheets.read_sheet(content, filename)
    return caught.value


def dry_run(content: bytes, existing: dict | None = None, filename="staff.csv"):
    checks = [sheets.validate_row(r, RULES) for r in sheets.read_sheet(content, filename)]
    return sheets.plan(checks, existing or {})


def applied(plans) -> dict[str, dict]:
    """What the store would hold after applying: each created or updated person's values."""
    return {p.employee_code: p.values for p in plans if p.action in ("create", "update")}


# --- the template ---------------------------------------------------------------------------


def test_the_template_has_bilingual_frozen_headers_a_sample_and_the_designation_list():
    wb = openpyxl.load_workbook(io.BytesIO(sheets.template_xlsx(DESIGNATIONS)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[2] == "Employee code / कर्मचारी कोड"
    assert all(" / " in h for h in headers) and len(headers) == len(COLUMNS)
    assert ws.freeze_panes == "A2"
    listing = wb["Designations"]
    assert [c.value for c in listing["A"]][1:] == DESIGNATIONS
    dropdowns = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert "Designations!$A$2:$A$6" in dropdowns


def test_the_template_round_trips_and_a_forgotten_sample_row_is_rejected_not_created():
    rows = sheets.read_sheet(sheets.template_xlsx(DESIGNATIONS), "template.xlsx")
    assert len(rows) == 1 and rows[0]["row"] == 2
    check = sheets.validate_row(rows[0], RULES)
    # Everything in the sample is valid; only its being the sample keeps it out.
    assert check.reasons == ({"field": "employee_code", "code": "SAMPLE_ROW"},)
    assert check.values["date_of_birth"] == "1990-08-15"
    assert sheets.plan([check], {})[0].action == "reject"


# --- reading --------------------------------------------------------------------------------


def test_a_good_xlsx_with_hindi_names_and_indian_dates_is_read_and_normalised():
    typed = person(1, name_en="Ram Kumar Yadav", name_hi="राम कुमार यादव", mobile="+91 98765 43210")
    as_excel_dates = person(
        2,
        date_of_birth=datetime(1988, 1, 26),
        date_of_joining=datetime(2012, 3, 5),
        mobile=9876500002,
        employee_code=912345678,
        email="ARUN.SINGH@UP.GOV.IN",
        gender="पुरुष",
        designation="sub inspector",
        roles="officer, Dealing Hand",
    )
    content = xlsx_bytes(
        [as_list(typed), as_list(as_excel_dates)],
        above=[["Employee Master Data, District Hathras"]],
    )
    rows = sheets.read_sheet(content, "hathras.xlsx")
    assert [r["row"] for r in rows] == [3, 4]
    first, second = (sheets.validate_row(r, RULES) for r in rows)
    assert first.ok and second.ok
    assert first.values["name_hi"] == "राम कुमार यादव"
    assert first.values["mobile"] == "9876543210"
    assert first.values["date_of_birth"] == "1990-08-15"
    expected = {
        "employee_code": "912345678",
        "date_of_birth": "1988-01-26",
        "date_of_joining": "2012-03-05",
        "mobile": "9876500002",
        "email": "arun.singh@up.gov.in",
        "gender": "male",
        "designation": "Sub Inspector",
        "roles": ["dealing_hand", "officer"],
    }
    assert {name: second.values[name] for name in expected} == expected


def test_a_utf8_csv_with_hindi_headers_or_combined_headers_reads_the_same():
    rows = [person(1), person(2, date_of_birth="1991-02-28")]
    combined = [f"{c.en} / {c.hi}" for c in COLUMNS]
    hindi = sheets.read_sheet(csv_bytes(rows, HINDI, bom=True), "staff.csv")
    both = sheets.read_sheet(csv_bytes(rows, combined), "staff.csv")
    shouting = sheets.read_sheet(csv_bytes(rows, [h.upper() for h in ENGLISH]), "staff.csv")
    assert hindi == both == shouting
    assert hindi[0]["name_hi"] == "पूजा यादव" and hindi[1]["row"] == 3
    assert sheets.validate_row(hindi[1], RULES).values["date_of_birth"] == "1991-02-28"


def test_blank_rows_and_unknown_columns_like_a_serial_number_are_ignored():
    content = xlsx_bytes(
        [["1", *as_list(person(1))], ["2"], [], ["3", *as_list(person(3))]],
        headers=["S.No.", *ENGLISH],
    )
    rows = sheets.read_sheet(content, "staff.xlsx")
    assert [(r["row"], r["employee_code"]) for r in rows] == [(2, "UP000001"), (5, "UP000003")]


def test_a_workbook_that_understates_its_size_still_loses_no_rows():
    content = xlsx_bytes([as_list(person(n)) for n in range(1, 6)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:L6"/>', b'<dimension ref="A1:L2"/>')
                assert b"A1:L2" in data
            dst.writestr(item, data)
    assert len(sheets.read_sheet(out.getvalue(), "staff.xlsx")) == 5


@pytest.mark.parametrize(
    "content, detected",
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "pdf"),
        (bytes(range(256)) * 4, "not_utf8"),
        (b"PK\x03\x04" + b"\x00junk" * 50, "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
        (b"<html><table><tr><td>Name</td></tr></table></html>", "html"),
    ],
    ids=["pdf", "binary-junk", "fake-xlsx", "old-xls", "html-as-xls"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_whole(content, detected):
    error = refused(content)
    assert error.code == "SHEET_NOT_SPREADSHEET"
    assert error.details["detected"] == detected


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(out.getvalue(), "letter.xlsx").code == "SHEET_NOT_SPREADSHEET"


def test_a_sheet_with_only_headers_or_nothing_at_all_is_empty():
    assert refused(csv_bytes([]), "staff.csv").code == "SHEET_EMPTY"
    assert refused(xlsx_bytes([])).code == "SHEET_EMPTY"
    assert refused(b"", "staff.csv").code == "SHEET_EMPTY"


def test_a_sheet_missing_columns_says_which():
    headers = [h for h in ENGLISH if h not in ("Mobile", "Official email")]
    content = ",".join(headers).encode() + b"\n" + b"x," * (len(headers) - 1) + b"x\n"
    error = refused(content, "staff.csv")
    assert error.code == "SHEET_MISSING_COLUMNS"
    assert error.details == {"missing": ["mobile", "email"]}


def test_a_sheet_naming_one_column_twice_is_refused():
    content = xlsx_bytes([as_list(person(1)) + ["x"]], headers=[*ENGLISH, "Mobile number"])
    error = refused(content)
    assert error.code == "SHEET_DUPLICATE_COLUMNS" and error.details == {"columns": ["mobile"]}


def test_fifty_thousand_rows_are_refused_quickly():
    line = ",".join(as_list(person(1))).encode() + b"\n"
    content = ",".join(ENGLISH).encode() + b"\n" + line * 50_000
    started = time.perf_counter()
    error = refused(content, "everyone.csv")
    assert error.code == "SHEET_TOO_MANY_ROWS" and error.details == {"max": 20_000}
    assert time.perf_counter() - started < 5


def test_an_xlsx_over_the_limit_is_refused_while_streaming():
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(ENGLISH)
    for n in range(sheets.MAX_ROWS + 5):
        ws.append([f"Name {n}", "", f"E{n}"])
    out = io.BytesIO()
    wb.save(out)
    assert refused(out.getvalue()).code == "SHEET_TOO_MANY_ROWS"


def test_a_row_numbered_two_billion_is_refused_without_reading_up_to_it():
    """An 8 KB file naming row 2,000,000,000 once froze identity for minutes: every row
    number in between was read as an empty row. Now it is refused as soon as it is met."""
    crafted = with_last_row_numbered(xlsx_sheet([support_person(1), support_person(2)]), 2 * 10**9)
    rows_read = []

    def out_of_time() -> bool:  # asked before each row: counts the rows read
        rows_read.append(1)
        return False

    with pytest.raises(InvalidInput) as caught:
        sheets.read_sheet(crafted, "staff.xlsx", out_of_time)
    assert caught.value.code == "SHEET_TOO_MANY_ROWS"
    assert caught.value.details == {"max": sheets.MAX_ROWS}
    assert len(rows_read) < 10


def test_rows_a_little_apart_are_read_and_keep_their_numbers():
    far = sheets.MAX_ROW_NUMBER
    crafted = with_last_row_numbered(xlsx_sheet([support_person(1), support_person(2)]), far)
    rows = sheets.read_sheet(crafted, "staff.xlsx")
    assert [r["row"] for r in rows] == [2, far]
    assert [r["employee_code"] for r in rows] == ["UPP000001", "UPP000002"]


def test_a_sheet_that_takes_too_long_to_read_is_refused():
    """Reading gives up when its deadline passes (here: after the third row)."""
    content = csv_bytes([person(n) for n in range(1, 50)])
    asked = iter(range(10**6))
    with pytest.raises(InvalidInput) as caught:
        sheets.read_sheet(content, "staff.csv", lambda: next(asked) >= 3)
    assert caught.value.code == "SHEET_TOO_SLOW"
    with pytest.raises(InvalidInput) as caught:
        sheets.read_sheet(xlsx_bytes([as_list(person(1))]), "staff.xlsx", lambda: True)
    assert caught.value.code == "SHEET_TOO_SLOW"


def test_a_formula_rejects_only_its_row_in_xlsx():
    bad = as_list(person(2))
    bad[FIELDS.index("email")] = '=HYPERLINK("http://evil.example","click")'
    rows = sheets.read_sheet(xlsx_bytes([as_list(person(1)), bad]), "staff.xlsx")
    assert rows[1]["formulas"] == ["email"] and rows[1]["email"] == ""
    plans = sheets.plan([sheets.validate_row(r, RULES) for r in rows], {})
    assert [p.action for p in plans] == ["create", "reject"]
    assert plans[1].reasons == ({"field": "email", "code": "FORMULA_NOT_ALLOWED"},)


@pytest.mark.parametrize("value", ["=1+2", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3+cmd|x"])
def test_a_csv_cell_that_excel_would_run_as_a_formula_rejects_its_row(value):
    plans = dry_run(csv_bytes([person(1, name_en=value), person(2)]))
    assert plans[0].reasons == ({"field": "name_en", "code": "FORMULA_NOT_ALLOWED"},)
    assert plans[1].action == "create"


def test_phone_numbers_with_a_plus_and_a_dash_for_none_are_not_formulas():
    plans = dry_run(csv_bytes([person(1, mobile="+91 98765-43210", post="-")]))
    assert plans[0].action == "create"
    assert plans[0].values["mobile"] == "9876543210" and plans[0].values["post"] is None


# --- checking rows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"email": "pooja.yadav@gmail.com"}, "email", "EMAIL_NOT_GOVERNMENT"),
        ({"email": "pooja.yadav@up.gov.in.example.com"}, "email", "EMAIL_NOT_GOVERNMENT"),
        ({"email": "pooja yadav at up.gov.in"}, "email", "EMAIL_INVALID"),
        ({"designation": "Chief Minister"}, "designation", "DESIGNATION_UNKNOWN"),
        ({"date_of_birth": "31-02-2025"}, "date_of_birth", "DATE_NOT_REAL"),
        ({"date_of_joining": "2015/07/01"}, "date_of_joining", "DATE_FORMAT_INVALID"),
        ({"date_of_joining": "1 July 2015"}, "date_of_joining", "DATE_FORMAT_INVALID"),
        ({"date_of_joining": "01-07-1850"}, "date_of_joining", "DATE_OUT_OF_RANGE"),
        ({"date_of_birth": "01-01-2010"}, "date_of_birth", "AGE_AT_JOINING_IMPLAUSIBLE"),
        ({"date_of_birth": "01-01-1930"}, "date_of_birth", "AGE_AT_JOINING_IMPLAUSIBLE"),
        ({"mobile": "12345"}, "mobile", "MOBILE_INVALID"),
        ({"mobile": "5876543210"}, "mobile", "MOBILE_INVALID"),
        ({"mobile": "+44 7700 900123"}, "mobile", "MOBILE_INVALID"),
        ({"name_hi": "Pooja Yadav"}, "name_hi", "NAME_NOT_DEVANAGARI"),
        ({"name_hi": "पूजा Yadav"}, "name_hi", "NAME_NOT_DEVANAGARI"),
        ({"name_en": "पूजा यादव"}, "name_en", "NAME_NOT_LATIN"),
        ({"name_en": "Pooja Yadav 2"}, "name_en", "NAME_INVALID_CHARACTERS"),
        ({"name_hi": "पूजा यादव १"}, "name_hi", "NAME_INVALID_CHARACTERS"),
        ({"gender": "X"}, "gender", "GENDER_UNKNOWN"),
        ({"employee_code": "UP 12#3"}, "employee_code", "EMPLOYEE_CODE_INVALID"),
        ({"office_code": "SP HTR!"}, "office_code", "OFFICE_CODE_INVALID"),
        ({"post": "HC_ESTT"}, "post", "POST_ABBREVIATION_INVALID"),
        ({"roles": "dealing_hand, admin"}, "roles", "ROLE_UNKNOWN"),
        ({"name_en": "A" * 201}, "name_en", "TOO_LONG"),
        ({"mobile": ""}, "mobile", "REQUIRED"),
    ],
)
def test_each_bad_value_is_named_with_its_field_and_code(overrides, field, code):
    check = sheets.validate_row({"row": 7, **person(1, **overrides)}, RULES)
    assert [(r["field"], r["code"]) for r in check.reasons] == [(field, code)]
    assert check.row == 7


def test_every_reason_of_a_row_is_given_at_once():
    row = person(1, email="pooja@gmail.com", designation="Hawaldar", mobile="123", name_hi="Pooja")
    check = sheets.validate_row({"row": 2, **row}, RULES)
    assert {(r["field"], r["code"]) for r in check.reasons} == {
        ("email", "EMAIL_NOT_GOVERNMENT"),
        ("designation", "DESIGNATION_UNKNOWN"),
        ("mobile", "MOBILE_INVALID"),
        ("name_hi", "NAME_NOT_DEVANAGARI"),
    }
    gmail = next(r for r in check.reasons if r["field"] == "email")
    assert gmail["details"] == {"domain": "gmail.com"}


def test_blank_email_and_post_are_allowed_and_mean_issue_later():
    check = sheets.validate_row({"row": 2, **person(1, email="", post="")}, RULES)
    assert check.ok and check.values["email"] is None and check.values["post"] is None


def test_an_office_outside_the_nodal_officers_district_is_unknown():
    rules = SheetRules(RULES.email_domains, RULES.designations, RULES.roles, offices={"SP-HTR"})
    check = sheets.validate_row({"row": 2, **person(1, office_code="SP-AGR")}, rules)
    assert codes(check) == {"OFFICE_UNKNOWN"}


# --- the plan -------------------------------------------------------------------------------


def test_a_sheet_of_200_with_one_bad_row_creates_199_and_rejects_the_one():
    rows = [person(n) for n in range(1, 201)]
    rows[136] = person(137, email="constable137@gmail.com")
    plans = dry_run(csv_bytes(rows))
    assert sheets.summarise(plans) == {"create": 199, "update": 0, "unchanged": 0, "reject": 1}
    rejected = next(p for p in plans if p.action == "reject")
    assert rejected.row == 138 and rejected.employee_code == "UP000137"
    assert rejected.reasons == (
        {"field": "email", "code": "EMAIL_NOT_GOVERNMENT", "details": {"domain": "gmail.com"}},
    )


def test_uploading_the_same_sheet_again_changes_nothing():
    content = csv_bytes([person(n) for n in range(1, 51)] + [person(51, email="", post="")])
    first = dry_run(content)
    again = dry_run(content, existing=applied(first))
    assert {p.action for p in again} == {"unchanged"}
    assert [p.values for p in again] == [p.values for p in first]


def test_a_corrected_sheet_updates_exactly_the_changed_fields():
    content = csv_bytes([person(1), person(2)])
    existing = applied(dry_run(content))
    corrected = csv_bytes([person(1), person(2, mobile="98765 00099", designation="Inspector")])
    plans = dry_run(corrected, existing=existing)
    assert [p.action for p in plans] == ["unchanged", "update"]
    assert plans[1].changes == {
        "designation": {"from": "Head Constable", "to": "Inspector"},
        "mobile": {"from": "9800000002", "to": "9876500099"},
    }


def test_a_blank_email_never_erases_the_gov_id_issued_since():
    existing = applied(dry_run(csv_bytes([person(1, email="")])))
    existing["UP000001"]["email"] = "pooja.yadav@up.gov.in"  # issued after the first upload
    plans = dry_run(csv_bytes([person(1, email="")]), existing=existing)
    assert plans[0].action == "unchanged"
    assert plans[0].values["email"] == "pooja.yadav@up.gov.in"


def test_duplicate_employee_codes_reject_every_row_carrying_them():
    rows = [person(1), person(2, employee_code="UP000001"), person(3)]
    plans = dry_run(csv_bytes(rows))
    assert [p.action for p in plans] == ["reject", "reject", "create"]
    assert plans[0].reasons == (
        {"field": "employee_code", "code": "DUPLICATE_IN_SHEET", "details": {"rows": [3]}},
    )
    assert plans[1].reasons[0]["details"] == {"rows": [2]}


def test_an_email_already_used_by_another_employee_is_taken():
    existing = applied(dry_run(csv_bytes([person(1)])))
    plans = dry_run(csv_bytes([person(2, email="pooja.yadav1@up.gov.in")]), existing=existing)
    assert plans[0].reasons == (
        {"field": "email", "code": "EMAIL_TAKEN", "details": {"employee_codes": ["UP000001"]}},
    )


def test_two_new_rows_claiming_one_email_are_both_rejected_and_others_go_ahead():
    rows = [person(1, email="sho@up.gov.in"), person(2, email="sho@up.gov.in"), person(3)]
    plans = dry_run(csv_bytes(rows))
    assert [p.action for p in plans] == ["reject", "reject", "create"]
    assert codes(plans[0]) == codes(plans[1]) == {"EMAIL_TAKEN"}


def test_two_people_may_swap_emails_and_posts_in_one_sheet():
    existing = applied(dry_run(csv_bytes([person(1), person(2)])))
    swapped = [
        person(1, email="pooja.yadav2@up.gov.in", post="HC-2-SP-HTR"),
        person(2, email="pooja.yadav1@up.gov.in", post="HC-1-SP-HTR"),
    ]
    plans = dry_run(csv_bytes(swapped), existing=existing)
    assert [p.action for p in plans] == ["update", "update"]
    assert set(plans[0].changes) == {"email", "post"}


def test_a_post_held_by_someone_not_in_the_sheet_cannot_be_given_to_another():
    existing = applied(dry_run(csv_bytes([person(1)])))
    plans = dry_run(csv_bytes([person(2, post="HC-1-SP-HTR")]), existing=existing)
    assert [(r["field"], r["code"]) for r in plans[0].reasons] == [("post", "POST_TAKEN")]


def test_a_rejected_move_keeps_its_email_so_the_row_counting_on_it_is_rejected_too():
    existing = applied(dry_run(csv_bytes([person(1), person(2)])))
    rows = [
        # Person 1 moves to an email a third person holds, so stays where they are...
        person(1, email="pooja.yadav3@up.gov.in"),
        # ...and person 2, counting on person 1's old email, cannot have it.
        person(2, email="pooja.yadav1@up.gov.in"),
    ]
    existing["UP000003"] = {**existing["UP000002"], "email": "pooja.yadav3@up.gov.in"}
    plans = dry_run(csv_bytes(rows), existing=existing)
    assert [p.action for p in plans] == ["reject", "reject"]
    assert codes(plans[0]) == codes(plans[1]) == {"EMAIL_TAKEN"}


def test_a_bad_row_hears_about_its_taken_email_in_the_same_dry_run():
    existing = applied(dry_run(csv_bytes([person(1)])))
    plans = dry_run(
        csv_bytes([person(2, mobile="123", email="pooja.yadav1@up.gov.in")]), existing=existing
    )
    assert codes(plans[0]) == {"MOBILE_INVALID", "EMAIL_TAKEN"}


def test_the_plan_is_deterministic_and_json_ready():
    content = csv_bytes([person(n) for n in range(1, 20)] + [person(3)])
    assert [p.as_dict() for p in dry_run(content)] == [p.as_dict() for p in dry_run(content)]
    json.dumps([p.as_dict() for p in dry_run(content)], ensure_ascii=False)


@pytest.mark.parametrize(
    "header, field",
    [
        ("Employee code / कर्मचारी कोड", "employee_code"),
        ("  EMPLOYEE   CODE ", "employee_code"),
        ("कर्मचारी  कोड", "employee_code"),
        ("नाम (अंग्रेजी)", "name_en"),
        ("नाम (हिंदी)", "name_hi"),
        ("Date of birth (DD-MM-YYYY)", "date_of_birth"),
        ("E-mail", "email"),
        ("Remarks", None),
    ],
)
def test_headers_are_recognised_in_either_language_whatever_the_spacing(header, field):
    assert sheets.field_for_header(header) == field
