"""A state's holiday calendar for a year: what the working-day clock is told, and the default
when the state admin has uploaded none. Pure: stored records in, answers out.

CSMOP's clock stops on Sundays, on the Saturdays a state gives off (second, and in some states
fourth) and on gazetted holidays; a restricted holiday is taken by a few and stops nothing, so
it is shown beside the gazetted ones but never counted."""

from typing import Any

from common.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 1900, 2099


def check_year(year: object) -> int:
    """The year asked for, or INVALID_YEAR (a calendar is kept for 1900-2099)."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("HOLIDAY_YEAR_INVALID", {"first": FIRST_YEAR, "last": LAST_YEAR})
    return year


def working_calendar(state_id: str, year: int, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The calendar the clock counts by: the stored one for that state and year, or the
    default (no holidays, second Saturdays off) with ``uploaded`` false."""
    if stored is None:
        return {
            "state_id": state_id,
            "year": year,
            "holidays": [],
            "restricted": [],
            "second_saturday": True,
            "fourth_saturday": False,
            "uploaded": False,
        }
    days = sorted(stored["holidays"], key=lambda h: h["date"])
    return {
        "state_id": state_id,
        "year": year,
        "holidays": [h["date"] for h in days if h["kind"] == "gazetted"],
        "restricted": [h["date"] for h in days if h["kind"] == "restricted"],
        "second_saturday": stored["second_saturday"],
        "fourth_saturday": stored["fourth_saturday"],
        "uploaded": True,
    }
