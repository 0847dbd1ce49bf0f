"""The reading desk: the words of every stored letter, read off the request path. A timer takes
the queued documents one at a time and reads each under a deadline (``text.deadline_s``), so a
huge or hostile scan is marked failed and the next one is read; and a document's words are
shown to whoever may see it.

The readers (pdftotext, pdftoppm, Tesseract) are child processes: under Nameko's monkey
patching ``subprocess.run`` is green, so the service answers other calls while one runs
(measured: RPCs stayed at their usual few milliseconds during an OCR), and no real thread is
needed."""

import time
from datetime import timedelta
from typing import Any

import structlog
from nameko.timer import timer

from common.clock import iso
from common.errors import NotFound
from common.rpc import rpc
from services.files import store
from services.files.domain.change import Item
from services.files.schemas import DocumentText, TextState
from services.files.service.base import Desk, moment, now
from services.files.text.extract import Unreadable, read_text

log = structlog.get_logger()

READ_EVERY_S = 2
# A tick reads until the queue is empty or this long has passed (then the next tick goes on):
# a stopping service waits for at most one tick's work.
TICK_S = 30
DEADLINE_S = 120.0
STATE_FIELDS = ("state", "reason", "method", "pages")


def prepare_reading(db: Any, config: dict[str, Any]) -> None:
    """At start: what a stopped reader was reading goes back to the queue, and documents stored
    before their words were read are queued (once per store)."""
    requeued = store.requeue_unfinished_texts(db)
    backfilled = store.queue_unread_documents(db, now())
    if requeued or backfilled:
        log.info("texts.queued_at_start", requeued=requeued, stored_before=backfilled)


def text_state(found: Item | None) -> dict[str, Any] | None:
    """A document's reading as an answer shows it (None: it has no PDF to read)."""
    if found is None:
        return None
    return TextState.model_validate({k: found.get(k) for k in STATE_FIELDS}).model_dump()


def with_text(db: Any, receipt: Item) -> Item:
    """The receipt with the reading of its letter."""
    sha256 = receipt["document"].get("sha256")
    found = store.text_states(db, [sha256]).get(sha256) if sha256 else None
    return {**receipt, "text": text_state(found)}


def with_texts(db: Any, file: Item) -> Item:
    """The file with the reading of each letter in its correspondence."""
    papers = file.get("correspondence", [])
    states = store.text_states(db, [p["sha256"] for p in papers if p.get("sha256")])
    shown = [{**p, "text": text_state(states.get(p.get("sha256") or ""))} for p in papers]
    return {**file, "correspondence": shown}


class ReadingDesk(Desk):
    @timer(interval=READ_EVERY_S, eager=True)
    def read_queued(self) -> int:
        """Read queued documents, oldest first, one at a time; how many were read."""
        db, started, read = self.storage.db, time.monotonic(), 0
        # A reader holds a document at most its deadline: one held far longer was taken by a
        # files process that died (another replica, on MongoDB), so it is read here instead.
        given_up = moment() - timedelta(seconds=2 * self._deadline_s() + TICK_S)
        store.requeue_unfinished_texts(db, taken_before=iso(given_up))
        while time.monotonic() - started < TICK_S:
            taken = store.take_queued_text(db, now())
            if taken is None:
                break
            try:
                self._read(taken["_id"])
            except OSError:
                # The readers are not installed or the disk is full: the machine's fault, not
                # the document's. It goes back to the queue and is read once that is mended.
                store.put_back_text(db, taken["_id"])
                log.exception("text.reader_unavailable", sha256=taken["_id"])
                break
            read += 1
        return read

    def _read(self, sha256: str) -> None:
        db, began = self.storage.db, time.monotonic()
        content = self.storage.blobs.get(sha256)
        try:
            if content is None:
                raise Unreadable("broken", "the document is not in the blob store")
            reading = read_text(content, self._deadline_s())
        except Unreadable as why:
            store.text_failed(db, sha256, why.reason, why.detail, now())
            log.info("text.failed", sha256=sha256, reason=why.reason, detail=why.detail[-200:])
            return
        store.text_read(db, sha256, reading.method, reading.pages, reading.text, now())
        took = round(time.monotonic() - began, 2)
        log.info("text.read", sha256=sha256, method=reading.method, pages=reading.pages, s=took)

    def _deadline_s(self) -> float:
        return float((self.config.get("text") or {}).get("deadline_s") or DEADLINE_S)

    @rpc
    def document_text(self, actor: dict[str, Any], sha256: str) -> dict[str, Any]:
        """The words read out of a stored PDF, and how far reading it has got, for whoever may
        see the PDF itself."""
        who = self.trust.actor(actor)
        self._require_document_seen(who, sha256)
        found = store.text_of(self.storage.db, sha256)
        if found is None:
            raise NotFound("DOCUMENT_TEXT_NOT_FOUND")
        fields = {k: found.get(k) for k in (*STATE_FIELDS, "text")}
        return DocumentText.model_validate(fields).model_dump()
