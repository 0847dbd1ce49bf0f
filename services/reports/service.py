"""Reports: read models built from events. Pendency per post now; adoption, registers and
HQ rollups follow."""

from typing import Any

from nameko.events import SERVICE_POOL, event_handler

from common import service_parts
from common.rpc import rpc
from common.storage import Database
from common.trust import Trust
from services.reports import domain, store
from services.reports.schemas import Pendency


class ReportsService(service_parts.Health):
    name = "reports"

    storage = Database(indexes=store.ensure_indexes)
    trust = Trust()

    @event_handler("files", "receipt.diarised", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_diarised(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler("files", "receipt.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_sent(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler("files", "receipt.filed", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_filed(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler("files", "receipt.closed", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_receipt_closed(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler(
        "files", "file.status_changed", handler_type=SERVICE_POOL, reliable_delivery=True
    )
    def on_file_status_changed(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler("files", "file.created", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_created(self, event: dict[str, Any]) -> None:
        self._follow(event)

    @event_handler("files", "file.sent", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_file_sent(self, event: dict[str, Any]) -> None:
        self._follow(event)

    def _follow(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)
        moved = domain.whereabouts(event)
        if moved:
            store.move_item(self.storage.db, moved[0], event.event_id, moved[1])

    @rpc
    def pendency(self, actor: dict[str, Any], office_id: str | None = None) -> dict[str, Any]:
        """Items pending per post in an office and the offices under it, as far as the
        actor's grants reach."""
        who = self.trust.actor(actor)
        office = domain.office_to_report(who, office_id)
        items = store.items_under(self.storage.db, office)
        rows = domain.pendency_by_post([i for i in items if domain.may_count(who, office, i)])
        answer = {"office_id": office, "posts": rows, "total": sum(r["items"] for r in rows)}
        return Pendency.model_validate(answer).model_dump()
