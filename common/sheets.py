"""Reading an uploaded sheet safely: XLSX or CSV, whatever an office's computer saved, without
trusting its sizes, row numbers or formulas. Gives the raw text of each row, per field.

Each kind of sheet names its columns in a ``SheetLayout``: identity's master data sheet and
holiday calendar, leave's opening balances, files' legacy records."""

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
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from common.errors import InvalidInput

# What an honest sheet of a few thousand rows unzips to is a few MB; a zip bomb is far beyond.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
# A title row or two ("Employee Master Data, District Hathras") may sit above the headers.
HEADER_SEARCH_ROWS = 10
# Cells further right than this are not read: the template has 12 columns, and a cell in the
# last column Excel allows would otherwise make every row 16,384 cells wide.
MAX_COLUMNS = 200


_Cell = tuple[str, bool]  # (text, is a formula)
_Row = tuple[int, list[_Cell]]  # (its number in the sheet, its cells)

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


@dataclass(frozen=True)
class Column:
    """One field of a sheet. ``optional`` fields may be left blank (the column must still be
    there)."""

    field: str
    en: str
    hi: str
    hint: str = ""
    optional: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """The header a template writes: English and Hindi."""
        return f"{self.en} / {self.hi}"


@dataclass(frozen=True)
class SheetLayout:
    """The columns a kind of sheet must have (every one, even when its cells may be blank,
    except those it ``may_lack`` altogether) and the most data rows it may hold."""

    columns: tuple[Column, ...]
    max_rows: int
    may_lack: frozenset[str] = frozenset()
    _by_header: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_header: dict[str, str] = {}
        for c in self.columns:
            for text in (c.en, c.hi, c.field, *c.aliases, c.header):
                by_header[_header_key(text)] = c.field
        object.__setattr__(self, "_by_header", by_header)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def field_for_header(self, text: str) -> str | None:
        """Which field a header names: English, Hindi or both ("Employee code / कर्मचारी कोड"),
        ignoring case, spaces and punctuation."""
        whole = self._by_header.get(_header_key(text))
        if whole:
            return whole
        parts = {
            self._by_header.get(_header_key(p)) for p in re.split(r"[/|\n]", text) if p.strip()
        }
        parts.discard(None)
        return parts.pop() if len(parts) == 1 else None


def read_sheet(
    content: bytes,
    filename: str,
    out_of_time: Callable[[], bool],
    layout: SheetLayout,
) -> list[dict[str, Any]]:
    """The data rows of an uploaded sheet (XLSX, or CSV in UTF-8), each a dict of the raw text
    per field plus ``row`` (its number in the sheet) and ``formulas`` (fields whose cell held a
    formula; their text is dropped). Refuses the whole upload only when it cannot be read, or
    when ``out_of_time()`` (asked before each row) says reading has taken too long. An XLSX row
    names its own number, and a tiny file can name 2,000,000,000: a sheet whose rows go past
    the most an honest sheet holds (``layout.max_rows`` below a few title rows) is refused the
    moment such a row is met, never read up to it."""
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content, filename, out_of_time, layout)
    return _read_csv(content, filename, out_of_time, layout)


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


def _read_csv(
    content: bytes, filename: str, out_of_time: Callable[[], bool], layout: SheetLayout
) -> list[dict[str, Any]]:
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
        return _collect(_watched(cells(), out_of_time), layout)
    except csv.Error:
        raise _not_spreadsheet(filename) from None


def _read_xlsx(
    content: bytes, filename: str, out_of_time: Callable[[], bool], layout: SheetLayout
) -> list[dict[str, Any]]:
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
            return _collect_workbook(wb, filename, out_of_time, layout)
        finally:
            wb.close()


