"""Files: dak (receipts) now; e-files, notes, drafts and dispatch follow."""

import base64
import binascii
import uuid

from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from common import outbox
from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput, NotFound
from common.events import Names, ReceiptDiarised, ReceiptOpened, ReceiptSent, new_event
from common.storage import Database
from common.validation import parse
from services.files import store
from services.files.domain import history, visibility
from services.files.domain import receipts as domain
from services.files.schemas import (
    ChainCheck,
    DiariseReceipt,
    Document,
    History,
    HistoryEntry,
    InboxItem,
    Page,
    Receipt,
    SendReceipt,
)

RELAY_SECONDS = 0.2


def _receipt_view(doc: dict) -> dict:
    fields = {k: doc.get(k) for k in Receipt.model_fields if k not in ("id", "document")}
    return Receipt(id=doc["_id"], document=Document(**doc["document"]), **fields).model_dump()


def _decode_pdf(pdf_b64) -> bytes:
    if not isinstance(pdf_b64, str):
        raise InvalidInput("PDF_MISSING")
    try:
        return base64.b64decode(pdf_b64, validate=True)
    except binascii.Error:
        raise InvalidInput("PDF_NOT_BASE64") from None


class FilesService:
    name = "files"

    storage = Database(indexes=store.ensure_indexes)
    identity = RpcProxy("identity")
    dispatch = EventDispatcher()
    config = Config()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "ok": True}

    @timer(interval=RELAY_SECONDS)
    def relay_events(self):
        # Off only in tests that stop a service between a write and its relay.
        if self.config.get("OUTBOX_RELAY", True) is not False:
            outbox.relay(self.storage.db, self.dispatch, ["receipts"])

    # --- dak ----------------------------------------------------------------------------------

    @rpc
    def diarise(self, actor: dict, receipt: dict, pdf_b64: str) -> dict:
        """Enter an inward electronic letter in the diary, with its PDF, at the actor's desk."""
        actor = Actor.parse(actor)
        fields = parse(DiariseReceipt, receipt)
        content = _decode_pdf(pdf_b64)
        pages = domain.check_pdf(content)
        post_id = fields.post_id or (actor.post_ids[0] if actor.post_ids else None)
        if not (actor.holds(post_id) and self.identity.may_act(actor.model_dump(), post_id)):
            raise Conflict("NOT_YOUR_POST")
        post = self.identity.post(actor.model_dump(), post_id)

        db = self.storage.db
        sha256 = self.storage.blobs.put(content)
        now = utcnow()
        number = domain.receipt_number(
            store.next_running_number(db, post["office_id"], now.year),
            now.year,
            post["office_code"],
        )
        receipt_id = uuid.uuid4().hex
        entry = history.entry(
            None, "diarised", iso(now), actor, post_id, {"number": number, "document": sha256}
        )
        doc = {
            "_id": receipt_id,
            "number": number,
            "office_id": post["office_id"],
            "office_path": post["office_path"],
            "kind": "electronic",
            **fields.model_dump(mode="json", exclude={"post_id"}),
            "document": {"sha256": sha256, "size": len(content), "pages": pages},
            "diarised_at": iso(now),
            "diarised_by": actor.audit(post_id),
            "holder_post_id": post_id,
            "holder_post_name": Names.of(post).model_dump(),
            "from_post_name": None,
            "holder_since": iso(now),
            "opened_at": iso(now),  # the diarist has it open in front of them
            "priority": "normal",
            "remark": "",
            "involved_posts": [post_id],
            "version": 1,
            "history": [entry],
        }
        event = new_event(
            ReceiptDiarised(
                receipt_id=receipt_id,
                number=number,
                subject=fields.subject,
                office_id=post["office_id"],
                post_id=post_id,
                post_name=Names.of(post),
                seq=entry["seq"],
            ),
            actor,
            post["office_path"],
        )
        store.insert_receipt(db, doc, event)
        return _receipt_view(doc)

    @rpc
    def get_receipt(self, actor: dict, receipt_id: str) -> dict:
        """Open a receipt. The holder's first open is recorded in its history."""
        actor = Actor.parse(actor)
        db = self.storage.db
        doc = visibility.require_visible(actor, store.receipt(db, receipt_id), "RECEIPT_NOT_FOUND")
        if domain.is_first_open(actor, doc):
            now = iso(utcnow())
            entry = history.entry(
                store.last_history_entry(db, doc["_id"]),
                "opened",
                now,
                actor,
                doc["holder_post_id"],
                {},
            )
            event = new_event(
                ReceiptOpened(
                    receipt_id=doc["_id"],
                    number=doc["number"],
                    post_id=doc["holder_post_id"],
                    seq=entry["seq"],
                ),
                actor,
                doc["office_path"],
            )
            doc = store.update_receipt(db, doc, {"opened_at": now}, entry, event)
        return _receipt_view(doc)

    @rpc
    def send_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Mark a receipt from the actor's desk to another post."""
        actor = Actor.parse(actor)
        send = parse(SendReceipt, request)
        db = self.storage.db
        doc = visibility.require_visible(actor, store.receipt(db, receipt_id), "RECEIPT_NOT_FOUND")
        from_post_id = domain.require_holder(actor, doc)
        if not self.identity.may_act(actor.model_dump(), from_post_id):  # transferred since login
            raise Conflict("RECEIPT_NOT_WITH_YOU")
        domain.require_version(doc, send.version)
        if send.to_post_id == from_post_id:
            raise Conflict("ALREADY_WITH_THAT_POST")
        try:
            to_post = self.identity.post(actor.model_dump(), send.to_post_id)
        except NotFound:
            raise InvalidInput("UNKNOWN_POST", {"post_id": send.to_post_id}) from None

        now = iso(utcnow())
        entry = history.entry(
            store.last_history_entry(db, doc["_id"]),
            "sent",
            now,
            actor,
            from_post_id,
            {
                "to_post_id": to_post["id"],
                "to_post_name": Names.of(to_post).model_dump(),
                "remark": send.remark,
                "priority": send.priority,
            },
        )
        event = new_event(
            ReceiptSent(
                receipt_id=doc["_id"],
                number=doc["number"],
                subject=doc["subject"],
                from_post_id=from_post_id,
                from_post_name=doc["holder_post_name"],
                to_post_id=to_post["id"],
                to_post_name=Names.of(to_post),
                to_office_id=to_post["office_id"],
                to_office_path=to_post["office_path"],
                remark=send.remark,
                seq=entry["seq"],
            ),
            actor,
            doc["office_path"],
        )
        changes = {
            "holder_post_id": to_post["id"],
            "holder_post_name": Names.of(to_post).model_dump(),
            "from_post_name": doc["holder_post_name"],
            "holder_since": now,
            "opened_at": None,
            "priority": send.priority,
            "remark": send.remark,
            "involved_posts": sorted(set(doc["involved_posts"]) | {to_post["id"]}),
        }
        return _receipt_view(store.update_receipt(db, doc, changes, entry, event))

    @rpc
    def inbox(self, actor: dict, limit: int = 50, cursor: str | None = None) -> dict:
        """What is with the actor's posts: unread first, then the most recently arrived."""
        actor = Actor.parse(actor)
        if not isinstance(limit, int) or not 1 <= limit <= 200:
            raise InvalidInput("BAD_LIMIT")
        start = int(cursor) if cursor and str(cursor).isdigit() else 0
        docs = store.receipts_held_by(self.storage.db, actor.post_ids)
        docs.sort(key=lambda d: d["holder_since"], reverse=True)
        docs.sort(key=lambda d: d["opened_at"] is not None)
        items = [
            InboxItem(
                id=d["_id"],
                number=d["number"],
                subject=d["subject"],
                sender=d["sender"],
                from_post_name=d.get("from_post_name"),
                holder_post_id=d["holder_post_id"],
                since=d["holder_since"],
                opened=d["opened_at"] is not None,
                priority=d["priority"],
                remark=d["remark"],
                grading=d["grading"],
            )
            for d in docs[start : start + limit]
        ]
        more = start + limit < len(docs)
        return Page(items=items, next_cursor=str(start + limit) if more else None).model_dump()

    @rpc
    def receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = Actor.parse(actor)
        doc = visibility.require_visible(
            actor, store.receipt(self.storage.db, receipt_id, True), "RECEIPT_NOT_FOUND"
        )
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = Actor.parse(actor)
        doc = visibility.require_visible(
            actor, store.receipt(self.storage.db, receipt_id, True), "RECEIPT_NOT_FOUND"
        )
        return ChainCheck(**history.verify(doc["history"])).model_dump()

    @rpc
    def document(self, actor: dict, sha256: str) -> str:
        """A stored PDF (base64), for anyone who may see a receipt that carries it."""
        actor = Actor.parse(actor)
        holders = store.receipts_with_document(self.storage.db, sha256)
        if not any(set(actor.post_ids) & set(r["involved_posts"]) for r in holders):
            raise NotFound("DOCUMENT_NOT_FOUND")
        content = self.storage.blobs.get(sha256)
        if content is None:
            raise NotFound("DOCUMENT_NOT_FOUND")
        return base64.b64encode(content).decode()
