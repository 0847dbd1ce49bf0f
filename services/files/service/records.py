"""The record room: scanned legacy files uploaded in batches (a ZIP with its sheet, a sheet whose
PDFs follow one by one, or one PDF with its fields), each row recorded or refused on its own;
and the register of recorded files due for review."""

import hashlib
import time
import uuid
from datetime import date
from typing import Any

import eventlet

from common import uploads
from common.actor import Actor
from common.clock import IST
from common.errors import InvalidInput, NotFound
from common.rpc import rpc
from common.threads import cpu_bound
from common.validation import parse
from services.files import store
from services.files.domain import batches, legacy, visibility
from services.files.domain.batches import Row
from services.files.domain.change import Item, Post
from services.files.record_schemas import DueForReview, LegacyRecord, RecordBatch, RecordsDue
from services.files.service.base import Desk, moment, now

SHEET_READ_SECONDS = 60  # the longest reading one batch's sheet may take
MAX_DUE = 2_000  # rows the review register answers at once (a district's year of reviews)


def _kind(content: bytes) -> str:
    """What was uploaded, judged by its bytes: a PDF, a ZIP (an XLSX is a ZIP too, with a
    workbook inside), else a CSV sheet (the reader refuses what is none)."""
    if content.lstrip(b"\x00\t\n\r ")[:5] == b"%PDF-":
        return "pdf"
    if content[:4] == b"PK\x03\x04" and b"xl/workbook.xml" not in content[:65536]:
        return "zip"
    return "sheet"


def batch_view(batch: Item) -> dict[str, Any]:
    rows = batch["rows"]
    done = sum(1 for r in rows if r["outcome"] != "waiting")
    fields = {k: batch[k] for k in ("office_id", "post_id", "source", "created_at", "created_by")}
    return RecordBatch(
        id=batch["_id"], total=len(rows), done=done, rows=rows, **fields
    ).model_dump()


