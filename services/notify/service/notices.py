"""Notices: raised from the office's events (each once), read, paged and marked read; the
reminders that fall due later are kept and raised here too."""

from datetime import date, datetime, time, timedelta
from typing import Any

from nameko.events import SERVICE_POOL, event_handler
from nameko.timer import timer

from common.clock import IST, iso, utcnow
from common.events import Event, FileSent, PostAssigned, PostDelegated
from common.paging import page_of
from common.rpc import rpc
from common.workdays import Calendars
from services.notify import store
from services.notify.domain import notices, reminders
from services.notify.schemas import MarkedRead, Notice, NoticeList
from services.notify.service.base import Desk

REMINDER_SECONDS = 5  # a due reminder is raised within seconds
CALENDARS = Calendars()


def _view(doc: dict[str, Any], sent: list[dict[str, Any]]) -> Notice:
    """A stored notice as notify answers it, with how it went out by email and SMS."""
    return Notice.model_validate(
        {
            **{k: doc.get(k) for k in Notice.model_fields if k not in ("id", "deliveries")},
            "id": doc["_id"],
            "deliveries": [
                {"channel": d["channel"], "status": d["status"], "reason": d.get("reason")}
                for d in sent
            ],
        }
    )


def _told(event_type: str, source: str = "files") -> Any:
    return event_handler(source, event_type, handler_type=SERVICE_POOL, reliable_delivery=True)


