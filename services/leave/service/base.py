"""What every leave desk shares: the applicant's department and its rules, who is away along
a chain, the ledger brought up to date, events of an application, and its answer."""

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from common.actor import Actor
from common.clock import IST, iso, utcnow
from common.errors import Refused
from common.events import LeaveEvent, new_event
from common.storage import Storage
from common.trust import Trusted
from services.leave import store
from services.leave.domain import applications, balances, rules
from services.leave.domain.applications import Asked, Stop
from services.leave.schemas import Application

# Days held for an application that is not written yet: it is being applied for (or its write
# was cut off, and after this long the days are free again).
WRITING = timedelta(minutes=2)


def today() -> date:
    """Leave is counted in the office's days (IST), whatever the UTC date says."""
    return utcnow().astimezone(IST).date()


def view(application: dict[str, Any]) -> dict[str, Any]:
    return Application.model_validate(
        {
            **{k: application.get(k) for k in Application.model_fields if k != "id"},
            "id": application["_id"],
            "history": application.get("history", []),
        }
    ).model_dump()


class Desk:
    storage: Storage
    trust: Trusted
    identity: Any
    # An office's department kind, asked of identity once per office (it does not change).
    _kinds: ClassVar[dict[str, str | None]] = {}
    _kinds_lock = threading.Lock()

    def _department(self, who: Actor, office_id: str) -> rules.Department:
        with self._kinds_lock:
            known = office_id in self._kinds
        if not known:
            kind = self.identity.department_kind(who.credential, office_id)
            with self._kinds_lock:
                self._kinds[office_id] = kind
        return rules.department(self._kinds[office_id])

    def _away(self, who: Actor) -> Any:
        """Why each post of a chain cannot take an application now (None: it can)."""
        db, now, day = self.storage.db, iso(utcnow()), today()

        def reason(post_id: str) -> str | None:
            holder = self.identity.post(who.credential, post_id)["holder_user_id"]
            away_on_leave = holder is not None and applications.on_leave(
                store.applications_of(db, holder), day
            )
            return applications.away(holder, store.delegations_of(db, post_id), away_on_leave, now)

        return reason

    def _stop(self, who: Actor, application: dict[str, Any], after: int, level: int) -> Stop:
        return applications.next_stop(
            tuple(application["levels"]), application["chain"], after, level, self._away(who)
        )

    def _ledger(
        self,
        user_id: str,
        department: rules.Department,
        mine: list[dict[str, Any]],
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        """A person's ledger, brought up to date first: the credits of every period since it
        began until today (or ``until``, a later day leave is asked for: a year's credit is
        given in advance on its first day), and what each decided application debited or
        refunded (written with the application's change; written here again if that was cut
        off, once either way)."""
        db, day = self.storage.db, max(today(), until or today())
        kept = store.ledger_of(db, user_id)
        ids = [e["_id"] for e in kept]
        since = min((date.fromisoformat(e["on"]) for e in kept), default=today())
        due = [
            e
            for kind in department.kinds
            for e in balances.credits_due(user_id, kind, since, day, ids)
        ]
        due += [e for a in mine for e in balances.entries_of(a) if e["_id"] not in ids]
        store.add_entries(db, due)
        return kept + due

    def _post_ledger(self, application: dict[str, Any]) -> None:
        """The debit or refund a decision wrote in the applicant's ledger."""
        store.add_entries(self.storage.db, balances.entries_of(application))

    def _hold_days(self, who: Actor, application_id: str, asked: Asked) -> None:
        """Hold the days asked for the application about to be written. Checked against the
        person's applications already, this refuses (as an overlap, holding nothing) only what
        another application of theirs took since: one sent at the same moment, or still being
        applied for. Days an application gave up since (withdrawn, rejected, cut short) are
        taken over."""
        db, now = self.storage.db, utcnow()
        days = applications.days_asked(asked)
        for held in store.hold_days(db, who.user_id, application_id, days, iso(now)):
            holder = store.application_if_any(db, held["application_id"])
            being_written = holder is None and now - datetime.fromisoformat(held["at"]) < WRITING
            if (
                being_written
                or applications.still_holds(holder, asked)
                or not store.take_over_day(db, held, application_id, iso(now))
            ):
                store.let_go_days(db, who.user_id, application_id, days)
                raise Refused("LEAVE_OVERLAPS", {"application_id": held["application_id"]})

    def _write(
        self,
        who: Actor,
        found: dict[str, Any],
        fields: dict[str, Any],
        entry: dict[str, Any],
        payload: type[LeaveEvent],
        **more: Any,
    ) -> dict[str, Any]:
        """The change, with its event, written at the version it was read at."""
        version = found["version"]
        event = self._event(payload, {**found, **fields, "version": version + 1}, who, **more)
        return store.change_application(
            self.storage.db, found["_id"], version, fields, entry, event
        )

    def _applicant_changed(
        self,
        who: Actor,
        found: dict[str, Any],
        change: tuple[dict[str, Any], dict[str, Any]],
        payload: type[LeaveEvent],
        more: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> dict[str, Any]:
        """A change the applicant makes (a cancellation, a joining report; its version checked
        already), with its event (``more``: the event's fields from the changed application);
        the days it gives back go to the ledger."""
        fields, entry = change
        changed = self._write(who, found, fields, entry, payload, **more({**found, **fields}))
        self._post_ledger(changed)
        return view(changed)

    def _event(
        self, payload: type[LeaveEvent], application: dict[str, Any], who: Actor, **more: Any
    ) -> dict[str, Any]:
        if "delegate_to_user_id" in payload.model_fields:  # the sanction: identity delegates
            more.setdefault("delegate_to_user_id", application.get("delegate_to_user_id"))
        return new_event(
            payload(
                application_id=application["_id"],
                applicant_user_id=application["user_id"],
                applicant_post_id=application["post_id"],
                kind=application["kind"],
                from_date=application["from_date"],
                to_date=application["to_date"],
                days=application["days"],
                seq=application["version"],
                **more,
            ),
            who,
            application["office_path"],
        )
