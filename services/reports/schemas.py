"""Reports' answers."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from common.events import Names

# A month as reports take it: YYYY-MM.
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class PostPendency(BaseModel):
    post_id: str
    post_name: Names
    items: int
    oldest_since: str


class Pendency(BaseModel):
    office_id: str
    posts: list[PostPendency]
    total: int


class NodeRows(BaseModel):
    """A report on a node of the office tree (an office, a department, or ``post:<id>``): its
    own row first, then the rows under it at the level asked for."""

    office_id: str
    rows: list[dict[str, Any]]
    as_of: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "as_of": "2026-03-20T11:30:00+00:00",
                    "rows": [
                        {
                            "node": "hathras",
                            "path": ["up", "police", "agra-zone", "aligarh-range", "hathras"],
                            "total": 3,
                            "ages": {"0-7": 2, "8-15": 1, "16-30": 0, "over_30": 0},
                            "kinds": {"receipt": 2, "file": 1},
                            "priorities": {"normal": 2, "urgent": 1},
                            "late": {"warning": 1, "explanation_required": 0, "escalated": 0},
                            "late_explained": 1,
                            "oldest_day": "2026-03-03",
                        }
                    ],
                }
            ]
        }
    )


class Monthly(BaseModel):
    """Month by month: receipts and files created, items received and sent, files closed."""

    office_id: str
    months: list[dict[str, Any]]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "months": [
                        {
                            "month": "2026-03",
                            "receipts_created": 41,
                            "files_created": 12,
                            "received": 60,
                            "sent": 58,
                            "closed": 3,
                        }
                    ],
                }
            ]
        }
    )


class ListedItem(BaseModel):
    """An item in a list of items: named by its number (never its subject), where it waits and
    for how long, and how far past the seven-working-day rule it is there."""

    item_id: str
    kind: Literal["receipt", "file"]
    number: str
    post_id: str
    post_name: Names
    office_path: list[str]
    since: str = Field(description="when it reached this desk")
    working_days: int = Field(description="working days held at this desk, today included")
    stage: Literal["none", "warning", "explanation_required", "escalated"]
    explained: bool = Field(description="whether its holder has recorded why it is late")


class LateItems(BaseModel):
    """The late list of a node: its items past the rule, longest held first."""

    office_id: str
    as_of: str
    items: list[ListedItem]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "as_of": "2026-03-20T11:30:00+00:00",
                    "items": [
                        {
                            "item_id": "f1",
                            "kind": "file",
                            "number": "A-11022/1/2026/ESTT/SP-HTR",
                            "post_id": "hc-estt",
                            "post_name": {"en": "Head Clerk", "hi": "प्रधान लिपिक"},
                            "office_path": ["up", "up-police", "hathras"],
                            "since": "2026-03-05T05:00:00+00:00",
                            "working_days": 11,
                            "stage": "escalated",
                            "explained": False,
                        }
                    ],
                }
            ]
        }
    )


class PendingWithOthers(BaseModel):
    """The items a desk made (diarised or opened) that now wait at other desks, longest
    waiting first."""

    post_id: str
    as_of: str
    items: list[ListedItem]


class Register(BaseModel):
    """An office's register (diary, files, dispatch, closed), oldest line first."""

    office_id: str
    name: str
    month: str | None
    lines: list[dict[str, Any]]
    whole: bool = Field(
        True, description="the office's whole register; false: the lines the caller's posts wrote"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "name": "diary",
                    "month": "2026-03",
                    "lines": [
                        {
                            "id": "r1",
                            "number": "1/2026/SP-HTR",
                            "subject": "Complaint",
                            "at": "2026-03-02T06:00:00+00:00",
                            "post_id": "cru",
                        }
                    ],
                }
            ]
        }
    )


class Changes(BaseModel):
    """What changed since the cursor: the offices whose reports to pull again, the days their
    events fell on, and the cursor for the next pull (opaque; signed; bound to your scope)."""

    snapshot: bool
    changes: list[dict[str, Any]]
    more: bool
    cursor: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "snapshot": False,
                    "more": False,
                    "cursor": "eyJuIjo0Mi...Q.c2lnbmF0dXJl",
                    "changes": [
                        {
                            "office_id": "hathras",
                            "path": ["up", "police", "agra-zone", "aligarh-range", "hathras"],
                            "days": ["2026-03-19"],
                            "types": ["file.sent", "receipt.diarised"],
                        }
                    ],
                }
            ]
        }
    )


class LeaveWaiting(BaseModel):
    """Leave applications waiting for an officer: by age band in days since they reached the
    officer (0-7, 8-15, 16-30, over_30), by kind of leave, and the day the oldest arrived."""

    total: int
    ages: dict[str, int]
    kinds: dict[str, int]
    oldest_day: str | None


class LeaveWaitingAtNode(LeaveWaiting):
    node: str
    path: list[str]


class LeaveWaitingAtPost(LeaveWaiting):
    post_id: str


class LeavePending(BaseModel):
    """Leave waiting for officers: the node's own row first, then the rows under it at the
    level asked for; and, of the applications under the node, those waiting at each
    officer's post, most first."""

    office_id: str
    as_of: str = Field(description="the day (IST) the ages are counted to")
    rows: list[LeaveWaitingAtNode]
    officers: list[LeaveWaitingAtPost]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "as_of": "2032-03-20",
                    "rows": [
                        {
                            "node": "hathras",
                            "path": ["up", "police", "agra-zone", "aligarh-range", "hathras"],
                            "total": 3,
                            "ages": {"0-7": 2, "8-15": 1, "16-30": 0, "over_30": 0},
                            "kinds": {"earned": 2, "casual": 1},
                            "oldest_day": "2032-03-08",
                        }
                    ],
                    "officers": [
                        {
                            "post_id": "0b6c2f0e",
                            "total": 2,
                            "ages": {"0-7": 1, "8-15": 1, "16-30": 0, "over_30": 0},
                            "kinds": {"earned": 2},
                            "oldest_day": "2032-03-08",
                        }
                    ],
                }
            ]
        }
    )


class LeaveMonth(BaseModel):
    month: str
    kinds: dict[str, float]
    total: float


class LeaveTakenRow(BaseModel):
    node: str
    path: list[str]
    year: int
    total: float
    kinds: dict[str, float]
    months: list[LeaveMonth]


class LeaveTaken(BaseModel):
    """Days of leave taken in a year, by kind and month (counted in the month the leave
    begins): sanctioned, less the days refunded when it was cancelled or cut short. The
    node's own row first, then the rows under it at the level asked for."""

    office_id: str
    year: int
    rows: list[LeaveTakenRow]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "office_id": "hathras",
                    "year": 2032,
                    "rows": [
                        {
                            "node": "hathras",
                            "path": ["up", "police", "agra-zone", "aligarh-range", "hathras"],
                            "year": 2032,
                            "total": 5.5,
                            "kinds": {"earned": 3, "casual": 2.5},
                            "months": [
                                {"month": "2032-03", "kinds": {"earned": 3}, "total": 3},
                                {"month": "2032-04", "kinds": {"casual": 2.5}, "total": 2.5},
                            ],
                        }
                    ],
                }
            ]
        }
    )
