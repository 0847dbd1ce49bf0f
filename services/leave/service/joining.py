"""The applicant's joining report: back on duty after sanctioned leave. Joining before its last
day cuts it short and gives the days not taken back to the balance."""

from typing import Any

from common.clock import iso, utcnow
from common.events import LeaveJoined
from common.rpc import rpc
from common.validation import parse
from services.leave import store
from services.leave.domain import applications
from services.leave.schemas import Joining
from services.leave.service.base import Desk, today


class JoiningDesk(Desk):
    @rpc
    def join(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The applicant reports the day they joined back after their sanctioned leave."""
        who = self.trust.actor(actor)
        report = parse(Joining, request)
        db = self.storage.db
        found = store.application(db, application_id)
        applications.require_applicant(found, who.user_id, report.version)
        change = applications.join(
            found, who.audit(found["post_id"]), iso(utcnow()), today(), report.joined_on
        )
        return self._applicant_changed(
            who,
            found,
            change,
            LeaveJoined,
            lambda after: {
                "joined_on": after["joined_on"],
                "curtailed_to": after.get("curtailed_to"),
                "refunded_days": after.get("refunded_days") or 0,
            },
        )
