"""Reports: read models built from events (pendency by age, adoption, registers, rollups up
the office tree) and the HQ feed of what changed. Every consumed event is kept in a log first,
so any read model can be rebuilt from it (``make rebuild-reports``)."""

import base64
import secrets
import time
from typing import Any, ClassVar

from nameko.events import SERVICE_POOL, event_handler
from nameko.rpc import RpcProxy

from common import service_parts
from common.clock import IST, utcnow
from common.errors import Forbidden, NotFound, Unauthenticated
from common.events import EVENT_TYPES, Event
from common.rpc import rpc
from common.storage import Database
from common.threads import cpu_bound
from common.trust import Trust
from common.workdays import Calendar
from services.reports import answers, domain, projection, store
from services.reports.domain import cursor, scope
from services.reports.domain import leave as leave_rows
from services.reports.render import monthly as monthly_pdf
from services.reports.schemas import LeavePending, LeaveTaken, Pendency

# The events these models read, by producer; the rule's are read once files emits them.
CONSUMED = {
    "files": (
        "receipt.diarised",
        "receipt.sent",
        "receipt.filed",
        "receipt.closed",
        "file.created",
        "file.sent",
        "file.status_changed",
        "draft.dispatched",
        "receipt.overdue",
        "file.overdue",
        "receipt.delay_explained",
        "file.delay_explained",
    ),
    "identity": (
        "person.onboarded",
        "person.disabled",
        "vpn.issued",
        "vpn.revoked",
        "dsc.enrolled",
        "dsc.revoked",
    ),
    "leave": (
        "leave.applied",
        "leave.recommended",
        "leave.sanctioned",
        "leave.rejected",
        "leave.returned",
        "leave.cancelled",
    ),
}
CALENDAR_SECONDS = 600
FEED_PAGE = 1000


def _handler(source: str, event_type: str) -> Any:
    def handle(self: "ReportsService", event: dict[str, Any]) -> None:
        self._take(event)

    return event_handler(source, event_type, handler_type=SERVICE_POOL, reliable_delivery=True)(
        handle
    )


