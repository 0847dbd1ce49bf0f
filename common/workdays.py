"""The working-day clock: how many working days an item has been held, by a state's calendar.

CSMOP counts a desk's time in working days: Sundays, second (and in some states fourth)
Saturdays and gazetted holidays stop the clock; restricted holidays do not. Every service that
counts working days (files for the seven-working-day rule, reports for pendency by age) uses
this one module with the calendar identity keeps per state and year.

Days are counted in Indian Standard Time: an item received at 23:30 IST on a Friday was received
on Friday, whatever the UTC date says.
"""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from common.clock import IST


@dataclass(frozen=True)
class Calendar:
    """A state's working-day calendar.

    ``holidays`` are the gazetted holidays (restricted holidays are not listed: they do not stop
    the clock). ``second_saturday`` and ``fourth_saturday`` say which Saturdays of a month are
    off; every Sunday is.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    second_saturday: bool = True
    fourth_saturday: bool = False

    def is_working_day(self, day: date) -> bool:
        if day.weekday() == 6 or day in self.holidays:
            return False
        if day.weekday() == 5:
            nth = (day.day - 1) // 7 + 1
            return not ((nth == 2 and self.second_saturday) or (nth == 4 and self.fourth_saturday))
        return True

    def working_days_held(self, since: datetime, now: datetime) -> int:
        """Working days an item received at ``since`` has been held at ``now``: the day it
        arrived counts as day 1 when it is a working day, as the day of arrival does on paper
        ("held for 8 working days" on the 8th working day). An item received on a holiday
        starts on the next working day."""
        first, last = _local_day(since), _local_day(now)
        return sum(1 for day in _days(first, last) if self.is_working_day(day))

    def working_day(self, since: datetime, n: int) -> date:
        """The date of the ``n``-th working day of an item received at ``since`` (n >= 1): the
        day a warning, an explanation or an escalation falls due."""
        if n < 1:
            raise ValueError("working days are counted from 1")
        day, counted = _local_day(since), 0
        while True:
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return day
            day += timedelta(days=1)

    @classmethod
    def of(
        cls,
        holidays: Iterable[date | str],
        second_saturday: bool = True,
        fourth_saturday: bool = False,
    ) -> "Calendar":
        """A calendar from holidays given as dates or ISO strings (as identity answers them)."""
        days = frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in holidays)
        return cls(days, second_saturday, fourth_saturday)


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone cannot be placed on a calendar")
    return moment.astimezone(IST).date()


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


CALENDAR_SECONDS = 10 * 60  # a newly uploaded holiday list counts within minutes


class Calendars:
    """States' calendars as identity answers them, kept a few minutes: every send asks."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def year(self, identity: Any, state_id: str, year: int) -> dict[str, Any]:
        key = (state_id, year)
        with self._lock:
            kept = self._kept.get(key)
        if kept and time.monotonic() - kept[0] < CALENDAR_SECONDS:
            return kept[1]
        answer: dict[str, Any] = identity.working_calendar(state_id, year)
        with self._lock:
            self._kept[key] = (time.monotonic(), answer)
        return answer

    def between(self, identity: Any, state_id: str, since: datetime, until: datetime) -> Calendar:
        """One calendar for the years from ``since`` to ``until`` (an item held over the new
        year counts the holidays of both); Saturdays as the latest year has them."""
        years = [self.year(identity, state_id, y) for y in range(since.year, until.year + 1)]
        holidays = [day for year in years for day in year["holidays"]]
        return Calendar.of(holidays, years[-1]["second_saturday"], years[-1]["fourth_saturday"])

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()
