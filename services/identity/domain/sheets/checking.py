"""Checking one row of a sheet: each field normalised (names, dates, mobiles, emails, codes)
or rejected with a stable reason code, against what the deployment allows."""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.sheets import is_date, parse_date, reason
from services.identity.domain.departments import fallback_designations
from services.identity.domain.designations import Designations
from services.identity.domain.sheets.layout import FIELDS, OPTIONAL, SAMPLE_EMPLOYEE_CODE

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


@dataclass(frozen=True)
class SheetRules:
    """What a deployment allows (from its configuration). ``offices``, when given, are the
    office codes this nodal officer may onboard into; None leaves office codes unchecked.
    ``departments`` maps an office code to its department's designations (a row is checked
    against its office's list); an office not in it is checked against ``designations``."""

    email_domains: frozenset[str]
    designations: tuple[str, ...]
    roles: frozenset[str]
    offices: frozenset[str] | None = None
    posts: frozenset[str] | None = None  # the post abbreviations that exist there
    min_age_at_joining: int = 18
    max_age_at_joining: int = 70
    departments: Mapping[str, Designations] | None = field(default=None, hash=False)
    _designations: Designations = field(
        init=False, repr=False, compare=False, hash=False, default=Designations(())
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
        object.__setattr__(self, "_designations", fallback_designations(self.designations))

    def designations_for(self, office_code: str) -> Designations:
        """The designations a row of that office may use."""
        found = (self.departments or {}).get(office_code)
        return found if found is not None else self._designations


@dataclass(frozen=True)
class RowCheck:
    """One sheet row after checking: its normalised ``values`` (complete when ``ok``) or the
    ``reasons`` it is rejected, each ``{"field", "code"}`` plus ``details`` where useful."""

    row: int
    employee_code: str
    values: dict[str, Any]
    reasons: tuple[dict[str, Any], ...] = ()
    notes: tuple[dict[str, Any], ...] = ()  # what was read differently from how it was written

    @property
    def ok(self) -> bool:
        return not self.reasons


_EMPLOYEE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9/-]*$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]+$")
_EMAIL = re.compile(
    r"^(?P<local>[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$"
)
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


# Checks one field's text (spaces already collapsed): its value, or the reason it is refused.
Check = Callable[[str, "SheetRules"], tuple[Any, dict[str, Any] | None]]


def validate_row(row: dict[str, Any], rules: SheetRules) -> RowCheck:
    """Normalise one row, or say every reason it cannot be taken (one per field at most)."""
    number = int(row.get("row", 0))
    formulas = set(row.get("formulas", ()))
    values: dict[str, Any] = {}
    reasons: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for name in FIELDS:
        text = str(row.get(name) or "")
        if name == "roles":
            text = text.replace("\n", ",")  # one role a line, in one cell (Alt+Enter)
        raw = " ".join(text.split())
        if name in formulas:
            reasons.append(reason(name, "FORMULA_NOT_ALLOWED"))
        elif not raw:
            if name in OPTIONAL:
                values[name] = None
            else:
                reasons.append(reason(name, "REQUIRED"))
        elif name in _MAX_LENGTH and len(raw) > _MAX_LENGTH[name]:
            reasons.append(reason(name, "TOO_LONG", max=_MAX_LENGTH[name]))
        else:
            # A designation is one of its office's department's: checked knowing the office.
            value, problem = (
                _check_designation(raw, rules.designations_for(_office_written(row)), notes)
                if name == "designation"
                else _CHECKS[name](raw, rules)
            )
            if problem:
                reasons.append(problem)
            else:
                values[name] = value

    born, joined = values.get("date_of_birth"), values.get("date_of_joining")
    if born and joined:
        age = _full_years(date.fromisoformat(born), date.fromisoformat(joined))
        if not rules.min_age_at_joining <= age <= rules.max_age_at_joining:
            reasons.append(
                reason(
                    "date_of_birth",
                    "AGE_AT_JOINING_IMPLAUSIBLE",
                    age=age,
                    min=rules.min_age_at_joining,
                    max=rules.max_age_at_joining,
                )
            )
    code = values.get("employee_code") or str(row.get("employee_code") or "").strip().upper()
    if code == SAMPLE_EMPLOYEE_CODE:
        reasons.append(reason("employee_code", "SAMPLE_ROW"))
    return RowCheck(number, code, values, tuple(reasons), tuple(notes))


def _office_written(row: dict[str, Any]) -> str:
    return str(row.get("office_code") or "").replace(" ", "").upper()


