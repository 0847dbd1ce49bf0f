"""Dak: diarise a receipt (electronic with its PDF, or physical), receive it, correct it, send
it on (with copies), reply to it, close it."""

import base64
import uuid

from pymongo.errors import DuplicateKeyError

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput, NotFound, Refused
from common.events import (
    Names,
    ReceiptClosed,
    ReceiptDiarised,
    ReceiptOpened,
    ReceiptSent,
    new_event,
)
from common.pdf import check_pdf
from common.rpc import rpc
from common.validation import parse
from services.files import store
from services.files.domain import drafts, history, search
from services.files.domain import receipts as domain
from services.files.schemas import (
    ChainCheck,
    DiariseReceipt,
    Document,
    EditReceipt,
    History,
    HistoryEntry,
    Receipt,
    ReceiptAction,
    Reply,
    SendReceipt,
)
from services.files.service.base import Desk


def receipt_view(doc: dict) -> dict:
    fields = {k: doc[k] for k in Receipt.model_fields if k in doc and k not in ("id", "document")}
    return Receipt(id=doc["_id"], document=Document(**doc["document"]), **fields).model_dump()


def decode_pdf(pdf_b64) -> bytes | None:
    if pdf_b64 is None:
        return None
    if not isinstance(pdf_b64, str):
        raise InvalidInput("PDF_MISSING")
    try:
        return base64.b64decode(pdf_b64, validate=True)
    except ValueError:  # binascii.Error, and a non-ASCII character in the text
        raise InvalidInput("PDF_NOT_BASE64") from None


