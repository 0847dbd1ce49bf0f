"""File numbers under the standard functional scheme: ``A-11011/3/2025-ESTT`` is basic head A,
primary head 11, secondary head 11, the 3rd file under that head in 2025, of the ESTT section.
Each department brings its standard heads (identity keeps them with the department); an admin
adds an office's own; serials come from an atomic counter per head and year."""

import re
from typing import Any

from common.errors import InvalidInput

_HEAD = re.compile(r"^(?P<basic>[A-Z])-(?P<primary>\d{2})0(?P<secondary>\d{2})$")
_SECTION = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
_NUMBER = re.compile(
    r"^(?P<head>[A-Z]-\d{5})/(?P<serial>\d+)/(?P<year>\d{4})-(?P<section>[A-Z][A-Z0-9]{1,11})$"
)


def head_code(basic: str, primary: int, secondary: int) -> str:
    """``A-11011`` from its parts: the basic-head letter, a two-digit primary head, ``0``, a
    two-digit secondary head."""
    if not (len(basic) == 1 and basic.isalpha() and basic.isupper()):
        raise InvalidInput("FILE_HEAD_INVALID", {"basic": basic})
    if not (0 <= primary <= 99 and 0 <= secondary <= 99):
        raise InvalidInput("FILE_HEAD_INVALID", {"primary": primary, "secondary": secondary})
    return f"{basic}-{primary:02d}0{secondary:02d}"


def check_section(section: str) -> str:
    if not _SECTION.match(section or ""):
        raise InvalidInput("FILE_SECTION_INVALID", {"section": section})
    return section


def file_number(head: str, serial: int, year: int, section: str) -> str:
    if not _HEAD.match(head):
        raise InvalidInput("FILE_HEAD_INVALID", {"head": head})
    return f"{head}/{serial}/{year}-{check_section(section)}"


def parse_file_number(number: str) -> dict[str, Any] | None:
    """The parts of a functional file number, or None if it is not one."""
    m = _NUMBER.match(number or "")
    if not m:
        return None
    return {
        "head": m["head"],
        "serial": int(m["serial"]),
        "year": int(m["year"]),
        "section": m["section"],
    }


def non_scheme_number(office_code: str, serial: int, year: int) -> str:
    """Files outside the functional scheme still get a number nobody else has."""
    return f"{office_code}/NS/{serial}/{year}"


def standard_heads(department_heads: list[dict[str, Any]], office_id: str) -> dict[str, Any]:
    """A department's standard heads as an office of it offers them, by code (``A-11011``)."""
    return {
        code: {
            "code": code,
            "section": h["section"],
            "description": h["description"],
            "office_id": office_id,
        }
        for h in department_heads
        for code in [head_code(h["basic"], h["primary"], h["secondary"])]
    }
