"""Master data sheets for tests, as a nodal officer would fill them."""

import csv
import io
import re
import zipfile

import openpyxl

from services.identity.domain.sheets import COLUMNS

HEADERS = [f"{c.en} / {c.hi}" for c in COLUMNS]


def person(n: int, **overrides) -> dict:
    """The n-th constable of a sheet, valid unless told otherwise."""
    return {
        "name_en": f"Ramesh Kumar {chr(65 + n % 26)}{chr(65 + n // 26 % 26)}",
        "name_hi": "रमेश कुमार",
        "employee_code": f"UPP{n:06d}",
        "date_of_birth": "15-08-1990",
        "gender": "Male",
        "designation": "Constable",
        "date_of_joining": "01-07-2015",
        "mobile": f"98{n:08d}",
        "email": "",
        "office_code": "SP-HTR",
        "post": "",
        "roles": "dealing_hand",
        **overrides,
    }


def csv_sheet(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row[c.field] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def xlsx_sheet(rows: list[dict]) -> bytes:
    """The same sheet saved by Excel (well, openpyxl) as XLSX."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row[c.field] for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_last_row_numbered(xlsx: bytes, number: int) -> bytes:
    """The workbook with its first sheet's last row renumbered (its ``r`` attributes edited in
    the XML), as a crafted file can: a few KB naming row 2,000,000,000."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                last = xml.rindex("<row ")
                end = xml.index("</row>", last)
                row = re.sub(r'(<row r=")\d+', rf"\g<1>{number}", xml[last:end])
                row = re.sub(r'(<c r="[A-Z]+)\d+', rf"\g<1>{number}", row)
                data = (xml[:last] + row + xml[end:]).encode()
            target.writestr(item, data)
    return out.getvalue()
