"""The applicant's desk: apply, correct what was returned, cancel (or cut short), and read
one's own applications and balance."""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from common.actor import Actor
from common.clock import IST, iso, utcnow
from common.errors import InvalidInput, Refused
from common.events import LeaveApplied, LeaveCancelled
from common.rpc import rpc
from common.validation import parse
from common.workdays import Calendars
from services.leave import store
from services.leave.domain import applications, balances, rules
from services.leave.domain.applications import Asked
from services.leave.schemas import (
    Balance,
    Cancellation,
    Correction,
    KindBalance,
    NewApplication,
)
from services.leave.service.base import Desk, today, view

CALENDARS = Calendars()


class ApplyingDesk(Desk):
    @rpc
    def apply(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """Apply for leave from one's own post: checked by the department's rules and the
        balance, then sent to the first officer up the chain who is not away."""
        who = self.trust.actor(actor)
        new = parse(NewApplication, request)
        post_id = self._own_post(who, new.post_id)
        if new.delegate_to_user_id == who.user_id:
            raise Refused("DELEGATE_IS_HOLDER")
        department = self._department(who, who.office_id or "")
        asked = Asked(
            department.kind(new.kind), new.from_date, new.to_date, new.half, new.certificate_sha256
        )
        db = self.storage.db
        mine = store.applications_of(db, who.user_id)
        self._check(who, department, asked, mine)
        chain = self.identity.chain(who.credential, post_id)
        levels = asked.kind.levels
        stop = applications.next_stop(levels, chain, -1, 0, self._away(who))
        now = iso(utcnow())
        application = applications.new(
            uuid.uuid4().hex,
            {
                "user_id": who.user_id,
                "applicant_name": who.name,
                "post_id": post_id,
                "office_path": list(who.office_path),
                "department": department.name,
                "reason": new.reason,
                "address": new.address,
                "delegate_to_user_id": new.delegate_to_user_id,
            },
            asked,
            levels,
            chain,
            stop,
            who.audit(post_id),
            now,
        )
        event = self._event(
            LeaveApplied, application, who, to_post_id=stop.post_id, level=stop.level
        )
        self._hold_days(who, application["_id"], asked)
        store.insert_application(db, application, event)
        return view(application)

    @rpc
    def resubmit(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The applicant corrects an application returned to them; it goes up the chain again."""
        who = self.trust.actor(actor)
        fix = parse(Correction, request)
        db = self.storage.db
        found = store.application(db, application_id)
        applications.require_applicant(found, who.user_id, fix.version)
        department = rules.department(found["department"])
        asked = Asked(
            department.kind(found["kind"]),
            fix.from_date,
            fix.to_date,
            fix.half,
            fix.certificate_sha256,
        )
        others = [a for a in store.applications_of(db, who.user_id) if a["_id"] != found["_id"]]
        self._check(who, department, asked, others)
        stop = self._stop(who, found, -1, 0)
        fields, entry = applications.resubmit(
            found, asked, stop, who.audit(found["post_id"]), iso(utcnow())
        )
        after = {**found, **fields, "version": fix.version + 1}
        event = self._event(LeaveApplied, after, who, to_post_id=stop.post_id, level=stop.level)
        self._hold_days(who, found["_id"], asked)
        return view(store.change_application(db, found["_id"], fix.version, fields, entry, event))

    @rpc
    def cancel(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The applicant withdraws an application, or cuts short leave already begun; sanctioned
        days not taken go back to their balance."""
        who = self.trust.actor(actor)
        asked = parse(Cancellation, request)
        db = self.storage.db
        found = store.application(db, application_id)
        applications.require_applicant(found, who.user_id, asked.version)
        change = applications.cancel(
            found, who.audit(found["post_id"]), iso(utcnow()), today(), asked.last_day
        )
        return self._applicant_changed(
            who,
            found,
            change,
            LeaveCancelled,
            lambda after: {
                "was": found["status"],
                "curtailed_to": after["curtailed_to"],
                "refunded_days": after["refunded_days"],
                "held_by_post_id": found.get("at_post_id") or found.get("decided_post_id"),
            },
        )

    @rpc
    def my_applications(self, actor: dict[str, Any]) -> dict[str, Any]:
        who = self.trust.actor(actor)
        return {"items": [view(a) for a in store.applications_of(self.storage.db, who.user_id)]}

    @rpc
    def application(self, actor: dict[str, Any], application_id: str) -> dict[str, Any]:
        """One application with its history: for its applicant and the posts it passed."""
        who = self.trust.actor(actor)
        found = store.application(self.storage.db, application_id)
        applications.require_viewer(found, who.user_id, who.post_ids)
        return view(found)

    @rpc
    def balance(self, actor: dict[str, Any], year: int | None = None) -> dict[str, Any]:
        """The actor's balance of each kind their department has, with their ledger."""
        who = self.trust.actor(actor)
        department = self._department(who, who.office_id or "")
        year = today().year if year is None else year
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not (applications.FIRST_YEAR <= year <= applications.LAST_YEAR)
        ):
            raise InvalidInput("LEAVE_YEAR_INVALID")
        mine = store.applications_of(self.storage.db, who.user_id)
        ledger = self._ledger(who.user_id, department, mine, date(year, 1, 1))
        kinds = []
        for kind in department.kinds:
            left = balances.balance(kind, ledger, year)
            waiting = balances.in_flight(mine, kind.code, year)
            kinds.append(
                KindBalance(
                    kind=kind.code,
                    name_en=kind.name_en,
                    name_hi=kind.name_hi,
                    balance=left,
                    on_the_way=waiting,
                    available=left - waiting,
                )
            )
        ordered = sorted(ledger, key=lambda e: (e["on"], e["_id"]))
        return Balance(
            user_id=who.user_id, year=year, department=department.name, kinds=kinds, ledger=ordered
        ).model_dump()

    def _own_post(self, who: Actor, chosen: str | None) -> str:
        """The applicant's own post (not one delegated to them): the chosen one, or the first;
        held at this moment by identity's word (a transfer takes effect at once)."""
        own = [p for p in who.post_ids if p not in who.on_behalf_of]
        post = chosen or (own[0] if own else None)
        if (
            post is None
            or post not in own
            or not self.identity.may_act(who.credential, post)["allowed"]
        ):
            raise Refused("LEAVE_NO_POST_OF_YOURS")
        return post

    def _check(
        self,
        who: Actor,
        department: rules.Department,
        asked: Asked,
        others: list[dict[str, Any]],
    ) -> None:
        # A certificate is named by its hash: only one the applicant uploaded (see
        # CertificatesDesk), not another person's nor one made up.
        if asked.certificate is not None and not store.uploaded_certificate(
            self.storage.db, who.user_id, asked.certificate
        ):
            raise Refused("LEAVE_CERTIFICATE_NOT_UPLOADED")
        applications.require_within_years(asked)
        year = asked.from_date.year
        ledger = self._ledger(who.user_id, department, others, asked.from_date)
        available = balances.balance(asked.kind, ledger, year) - balances.in_flight(
            others, asked.kind.code, year
        )
        applications.check(asked, today(), others, available, self._off_day(who, asked))

    def _off_day(self, who: Actor, asked: Asked) -> Any:
        """Whether a date is a holiday in the applicant's state (asked of identity only for a
        kind that may not be joined to holidays)."""
        if asked.kind.joins_holidays or not who.office_path:
            return lambda day: False
        since = datetime.combine(asked.from_date - timedelta(days=1), time(), IST)
        until = datetime.combine(asked.to_date + timedelta(days=1), time(), IST)
        calendar = CALENDARS.between(self.identity, who.office_path[0], since, until)
        return lambda day: not calendar.is_working_day(day)
