"""The office's desk: who of an office (and the offices below it) is away in a month, and its
leave register of applications in every state, for those who see the office (its officers,
and nodal officers and admins within their scope). An office one may not see is answered as
one that does not exist."""

from typing import Any

from common.actor import Actor
from common.errors import NotFound
from common.rpc import rpc
from common.validation import parse
from services.leave import store
from services.leave.domain import applications, offices, rules
from services.leave.schemas import (
    CalendarQuery,
    LeaveRegister,
    OfficeCalendar,
    OfficeNamed,
    RegisterQuery,
)
from services.leave.service.base import Desk, view


class OfficeViewDesk(Desk):
    @rpc
    def office_calendar(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """Sanctioned leave of the people of an office and below in a month, and each day
        someone is away."""
        who = self.trust.actor(actor)
        asked = parse(CalendarQuery, request)
        office = self._office_in_view(who, asked.office)
        first, last = offices.month_days(asked.month)
        span = (first.isoformat(), last.isoformat())
        found = [
            a
            for a in store.office_applications(
                self.storage.db, office["id"], applications.TAKEN, between=span
            )
            if offices.last_day(a) >= span[0]
        ]
        found.sort(key=lambda a: (a["from_date"], a["applicant_name"], a["_id"]))
        return OfficeCalendar.model_validate(
            {
                "office": office,
                "month": asked.month,
                "items": [_away(a) for a in found],
                "days": offices.away_on(found, first, last),
            }
        ).model_dump()

    @rpc
    def office_register(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """An office's leave applications (and those of the offices below), newest first, in
        every state unless a status, kind or month is asked for."""
        who = self.trust.actor(actor)
        asked = parse(RegisterQuery, request)
        office = self._office_in_view(who, asked.office)
        span = None
        if asked.month:
            first, last = offices.month_days(asked.month)
            span = (first.isoformat(), last.isoformat())
        found = store.office_applications(
            self.storage.db,
            office["id"],
            None if asked.status is None else (asked.status,),
            asked.kind,
            span,
        )
        return LeaveRegister.model_validate(
            {"office": office, "items": [view(a) for a in found]}
        ).model_dump()

    def _office_in_view(self, who: Actor, code: str | None) -> dict[str, Any]:
        """The office asked for (default: the actor's own), if the actor sees its leave."""
        answer = self.identity.offices_under(who.credential, code or who.office_id)["items"]
        office = answer[0] if answer else None
        if office is None or not offices.sees(who, office["path"]):
            raise NotFound("OFFICE_NOT_FOUND", {"office": code})  # not yours to know of
        return OfficeNamed.model_validate(office).model_dump()


def _away(application: dict[str, Any]) -> dict[str, Any]:
    kind = rules.department(application["department"]).kind(application["kind"])
    return {
        "application_id": application["_id"],
        "user_id": application["user_id"],
        "applicant_name": application["applicant_name"],
        "post_id": application["post_id"],
        "kind": kind.code,
        "kind_name_en": kind.name_en,
        "kind_name_hi": kind.name_hi,
        "from_date": application["from_date"],
        "to_date": offices.last_day(application),
        "half": application.get("half"),
        "days": application["days"] - (application.get("refunded_days") or 0),
    }
