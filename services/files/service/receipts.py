"""Dak: diarise a receipt with its PDF, open it, send it on."""

import base64
import binascii
import uuid

from nameko.rpc import rpc

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput, NotFound
from common.events import Names, ReceiptDiarised, ReceiptOpened, ReceiptSent, new_event
from common.validation import parse
from services.files import store
from services.files.domain import history, search
from services.files.domain import receipts as domain
from services.files.schemas import (
    ChainCheck,
    DiariseReceipt,
    Document,
    History,
    HistoryEntry,
    Receipt,
    SendReceipt,
)
from services.files.service.base import Desk


def receipt_view(doc: dict) -> dict:
    fields = {k: doc.get(k) for k in Receipt.model_fields if k not in ("id", "document")}
    return Receipt(id=doc["_id"], document=Document(**doc["document"]), **fields).model_dump()


def decode_pdf(pdf_b64) -> bytes:
    if not isinstance(pdf_b64, str):
        raise InvalidInput("PDF_MISSING")
    try:
        return base64.b64decode(pdf_b64, validate=True)
    except binascii.Error:
        raise InvalidInput("PDF_NOT_BASE64") from None


class ReceiptDesk(Desk):
    @rpc
    def diarise(self, actor: dict, receipt: dict, pdf_b64: str) -> dict:
        """Enter an inward electronic letter in the diary, with its PDF, at the actor's desk."""
        actor = Actor.parse(actor)
        fields = parse(DiariseReceipt, receipt)
        content = decode_pdf(pdf_b64)
        pages = domain.check_pdf(content)
        post_id = fields.post_id or (actor.post_ids[0] if actor.post_ids else None)
        self._require_acting(actor, post_id, "NOT_YOUR_POST")
        post = self._post(actor, post_id)

        db = self.storage.db
        sha256 = self.storage.blobs.put(content)
        now = utcnow()
        running = store.next_counter(db, f"receipt:{post['office_id']}:{now.year}")
        number = domain.receipt_number(running, now.year, post["office_code"])
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
            "sent_by_post_id": None,
            "holder_since": iso(now),
            "opened_at": iso(now),  # the diarist has it open in front of them
            "priority": "normal",
            "remark": "",
            "status": "open",
            "involved_posts": [post_id],
            "version": 1,
            "history": [entry],
            "search_terms": search.terms(
                number, fields.subject, fields.sender, fields.letter_number
            ),
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
        store.insert(db, "receipts", doc, event)
        return receipt_view(doc)

    @rpc
    def get_receipt(self, actor: dict, receipt_id: str) -> dict:
        """Open a receipt. The holder's first open is recorded in its history."""
        actor = Actor.parse(actor)
        doc = self._visible_receipt(actor, receipt_id)
        if domain.is_first_open(actor, doc):
            now = iso(utcnow())
            doc = self._record(
                "receipts",
                doc,
                "opened",
                actor,
                doc["holder_post_id"],
                {},
                {"$set": {"opened_at": now}},
                lambda seq: ReceiptOpened(
                    receipt_id=doc["_id"],
                    number=doc["number"],
                    post_id=doc["holder_post_id"],
                    seq=seq,
                ),
            )
        return receipt_view(doc)

    @rpc
    def send_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Mark a receipt from the actor's desk to another post."""
        actor = Actor.parse(actor)
        send = parse(SendReceipt, request)
        doc = self._visible_receipt(actor, receipt_id)
        from_post_id = domain.require_holder(actor, doc)
        self._require_acting(actor, from_post_id, "RECEIPT_NOT_WITH_YOU")
        domain.require_version(doc, send.version)
        if doc.get("status", "open") != "open":
            raise Conflict("RECEIPT_NOT_OPEN", {"status": doc["status"]})
        if send.to_post_id == from_post_id:
            raise Conflict("ALREADY_WITH_THAT_POST")
        try:
            to_post = self._post(actor, send.to_post_id)
        except NotFound:
            raise InvalidInput("UNKNOWN_POST", {"post_id": send.to_post_id}) from None
        now = iso(utcnow())
        changes = {
            "holder_post_id": to_post["id"],
            "holder_post_name": Names.of(to_post).model_dump(),
            "from_post_name": doc["holder_post_name"],
            "sent_by_post_id": from_post_id,
            "holder_since": now,
            "opened_at": None,
            "priority": send.priority,
            "remark": send.remark,
            "involved_posts": sorted(set(doc["involved_posts"]) | {to_post["id"]}),
        }
        details = {
            "to_post_id": to_post["id"],
            "to_post_name": Names.of(to_post).model_dump(),
            "remark": send.remark,
            "priority": send.priority,
        }
        return receipt_view(
            self._record(
                "receipts",
                doc,
                "sent",
                actor,
                from_post_id,
                details,
                {"$set": changes},
                lambda seq: ReceiptSent(
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
                    seq=seq,
                ),
            )
        )

    @rpc
    def receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = Actor.parse(actor)
        doc = self._visible_receipt(actor, receipt_id, with_history=True)
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = Actor.parse(actor)
        doc = self._visible_receipt(actor, receipt_id, with_history=True)
        return ChainCheck(**history.verify(doc["history"])).model_dump()
