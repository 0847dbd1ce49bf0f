"""The working-day clock's calendar: one holiday calendar per state and year, which anyone may
read (a holiday list is public) and only the state's admin uploads, as a sheet checked row by
row.

One call uploads and applies, answering the per-row report (no dry run as for the master data
sheet): a year's holidays are a few dozen rows, read at a glance in the report; an upload
replaces nothing for good (every earlier version stays in the history and can be uploaded
again); and a sheet in which no row could be kept changes nothing at all."""

import base64
import time
from typing import Any

from common import uploads
from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import NotFound
from common.rpc import rpc
from common.threads import cpu_bound
from common.validation import parse
from services.identity import store
from services.identity.calendar_schemas import (
    HolidayCalendar,
    HolidayReport,
    HolidayUpload,
    WorkingCalendar,
)
from services.identity.domain import authority, calendar
from services.identity.domain.sheets.reading import read_sheet
from services.identity.service.base import Desk

SHEET_READ_SECONDS = 20  # the longest reading one holiday sheet may take


def _read_sheet(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Read a holiday sheet in a real thread (``may_act`` keeps being answered meanwhile),
    giving up (SHEET_TOO_SLOW) past what a sheet of a year's holidays ever takes."""
    give_up_at = time.monotonic() + SHEET_READ_SECONDS
    return cpu_bound(
        lambda: read_sheet(
            content, filename, lambda: time.monotonic() > give_up_at, calendar.HOLIDAY_SHEET
        )
    )


def _uploaded_view(upload: dict[str, Any]) -> dict[str, Any]:
    fields = ("uploaded_by", "uploaded_by_name", "uploaded_at", "filename", "summary")
    return {
        "id": upload["_id"],
        **{k: upload[k] for k in fields},
        "second_saturday": upload["second_saturday"],
        "fourth_saturday": upload["fourth_saturday"],
    }


class CalendarDesk(Desk):
    def _state(self, state_id: str) -> dict[str, Any]:
        """The state office (a root of the tree) called ``state_id``."""
        office = store.office_or_none(self.storage.db, state_id)
        if office is None or office["path"] != [office["_id"]]:
            raise NotFound("STATE_NOT_FOUND", {"state_id": state_id})
        return office

    def _own_state(self, actor: Actor) -> str:
        state_id: str = store.office_by_id(self.storage.db, actor.office_id)["path"][0]
        return state_id

    def _calendar(self, state_id: str, year: int) -> dict[str, Any]:
        history = store.calendar_history(self.storage.db, state_id, year)
        current = history[0] if history else None
        days = sorted(current["holidays"], key=lambda h: h["date"]) if current else []
        return HolidayCalendar.model_validate(
            {
                **calendar.working_calendar(state_id, year, current),
                "days": days,
                "history": [_uploaded_view(u) for u in history],
            }
        ).model_dump()

    @rpc
    def working_calendar(self, state_id: str, year: int) -> dict:
        """The calendar working days are counted by in that state and year (the state id is
        ``office_path[0]`` of any of its offices): gazetted holidays, restricted ones (never
        counted) and which Saturdays are off; the default when none has been uploaded."""
        state = self._state(state_id)
        year = calendar.check_year(year)
        stored = store.current_calendar(self.storage.db, state["_id"], year)
        answer = calendar.working_calendar(state["_id"], year, stored)
        return WorkingCalendar.model_validate(answer).model_dump()

    @rpc
    def holiday_calendar(self, actor: dict, state_id: str | None, year: int) -> dict:
        """A state's calendar for a year (default: the caller's own state) with every holiday
        named and the history of its uploads."""
        who = self.trust.actor(actor)
        state = self._state(state_id or self._own_state(who))
        return self._calendar(state["_id"], calendar.check_year(year))

    @rpc
    def holiday_template(self, year: int) -> str:
        """The holiday sheet template for a year (XLSX, base64), headers in Hindi and English."""
        return base64.b64encode(calendar.template_xlsx(calendar.check_year(year))).decode()

    @rpc
    def upload_holiday_calendar(self, actor: dict, state_id: str, year: int, upload: dict) -> dict:
        """The state admin's holiday sheet for a year, checked row by row: the kept rows become
        the year's calendar (replacing the previous one, which stays in the history), bad rows
        are reported with their reasons. Nothing changes when no row can be kept."""
        who = self.trust.actor(actor)
        state = self._state(state_id)
        authority.require_admin(who, state["path"])
        year = calendar.check_year(year)
        sheet = parse(HolidayUpload, upload)
        content = uploads.decode_base64(sheet.content_b64, "SHEET_NOT_SPREADSHEET")
        rows = calendar.check_rows(_read_sheet(content, sheet.filename), year)
        kept = [r.holiday() for r in rows if r.kept]
        summary = calendar.summarise(rows)
        if kept:
            store.insert_calendar(
                self.storage.db,
                {
                    "_id": store.new_id(),
                    "state_id": state["_id"],
                    "year": year,
                    "holidays": kept,
                    "second_saturday": sheet.second_saturday,
                    "fourth_saturday": sheet.fourth_saturday,
                    "uploaded_by": who.user_id,
                    "uploaded_by_name": who.name,
                    "uploaded_at": iso(utcnow()),
                    "filename": sheet.filename,
                    "summary": summary,
                    "rows": [r.as_dict() for r in rows],
                },
            )
        return HolidayReport.model_validate(
            {
                "state_id": state["_id"],
                "year": year,
                "filename": sheet.filename,
                "applied": bool(kept),
                "summary": summary,
                "rows": [r.as_dict() for r in rows],
                "calendar": self._calendar(state["_id"], year),
            }
        ).model_dump()
