"""An office's leave, as its officers see it: who sees which office, and a month of it (who is
away on which day). Pure rules: the service reads the applications and asks these."""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from common.actor import Actor

# Roles that see a whole part of the tree within their grant's scope (a nodal officer their
# district, the state's admin the state), as they do in reports.
WHOLE_PART_ROLES = ("nodal_officer", "admin")


def sees(actor: Actor, office_path: Iterable[str]) -> bool:
    """Whether the actor sees an office's leave: an officer their own office and those below
    it; a nodal officer or an admin any office within their scope; nobody else any."""
    path = list(office_path)
    own = actor.has_role("officer") and actor.office_id is not None and actor.office_id in path
    return own or any(actor.may(role, path) for role in WHOLE_PART_ROLES)


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of a month written YYYY-MM (checked by the request's model)."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def last_day(application: dict[str, Any]) -> str:
    """The last day of an application's leave: cut short, the last day taken."""
    return str(application.get("curtailed_to") or application["to_date"])


def away_on(
    applications: Iterable[dict[str, Any]], first: date, last: date
) -> list[dict[str, Any]]:
    """Each day from ``first`` to ``last`` on which someone is away, with whose leave it is."""
    held = [(a["from_date"], last_day(a), a["_id"]) for a in applications]
    days, day = [], first
    while day <= last:
        on = day.isoformat()
        ids = [i for starts, ends, i in held if starts <= on <= ends]
        if ids:
            days.append({"date": on, "application_ids": ids})
        day += timedelta(days=1)
    return days
