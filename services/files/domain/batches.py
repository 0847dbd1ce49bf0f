"""A batch of scanned legacy files, as an office's computer hands it over: a ZIP of PDFs with
its metadata sheet (records.xlsx or records.csv), read without trusting anything it says about
itself; and each row of the sheet checked on its own, so a bad row never costs a good one."""

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.errors import InvalidInput, TooLarge
from common.sheets import Column, SheetLayout, read_sheet

GRADINGS = ("normal", "confidential", "secret", "top_secret")
CATEGORIES = ("A", "B", "C")
OLDEST_YEAR = 1800
MAX_ROWS = 5_000  # a record room's batch is a few hundred files; the sheet may list a day's work
# A ZIP must fit in one upload (20 MB); what it unpacks to is capped on what is actually read,
# never on the sizes its directory claims, and each member may grow at most MAX_RATIO times
# (scans are already compressed: an honest one barely shrinks; a bomb grows a thousandfold).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 50
MAX_MEMBERS = 2 * MAX_ROWS
SHEET_NAMES = ("records.xlsx", "records.csv")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024

RECORDS_SHEET = SheetLayout(
    (
        Column(
            "old_number",
            "Old file number",
            "पुरानी फ़ाइल संख्या",
            aliases=("old number", "file number", "पुरानी संख्या", "फ़ाइल संख्या"),
        ),
        Column("subject", "Subject", "विषय"),
        Column("year", "Year", "वर्ष", aliases=("साल",)),
        Column("section", "Section", "अनुभाग", optional=True, aliases=("branch", "शाखा")),
        Column(
            "category",
            "Retention category",
            "अभिलेख श्रेणी",
            aliases=("category", "retention", "श्रेणी"),
        ),
        Column(
            "file_name",
            "File name",
            "फ़ाइल का नाम",
            aliases=("pdf", "scan", "स्कैन"),
        ),
        Column(
            "grading",
            "Grading",
            "सुरक्षा श्रेणी",
            optional=True,
            aliases=("security grading", "गोपनीयता"),
        ),
    ),
    MAX_ROWS,
    may_lack=frozenset({"grading"}),
)


@dataclass(frozen=True)
class Unpacked:
    """What a ZIP held: its sheet (name and bytes) and its PDFs by file name (lower case)."""

    sheet_name: str
    sheet: bytes
    scans: dict[str, bytes]


def safe_member_name(name: str) -> str:
    """A member's path inside the ZIP, if it stays inside its folder; else the ZIP is refused
    (``../``, an absolute path, a drive letter: a crafted ZIP, not an office's)."""
    unixy = name.replace("\\", "/")
    parts = unixy.split("/")
    if unixy.startswith("/") or _DRIVE.match(unixy) or ".." in parts or "\x00" in name:
        raise InvalidInput("RECORDS_ZIP_UNSAFE_PATH", {"path": name[:200]})
    return posixpath.normpath(unixy)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes as they come out, stopped as soon as they pass ``budget`` or grow past
    MAX_RATIO times what they take in the ZIP."""
    limit = min(budget, max(info.compress_size, 1) * MAX_RATIO)
    out = bytearray()
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            out += chunk
            if len(out) > limit:
                raise TooLarge("RECORDS_ZIP_TOO_LARGE", {"max_bytes": MAX_UNZIPPED_BYTES})
    return bytes(out)


def unpack(content: bytes) -> Unpacked:
    """The sheet and the PDFs of a ZIP. Folders, hidden files and anything else are passed
    over; two PDFs of one name (in different folders) are refused, as the sheet could not say
    which it means."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput("RECORDS_ZIP_BROKEN") from None
    if len(members) > MAX_MEMBERS:
        raise TooLarge("RECORDS_ZIP_TOO_LARGE", {"max_members": MAX_MEMBERS})
    for info in members:
        safe_member_name(info.filename)
    sheet: tuple[str, bytes] | None = None
    scans: dict[str, bytes] = {}
    left = MAX_UNZIPPED_BYTES
    with archive:
        for info in members:
            path = safe_member_name(info.filename)
            name = posixpath.basename(path)
            lower = name.casefold()
            wanted = lower in SHEET_NAMES or lower.endswith(".pdf")
            if info.is_dir() or name.startswith(".") or "__MACOSX" in path or not wanted:
                continue
            try:
                data = _read_capped(archive, info, left)
            except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError):
                # RuntimeError: an encrypted member; the others: a member broken inside.
                raise InvalidInput("RECORDS_ZIP_BROKEN", {"path": path[:200]}) from None
            left -= len(data)
            if lower in SHEET_NAMES:
                sheet = (name, data)
            elif lower in scans:
                raise InvalidInput("RECORDS_ZIP_NAME_REPEATED", {"name": name[:200]})
            else:
                scans[lower] = data
    if sheet is None:
        raise InvalidInput("RECORDS_ZIP_NO_SHEET", {"names": list(SHEET_NAMES)})
    return Unpacked(sheet[0], sheet[1], scans)


