"""The master data sheet (Employee Master Data): the template, reading it, checking each row,
and the dry-run plan. Pure: bytes in, values out; nothing here touches a database.

A nodal officer uploads a few hundred staff in the morning and everyone must log in by the
afternoon, so every rule works row by row: a bad row is rejected with stable reason codes (the
gateway words them in Hindi or English) and never blocks or damages a good one. The plan is
deterministic and idempotent: uploading the same sheet twice changes nothing, and a corrected
sheet updates people in place by employee code.
"""

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation

from common.errors import InvalidInput
from services.identity.schemas import COLUMNS, Column

MAX_ROWS = 20_000

# The designations a sheet may use, unless the deployment configures its own list.
DESIGNATIONS = (
    "Director General of Police",
    "Additional Director General of Police",
    "Inspector General of Police",
    "Deputy Inspector General of Police",
    "Superintendent of Police",
    "Additional Superintendent of Police",
    "Deputy Superintendent of Police",
    "Inspector",
    "Sub-Inspector",
    "Assistant Sub-Inspector",
    "Head Constable",
    "Constable",
    "Head Clerk",
    "Senior Clerk",
    "Junior Clerk",
    "Senior Assistant",
    "Junior Assistant",
    "Stenographer",
    "Computer Operator",
    "Data Entry Operator",
    "Office Superintendent",
    "Accountant",
    "Class IV Employee",
)
# What an honest sheet of MAX_ROWS people unzips to is a few MB; a zip bomb is far beyond this.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
# A title row or two ("Employee Master Data, District Hathras") may sit above the headers.
HEADER_SEARCH_ROWS = 10
# An XLSX row names its own number, and a tiny file can name 2,000,000,000: a sheet whose rows
# go past the most an honest sheet holds (its people below a few title rows) is refused the
# moment such a row is met, never read up to it.
MAX_ROW_NUMBER = HEADER_SEARCH_ROWS + MAX_ROWS
# Cells further right than this are not read: the template has 12 columns, and a cell in the
# last column Excel allows would otherwise make every row 16,384 cells wide.
MAX_COLUMNS = 200
SAMPLE_EMPLOYEE_CODE = "SAMPLE-0001"


FIELDS = tuple(c.field for c in COLUMNS)
OPTIONAL = frozenset(c.field for c in COLUMNS if c.optional)
_COMPARED = tuple(f for f in FIELDS if f != "employee_code")
_MAX_LENGTH = {
    "name_en": 200,
    "name_hi": 200,
    "employee_code": 40,
    "designation": 100,
    "email": 254,
    "office_code": 40,
    "post": 40,
    "roles": 200,
}

Action = Literal["create", "update", "unchanged", "reject"]


@dataclass(frozen=True)
class SheetRules:
    """What a deployment allows (from its configuration). ``offices``, when given, are the
    office codes this nodal officer may onboard into; None leaves office codes unchecked."""

    email_domains: frozenset[str]
    designations: tuple[str, ...]
    roles: frozenset[str]
    offices: frozenset[str] | None = None
    posts: frozenset[str] | None = None  # the post abbreviations that exist there
    min_age_at_joining: int = 18
    max_age_at_joining: int = 70
    _designation_by_key: dict[str, str] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        domains = frozenset(d.strip().lower().lstrip("@") for d in self.email_domains)
        object.__setattr__(self, "email_domains", domains)
        object.__setattr__(self, "designations", tuple(self.designations))
        object.__setattr__(self, "roles", frozenset(self.roles))
        if self.offices is not None:
            object.__setattr__(self, "offices", frozenset(o.upper() for o in self.offices))
        if self.posts is not None:
            object.__setattr__(self, "posts", frozenset(p.upper() for p in self.posts))
        lookup = {_designation_key(d): d for d in self.designations}
        object.__setattr__(self, "_designation_by_key", lookup)


@dataclass(frozen=True)
class RowCheck:
    """One sheet row after checking: its normalised ``values`` (complete when ``ok``) or the
    ``reasons`` it is rejected, each ``{"field", "code"}`` plus ``details`` where useful."""

    row: int
    employee_code: str
    values: dict[str, Any]
    reasons: tuple[dict, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class RowPlan:
    """What applying the sheet does with one row. ``changes`` (for an update) maps each changed
    field to ``{"from": stored, "to": new}``; ``values`` is the person as they will be."""

    row: int
    employee_code: str
    action: Action
    values: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, dict] = field(default_factory=dict)
    reasons: tuple[dict, ...] = ()

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "employee_code": self.employee_code,
            "action": self.action,
            "values": self.values,
            "changes": self.changes,
            "reasons": list(self.reasons),
        }


