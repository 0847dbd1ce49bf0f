"""The downloadable master data sheet (XLSX): bilingual headers, a sample row, dropdowns."""

import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from services.identity.domain.sheets.layout import (
    FIELDS,
    MAX_ROWS,
    SAMPLE_EMPLOYEE_CODE,
    column_of,
    header_text,
)
from services.identity.schemas import COLUMNS

SAMPLE_ROW = {
    "name_en": "Ram Kumar Yadav",
    "name_hi": "राम कुमार यादव",
    "employee_code": SAMPLE_EMPLOYEE_CODE,
    "date_of_birth": "15-08-1990",
    "gender": "Male",
    "designation": "",
    "date_of_joining": "01-07-2015",
    "mobile": "9876543210",
    "email": "ram.yadav@up.gov.in",
    "office_code": "SP-HTR",
    "post": "HC-ESTT-SP-HTR",
    "roles": "dealing_hand",
}


def template_xlsx(designations: list[str]) -> bytes:
    """The downloadable master data sheet: bilingual headers (frozen), one sample row (which
    the reader rejects as SAMPLE_ROW if left in), every cell text-formatted so Excel keeps
    leading zeros and dates as typed, and the designation list on a second sheet as a dropdown."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Employees"
    ws.append([header_text(c) for c in COLUMNS])
    sample = dict(SAMPLE_ROW, designation=designations[0] if designations else "")
    ws.append([sample[c.field] for c in COLUMNS])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font, head.fill = bold, fill
        head.alignment = Alignment(wrap_text=True, vertical="top")
        if column.hint:
            head.comment = Comment(column.hint, "e-Office")
        ws.cell(row=2, column=index).font = Font(italic=True, color="808080")
        ws.column_dimensions[letter].width = max(16, len(header_text(column)) + 2)
        ws.column_dimensions[letter].number_format = "@"
        ws.cell(row=2, column=index).number_format = "@"
    ws.row_dimensions[1].height = 32

    gender = DataValidation(type="list", formula1='"Male,Female,Transgender"', allow_blank=True)
    gender_letter = get_column_letter(FIELDS.index("gender") + 1)
    gender.add(f"{gender_letter}2:{gender_letter}{MAX_ROWS + 1}")
    ws.add_data_validation(gender)

    listing = wb.create_sheet("Designations")
    listing.append([header_text(column_of("designation"))])
    listing["A1"].font = bold
    listing.column_dimensions["A"].width = 40
    for name in designations:
        listing.append([name])
    if designations:
        letter = get_column_letter(FIELDS.index("designation") + 1)
        dropdown = DataValidation(
            type="list",
            formula1=f"Designations!$A$2:$A${len(designations) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            error="Choose a designation from the list / सूची से पदनाम चुनें",
        )
        dropdown.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(dropdown)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