def _collect_workbook(
    wb: Workbook, filename: str, out_of_time: Callable[[], bool], layout: SheetLayout
) -> list[dict[str, Any]]:
    """The first worksheet whose headers we recognise (the template's is the first)."""
    sheets = wb.worksheets
    if not sheets:
        raise InvalidInput("SHEET_EMPTY")
    try:
        chosen = sheets[0]
        for ws in sheets:
            rows = _watched(_xlsx_cells(wb, ws, layout), out_of_time)
            head = [r for _, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
            if any(_matches(cells, layout) >= 3 for _, cells in head):
                chosen = ws
                break
        return _collect(_watched(_xlsx_cells(wb, chosen, layout), out_of_time), layout)
    except InvalidInput:
        raise
    except Exception:  # a part of the workbook that does not parse, met while streaming
        raise _not_spreadsheet(filename, "xlsx") from None


def _xlsx_cells(
    wb: Workbook, ws: ReadOnlyWorksheet, layout: SheetLayout
) -> Iterator[tuple[int, list[_Cell]]]:
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
            if number > HEADER_SEARCH_ROWS + layout.max_rows:
                raise InvalidInput("SHEET_TOO_MANY_ROWS", {"max": layout.max_rows})
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


def _matches(cells: list[_Cell], layout: SheetLayout) -> int:
    return len({layout.field_for_header(text) for text, _ in cells if text} - {None})


def _collect(rows: Iterable[tuple[int, list[_Cell]]], layout: SheetLayout) -> list[dict[str, Any]]:
    rows = iter(rows)
    seen: list[tuple[int, list[_Cell]]] = []
    for number, cells in rows:
        if any(text or formula for text, formula in cells):
            seen.append((number, cells))
            if len(seen) >= HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise InvalidInput("SHEET_EMPTY")
    header_at = next((i for i, (_, c) in enumerate(seen) if _matches(c, layout) >= 3), None)
    if header_at is None:
        header_at = max(range(len(seen)), key=lambda i: _matches(seen[i][1], layout))
    _, header = seen[header_at]

    by_field: dict[str, list[int]] = defaultdict(list)
    for index, (text, _) in enumerate(header):
        name = layout.field_for_header(text) if text else None
        if name:
            by_field[name].append(index)
    fields = layout.fields
    missing = [f for f in fields if f not in by_field and f not in layout.may_lack]
    if missing:
        raise InvalidInput("SHEET_MISSING_COLUMNS", {"missing": missing})
    doubled = [f for f in fields if len(by_field[f]) > 1]
    if doubled:
        raise InvalidInput("SHEET_DUPLICATE_COLUMNS", {"columns": doubled})
    where = {f: by_field[f][0] if by_field.get(f) else None for f in fields}

    out: list[dict[str, Any]] = []
    for number, cells in _chain(seen[header_at + 1 :], rows):
        row: dict[str, Any] = {"row": number}
        formulas = []
        for name, column in where.items():
            text, formula = (
                cells[column] if column is not None and column < len(cells) else ("", False)
            )
            row[name] = text
            if formula:
                formulas.append(name)
        if not formulas and not any(row[f] for f in fields):
            continue  # a blank row (perhaps with only a serial number in it)
        row["formulas"] = formulas
        out.append(row)
        if len(out) > layout.max_rows:
            raise InvalidInput("SHEET_TOO_MANY_ROWS", {"max": layout.max_rows})
    if not out:
        raise InvalidInput("SHEET_EMPTY")
    return out


def _chain(first: list[_Row], rest: Iterator[_Row]) -> Iterator[_Row]:
    yield from first
    yield from rest


# --- what a row's checks share: a date as offices write it, and a reason a cell is refused ----

_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")


def is_date(raw: str) -> bool:
    """Written as a date (DD-MM-YYYY, with - / or ., or ISO YYYY-MM-DD), real or not."""
    return bool(_DMY.match(raw) or _ISO.match(raw))


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


def reason(name: str, code: str, **details: Any) -> dict[str, Any]:
    """Why a row's cell ``name`` is refused: its error ``code`` and what explains it."""
    found: dict[str, Any] = {"field": name, "code": code}
    if details:
        found["details"] = details
    return found