# --- the template ---------------------------------------------------------------------------


def header_text(column: Column) -> str:
    return f"{column.en} / {column.hi}"


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
    listing.append([header_text(_column("designation"))])
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


def _column(name: str) -> Column:
    return next(c for c in COLUMNS if c.field == name)


# --- reading --------------------------------------------------------------------------------

_Cell = tuple[str, bool]  # (text, is a formula)

_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().+-]*\d[\d\s().+-]*$")
_DASHES = re.compile(r"^[-\s]+$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
_DATE_HINT = re.compile(r"\(?\s*(?:dd|mm|yyyy|yy)(?:\s*[-/.]\s*(?:dd|mm|yyyy|yy))+\s*\)?", re.I)


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", _DATE_HINT.sub(" ", text)).casefold()
    # Keep letters, digits and vowel signs; drop spaces, punctuation and the nukta, so
    # "अंग्रेज़ी" and "अंग्रेजी", "E-mail" and "email" are the same header.
    return "".join(
        ch
        for ch in text
        if ch != "\u093c" and (ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc"))
    )


_HEADER_FIELD: dict[str, str] = {}
for _c in COLUMNS:
    for _text in (_c.en, _c.hi, _c.field, *_c.aliases):
        _HEADER_FIELD[_header_key(_text)] = _c.field
    _HEADER_FIELD[_header_key(header_text(_c))] = _c.field


def field_for_header(text: str) -> str | None:
    """Which field a header names: English, Hindi or both ("Employee code / कर्मचारी कोड"),
    ignoring case, spaces and punctuation."""
    whole = _HEADER_FIELD.get(_header_key(text))
    if whole:
        return whole
    parts = {_HEADER_FIELD.get(_header_key(p)) for p in re.split(r"[/|\n]", text) if p.strip()}
    parts.discard(None)
    return parts.pop() if len(parts) == 1 else None


def read_sheet(
    content: bytes, filename: str = "", out_of_time: Callable[[], bool] = lambda: False
) -> list[dict]:
    """The data rows of an uploaded sheet (XLSX, or CSV in UTF-8), each a dict of the raw text
    per field plus ``row`` (its number in the sheet) and ``formulas`` (fields whose cell held a
    formula; their text is dropped). Refuses the whole upload only when it cannot be read, or
    when ``out_of_time()`` (asked before each row) says reading has taken too long."""
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, filename, out_of_time)
    return _read_csv(content, filename, out_of_time)


def _watched(
    rows: Iterable[tuple[int, list[_Cell]]], out_of_time: Callable[[], bool]
) -> Iterator[tuple[int, list[_Cell]]]:
    for row in rows:
        if out_of_time():
            raise InvalidInput("SHEET_TOO_SLOW")
        yield row


def _not_spreadsheet(filename: str, detected: str = "unknown") -> InvalidInput:
    return InvalidInput("SHEET_NOT_SPREADSHEET", {"filename": filename, "detected": detected})


_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0", "xls"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
)


def _read_csv(content: bytes, filename: str, out_of_time: Callable[[], bool]) -> list[dict]:
    for magic, detected in _MAGIC:
        if content.startswith(magic):
            raise _not_spreadsheet(filename, detected)
    try:
        if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text" export
            text = content.decode("utf-16")
        else:
            text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_spreadsheet(filename, "not_utf8") from None
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text[:65536]):
        raise _not_spreadsheet(filename)
    if text.lstrip()[:1] == "<":  # an HTML table or XML saved as ".xls"
        raise _not_spreadsheet(filename, "html")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def cells() -> Iterator[tuple[int, list[_Cell]]]:
        for number, record in enumerate(reader, start=1):
            yield number, [_text_cell(value) for value in record]

    try:
        return _collect(_watched(cells(), out_of_time))
    except csv.Error:
        raise _not_spreadsheet(filename) from None


def _read_xlsx(content: bytes, filename: str, out_of_time: Callable[[], bool]) -> list[dict]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_spreadsheet(filename, "zip") from None
    if b"opendocument.spreadsheet" in mimetype:
        raise _not_spreadsheet(filename, "ods")
    if "xl/workbook.xml" not in names:
        raise _not_spreadsheet(filename, "zip")
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InvalidInput("SHEET_TOO_LARGE", {"max_bytes": MAX_UNZIPPED_BYTES})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=False, keep_links=False
            )
        except Exception:  # openpyxl raises a zoo of types for a broken workbook
            raise _not_spreadsheet(filename, "xlsx") from None
        try:
            return _collect_workbook(wb, filename, out_of_time)
        finally:
            wb.close()