# --- the rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One legacy file as the sheet (or the form) describes it, checked: ``reasons`` empty when
    it may be recorded."""

    row: int
    old_number: str
    subject: str
    year: int | None
    section: str
    category: str
    file_name: str
    grading: str
    reasons: tuple[str, ...] = field(default=())

    def answer(self) -> dict[str, Any]:
        """The row as a batch keeps it, before its scan is looked at."""
        told = {k: getattr(self, k) for k in ANSWERED}
        if self.reasons:
            return {**told, "outcome": "refused", "code": self.reasons[0]}
        return {**told, "outcome": "waiting", "code": None}


ANSWERED = ("row", "old_number", "subject", "year", "section", "category", "file_name", "grading")


def old_number_key(text: str) -> str:
    """An old file number as it is kept and compared: spaces run together, ends trimmed."""
    return " ".join(text.split())


def check_row(raw: dict[str, Any], this_year: int) -> Row:
    """One row, normalised, with every reason it cannot be recorded (the first is answered)."""
    # A formula's value is not read (it could be anything by the time it is opened again).
    reasons = ["LEGACY_CELL_FORMULA"] if raw.get("formulas") else []
    old = old_number_key(str(raw.get("old_number") or ""))
    if not old:
        reasons.append("LEGACY_OLD_NUMBER_MISSING")
    elif len(old) > 120:
        reasons.append("LEGACY_OLD_NUMBER_TOO_LONG")
    subject = " ".join(str(raw.get("subject") or "").split())
    if not subject or len(subject) > 1000:
        reasons.append("LEGACY_SUBJECT_MISSING")
    year_text = str(raw.get("year") or "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    if year is None or not OLDEST_YEAR <= year <= this_year:
        reasons.append("LEGACY_YEAR_INVALID")
    category = str(raw.get("category") or "").strip().upper()
    if category not in CATEGORIES:
        reasons.append("LEGACY_CATEGORY_INVALID")
    grading = str(raw.get("grading") or "normal").strip().lower().replace(" ", "_")
    if grading not in GRADINGS:
        reasons.append("LEGACY_GRADING_INVALID")
    file_name = posixpath.basename(str(raw.get("file_name") or "").strip().replace("\\", "/"))
    if not file_name:
        reasons.append("LEGACY_SCAN_MISSING")
    section = " ".join(str(raw.get("section") or "").split())[:60]
    return Row(
        int(raw.get("row") or 0),
        old,
        subject[:1000],
        year,
        section,
        category,
        file_name,
        grading,
        tuple(reasons),
    )


def check_rows(raw_rows: Iterable[dict[str, Any]], this_year: int) -> list[Row]:
    """Every row checked; an old file number the sheet names twice is kept at its first row
    and refused at the others (the rest of the sheet is kept)."""
    seen: set[str] = set()
    checked = []
    for raw in raw_rows:
        row = check_row(raw, this_year)
        key = row.old_number.casefold()
        if row.old_number and key in seen:
            row = Row(**{**row.__dict__, "reasons": ("LEGACY_OLD_NUMBER_REPEATED",)})
        elif row.old_number:
            seen.add(key)
        checked.append(row)
    return checked


def sheet_rows(
    content: bytes, filename: str, out_of_time: Callable[[], bool], today: date
) -> list[Row]:
    """The rows of a records sheet (XLSX or CSV), checked."""
    return check_rows(read_sheet(content, filename, out_of_time, RECORDS_SHEET), today.year)


def form_row(fields: dict[str, Any], file_name: str, today: date) -> Row:
    """One PDF's row from a form's fields (its file name the uploaded PDF's)."""
    return check_row({**fields, "row": 1, "file_name": file_name}, today.year)