class NoticeDesk(Desk):
    # --- work reaching a desk, and the rule's stages ------------------------------------------

    @_told("receipt.sent")
    def on_receipt_sent(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("file.sent")
    def on_file_sent(self, raw: dict[str, Any]) -> None:
        """A file's new desk is told; it is reminded of its due date later; the desk it left is
        no longer reminded."""
        event = self._event(raw)
        if event is None:
            return
        self._cancel(event)
        body = event.body()
        assert isinstance(body, FileSent)
        if body.due_date and body.to_office_path:
            now, due = (
                utcnow(),
                datetime.combine(date.fromisoformat(body.due_date[:10]), time(), IST),
            )
            # The state's working days around the due date (reminders fall a working day off).
            calendar = CALENDARS.between(
                self.identity,
                body.to_office_path[0],
                min(now, due - timedelta(days=15)),
                max(now, due) + timedelta(days=15),
            )
            store.add_reminders(self.storage.db, reminders.for_due_date(event, calendar, now))
        self._raise(notices.notices_for(event))

    @_told("file.status_changed")
    def on_file_status_changed(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        if event is not None:
            self._cancel(event)

    @_told("receipt.overdue")
    def on_receipt_overdue(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("file.overdue")
    def on_file_overdue(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("draft.approved")
    def on_draft_approved(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("draft.issued")
    def on_draft_issued(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("document.signed", "signing")
    def on_document_signed(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("receipt.opened")
    def on_receipt_opened(self, event: dict[str, Any]) -> None:
        self._read_by_opening(event)

    @_told("file.opened")
    def on_file_opened(self, event: dict[str, Any]) -> None:
        self._read_by_opening(event)

    # --- leave applications on their way ---------------------------------------------------------

    @_told("leave.applied", "leave")
    def on_leave_applied(self, event: dict[str, Any]) -> None:
        self._leave(event)

    @_told("leave.recommended", "leave")
    def on_leave_recommended(self, event: dict[str, Any]) -> None:
        self._leave(event)

    @_told("leave.sanctioned", "leave")
    def on_leave_sanctioned(self, event: dict[str, Any]) -> None:
        self._leave(event)

    @_told("leave.rejected", "leave")
    def on_leave_rejected(self, event: dict[str, Any]) -> None:
        self._leave(event)

    @_told("leave.returned", "leave")
    def on_leave_returned(self, event: dict[str, Any]) -> None:
        self._leave(event)

    @_told("leave.cancelled", "leave")
    def on_leave_cancelled(self, event: dict[str, Any]) -> None:
        self._leave(event)

    def _leave(self, raw: dict[str, Any]) -> None:
        """The officer an application reaches is told, its applicant is told each word on it,
        and a cancellation tells the officer who held or sanctioned it."""
        event = self._event(raw)
        if event is None:
            return
        told = notices.notices_for(event)
        posts = {n["params"]["to_post_id"] for n in told if n["params"].get("to_post_id")}
        self._raise(notices.with_post_names(told, store.post_names(self.storage.db, posts)))

    # --- what concerns a person ----------------------------------------------------------------

    @_told("post.assigned", "identity")
    def on_post_assigned(self, raw: dict[str, Any]) -> None:
        """Who holds a post now: whom its work's email and SMS reach."""
        event = self._event(raw)
        if event is None:
            return
        body = event.body()
        assert isinstance(body, PostAssigned)
        store.post_held(
            self.storage.db,
            body.post_id,
            body.user_id,
            iso(event.occurred_at),
            body.post_name.model_dump(),
        )

    @_told("post.delegated", "identity")
    def on_post_delegated(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        if event is None:
            return
        assert isinstance(event.body(), PostDelegated)
        store.add_reminders(self.storage.db, reminders.for_delegation(event, utcnow()))
        self._raise(notices.notices_for(event))

    @_told("post.delegation_ended", "identity")
    def on_delegation_ended(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        if event is not None:
            self._cancel(event)
            self._raise(notices.notices_for(event))

    @_told("dsc.expiring", "identity")
    def on_dsc_expiring(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("vpn.issued", "identity")
    def on_vpn_issued(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("vpn.revoked", "identity")
    def on_vpn_revoked(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @_told("person.disabled", "identity")
    def on_person_disabled(self, event: dict[str, Any]) -> None:
        self._notify(event)

    # --- reminders -------------------------------------------------------------------------------

    @timer(interval=REMINDER_SECONDS)
    def raise_reminders(self) -> int:
        """Raise every reminder that has fallen due (after a restart, all that fell due while
        notify was down), once each: the notice's id is the reminder's."""
        db = self.storage.db
        due = store.reminders_due(db, iso(utcnow()))
        for reminder in due:
            self._raise([reminders.notice_of(reminder)])
            store.reminder_fired(db, reminder["_id"])
        return len(due)

    def _cancel(self, event: Event) -> None:
        key = reminders.cancelled_by(event)
        if key:
            store.cancel_reminders(self.storage.db, key, iso(event.occurred_at))

    def _notify(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        if event is not None:
            self._raise(notices.notices_for(event))

    def _read_by_opening(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        opened = notices.seen_by_opening(event) if event else None
        if event and opened:
            store.mark_read_for_item(self.storage.db, *opened, at=event.occurred_at.isoformat())

    # --- reading them --------------------------------------------------------------------------

    @rpc
    def notices(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """The notices of the actor and their posts, newest first, a page at a time, each with
        how it went out by email and SMS."""
        who = self.trust.actor(actor)
        db = self.storage.db
        docs = sorted(
            store.notices_for(db, who.post_ids, who.user_id),
            key=lambda n: (n["created_at"], n["_id"]),
            reverse=True,
        )
        unread = sum(1 for n in docs if n["read_at"] is None)
        page, next_cursor = page_of(docs, limit, cursor)
        sent: dict[str, list[dict[str, Any]]] = {}
        for d in store.deliveries_of_notices(db, [n["_id"] for n in page]):
            sent.setdefault(d["notice_id"], []).append(d)
        return NoticeList(
            items=[_view(n, sent.get(n["_id"], [])) for n in page],
            unread=unread,
            next_cursor=next_cursor,
        ).model_dump()

    @rpc
    def unread(self, actor: dict[str, Any]) -> int:
        """How many of the actor's notices are unread (the count in every page's header)."""
        who = self.trust.actor(actor)
        return store.unread_count(self.storage.db, who.post_ids, who.user_id)

    @rpc
    def mark_all_read(self, actor: dict[str, Any]) -> dict[str, Any]:
        """Mark every notice of the actor and their posts read."""
        who = self.trust.actor(actor)
        marked = store.mark_all_read(self.storage.db, who.post_ids, who.user_id, iso(utcnow()))
        return MarkedRead(marked=marked).model_dump()

    @rpc
    def mark_read(self, actor: dict[str, Any], notice_id: str) -> dict[str, Any]:
        """Mark one of the actor's notices read (again: no change), and answer it."""
        who = self.trust.actor(actor)
        db = self.storage.db
        notices.require_own(who, store.notice(db, notice_id))
        store.mark_read(db, notice_id, iso(utcnow()))
        done = notices.require_own(who, store.notice(db, notice_id))
        return _view(done, store.deliveries_of_notices(db, [notice_id])).model_dump()
