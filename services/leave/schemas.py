"""Leave's requests and answers: the contract the gateway may import."""

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Half = Literal["forenoon", "afternoon"]
# A sanction order's number: ``LV.SP-HTR-2026-000042``. Files' issue numbers are an office code
# (capitals, digits, hyphens), the year and a serial: a dot is never in one, so this prefix tells
# a leave order from a letter, and stays safe in a URL path (/verify/<number>) as a slash would
# not.
ORDER_PREFIX = "LV."


def is_order_number(number: str) -> bool:
    return number.startswith(ORDER_PREFIX)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewApplication(Request):
    kind: str = Field(max_length=40)
    from_date: date
    to_date: date
    half: Half | None = Field(None, description="half a day: from_date and to_date are one date")
    reason: str = Field(min_length=1, max_length=1000)
    address: str = Field("", max_length=500, description="where the applicant can be reached")
    certificate_sha256: str | None = Field(
        None,
        pattern="^[0-9a-f]{64}$",
        description="the medical certificate, uploaded by the applicant first (its sha256)",
    )
    post_id: str | None = Field(
        None, description="which of the applicant's posts (default: the first)"
    )
    delegate_to_user_id: str | None = Field(
        None,
        max_length=100,
        description="the officer to hold the applicant's post meanwhile: once the leave is "
        "sanctioned, the post is delegated to them for exactly its days",
    )


class Correction(Request):
    """A returned application corrected: its dates and certificate again."""

    version: int = Field(ge=1)
    from_date: date
    to_date: date
    half: Half | None = None
    certificate_sha256: str | None = Field(None, pattern="^[0-9a-f]{64}$")


class KeptCertificate(BaseModel):
    """A medical certificate kept as its uploader's, by the SHA-256 an application names it by."""

    sha256: str = Field(pattern="^[0-9a-f]{64}$")


class Decision(Request):
    """An officer's word on an application: a remark, or (returning, rejecting) the reason."""

    version: int = Field(ge=1)
    remark: str | None = Field(None, max_length=1000)


class Sanction(Decision):
    """The sanctioning officer's word, and how its order is signed: sealed by the office at
    once (``seal``), or on the officer's own DSC token (``token``: after their password or TOTP
    again; the sanction is made when the token's signature is taken)."""

    sign: Literal["seal", "token"] = "seal"
    password: str | None = Field(None, max_length=200)
    otp: str | None = Field(None, max_length=10)


class Cancellation(Request):
    version: int = Field(ge=1)
    last_day: date | None = Field(None, description="leave already begun: the last day taken")


class Joining(Request):
    """The applicant's joining report: the day they were back on duty."""

    version: int = Field(ge=1)
    joined_on: date


class HistoryEntry(BaseModel):
    n: int
    action: str
    by: dict[str, Any]
    post_id: str | None
    at: str
    remark: str | None = None
    to_post_id: str | None = None
    level: str | None = None
    skipped: list[dict[str, str]] = Field(
        [],
        description="officers passed over on the way, each with why (vacant, on_leave)",
    )
    delegated: bool = Field(
        False, description="the post it went to was delegated: its delegate acts for it"
    )
    last_day: str | None = None
    joined_on: str | None = None


class Order(BaseModel):
    """The sanction order issued: verified by anyone with its number and code at
    /verify/<number>?code=<code>."""

    number: str
    code: str
    issued_at: str
    sha256: str
    signed: Literal["seal", "token"]


class Application(BaseModel):
    id: str
    user_id: str
    applicant_name: str
    post_id: str
    kind: str
    from_date: str
    to_date: str
    half: Half | None
    days: float
    reason: str
    address: str
    certificate: str | None
    status: str
    at_post_id: str | None
    level: str | None
    version: int
    sanctioned_on: str | None
    curtailed_to: str | None
    refunded_days: float
    joined_on: str | None = Field(None, description="the day the applicant joined back")
    delegate_to_user_id: str | None = None
    applied_at: str
    history: list[HistoryEntry] = []
    order: Order | None = Field(None, description="the sanction order, once issued")
    signing_id: str | None = Field(
        None, description="the signing on the sanctioning officer's token it waits for, if any"
    )


class Applications(BaseModel):
    items: list[Application]


class KindBalance(BaseModel):
    kind: str
    name_en: str
    name_hi: str
    balance: float = Field(description="by the ledger: credited and opening less sanctioned")
    on_the_way: float = Field(description="asked for in applications not yet decided")
    available: float


class Balance(BaseModel):
    user_id: str
    year: int
    department: str
    kinds: list[KindBalance]
    ledger: list[dict[str, Any]]


# --- an office's leave: who is away in a month, and its register --------------------------------

MONTH = r"^20\d\d-(0[1-9]|1[0-2])$"  # YYYY-MM


class OfficeNamed(BaseModel):
    id: str
    code: str
    name_en: str
    name_hi: str


class Away(BaseModel):
    """Sanctioned leave of one person, as the office's calendar shows it."""

    application_id: str
    user_id: str
    applicant_name: str
    post_id: str
    kind: str
    kind_name_en: str
    kind_name_hi: str
    from_date: str
    to_date: str = Field(description="the last day of leave (cut short: the last day taken)")
    half: Half | None
    days: float


class AwayOn(BaseModel):
    date: str
    application_ids: list[str]


class OfficeCalendar(BaseModel):
    office: OfficeNamed
    month: str
    items: list[Away] = Field(description="sanctioned leave in the office and below that month")
    days: list[AwayOn] = Field(description="each day of the month someone is away, in order")


class CalendarQuery(Request):
    office: str | None = Field(None, max_length=60, description="its code (default: your own)")
    month: str = Field(pattern=MONTH, description="YYYY-MM")


class RegisterQuery(Request):
    """Which of an office's applications the register lists (all of them when nothing is
    given); ``month``: those whose dates fall in it."""

    office: str | None = Field(None, max_length=60, description="its code (default: your own)")
    month: str | None = Field(None, pattern=MONTH, description="YYYY-MM")
    kind: str | None = Field(None, max_length=40)
    status: str | None = Field(None, max_length=20)


class LeaveRegister(BaseModel):
    office: OfficeNamed
    items: list[Application] = Field(description="newest first, without their history")


class OpeningUpload(Request):
    """An opening balance sheet (XLSX or CSV) as uploaded; base64 over the bus."""

    filename: str = Field("", max_length=255)
    content_b64: str = Field(min_length=1, max_length=40_000_000)


class OpeningRow(BaseModel):
    """One row of an uploaded opening balance sheet: the opening it gave, or why not."""

    row: int
    person: str = Field(description="the username or user id as the sheet wrote it")
    user_id: str | None
    kind: str
    days: float | None
    as_on: str
    action: Literal["open", "replace", "unchanged", "reject"]
    reasons: list[dict[str, Any]] = Field(description="{field, code, details?} per problem")


class OpeningReport(BaseModel):
    """What an upload did, row by row: each kept row is its person's one opening of its kind
    (a new one, one replacing an earlier figure, or the same as before)."""

    filename: str
    summary: dict[str, int] = Field(description="rows per action: open, replace, unchanged, reject")
    rows: list[OpeningRow]