def _collect_workbook(wb, filename: str, out_of_time: Callable[[], bool]) -> list[dict]:
    """The first worksheet whose headers we recognise (the template's is the first)."""
    sheets = wb.worksheets
    if not sheets:
        raise InvalidInput("SHEET_EMPTY")
    try:
        chosen = sheets[0]
        for ws in sheets:
            rows = _watched(_xlsx_cells(wb, ws), out_of_time)
            head = [r for _, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
            if any(_matches(cells) >= 3 for _, cells in head):
                chosen = ws
                break
        return _collect(_watched(_xlsx_cells(wb, chosen), out_of_time))
    except InvalidInput:
        raise
    except Exception:  # a part of the workbook that does not parse, met while streaming
        raise _not_spreadsheet(filename, "xlsx") from None


def _xlsx_cells(wb, ws) -> Iterator[tuple[int, list[_Cell]]]:
    """The rows the sheet's XML holds, each with the number it gives itself. Read with
    openpyxl's own parser rather than ``ws.iter_rows``, which makes up an empty row for every
    number skipped (and so spends minutes on one row numbered 2,000,000,000), and reads every
    row there is, not just as far as the sheet's own (possibly wrong) dimensions claim."""
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=False,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > MAX_ROW_NUMBER:
                raise InvalidInput("SHEET_TOO_MANY_ROWS", {"max": MAX_ROWS})
            values = {c["column"]: c["value"] for c in cells if c["column"] <= MAX_COLUMNS}
            width = max(values, default=0)
            yield number, [_xlsx_cell(values.get(column)) for column in range(1, width + 1)]


def _xlsx_cell(value: Any) -> _Cell:
    if value is None:
        return "", False
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), False
        return repr(value), False
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat(), False
        return value.isoformat(sep=" "), False
    if isinstance(value, date | time):
        return value.isoformat(), False
    return "", True  # ArrayFormula, DataTableFormula: formulas openpyxl keeps as objects


def _text_cell(value: str) -> _Cell:
    text = value.translate(_INVISIBLE).strip()
    if _DASHES.match(text):  # "-" or "--": the officer's way of writing "none"
        return "", False
    if text[:1] in ("=", "+", "-", "@") and not _PLAIN_NUMBER.match(text):
        return "", True
    return text, False


def _matches(cells: list[_Cell]) -> int:
    return len({field_for_header(text) for text, _ in cells if text} - {None})


def _collect(rows: Iterable[tuple[int, list[_Cell]]]) -> list[dict]:
    rows = iter(rows)
    seen: list[tuple[int, list[_Cell]]] = []
    for number, cells in rows:
        if any(text or formula for text, formula in cells):
            seen.append((number, cells))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise InvalidInput("SHEET_EMPTY")
    header_at = next((i for i, (_, c) in enumerate(seen) if _matches(c) >= 3), None)
    if header_at is None:
        header_at = max(range(len(seen)), key=lambda i: _matches(seen[i][1]))
    _, header = seen[header_at]

    by_field: dict[str, list[int]] = defaultdict(list)
    for index, (text, _) in enumerate(header):
        name = field_for_header(text) if text else None
        if name:
            by_field[name].append(index)
    missing = [f for f in FIELDS if f not in by_field]
    if missing:
        raise InvalidInput("SHEET_MISSING_COLUMNS", {"missing": missing})
    doubled = [f for f in FIELDS if len(by_field[f]) > 1]
    if doubled:
        raise InvalidInput("SHEET_DUPLICATE_COLUMNS", {"columns": doubled})
    where = {f: by_field[f][0] for f in FIELDS}

    out: list[dict] = []
    for number, cells in _chain(seen[header_at + 1 :], rows):
        row: dict[str, Any] = {"row": number}
        formulas = []
        for name, index in where.items():
            text, formula = cells[index] if index < len(cells) else ("", False)
            row[name] = text
            if formula:
                formulas.append(name)
        if not formulas and not any(row[f] for f in FIELDS):
            continue  # a blank row (perhaps with only a serial number in it)
        row["formulas"] = formulas
        out.append(row)
        if len(out) > MAX_ROWS:
            raise InvalidInput("SHEET_TOO_MANY_ROWS", {"max": MAX_ROWS})
    if not out:
        raise InvalidInput("SHEET_EMPTY")
    return out


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# --- checking one row -----------------------------------------------------------------------