class ReportsService(service_parts.Health, service_parts.Idempotency):
    name = "reports"

    storage = Database(indexes=store.ensure_indexes)
    trust = Trust()
    identity = RpcProxy("identity")
    _calendars: ClassVar[dict[tuple[str, int], tuple[float, Calendar]]] = {}

    def _take(self, raw: dict[str, Any]) -> None:
        """Keep a proven event and apply it. One of a type this code does not know yet (a newer
        producer's) is still proven by its producer's signature, and kept for a later rebuild."""
        try:
            event = self.trust.event(raw)
        except Unauthenticated as refused:
            if refused.code != "EVENT_NOT_YOURS" or raw.get("type") in EVENT_TYPES:
                raise
            event = Event.model_validate({k: v for k, v in raw.items() if k != "proof"})
        projection.take(self.storage.db, raw, event)

    def _calendar(self, state_id: str, year: int) -> Calendar:
        """A state's working calendar for a year, from identity, kept for ten minutes; until
        identity answers, the default one (Sundays and second Saturdays off)."""
        kept = self._calendars.get((state_id, year))
        if kept and kept[0] > time.monotonic():
            return kept[1]
        try:
            answer = self.identity.working_calendar(state_id, year)
            calendar = Calendar.of(
                answer["holidays"], answer["second_saturday"], answer["fourth_saturday"]
            )
            keep = CALENDAR_SECONDS
        except Exception:  # identity down or older: count by the default for now
            calendar, keep = Calendar(), 60
        self._calendars[(state_id, year)] = (time.monotonic() + keep, calendar)
        return calendar

    def _rows(
        self,
        actor: dict[str, Any],
        office_id: str | None,
        level: str | None,
        department: str | None,
    ) -> tuple[list[dict[str, Any]], str]:
        who = self.trust.actor(actor)
        node = office_id or scope.default_node(who)
        rows = answers.rows_of(
            self.storage.db, node, level, department, lambda: self._named_levels(actor, node)
        )
        post = node[len("post:") :] if node.startswith("post:") else None
        if not scope.sees(who, rows[0]["path"], post):
            raise NotFound("OFFICE_NOT_FOUND", {"office": node})  # not yours to know of
        return [r for r in rows if scope.sees(who, r["path"], _post_of(r["_id"]))], node

    def _named_levels(self, actor: dict[str, Any], node: str) -> dict[str, str]:
        """The offices under a node by id with their level as identity names it (district,
        range, zone, tehsil, ward ...); none under a desk. Asked with the viewer's own
        credential, so identity answers only what it would answer them."""
        if node.startswith("post:"):
            return {}
        try:
            offices = self.identity.offices_under(actor, node)["items"]
        except NotFound:
            return {}
        return {o["id"]: o["level"] for o in offices}

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

    @rpc
    def pendency_by_age(
        self,
        actor: dict[str, Any],
        office_id: str | None = None,
        level: str | None = None,
        department: str | None = None,
    ) -> dict[str, Any]:
        """Pending items of a node and the rows under it by age in working days."""
        nodes, node = self._rows(actor, office_id, level, department)
        rows = answers.pendency(self.storage.db, nodes, self._calendar, utcnow())
        return {"office_id": node, "as_of": utcnow().isoformat(timespec="seconds"), "rows": rows}

    @rpc
    def late_items(self, actor: dict[str, Any], office_id: str | None = None) -> dict[str, Any]:
        """The items held past the seven-working-day rule under a node, each with its desk,
        working days held, stage and whether its holder has explained, longest held first."""
        who = self.trust.actor(actor)
        nodes, node = self._rows(actor, office_id, None, None)
        items = answers.late_list(self.storage.db, nodes[0], self._calendar, utcnow())
        seen = [i for i in items if scope.sees(who, i["office_path"], i["post_id"])]
        return {"office_id": node, "as_of": utcnow().isoformat(timespec="seconds"), "items": seen}

    @rpc
    def pending_with_others(
        self, actor: dict[str, Any], post_id: str | None = None
    ) -> dict[str, Any]:
        """The items made at a desk (the actor's first, or one they see) now pending at other
        desks, with where each waits and for how many working days."""
        who = self.trust.actor(actor)
        post = post_id or (who.post_ids[0] if who.post_ids else None)
        if post is None:
            raise Forbidden("NO_POST")
        _, node = self._rows(actor, f"post:{post}", None, None)
        items = answers.pending_with_others(self.storage.db, node, self._calendar, utcnow())
        return {"post_id": post, "as_of": utcnow().isoformat(timespec="seconds"), "items": items}

    @rpc
    def adoption(
        self,
        actor: dict[str, Any],
        office_id: str | None = None,
        level: str | None = None,
        department: str | None = None,
    ) -> dict[str, Any]:
        """Staff onboarded, e-receipts and e-files, movements and the weekly trend per node."""
        nodes, node = self._rows(actor, office_id, level, department)
        return {"office_id": node, "rows": answers.adoption(self.storage.db, nodes)}

    @rpc
    def monthly(self, actor: dict[str, Any], office_id: str | None = None) -> dict[str, Any]:
        """Month by month: created, received, sent, closed."""
        _, node = self._rows(actor, office_id, None, None)
        return {"office_id": node, "months": answers.monthly(self.storage.db, node)}

    @rpc
    def monthly_report_pdf(
        self,
        actor: dict[str, Any],
        office_id: str | None = None,
        month: str | None = None,
        lang: str = "hi",
    ) -> str:
        """The monthly district report of an office as a PDF (base64), in Hindi or English."""
        nodes, _ = self._rows(actor, office_id, "post", None)
        report = answers.monthly_report(
            self.storage.db, nodes, self._calendar, utcnow(), month, lang
        )
        return base64.b64encode(cpu_bound(monthly_pdf.render_monthly, report, lang)).decode()

    @rpc
    def register(
        self,
        actor: dict[str, Any],
        register: str,
        office_id: str | None = None,
        month: str | None = None,
    ) -> dict[str, Any]:
        """An office's diary, file, dispatch or closed-files register: whole for those who see
        the office whole (its officers, nodal officers, HQ); for a clerk, who keeps the
        registers of their own desk, the lines their posts wrote in their office's."""
        who = self.trust.actor(actor)
        if office_id in (None, who.office_id) and not scope.tops(who) and who.office_id:
            lines = answers.register(self.storage.db, register, who.office_id, month)
            mine = [line for line in lines if who.holds(line.get("post_id"))]
            answer = {"office_id": who.office_id, "name": register, "month": month}
            return {**answer, "lines": mine, "whole": False}
        _, node = self._rows(actor, office_id, None, None)
        lines = answers.register(self.storage.db, register, node, month)
        return {"office_id": node, "name": register, "month": month, "lines": lines, "whole": True}

    @rpc
    def leave_pending(
        self,
        actor: dict[str, Any],
        office_id: str | None = None,
        level: str | None = None,
        department: str | None = None,
    ) -> dict[str, Any]:
        """Leave applications waiting for an officer: for a node and the rows under it, by age
        in days since they reached the officer; and, under the node, per officer's post."""
        nodes, node = self._rows(actor, office_id, level, department)
        db, today = self.storage.db, utcnow().astimezone(IST).date()
        officers = leave_rows.pending_rows(store.leave_pending_at(db, nodes[0]["_id"]), today)
        rows = [
            leave_rows.pending_total(
                leave_rows.pending_rows(store.leave_pending_at(db, n["_id"]), today),
                node=n["_id"],
                path=n["path"],
            )
            for n in nodes
        ]
        answer = {"office_id": node, "as_of": today.isoformat(), "rows": rows, "officers": officers}
        return LeavePending.model_validate(answer).model_dump()

    @rpc
    def leave_taken(
        self,
        actor: dict[str, Any],
        office_id: str | None = None,
        year: int | None = None,
        level: str | None = None,
        department: str | None = None,
    ) -> dict[str, Any]:
        """Days of leave taken in a year (default: this one) by kind and month, for a node and
        the rows under it: sanctioned, less what was refunded on cancelling or cutting short."""
        year = leave_rows.year_asked(year, utcnow().astimezone(IST).year)
        nodes, node = self._rows(actor, office_id, level, department)
        db = self.storage.db
        rows = [
            leave_rows.taken_row(
                store.leave_taken_at(db, n["_id"]), year, node=n["_id"], path=n["path"]
            )
            for n in nodes
        ]
        return LeaveTaken.model_validate(
            {"office_id": node, "year": year, "rows": rows}
        ).model_dump()

    @rpc
    def changes(self, actor: dict[str, Any], at: str | None = None) -> dict[str, Any]:
        """What changed in the actor's part of the tree since the cursor ``at`` (none: a
        snapshot of where to start), and the cursor to come back with."""
        who = self.trust.actor(actor)
        db, now, bound = self.storage.db, utcnow(), scope.fingerprint(who)
        key = _feed_key(db)
        if at is None:
            last = store.last_change(db)
            return {
                "snapshot": True,
                "changes": [],
                "more": False,
                "cursor": cursor.make(key, last, bound, now),
            }
        since = cursor.read(key, at, bound, now)
        events = store.events_after(db, since, FEED_PAGE)
        changed: dict[str, dict[str, Any]] = {}
        for e in events:
            path = e.get("office_path") or []
            if path and scope.sees(who, path):
                row = changed.setdefault(
                    path[-1], {"office_id": path[-1], "path": path, "days": set(), "types": set()}
                )
                row["days"].add(e["day"])
                row["types"].add(e["type"])
        n = events[-1]["n"] if events else since
        rows = [
            {**r, "days": sorted(r["days"]), "types": sorted(r["types"])}
            for r in sorted(changed.values(), key=lambda r: r["office_id"])
        ]
        more = len(events) == FEED_PAGE
        return {
            "snapshot": False,
            "changes": rows,
            "more": more,
            "cursor": cursor.make(key, n, bound, now),
        }


def _post_of(node: str) -> str | None:
    return node[len("post:") :] if node.startswith("post:") else None


def _feed_key(db: Any) -> bytes:
    """The feed's signing key, made once and kept with the read models (every replica of the
    service signs and checks with the same one)."""
    return store.feed_key(db, lambda: secrets.token_hex(32)).encode()


# One handler per consumed event type, all taking the same path.
for _source, _types in CONSUMED.items():
    for _type in _types:
        setattr(ReportsService, f"on_{_type.replace('.', '_')}", _handler(_source, _type))
