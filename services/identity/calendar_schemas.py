"""What the holiday calendar's calls take and answer: the working calendar every clock counts
by, a state's named holidays with their upload history, and the per-row report of an upload."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["gazetted", "restricted"]


class WorkingCalendar(BaseModel):
    """What everything that counts working days reads (``common.workdays.Calendar.of``)."""

    state_id: str
    year: int
    holidays: list[str] = Field(description="gazetted holidays, YYYY-MM-DD: the clock stops")
    restricted: list[str] = Field(description="restricted holidays: shown, never counted")
    second_saturday: bool
    fourth_saturday: bool
    uploaded: bool = Field(description="false: no calendar uploaded, the default answered")


class Saturdays(BaseModel):
    """Which Saturdays of a month the state gives off in that year (every Sunday is off); sent
    with the year's holiday sheet, as states notify them together."""

    model_config = ConfigDict(extra="forbid")

    second_saturday: bool = True
    fourth_saturday: bool = False


class HolidayUpload(Saturdays):
    """A state's holiday sheet for a year (XLSX or CSV, base64 over the bus)."""

    filename: str = Field("", max_length=255)
    # A year's holidays are a few KB; this leaves room for a sheet with formatting and notes.
    content_b64: str = Field(min_length=1, max_length=4_000_000)


class Holiday(BaseModel):
    date: str = Field(description="YYYY-MM-DD")
    name_en: str
    name_hi: str
    kind: Kind


class CalendarUploaded(BaseModel):
    """One upload of a state's calendar for a year: the newest is the calendar in force."""

    id: str
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: str
    filename: str
    second_saturday: bool
    fourth_saturday: bool
    summary: dict[str, int]


class HolidayCalendar(WorkingCalendar):
    """The working calendar with every holiday named, and who uploaded which version when."""

    days: list[Holiday] = Field(description="every holiday of the year by date, both kinds")
    history: list[CalendarUploaded] = Field(description="uploads for this year, newest first")


class HolidayRow(BaseModel):
    """One row of an uploaded sheet: the holiday it gave, or why it was rejected."""

    row: int
    date: str
    name_en: str
    name_hi: str
    kind: str
    action: Literal["gazetted", "restricted", "reject"]
    reasons: list[dict] = Field(description="{field, code, details?} per problem")


class HolidayReport(BaseModel):
    """What an upload did, row by row. ``applied`` is false only when no row could be kept:
    then the calendar in force is left as it was."""

    state_id: str
    year: int
    filename: str
    applied: bool
    summary: dict[str, int] = Field(description="rows per action: gazetted, restricted, reject")
    rows: list[HolidayRow]
    calendar: HolidayCalendar
