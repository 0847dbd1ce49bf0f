"""While an officer is on leave: the post is delegated to the officer they named when they
applied, for exactly the days sanctioned (from the start of the first day to the end of the
last, in the office's time), by identity itself on leave's word; leave cancelled ends that
delegation, leave cut short (cancelled once begun, or joined back early) ends it now and, if
days of leave are left, delegates the post again up to the new last day (so every consumer of
delegations, and every notice, reads a period as it really is).

Every sanctioned leave is also kept as a period of the post's holder (so the post shows who is
away, delegated or not): one record per application, changed only by a newer version of it.

Idempotent: a delegation's id is made from the application's (and the new last day's), so a
sanction told twice delegates once, and an end told twice ends once."""

import logging
from datetime import date, datetime, time, timedelta
from typing import Any

from nameko.events import SERVICE_POOL, event_handler
from pymongo.errors import DuplicateKeyError

from common.clock import IST, iso, utcnow
from common.errors import Refused
from common.events import (
    LeaveCancelled,
    LeaveEvent,
    LeaveJoined,
    LeaveSanctioned,
)
from services.identity import store
from services.identity.service.base import Desk

log = logging.getLogger(__name__)


def _told(event_type: str) -> Any:
    return event_handler("leave", event_type, handler_type=SERVICE_POOL, reliable_delivery=True)


def delegation_id(application_id: str, last_day: str | None = None) -> str:
    """The delegation an application's leave makes (and the one for the days left once it is
    cut short after ``last_day``)."""
    return f"leave-{application_id}" + (f"-to-{last_day}" if last_day else "")


def _day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the office's time."""
    return datetime.combine(day, time(), IST)


class OnLeaveDesk(Desk):
    @_told("leave.sanctioned")
    def on_leave_sanctioned(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)  # a forged one (or one leave did not send) is refused
        body = event.body()
        assert isinstance(body, LeaveSanctioned)
        self._keep_period(body, body.to_date, cancelled=False)
        if not body.delegate_to_user_id:
            return
        db = self.storage.db
        wanted = delegation_id(body.application_id)
        if store.delegation(db, wanted) is not None:
            return  # told again
        post = store.post_or_none(db, body.applicant_post_id)
        delegate = store.users_by_ids(db, [body.delegate_to_user_id]).get(body.delegate_to_user_id)
        if post is None or delegate is None or post.get("holder_user_id") != body.applicant_user_id:
            # Moved off the post since applying, or the delegate is no longer on record.
            log.warning("leave %s: post not delegated (holder or delegate changed)", wanted)
            return
        ends = _day_start(date.fromisoformat(body.to_date) + timedelta(days=1))
        self._delegate_for_leave(post, delegate, body.from_date, ends, wanted)

    def _keep_period(self, body: LeaveEvent, last_day: str, cancelled: bool) -> None:
        """The holder's leave on their post as this version of the application has it."""
        store.record_leave(
            self.storage.db,
            body.application_id,
            body.seq,
            {
                "post_id": body.applicant_post_id,
                "applicant_user_id": body.applicant_user_id,
                "from_date": body.from_date,
                "to_date": last_day,
                "cancelled": cancelled,
            },
        )

    def _delegate_for_leave(
        self,
        post: dict[str, Any],
        delegate: dict[str, Any],
        first_day: str,
        ends: datetime,
        wanted: str,
    ) -> None:
        now = utcnow()
        starts = max(_day_start(date.fromisoformat(first_day)), now)
        try:
            self._delegate(
                self.trust.own_actor(), post, delegate, starts, ends, "leave", now, wanted
            )
        except Refused as refused:  # over already, or longer than a delegation may be
            log.warning("leave %s: post not delegated (%s)", wanted, refused.code)
        except DuplicateKeyError:
            pass  # made by the same event, told twice at once

    @_told("leave.cancelled")
    def on_leave_cancelled(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)
        body = event.body()
        assert isinstance(body, LeaveCancelled)
        self._keep_period(body, body.curtailed_to or body.to_date, cancelled=not body.curtailed_to)
        self._end_sooner(body, body.curtailed_to)

    @_told("leave.joined")
    def on_leave_joined(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)
        body = event.body()
        assert isinstance(body, LeaveJoined)
        self._keep_period(body, body.curtailed_to or body.to_date, cancelled=False)
        if body.curtailed_to:  # joined back on time or late: the delegation ran its course
            self._end_sooner(body, body.curtailed_to)

    def _end_sooner(self, body: LeaveEvent, last_day: str | None) -> None:
        """End the leave's delegation now; with days of leave left after ``last_day`` (None:
        none), delegate the post again until the end of that day. The new one is made first, so
        an event told again after a crash between the two still ends the old one."""
        db = self.storage.db
        found = store.delegation(db, delegation_id(body.application_id))
        if found is None or found["ended_at"]:
            return
        now = utcnow()
        if last_day:
            ends = _day_start(date.fromisoformat(last_day) + timedelta(days=1))
            post = store.post_by_id(db, found["post_id"])
            wanted = delegation_id(body.application_id, last_day)
            if (
                ends > now
                and post.get("holder_user_id") == found["holder_user_id"]
                and store.delegation(db, wanted) is None
            ):
                delegate = store.user_by_id(db, found["delegate_user_id"])
                self._delegate_for_leave(post, delegate, body.from_date, ends, wanted)
        self._end_delegation(self.trust.own_actor(), found, iso(now))