_EMPLOYEE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9/-]*$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]+$")
_EMAIL = re.compile(
    r"^(?P<local>[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$"
)
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")
_MOBILE = re.compile(r"^[6-9]\d{9}$")
_GENDERS = {
    "male": "male",
    "m": "male",
    "पुरुष": "male",
    "पु": "male",
    "female": "female",
    "f": "female",
    "महिला": "female",
    "स्त्री": "female",
    "transgender": "transgender",
    "t": "transgender",
    "tg": "transgender",
    "third gender": "transgender",
    "ट्रांसजेंडर": "transgender",
}
_NAME_MARKS = frozenset(" .-")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ / ZWJ choose half-forms in Devanagari


def _designation_key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _reason(name: str, code: str, **details: Any) -> dict:
    reason: dict[str, Any] = {"field": name, "code": code}
    if details:
        reason["details"] = details
    return reason


def validate_row(row: dict, rules: SheetRules) -> RowCheck:
    """Normalise one row, or say every reason it cannot be taken (one per field at most)."""
    number = int(row.get("row", 0))
    formulas = set(row.get("formulas", ()))
    values: dict[str, Any] = {}
    reasons: list[dict] = []
    for name in FIELDS:
        text = str(row.get(name) or "")
        if name == "roles":
            text = text.replace("\n", ",")  # one role a line, in one cell (Alt+Enter)
        raw = " ".join(text.split())
        if name in formulas:
            reasons.append(_reason(name, "FORMULA_NOT_ALLOWED"))
        elif not raw:
            if name in OPTIONAL:
                values[name] = None
            else:
                reasons.append(_reason(name, "REQUIRED"))
        elif name in _MAX_LENGTH and len(raw) > _MAX_LENGTH[name]:
            reasons.append(_reason(name, "TOO_LONG", max=_MAX_LENGTH[name]))
        else:
            value, problem = _CHECKS[name](raw, rules)
            if problem:
                reasons.append(problem)
            else:
                values[name] = value

    born, joined = values.get("date_of_birth"), values.get("date_of_joining")
    if born and joined:
        age = _full_years(date.fromisoformat(born), date.fromisoformat(joined))
        if not rules.min_age_at_joining <= age <= rules.max_age_at_joining:
            reasons.append(
                _reason(
                    "date_of_birth",
                    "AGE_AT_JOINING_IMPLAUSIBLE",
                    age=age,
                    min=rules.min_age_at_joining,
                    max=rules.max_age_at_joining,
                )
            )
    code = values.get("employee_code") or str(row.get("employee_code") or "").strip().upper()
    if code == SAMPLE_EMPLOYEE_CODE:
        reasons.append(_reason("employee_code", "SAMPLE_ROW"))
    return RowCheck(row=number, employee_code=code, values=values, reasons=tuple(reasons))