class RecordRoomDesk(Desk):
    @rpc
    def record_batch(self, actor: dict[str, Any], upload: dict[str, Any]) -> dict[str, Any]:
        """Record scanned legacy files from one upload (``filename``, ``content_b64``,
        ``fields``): a ZIP with its sheet, a sheet alone (the same sheet again resumes its
        batch), a PDF into a batch (``fields.batch_id``: the row naming its file name), or one
        PDF described by ``fields``. Answers the batch, row by row."""
        who = self.trust.actor(actor)
        fields = parse(LegacyRecord, upload.get("fields") or {})
        content = uploads.decode_base64(upload.get("content_b64"), "RECORDS_UPLOAD_UNREADABLE")
        filename = str(upload.get("filename") or "")[:200]
        kind = _kind(content)
        if fields.batch_id:
            return self._scan_into_batch(who, fields.batch_id, filename, content, kind)
        post_id = fields.post_id or (who.post_ids[0] if who.post_ids else None)
        self._require_acting(who, post_id, "NOT_YOUR_POST")
        assert post_id is not None  # _require_acting refuses no post
        post, chain = self._post(who, post_id), self._chain(who, post_id)
        today = moment().astimezone(IST).date()
        if kind == "pdf":
            described = fields.model_dump(exclude={"batch_id", "post_id"}, exclude_none=True)
            rows = [batches.form_row(described, filename, today)]
            batch = self._new_batch(who, post, chain, "pdf", rows)
            return self._recorded(who, post, batch, {0: content})
        if kind == "zip":
            unpacked = batches.unpack(content)
            rows = self._sheet_rows(unpacked.sheet, unpacked.sheet_name, today)
            batch = self._new_batch(who, post, chain, "zip", rows)
            scans = {i: unpacked.scans.get(r.file_name.casefold()) for i, r in enumerate(rows)}
            return self._recorded(who, post, batch, scans)
        rows = self._sheet_rows(content, filename, today)
        key = f"{post['id']}:{hashlib.sha256(content).hexdigest()}"
        return batch_view(self._new_batch(who, post, chain, "sheet", rows, key))

    @rpc
    def record_batch_report(self, actor: dict[str, Any], batch_id: str) -> dict[str, Any]:
        """A batch's progress and its rows, for the post that uploaded it and those above."""
        return batch_view(self._batch(self.trust.actor(actor), batch_id))

    @rpc
    def records_due(self, actor: dict[str, Any], filters: dict[str, Any]) -> dict[str, Any]:
        """Recorded files (legacy ones too) the actor may see whose review falls between
        ``from`` and ``to`` (default: up to today), of a ``section`` if named, soonest first."""
        who = self.trust.actor(actor)
        since, until = _date(filters.get("from")), _date(filters.get("to"))
        until = until or moment().astimezone(IST).date()
        section = str(filters.get("section") or "").strip().casefold()
        due = []
        for doc in store.recorded_files(self.storage.db):
            review = (doc.get("record") or {}).get("review_date")
            if not review or review > until.isoformat() or (since and review < since.isoformat()):
                continue
            if section and (doc.get("section") or "").casefold() != section:
                continue
            if visibility.may_see(who, doc):
                due.append(_due(doc))
        due.sort(key=lambda d: (d.review_date, d.number))
        return RecordsDue(items=due[:MAX_DUE]).model_dump()

    # --- batches --------------------------------------------------------------------------------

    def _sheet_rows(self, content: bytes, filename: str, today: date) -> list[Row]:
        give_up_at = time.monotonic() + SHEET_READ_SECONDS
        return cpu_bound(
            lambda: batches.sheet_rows(
                content, filename, lambda: time.monotonic() > give_up_at, today
            )
        )

    def _new_batch(
        self,
        who: Actor,
        post: Post,
        chain: list[str],
        source: str,
        rows: list[Row],
        sheet_key: str | None = None,
    ) -> Item:
        batch = {
            "_id": uuid.uuid4().hex,
            "office_id": post["office_id"],
            "post_id": post["id"],
            "supervisors": chain,
            "source": source,
            "created_at": now(),
            "created_by": who.audit(post["id"]),
            "rows": [r.answer() for r in rows],
            **({"sheet_key": sheet_key} if sheet_key else {}),
        }
        return store.insert_batch(self.storage.db, batch)

    def _batch(self, who: Actor, batch_id: str) -> Item:
        batch = store.record_batch(self.storage.db, batch_id)
        if batch is None or not any(
            who.holds(p) for p in [batch["post_id"], *batch["supervisors"]]
        ):
            raise NotFound("RECORDS_BATCH_NOT_FOUND")
        return batch

    def _scan_into_batch(
        self, who: Actor, batch_id: str, filename: str, content: bytes, kind: str
    ) -> dict[str, Any]:
        """A PDF of a sheet's batch, matched to its row by file name, from the uploading post."""
        batch = self._batch(who, batch_id)
        self._require_acting(who, batch["post_id"], "NOT_YOUR_POST")
        if kind != "pdf":
            raise InvalidInput("RECORDS_NOT_A_PDF")
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].casefold()
        index = next(
            (i for i, r in enumerate(batch["rows"]) if r["file_name"].casefold() == name), None
        )
        if index is None:
            raise NotFound("RECORDS_SCAN_NOT_IN_BATCH", {"file_name": filename})
        post = self._post(who, batch["post_id"])
        return self._recorded(who, post, batch, {index: content})

    def _recorded(
        self, who: Actor, post: Post, batch: Item, scans: dict[int, bytes | None]
    ) -> dict[str, Any]:
        """Record the batch's rows that have their scans here; a row refused or recorded before
        keeps its outcome (a resumed batch records nothing twice)."""
        for index, content in scans.items():
            answer = batch["rows"][index]
            if answer["outcome"] in ("refused", "recorded", "already_recorded"):
                continue
            answer = {**answer, **self._record_row(who, post, batch, answer, content)}
            batch["rows"][index] = answer
            store.batch_row_done(self.storage.db, batch["_id"], index, answer)
            eventlet.sleep(0)  # a batch of hundreds lets the service answer others meanwhile
        return batch_view(batch)

    def _record_row(
        self, who: Actor, post: Post, batch: Item, answer: Item, content: bytes | None
    ) -> dict[str, Any]:
        if content is None:
            return {"outcome": "refused", "code": "LEGACY_SCAN_MISSING"}
        problem, pages = legacy.scan_problem(content)
        if problem:
            return {"outcome": "refused", "code": problem}
        db, row = self.storage.db, Row(**{k: answer[k] for k in batches.ANSWERED})
        sha256 = hashlib.sha256(content).hexdigest()
        existing = store.legacy_record(db, post["office_id"], row.old_number)
        if existing is None:
            scan = {"sha256": sha256, "pages": pages, "size": len(content)}
            self.storage.blobs.put(content)
            record = legacy.recorded(
                uuid.uuid4().hex, row, scan, post, who, moment(), batch["_id"], batch["supervisors"]
            )
            existing = store.record_legacy(db, record)
            if existing is None:
                ref = {"kind": "files", "id": record["_id"], "what": "legacy"}
                store.queue_text(db, sha256, ref, now())
                return {
                    "outcome": "recorded",
                    "record_id": record["_id"],
                    "number": record["number"],
                }
        if not legacy.same_scan(existing, sha256):
            return {"outcome": "refused", "code": "LEGACY_DUPLICATE_OLD_NUMBER"}
        return {
            "outcome": "already_recorded",
            "record_id": existing["_id"],
            "number": existing["number"],
        }


def _date(text: object) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise InvalidInput("RECORDS_DATE_INVALID") from None


def _due(doc: Item) -> DueForReview:
    old = doc.get("legacy") or {}
    return DueForReview(
        id=doc["_id"],
        number=doc["number"],
        subject=doc["subject"],
        section=doc.get("section"),
        category=doc["record"]["category"],
        recorded_on=doc["record"]["recorded_on"],
        review_date=doc["record"]["review_date"],
        old_number=old.get("old_number"),
        year=old.get("year"),
    )
