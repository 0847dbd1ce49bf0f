"""The working-day clock's calendar: one holiday calendar per state and year, which anyone may
read (a holiday list is public) and only the state's admin uploads."""

from typing import Any

from common.errors import NotFound
from common.rpc import rpc
from services.identity import store
from services.identity.calendar_schemas import WorkingCalendar
from services.identity.domain import calendar
from services.identity.service.base import Desk


class CalendarDesk(Desk):
    def _state(self, state_id: str) -> dict[str, Any]:
        """The state office (a root of the tree) called ``state_id``."""
        office = store.office_or_none(self.storage.db, state_id)
        if office is None or office["path"] != [office["_id"]]:
            raise NotFound("STATE_NOT_FOUND", {"state_id": state_id})
        return office

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
