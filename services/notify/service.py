"""Notify: in-app notices now; email, SMS and reminders follow."""

from nameko.events import SERVICE_POOL, event_handler
from nameko.rpc import rpc

from common.actor import Actor
from common.clock import iso, utcnow
from common.events import Event
from common.storage import Database
from services.notify import domain, store
from services.notify.schemas import Notice, NoticeList


def _view(doc: dict) -> Notice:
    return Notice(id=doc["_id"], **{k: doc[k] for k in Notice.model_fields if k != "id"})


class NotifyService:
    name = "notify"

    storage = Database(indexes=store.ensure_indexes)

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "ok": True}

    @event_handler("files", "receipt.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_sent(self, event: dict):
        self._notify(event)

    @event_handler("files", "file.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_sent(self, event: dict):
        self._notify(event)

    @event_handler("files", "receipt.opened", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_opened(self, event: dict):
        self._read_by_opening(event)

    @event_handler("files", "file.opened", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_opened(self, event: dict):
        self._read_by_opening(event)

    def _notify(self, raw: dict) -> None:
        for notice in domain.notices_for(Event.model_validate(raw)):
            store.add_notice(self.storage.db, notice)

    def _read_by_opening(self, raw: dict) -> None:
        event = Event.model_validate(raw)
        opened = domain.seen_by_opening(event)
        if opened:
            store.mark_read_for_item(self.storage.db, *opened, at=event.occurred_at.isoformat())

    @rpc
    def notices(self, actor: dict, limit: int = 50) -> dict:
        """The notices of the actor's posts, newest first."""
        actor = Actor.parse(actor)
        docs = sorted(
            store.notices_for_posts(self.storage.db, actor.post_ids),
            key=lambda n: n["created_at"],
            reverse=True,
        )
        unread = sum(1 for n in docs if n["read_at"] is None)
        return NoticeList(items=[_view(n) for n in docs[:limit]], unread=unread).model_dump()

    @rpc
    def mark_read(self, actor: dict, notice_id: str) -> dict:
        actor = Actor.parse(actor)
        db = self.storage.db
        domain.require_own(actor, store.notice(db, notice_id))
        store.mark_read(db, notice_id, iso(utcnow()))
        return _view(store.notice(db, notice_id)).model_dump()
