"""Desk views: what is with my posts, what I sent, search, and the documents behind them."""

import base64
from datetime import datetime
from typing import Any

from common.clock import utcnow
from common.errors import Forbidden, InvalidInput, NotFound
from common.paging import page_of
from common.rpc import rpc
from common.threads import cpu_bound
from services.files import store
from services.files.domain import notes, search
from services.files.render import notesheet, rti
from services.files.schemas import InboxItem, Page
from services.files.service.base import Desk

MAX_SEARCH_RESULTS = 100


def desk_item(kind: str, doc: dict[str, Any], now: datetime, escalated: bool = False) -> InboxItem:
    return InboxItem(
        kind="receipt" if kind == "receipts" else "file",
        id=doc["_id"],
        number=doc["number"],
        subject=doc["subject"],
        sender=doc.get("sender", ""),
        from_post_name=doc.get("from_post_name"),
        holder_post_id=doc["holder_post_id"],
        since=doc["holder_since"],
        opened=doc["opened_at"] is not None,
        priority=doc["priority"],
        remark=doc["remark"],
        grading=doc["grading"],
        due_date=doc.get("due_date"),
        days_held=(now - datetime.fromisoformat(doc["holder_since"])).days,
        status=doc.get("status", "open"),
        is_copy=bool(doc.get("copy_of")),
        awaiting_receipt=bool(doc.get("awaiting_receipt")),
        escalated=escalated,
    )


def _page(items: list[InboxItem], limit: int, cursor: str | None) -> dict[str, Any]:
    page, next_cursor = page_of(items, limit, cursor)
    return Page(items=page, next_cursor=next_cursor).model_dump()


PRIORITY_ORDER = {"most_immediate": 0, "immediate": 1, "normal": 2}


class DeskViews(Desk):
    @rpc
    def inbox(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """Receipts and files with the actor's posts, and those escalated to them from below:
        unread first, then by priority, then the earliest due, then the most recently
        arrived."""
        who = self.trust.actor(actor)
        db, now = self.storage.db, utcnow()
        items = [
            desk_item(kind, d, now)
            for kind in store.KINDS
            for d in store.held_by(db, kind, who.post_ids)
        ]
        # What has been held long below the actor's posts and escalated to them, marked so.
        items += [
            desk_item(kind, d, now, escalated=True)
            for kind in store.KINDS
            for d in store.escalated_to(db, kind, who.post_ids)
            if d["holder_post_id"] not in who.post_ids
        ]
        items.sort(key=lambda i: i.since, reverse=True)
        items.sort(
            key=lambda i: (i.opened, PRIORITY_ORDER.get(i.priority, 3), i.due_date or "9999")
        )
        return _page(items, limit, cursor)

    @rpc
    def pending_at(self, actor: dict[str, Any], post_ids: list[str]) -> list[dict[str, Any]]:
        """What waits at these posts, oldest first: number, kind, id and since, never the
        subject (notify's principal only, for a person's daily digest by email)."""
        if not self.trust.actor(actor).has_role("read_pending_work"):
            raise Forbidden("SERVICE_ONLY")
        if not isinstance(post_ids, list) or not all(isinstance(p, str) for p in post_ids):
            raise InvalidInput("BAD_POSTS")
        db = self.storage.db
        found = [
            {"kind": kind[:-1], "id": d["_id"], "number": d["number"], "since": d["holder_since"]}
            for kind in store.KINDS
            for d in store.held_by(db, kind, post_ids)
        ]
        return sorted(found, key=lambda i: i["since"])

    @rpc
    def sent(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """What the actor's posts sent on last and is now with someone else."""
        who = self.trust.actor(actor)
        db, now = self.storage.db, utcnow()
        items = [
            desk_item(kind, d, now)
            for kind in store.KINDS
            for d in store.sent_by(db, kind, who.post_ids)
            if d["holder_post_id"] not in who.post_ids
        ]
        items.sort(key=lambda i: i.since, reverse=True)
        return _page(items, limit, cursor)

    @rpc
    def search(self, actor: dict[str, Any], query: str, limit: int = 50) -> dict[str, Any]:
        """Receipts and files the actor may see whose number, subject, sender or notes have every
        word of the query (in Hindi regardless of nukta and joiners)."""
        who = self.trust.actor(actor)
        if not isinstance(query, str) or len(query) > 500:
            raise InvalidInput("BAD_QUERY")
        terms = search.query_terms(query)
        if not terms:
            return _page([], limit, None)
        db, now = self.storage.db, utcnow()
        found = []
        for kind in store.KINDS:
            # The gateway may have answered "busy" already: then no one waits for the rest.
            self.deadline.check()
            for d in store.matching(db, kind, terms, MAX_SEARCH_RESULTS * 5):
                self.deadline.check()
                if self._may_see(who, kind, d):
                    found.append(desk_item(kind, d, now))
        found.sort(key=lambda i: i.since, reverse=True)
        return _page(found[:MAX_SEARCH_RESULTS], limit, None)

    @rpc
    def document(self, actor: dict[str, Any], sha256: str) -> str:
        """A stored PDF (base64), for anyone who may see a receipt that carries it, a file it
        was issued from or the legacy record it is the scan of."""
        who = self.trust.actor(actor)
        self._require_document_seen(who, sha256)
        content = self.storage.blobs.get(sha256)
        if content is None:
            raise NotFound("DOCUMENT_NOT_FOUND")
        return base64.b64encode(content).decode()

    # --- printouts: the note sheet, and history for a Right-to-Information reply ---------------

    @rpc
    def note_sheet(self, actor: dict[str, Any], file_id: str, lang: str = "hi") -> str:
        """The file's note sheet as a PDF (base64): green notes numbered, with their signature
        lines; the reader's own drafts marked as such."""
        who = self.trust.actor(actor)
        doc = self._visible(who, "files", file_id)
        shown = notes.shown_to(who, doc)
        sheet = [{**n, "designation": n.get("post_name", {}).get(lang, "")} for n in shown]
        about = {
            "number": doc["number"],
            "subject": doc["subject"],
            "office": doc.get("office_name", ""),
        }
        # fpdf2 shapes Devanagari for seconds on a long file: in a real thread, not the hub's.
        return base64.b64encode(cpu_bound(notesheet.render_note_sheet, about, sheet, lang)).decode()

    @rpc
    def history_export(
        self, actor: dict[str, Any], kind: str, item_id: str, fmt: str = "pdf", lang: str = "hi"
    ) -> str:
        """A receipt's or file's whole history as CSV or PDF (base64), with the chain check and
        its last hash, so an RTI applicant can verify it offline (tools/verify_history.py)."""
        who = self.trust.actor(actor)
        if kind not in store.KINDS or fmt not in ("csv", "pdf"):
            raise InvalidInput("BAD_EXPORT")
        doc = self._visible(who, kind, item_id, with_history=True)
        about = {
            "kind": kind[:-1],
            "number": doc["number"],
            "subject": doc["subject"],
            "office": "",
        }
        if fmt == "csv":
            content = rti.history_csv(about, doc["history"])
        else:
            content = cpu_bound(rti.history_pdf, about, doc["history"], lang)
        return base64.b64encode(content).decode()
