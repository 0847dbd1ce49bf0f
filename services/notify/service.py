"""Notify: in-app notices (work reaching a desk, the seven-working-day rule's stages, a
delegation, a DSC expiring, a VPN account) and issued letters dispatched by email (SMS,
reminders and preferences follow)."""

import base64
import smtplib
from datetime import timedelta
from typing import Any

import structlog
from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler
from nameko.rpc import RpcProxy
from nameko.timer import timer

from common import service_parts
from common.clock import iso, utcnow
from common.config import setting
from common.events import Event
from common.paging import page_of
from common.rpc import rpc
from common.storage import Database
from common.trust import Trust
from services.notify import domain, store
from services.notify.schemas import MarkedRead, Notice, NoticeList


def _view(doc: dict[str, Any]) -> Notice:
    """A stored notice as notify answers it."""
    return Notice(id=doc["_id"], **{k: doc[k] for k in Notice.model_fields if k != "id"})


log = structlog.get_logger()
EMAIL_RETRY_SECONDS = 60
EMAIL_ATTEMPTS = 10


class NotifyService(service_parts.Health):
    name = "notify"

    storage = Database(indexes=store.ensure_indexes)
    files = RpcProxy("files")
    trust = Trust()
    config = Config()

    @event_handler("files", "receipt.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_sent(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("files", "file.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_sent(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("files", "receipt.overdue", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_overdue(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("files", "file.overdue", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_overdue(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("identity", "post.delegated", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_post_delegated(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("identity", "dsc.expiring", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_dsc_expiring(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("identity", "vpn.issued", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_vpn_issued(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("identity", "vpn.revoked", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_vpn_revoked(self, event: dict[str, Any]) -> None:
        self._notify(event)

    @event_handler("files", "receipt.opened", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_opened(self, event: dict[str, Any]) -> None:
        self._read_by_opening(event)

    @event_handler("files", "file.opened", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_opened(self, event: dict[str, Any]) -> None:
        self._read_by_opening(event)

    @event_handler("files", "draft.dispatched", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_draft_dispatched(self, raw: dict[str, Any]) -> None:
        """Mail an issued letter to its addressees (once per event; retried if the mail server
        is away)."""
        event = self.trust.event(raw)
        if event.payload.get("mode") != "email":
            return
        record = store.email_for_event(
            self.storage.db, event.event_id, event.model_dump(mode="json"), iso(utcnow())
        )
        if record["status"] != "sent":
            self._send(record)

    @timer(interval=EMAIL_RETRY_SECONDS)
    def retry_emails(self) -> None:
        """Try again the emails the mail server refused or missed (a few times)."""
        before = iso(utcnow() - timedelta(seconds=EMAIL_RETRY_SECONDS))
        for record in store.emails_to_retry(self.storage.db, before, EMAIL_ATTEMPTS):
            self._send(record)

    def _send(self, record: dict[str, Any]) -> None:
        event = Event.model_validate(record["event"])
        cfg = self.config
        try:
            issued = self.files.letter_to_mail(self.trust.own(), event.payload["issue_number"])
            message = domain.dispatch_email(
                event,
                setting(cfg, "EOFFICE_MAIL_FROM", "e-office@localhost"),
                base64.b64decode(issued["pdf_b64"]),
                setting(cfg, "EOFFICE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            )
            assert message is not None  # only dispatches by email are recorded to be mailed
            host = setting(cfg, "EOFFICE_SMTP_HOST", "127.0.0.1")
            port = int(setting(cfg, "EOFFICE_SMTP_PORT", "25"))
            with smtplib.SMTP(host, port, timeout=30) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("email.failed", event_id=event.event_id, error=str(exc))
            store.email_tried(self.storage.db, event.event_id, False, iso(utcnow()), str(exc))
            return
        store.email_tried(self.storage.db, event.event_id, True, iso(utcnow()))
        log.info("email.sent", event_id=event.event_id, to=event.payload["to"])

    def _notify(self, raw: dict[str, Any]) -> None:
        for notice in domain.notices_for(self.trust.event(raw)):
            store.add_notice(self.storage.db, notice)

    def _read_by_opening(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)
        opened = domain.seen_by_opening(event)
        if opened:
            store.mark_read_for_item(self.storage.db, *opened, at=event.occurred_at.isoformat())

    @rpc
    def notices(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """The notices of the actor and their posts, newest first, a page at a time."""
        who = self.trust.actor(actor)
        docs = sorted(
            store.notices_for(self.storage.db, who.post_ids, who.user_id),
            key=lambda n: (n["created_at"], n["_id"]),
            reverse=True,
        )
        unread = sum(1 for n in docs if n["read_at"] is None)
        page, next_cursor = page_of(docs, limit, cursor)
        return NoticeList(
            items=[_view(n) for n in page], unread=unread, next_cursor=next_cursor
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
        domain.require_own(who, store.notice(db, notice_id))
        store.mark_read(db, notice_id, iso(utcnow()))
        return _view(domain.require_own(who, store.notice(db, notice_id))).model_dump()