class ReceiptDesk(Desk):
    @rpc
    def diarise(
        self,
        actor: dict,
        receipt: dict,
        pdf_b64: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict:
        """Enter an inward letter in the diary at the actor's desk: an electronic one with its
        PDF; a physical one with its scan if there is one. With an ``idempotency_key``, a
        retry (the client's, after a lost reply, or the broker's redelivery after a crash)
        answers with the receipt the first try made and diarises nothing new."""
        actor = self.trust.actor(actor)
        if idempotency_key is None:
            receipt_id = uuid.uuid4().hex
        else:
            receipt_id = domain.receipt_id_for_key(actor.user_id, idempotency_key)
            if earlier := self._earlier_try(actor, receipt_id):
                return earlier
        fields = parse(DiariseReceipt, receipt)
        content = decode_pdf(pdf_b64)
        if content is None and not fields.physical:
            raise InvalidInput("PDF_MISSING")
        pages = check_pdf(content) if content is not None else fields.pages
        now = utcnow()
        received = fields.received_date or now.date()
        domain.check_dates(fields.letter_date, received, now.date())
        post_id = fields.post_id or (actor.post_ids[0] if actor.post_ids else None)
        self._require_acting(actor, post_id, "NOT_YOUR_POST")
        post = self._post(actor, post_id)

        supervisors = self.identity.chain(actor.credential, post_id)
        db = self.storage.db
        sha256 = self.storage.blobs.put(content) if content is not None else None
        # Looked for again just before a number is taken: a retry of the same request may have
        # been served while this one waited on identity. On the embedded store nothing yields
        # from here to the insert, so a retry never uses up a diary number; on MongoDB two
        # retries at the very same moment may (the insert then refuses the second).
        if idempotency_key is not None and (earlier := self._earlier_try(actor, receipt_id)):
            return earlier
        running = store.next_counter(db, f"receipt:{post['office_id']}:{now.year}")
        number = domain.receipt_number(running, now.year, post["office_code"])
        entry = history.entry(
            None, "diarised", iso(now), actor, post_id, {"number": number, "document": sha256}
        )
        doc = {
            "_id": receipt_id,
            "number": number,
            "office_id": post["office_id"],
            "office_path": post["office_path"],
            "kind": "physical" if fields.physical else "electronic",
            **fields.model_dump(mode="json", exclude={"post_id", "physical", "pages"}),
            "received_date": received.isoformat(),
            "document": {"sha256": sha256, "size": len(content or b""), "pages": pages},
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
            "awaiting_receipt": False,  # the diarist has the paper in hand
            "copy_no": 0,
            "involved_posts": [post_id],
            "supervisors": supervisors,
            "drafts": [],
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
        try:
            store.insert(db, "receipts", doc, event)
        except DuplicateKeyError:
            earlier = self._earlier_try(actor, receipt_id) if idempotency_key else None
            if earlier is None:
                raise
            return earlier
        return receipt_view(doc)

    def _earlier_try(self, actor: Actor, receipt_id: str) -> dict | None:
        """The receipt an earlier try of this diarisation made, as the actor may see it now."""
        if store.item(self.storage.db, "receipts", receipt_id) is None:
            return None
        return receipt_view(self._visible_receipt(actor, receipt_id))

    @rpc
    def get_receipt(self, actor: dict, receipt_id: str) -> dict:
        """Open a receipt. The holder's first open is recorded in its history."""
        actor = self.trust.actor(actor)
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

    def _holding_receipt(
        self, actor: Actor, receipt_id: str, version: int | None, received: bool = True
    ) -> tuple[dict, str]:
        """The receipt, if the actor holds it (now, by identity too), it is open, unchanged, and
        (unless ``received`` is False) physically received at this desk."""
        doc = self._visible_receipt(actor, receipt_id)
        post_id = domain.require_holder(actor, doc)
        self._require_acting(actor, post_id, "RECEIPT_NOT_WITH_YOU")
        domain.require_version(doc, version)
        domain.require_open(doc)
        if received:
            domain.require_received(doc)
        return doc, post_id

    @rpc
    def receive_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """The desk a physical letter was marked to confirms the paper has reached it."""
        actor = self.trust.actor(actor)
        action = parse(ReceiptAction, request)
        doc, post_id = self._holding_receipt(actor, receipt_id, action.version, received=False)
        if not doc.get("awaiting_receipt"):
            return receipt_view(doc)  # received already: receiving twice changes nothing
        now = iso(utcnow())
        try:
            received = self._record(
                "receipts",
                doc,
                "received",
                actor,
                post_id,
                {"remark": action.remark},
                {"$set": {"awaiting_receipt": False, "opened_at": doc.get("opened_at") or now}},
            )
        except Conflict:
            # Received at the same moment by a retry of this very request (or the broker's
            # redelivery of it after a crash): received is received.
            received = self._visible_receipt(actor, receipt_id)
            if received.get("awaiting_receipt"):
                raise
        return receipt_view(received)

    @rpc
    def edit_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Correct what may be corrected (subject, sender, category, grading, ...); the dates
        and the delivery mode are fixed at diarisation."""
        actor = self.trust.actor(actor)
        if isinstance(request, dict):
            domain.require_editable(request)
        edit = parse(EditReceipt, request)
        doc, post_id = self._holding_receipt(actor, receipt_id, edit.version)
        changes = domain.corrections(edit.model_dump(exclude={"version"}, exclude_unset=True), doc)
        if not changes:
            return receipt_view(doc)
        was = {k: doc.get(k) for k in changes}
        subject, sender = (
            changes.get("subject", doc["subject"]),
            changes.get("sender", doc["sender"]),
        )
        letter_number = changes.get("letter_number", doc.get("letter_number"))
        terms = search.terms(doc["number"], subject, sender, letter_number)
        return receipt_view(
            self._record(
                "receipts",
                doc,
                "corrected",
                actor,
                post_id,
                {"was": was, "now": changes},
                {"$set": {**changes, "search_terms": terms}},
            )
        )

    @rpc
    def send_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Mark a receipt from the actor's desk to another post, and copies of it to others
        (each copy a receipt of its own, with the same number, that its desk acts on)."""
        actor = self.trust.actor(actor)
        send = parse(SendReceipt, request)
        doc, from_post_id = self._holding_receipt(actor, receipt_id, send.version)
        if send.to_post_id == from_post_id:
            raise Conflict("ALREADY_WITH_THAT_POST")
        copy_to = [
            p for p in dict.fromkeys(send.copy_to) if p not in (from_post_id, send.to_post_id)
        ]
        to_post, *copy_posts = [self._known_post(actor, p) for p in [send.to_post_id, *copy_to]]
        now = iso(utcnow())
        physical = doc.get("kind") == "physical"
        changes = {
            **self._arrival(doc, from_post_id, to_post, now, physical),
            "priority": send.priority,
            "remark": send.remark,
            "involved_posts": sorted(set(doc["involved_posts"]) | {to_post["id"]}),
            "supervisors": sorted(
                set(doc.get("supervisors", []))
                | set(self.identity.chain(actor.credential, to_post["id"]))
            ),
        }
        details = {
            "to_post_id": to_post["id"],
            "to_post_name": Names.of(to_post).model_dump(),
            "copies_to": [
                {"post_id": p["id"], "post_name": Names.of(p).model_dump()} for p in copy_posts
            ],
            "remark": send.remark,
            "priority": send.priority,
        }
        sent = self._record(
            "receipts",
            doc,
            "sent",
            actor,
            from_post_id,
            details,
            {"$set": changes},
            lambda seq: self._sent_event(doc, from_post_id, doc["_id"], to_post, send.remark, seq),
        )
        # After the original moved (a version conflict there stops everything): one new receipt
        # per copy, each with its own history that starts from the original's.
        for copy_post in copy_posts:
            self._make_copy(actor, doc, from_post_id, copy_post, send, now, physical)
        return receipt_view(sent)

    def _known_post(self, actor: Actor, post_id: str) -> dict:
        try:
            return self._post(actor, post_id)
        except NotFound:
            raise Refused("UNKNOWN_POST", {"post_id": post_id}) from None

    @staticmethod
    def _arrival(doc, from_post_id, to_post, now, physical) -> dict:
        """Where a receipt (or its copy) now waits: unopened, and a physical one unreceived."""
        return {
            "holder_post_id": to_post["id"],
            "holder_post_name": Names.of(to_post).model_dump(),
            "from_post_name": doc["holder_post_name"],
            "sent_by_post_id": from_post_id,
            "holder_since": now,
            "opened_at": None,
            "awaiting_receipt": physical,
        }

    def _sent_event(self, doc, from_post_id, receipt_id, to_post, remark, seq) -> ReceiptSent:
        return ReceiptSent(
            receipt_id=receipt_id,
            number=doc["number"],
            subject=doc["subject"],
            from_post_id=from_post_id,
            from_post_name=doc["holder_post_name"],
            to_post_id=to_post["id"],
            to_post_name=Names.of(to_post),
            to_office_id=to_post["office_id"],
            to_office_path=to_post["office_path"],
            remark=remark,
            seq=seq,
        )

    def _make_copy(self, actor, doc, from_post_id, to_post, send, now, physical) -> None:
        db = self.storage.db
        original_id = doc.get("copy_of") or doc["_id"]
        copy_no = store.next_counter(db, f"copies:{original_id}")
        copy_id = uuid.uuid4().hex
        entry = history.entry(
            None,
            "copy_received",
            now,
            actor,
            from_post_id,
            {
                "copy_of": original_id,
                "copy_no": copy_no,
                "number": doc["number"],
                "document": doc["document"]["sha256"],
                "to_post_id": to_post["id"],
                "remark": send.remark,
            },
        )
        copy = {
            **{k: v for k, v in doc.items() if k not in store.NOT_COPIED},
            "_id": copy_id,
            "copy_of": original_id,
            "copy_no": copy_no,
            **self._arrival(doc, from_post_id, to_post, now, physical),
            "priority": send.priority,
            "remark": send.remark,
            "status": "open",
            "involved_posts": sorted({from_post_id, to_post["id"]}),
            "supervisors": self.identity.chain(actor.credential, to_post["id"]),
            "drafts": [],
            "version": 1,
            "history": [entry],
            "search_terms": store.search_terms_of(db, "receipts", doc["_id"]),
        }
        event = new_event(
            self._sent_event(doc, from_post_id, copy_id, to_post, send.remark, entry["seq"]),
            actor,
            doc["office_path"],
        )
        store.insert(db, "receipts", copy, event)

    @rpc
    def reply_to_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Write a reply to a receipt you hold: a draft letter to its sender, which goes for
        approval, signature and dispatch like any draft."""
        actor = self.trust.actor(actor)
        reply = parse(Reply, request)
        doc, post_id = self._holding_receipt(actor, receipt_id, reply.version)
        draft = drafts.new_draft(
            "reply",
            reply.subject or drafts.reply_subject(doc["subject"]),
            reply.addressee or doc["sender"],
            reply.text,
            actor.audit(post_id),
            iso(utcnow()),
        )
        return receipt_view(
            self._record(
                "receipts",
                doc,
                "reply_drafted",
                actor,
                post_id,
                {"draft_id": draft["id"], "text_sha256": history.digest(draft["text"])},
                {"$push": {"drafts": draft}},
            )
        )

    @rpc
    def discard_receipt_draft(self, actor: dict, receipt_id: str, draft_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc, post_id = self._holding_receipt(actor, receipt_id, None)
        drafts.require_discardable(drafts.draft_by_id(doc, draft_id))
        changed = [
            {**d, "status": "discarded"} if d["id"] == draft_id else d for d in doc["drafts"]
        ]
        return receipt_view(
            self._record(
                "receipts",
                doc,
                "draft_discarded",
                actor,
                post_id,
                {"draft_id": draft_id},
                {"$set": {"drafts": changed}},
            )
        )

    @rpc
    def close_receipt(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """Close a receipt that needs nothing more (never while its reply has not gone out)."""
        actor = self.trust.actor(actor)
        action = parse(ReceiptAction, request)
        doc, post_id = self._holding_receipt(actor, receipt_id, action.version)
        domain.require_no_pending_draft(doc)
        return receipt_view(
            self._record(
                "receipts",
                doc,
                "closed",
                actor,
                post_id,
                {"remark": action.remark},
                {"$set": {"status": "closed"}},
                lambda seq: ReceiptClosed(
                    receipt_id=doc["_id"], number=doc["number"], post_id=post_id, seq=seq
                ),
            )
        )

    @rpc
    def receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc = self._visible_receipt(actor, receipt_id, with_history=True)
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_receipt_history(self, actor: dict, receipt_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc = self._visible_receipt(actor, receipt_id, with_history=True)
        return ChainCheck(**history.verify(doc["history"])).model_dump()
