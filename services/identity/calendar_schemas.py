"""What the holiday calendar's calls take and answer: the working calendar every clock counts
by, a state's named holidays with their upload history, and the per-row report of an upload."""

from typing import Literal

from pydantic import BaseModel, Field

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