def _full_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _check_name_en(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    return _check_name(unicodedata.normalize("NFC", raw), "name_en", latin=True)


def _check_name_hi(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    return _check_name(unicodedata.normalize("NFC", raw), "name_hi", latin=False)


def _check_name(text: str, name: str, latin: bool) -> tuple[Any, dict | None]:
    """Letters of the one script, spaces, dots and hyphens; at least one letter."""
    scripts = {_script(ch) for ch in text if ch not in _NAME_MARKS and ch not in _JOINERS}
    wanted = "latin" if latin else "devanagari"
    other = "devanagari" if latin else "latin"
    if other in scripts:
        return None, _reason(name, "NAME_NOT_LATIN" if latin else "NAME_NOT_DEVANAGARI")
    if scripts - {wanted} or (latin and _JOINERS & set(text)):
        return None, _reason(name, "NAME_INVALID_CHARACTERS")
    if wanted not in scripts:
        return None, _reason(name, "NAME_INVALID_CHARACTERS")
    return text, None


def _script(ch: str) -> str:
    category = unicodedata.category(ch)
    if "\u0900" <= ch <= "\u097f" or "\ua8e0" <= ch <= "\ua8ff":
        # Devanagari digits and danda are not part of a name.
        return "devanagari" if category[0] in "LM" else "other"
    if category[0] == "L" and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    if category == "Mn" and "\u0300" <= ch <= "\u036f":
        return "latin"
    return "other"


def _check_employee_code(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    code = raw.replace(" ", "").upper()
    if not _EMPLOYEE_CODE.match(code):
        return None, _reason("employee_code", "EMPLOYEE_CODE_INVALID")
    return code, None


def parse_date(raw: str) -> date | None:
    """DD-MM-YYYY (also with / or .) or ISO YYYY-MM-DD; None when not a real date."""
    if m := _DMY.match(raw):
        day, month, year = int(m[1]), int(m[3]), int(m[4])
    elif m := _ISO.match(raw):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _check_date(name: str):
    def check(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
        if not (_DMY.match(raw) or _ISO.match(raw)):
            return None, _reason(name, "DATE_FORMAT_INVALID")
        parsed = parse_date(raw)
        if parsed is None:
            return None, _reason(name, "DATE_NOT_REAL")
        if not 1900 <= parsed.year <= 2099:
            return None, _reason(name, "DATE_OUT_OF_RANGE")
        return parsed.isoformat(), None

    return check


def _check_gender(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    gender = _GENDERS.get(raw.casefold().rstrip("."))
    return (gender, None) if gender else (None, _reason("gender", "GENDER_UNKNOWN"))


def _check_designation(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    known = rules._designation_by_key.get(_designation_key(raw))
    return (known, None) if known else (None, _reason("designation", "DESIGNATION_UNKNOWN"))


def normalise_mobile(raw: str) -> str | None:
    """A 10-digit Indian mobile, from "+91 98765 43210", "098765-43210" and the like."""
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("+91"):
        digits = digits[3:]
    elif digits.startswith("0091"):
        digits = digits[4:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits if _MOBILE.match(digits) else None


def _check_mobile(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    mobile = normalise_mobile(raw)
    return (mobile, None) if mobile else (None, _reason("mobile", "MOBILE_INVALID"))


def _check_email(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    email = raw.replace(" ", "").lower()
    m = _EMAIL.match(email)
    if not m or len(m["local"]) > 64:
        return None, _reason("email", "EMAIL_INVALID")
    if m["domain"] not in rules.email_domains:
        return None, _reason("email", "EMAIL_NOT_GOVERNMENT", domain=m["domain"])
    return email, None


def _check_office(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    office = raw.replace(" ", "").upper()
    if not _CODE.match(office):
        return None, _reason("office_code", "OFFICE_CODE_INVALID")
    if rules.offices is not None and office not in rules.offices:
        return None, _reason("office_code", "OFFICE_UNKNOWN")
    return office, None


def _check_post(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    post = raw.replace(" ", "").upper()
    if not _CODE.match(post):
        return None, _reason("post", "POST_ABBREVIATION_INVALID")
    if rules.posts is not None and post not in rules.posts:
        return None, _reason("post", "POST_UNKNOWN")
    return post, None


def _check_roles(raw: str, rules: SheetRules) -> tuple[Any, dict | None]:
    roles = {
        "_".join(part.replace("-", " ").casefold().split())
        for part in re.split(r"[,;|/\n]", raw)
        if part.strip()
    }
    unknown = sorted(roles - rules.roles)
    if unknown:
        return None, _reason("roles", "ROLE_UNKNOWN", roles=unknown)
    if not roles:
        return None, _reason("roles", "REQUIRED")
    return sorted(roles), None


_CHECKS = {
    "name_en": _check_name_en,
    "name_hi": _check_name_hi,
    "employee_code": _check_employee_code,
    "date_of_birth": _check_date("date_of_birth"),
    "gender": _check_gender,
    "designation": _check_designation,
    "date_of_joining": _check_date("date_of_joining"),
    "mobile": _check_mobile,
    "email": _check_email,
    "office_code": _check_office,
    "post": _check_post,
    "roles": _check_roles,
}


# --- the plan -------------------------------------------------------------------------------

# Fields that name one person only: an email is one login, a post has one holder.
_ONE_HOLDER = (("email", "EMAIL_TAKEN"), ("post", "POST_TAKEN"))


def plan(
    rows: list[RowCheck], existing: dict[str, dict], outside_scope: Iterable[str] = ()
) -> list[RowPlan]:
    """What applying the checked rows would do, given the people already stored (by employee
    code, their normalised fields). Rows come back in sheet order. A code that appears twice in
    the sheet rejects every row carrying it; an email or post that would end up with two people
    rejects the rows that newly claim it. Blank optional cells keep what is stored.

    ``outside_scope`` are the employee codes of stored people whose office the uploader does
    not set up: employee codes are state-wide, so a sheet could otherwise pull a person of
    another district into one's own (and then read their VPN key). Their rows are rejected."""
    stored = {code.strip().upper(): person for code, person in existing.items()}
    reasons = [list(r.reasons) for r in rows]
    foreign = {code.strip().upper() for code in outside_scope}
    for i, check in enumerate(rows):
        if check.employee_code in foreign:
            reasons[i].append(_reason("employee_code", "PERSON_OUTSIDE_YOUR_SCOPE"))

    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for check in rows:
        if check.employee_code:
            rows_by_code[check.employee_code].append(check.row)
    for i, check in enumerate(rows):
        numbers = rows_by_code.get(check.employee_code, [])
        if len(numbers) > 1:
            others = [n for n in numbers if n != check.row]
            reasons[i].append(_reason("employee_code", "DUPLICATE_IN_SHEET", rows=others))

    accepted = [i for i in range(len(rows)) if not reasons[i]]
    # Rejecting a row puts its stored email/post back in play, which may reject another row:
    # repeat until nothing changes (it only ever rejects more, so it ends).
    while True:
        fresh: dict[int, list[dict]] = {}
        for name, code in _ONE_HOLDER:
            holders = _holders(name, rows, accepted, stored)
            for i in accepted:
                value = rows[i].values.get(name)
                if value and _newly_claims(rows[i], name, stored):
                    others = sorted(holders[value] - {rows[i].employee_code})
                    if others:
                        fresh.setdefault(i, []).append(_reason(name, code, employee_codes=others))
        if not fresh:
            break
        for i, found in fresh.items():
            reasons[i].extend(found)
        accepted = [i for i in accepted if i not in fresh]

    # Tell a rejected row now, too, if its email or post is someone else's: fix everything at once.
    taken = {name: _holders(name, rows, accepted, stored) for name, _ in _ONE_HOLDER}
    accepted_set = set(accepted)
    for i, check in enumerate(rows):
        if i in accepted_set:
            continue
        for name, code in _ONE_HOLDER:
            value = check.values.get(name)
            already = any(r["code"] == code for r in reasons[i])
            if value and not already and _newly_claims(check, name, stored):
                others = sorted(taken[name].get(value, set()) - {check.employee_code})
                if others:
                    reasons[i].append(_reason(name, code, employee_codes=others))

    plans = []
    for i, check in enumerate(rows):
        if i not in accepted_set:
            plans.append(
                RowPlan(check.row, check.employee_code, "reject", reasons=tuple(reasons[i]))
            )
            continue
        person = stored.get(check.employee_code)
        if person is None:
            plans.append(RowPlan(check.row, check.employee_code, "create", dict(check.values)))
            continue
        values, changes = _merge(check.values, person)
        action: Action = "update" if changes else "unchanged"
        plans.append(RowPlan(check.row, check.employee_code, action, values, changes))
    return plans


def _holders(
    name: str, rows: list[RowCheck], accepted: list[int], stored: dict[str, dict]
) -> dict[str, set[str]]:
    """Who would hold each value of ``name`` after applying the accepted rows."""
    final = {code: person.get(name) for code, person in stored.items()}
    for i in accepted:
        value = rows[i].values.get(name)
        if value:
            final[rows[i].employee_code] = value
    holders: dict[str, set[str]] = defaultdict(set)
    for code, value in final.items():
        if value:
            holders[value].add(code)
    return holders


def _newly_claims(check: RowCheck, name: str, stored: dict[str, dict]) -> bool:
    return (stored.get(check.employee_code) or {}).get(name) != check.values.get(name)


def _merge(new: dict, person: dict) -> tuple[dict, dict[str, dict]]:
    values = dict(new)
    changes: dict[str, dict] = {}
    for name in _COMPARED:
        old = person.get(name)
        if name == "roles" and old is not None:
            old = sorted(old)
        if values.get(name) is None and name in OPTIONAL:
            values[name] = old  # a blank optional cell keeps what is stored
            continue
        if values.get(name) != old:
            changes[name] = {"from": old, "to": values.get(name)}
    return values, changes


def summarise(plans: list[RowPlan]) -> dict[str, int]:
    """Counts per action, for the dry run's headline ("198 to create, 2 rejected")."""
    counts = dict.fromkeys(("create", "update", "unchanged", "reject"), 0)
    for p in plans:
        counts[p.action] += 1
    return counts
