"""Dak: diarise a receipt (electronic with its PDF, or physical), receive it, correct it, send
it on (with copies), reply to it, close it."""

import uuid
from typing import Any

from pymongo.errors import DuplicateKeyError

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput
from common.pdf import check_pdf
from common.rpc import rpc
from common.storage import next_counter
from common.validation import parse
from services.files import store
from services.files.domain import drafts, history, movement
from services.files.domain import receipts as domain
from services.files.domain.change import Item, Post
from services.files.schemas import (
    ChainCheck,
    DiariseReceipt,
    EditReceipt,
    History,
    HistoryEntry,
    ReceiptAction,
    Reply,
    SendReceipt,
)
from services.files.service.base import decode_pdf, now
from services.files.service.held import HeldDesk
from services.files.service.reading import with_text
from services.files.service.views import receipt_view


class ReceiptDesk(HeldDesk):
    @rpc
    def diarise(
        self,
        actor: dict[str, Any],
        receipt: dict[str, Any],
        pdf_b64: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Enter an inward letter in the diary at the actor's desk: an electronic one with its
        PDF; a physical one with its scan if there is one. With an ``idempotency_key``, a
        retry (the client's, after a lost reply, or the broker's redelivery after a crash)
        answers with the receipt the first try made and diarises nothing new."""
        who = self.trust.actor(actor)
        if idempotency_key is None:
            receipt_id = uuid.uuid4().hex
        else:
            receipt_id = domain.receipt_id_for_key(who.user_id, idempotency_key)
            if earlier := self._earlier_try(who, receipt_id):
                return earlier
        fields = parse(DiariseReceipt, receipt)
        content = decode_pdf(pdf_b64)
        if content is None and not fields.physical:
            raise InvalidInput("PDF_MISSING")
        pages = check_pdf(content) if content is not None else fields.pages
        now = utcnow()
        received = fields.received_date or now.date()
        domain.check_dates(fields.letter_date, received, now.date())
        post_id = fields.post_id or (who.post_ids[0] if who.post_ids else None)
        self._require_acting(who, post_id, "NOT_YOUR_POST")
        assert post_id is not None  # _require_acting refuses no post
        post = self._post(who, post_id)

        supervisors = self._chain(who, post_id)
        db = self.storage.db
        sha256 = self.storage.blobs.put(content) if content is not None else None
        # Looked for again just before a number is taken: a retry of the same request may have
        # been served while this one waited on identity. On the embedded store nothing yields
        # from here to the insert, so a retry never uses up a diary number; on MongoDB two
        # retries at the very same moment may (the insert then refuses the second).
        if idempotency_key is not None and (earlier := self._earlier_try(who, receipt_id)):
            return earlier
        running = next_counter(db, f"receipt:{post['office_id']}:{now.year}")
        letter = {
            **fields.model_dump(mode="json", exclude={"post_id", "pages"}),
            "received_date": received.isoformat(),
        }
        new = domain.diarised(
            receipt_id,
            domain.receipt_number(running, now.year, post["office_code"]),
            post,
            who,
            iso(now),
            letter,
            {"sha256": sha256, "size": len(content or b""), "pages": pages},
            supervisors,
        )
        try:
            store.insert(db, "receipts", new, who)
        except DuplicateKeyError:
            earlier = self._earlier_try(who, receipt_id) if idempotency_key else None
            if earlier is None:
                raise
            return earlier
        if sha256 is not None:
            store.queue_text(
                db, sha256, {"kind": "receipts", "id": receipt_id, "what": "receipt"}, iso(now)
            )
        return receipt_view(with_text(db, new.doc))

    def _earlier_try(self, actor: Actor, receipt_id: str) -> dict[str, Any] | None:
        """The receipt an earlier try of this diarisation made, as the actor may see it now."""
        if store.item(self.storage.db, "receipts", receipt_id) is None:
            return None
        return receipt_view(
            with_text(self.storage.db, self._visible(actor, "receipts", receipt_id))
        )

    @rpc
    def get_receipt(
        self, actor: dict[str, Any], receipt_id: str, opening: bool = True
    ) -> dict[str, Any]:
        """Open a receipt. The holder's first open is recorded in its history (not when
        ``opening`` is False: a copy kept on their device for a bad link, not yet read)."""
        who = self.trust.actor(actor)
        doc = self._visible(who, "receipts", receipt_id)
        if opening and movement.is_first_open(who, doc):
            doc = self._apply(who, "receipts", doc, movement.opened("receipts", doc, who, now()))
        return receipt_view(with_text(self.storage.db, self._with_pendency(who, doc)))

    def _holding_receipt(
        self, actor: Actor, receipt_id: str, version: int | None, received: bool = True
    ) -> Item:
        """The receipt, if the actor holds it (now, by identity too), it is open, unchanged, and
        (unless ``received`` is False) physically received at this desk."""
        doc = self._visible(actor, "receipts", receipt_id)
        post_id = domain.require_holder(actor, doc)
        self._require_acting(actor, post_id, "RECEIPT_NOT_WITH_YOU")
        domain.require_version(doc, version)
        domain.require_open(doc)
        if received:
            domain.require_received(doc)
        return doc

    @rpc
    def receive_receipt(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The desk a physical letter was marked to confirms the paper has reached it."""
        who = self.trust.actor(actor)
        action = parse(ReceiptAction, request)
        doc = self._holding_receipt(who, receipt_id, action.version, received=False)
        if not doc.get("awaiting_receipt"):
            return receipt_view(doc)  # received already: receiving twice changes nothing
        try:
            received = self._apply(
                who, "receipts", doc, domain.received(doc, who, now(), action.remark)
            )
        except Conflict:
            # Received at the same moment by a retry of this very request (or the broker's
            # redelivery of it after a crash): received is received.
            received = self._visible(who, "receipts", receipt_id)
            if received.get("awaiting_receipt"):
                raise
        return receipt_view(received)

    @rpc
    def edit_receipt(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Correct what may be corrected (subject, sender, category, grading, ...); the dates
        and the delivery mode are fixed at diarisation."""
        who = self.trust.actor(actor)
        if isinstance(request, dict):
            domain.require_editable(request)
        edit = parse(EditReceipt, request)
        doc = self._holding_receipt(who, receipt_id, edit.version)
        changes = domain.corrections(edit.model_dump(exclude={"version"}, exclude_unset=True), doc)
        if not changes:
            return receipt_view(doc)
        return receipt_view(
            self._apply(who, "receipts", doc, domain.corrected(doc, who, now(), changes))
        )

    @rpc
    def send_receipt(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Mark a receipt from the actor's desk to another post, and copies of it to others
        (each copy a receipt of its own, with the same number, that its desk acts on)."""
        who, send = self.trust.actor(actor), parse(SendReceipt, request)
        doc = self._holding_receipt(who, receipt_id, send.version)
        movement.require_elsewhere(doc, send.to_post_id)
        self._require_delay_explained(who, doc)
        to, *copies_to = [
            self._known_post(who, p)
            for p in domain.posts_marked(doc, send.to_post_id, send.copy_to)
        ]
        how = movement.Sending("sent", send.remark, send.priority, copies_to=tuple(copies_to))
        at, chain = now(), self._chain(who, to["id"])
        sent = self._apply(
            who, "receipts", doc, movement.send("receipts", doc, who, to, how, at, chain)
        )
        # After the original moved (a version conflict there stops everything): one new receipt
        # per copy, each with its own history that starts from the original's.
        for copy_to in copies_to:
            self._make_copy(who, doc, copy_to, how, at)
        return receipt_view(sent)

    def _make_copy(self, actor: Actor, doc: Item, to: Post, how: movement.Sending, at: str) -> None:
        db = self.storage.db
        copy_no = next_counter(db, f"copies:{doc.get('copy_of') or doc['_id']}")
        chain = self._chain(actor, to["id"])
        terms = store.search_terms_of(db, "receipts", doc["_id"])
        new = domain.copied(doc, uuid.uuid4().hex, copy_no, to, how, actor, at, chain, terms)
        store.insert(db, "receipts", new, actor)
        if sha256 := doc["document"].get("sha256"):
            # The copy's desk finds the letter by its words too.
            store.queue_text(
                db, sha256, {"kind": "receipts", "id": new.doc["_id"], "what": "receipt"}, at
            )

    @rpc
    def reply_to_receipt(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Write a reply to a receipt you hold: a draft letter to its sender, which goes for
        approval, signature and dispatch like any draft."""
        who = self.trust.actor(actor)
        reply = parse(Reply, request)
        doc = self._holding_receipt(who, receipt_id, reply.version)
        at = now()
        draft = drafts.new_draft(
            "reply",
            reply.subject or drafts.reply_subject(doc["subject"]),
            reply.addressee or doc["sender"],
            reply.text,
            who.audit(doc["holder_post_id"]),
            at,
            doc["holder_post_id"],
        )
        return receipt_view(
            self._apply(who, "receipts", doc, domain.reply_drafted(doc, who, at, draft))
        )

    @rpc
    def discard_receipt_draft(
        self, actor: dict[str, Any], receipt_id: str, draft_id: str
    ) -> dict[str, Any]:
        who = self.trust.actor(actor)
        doc = self._holding_receipt(who, receipt_id, None)
        step = domain.draft_discarded(doc, who, now(), draft_id)
        return receipt_view(self._apply(who, "receipts", doc, step))

    @rpc
    def close_receipt(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Close a receipt that needs nothing more (never while its reply has not gone out)."""
        who = self.trust.actor(actor)
        action = parse(ReceiptAction, request)
        doc = self._holding_receipt(who, receipt_id, action.version)
        step = domain.closed(doc, who, now(), action.remark)
        return receipt_view(self._apply(who, "receipts", doc, step))

    @rpc
    def receipt_history(self, actor: dict[str, Any], receipt_id: str) -> dict[str, Any]:
        doc = self._visible(self.trust.actor(actor), "receipts", receipt_id, with_history=True)
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_receipt_history(self, actor: dict[str, Any], receipt_id: str) -> dict[str, Any]:
        doc = self._visible(self.trust.actor(actor), "receipts", receipt_id, with_history=True)
        return ChainCheck(**history.verify(doc["history"])).model_dump()
