"""Master data sheets for tests, as a nodal officer would fill them."""

import csv
import io

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