def _full_years(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _check_name_en(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    return _check_name(unicodedata.normalize("NFC", raw), "name_en", latin=True)


def _check_name_hi(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    return _check_name(unicodedata.normalize("NFC", raw), "name_hi", latin=False)


def _check_name(text: str, name: str, latin: bool) -> tuple[Any, dict[str, Any] | None]:
    """Letters of the one script, spaces, dots and hyphens; at least one letter."""
    scripts = {_script(ch) for ch in text if ch not in _NAME_MARKS and ch not in _JOINERS}
    wanted = "latin" if latin else "devanagari"
    other = "devanagari" if latin else "latin"
    if other in scripts:
        return None, reason(name, "NAME_NOT_LATIN" if latin else "NAME_NOT_DEVANAGARI")
    if scripts - {wanted} or (latin and _JOINERS & set(text)):
        return None, reason(name, "NAME_INVALID_CHARACTERS")
    if wanted not in scripts:
        return None, reason(name, "NAME_INVALID_CHARACTERS")
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


def _check_employee_code(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    code = raw.replace(" ", "").upper()
    if not _EMPLOYEE_CODE.match(code):
        return None, reason("employee_code", "EMPLOYEE_CODE_INVALID")
    return code, None


def _check_date(name: str) -> Check:
    def check(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
        if not is_date(raw):
            return None, reason(name, "DATE_FORMAT_INVALID")
        parsed = parse_date(raw)
        if parsed is None:
            return None, reason(name, "DATE_NOT_REAL")
        if not 1900 <= parsed.year <= 2099:
            return None, reason(name, "DATE_OUT_OF_RANGE")
        return parsed.isoformat(), None

    return check


def _check_gender(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    gender = _GENDERS.get(raw.casefold().rstrip("."))
    return (gender, None) if gender else (None, reason("gender", "GENDER_UNKNOWN"))


def _check_designation(
    raw: str, known: Designations, notes: list[dict[str, Any]]
) -> tuple[Any, dict[str, Any] | None]:
    """A designation of the office's department, in full; a short form is noted with the full
    name it became, so the report shows the nodal officer how "Dy. SP" was read."""
    found = known.read(raw)
    if found is None:
        return None, reason("designation", "DESIGNATION_UNKNOWN")
    if found.short_form:
        notes.append(reason("designation", "DESIGNATION_EXPANDED", written=raw, read_as=found.name))
    return found.name, None


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


def _check_mobile(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    mobile = normalise_mobile(raw)
    return (mobile, None) if mobile else (None, reason("mobile", "MOBILE_INVALID"))


def _check_email(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    email = raw.replace(" ", "").lower()
    m = _EMAIL.match(email)
    if not m or len(m["local"]) > 64:
        return None, reason("email", "EMAIL_INVALID")
    if m["domain"] not in rules.email_domains:
        return None, reason("email", "EMAIL_NOT_GOVERNMENT", domain=m["domain"])
    return email, None


def _check_office(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    office = raw.replace(" ", "").upper()  # as _office_written reads it
    if not _CODE.match(office):
        return None, reason("office_code", "OFFICE_CODE_INVALID")
    if rules.offices is not None and office not in rules.offices:
        return None, reason("office_code", "OFFICE_UNKNOWN")
    return office, None


def _check_post(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    post = raw.replace(" ", "").upper()
    if not _CODE.match(post):
        return None, reason("post", "POST_ABBREVIATION_INVALID")
    if rules.posts is not None and post not in rules.posts:
        return None, reason("post", "POST_UNKNOWN")
    return post, None


def _check_roles(raw: str, rules: SheetRules) -> tuple[Any, dict[str, Any] | None]:
    roles = {
        "_".join(part.replace("-", " ").casefold().split())
        for part in re.split(r"[,;|/\n]", raw)
        if part.strip()
    }
    unknown = sorted(roles - rules.roles)
    if unknown:
        return None, reason("roles", "ROLE_UNKNOWN", roles=unknown)
    if not roles:
        return None, reason("roles", "REQUIRED")
    return sorted(roles), None


_CHECKS: dict[str, Check] = {
    "name_en": _check_name_en,
    "name_hi": _check_name_hi,
    "employee_code": _check_employee_code,
    "date_of_birth": _check_date("date_of_birth"),
    "gender": _check_gender,
    "date_of_joining": _check_date("date_of_joining"),
    "mobile": _check_mobile,
    "email": _check_email,
    "office_code": _check_office,
    "post": _check_post,
    "roles": _check_roles,
}
