"""The file's life beyond noting and moving: heads of the filing scheme, park and unpark, close
and reopen, links between files, merging, the record room, and the file's history."""

from typing import Any

from common.actor import Actor
from common.clock import utcnow
from common.errors import Forbidden
from common.rpc import rpc
from common.validation import parse
from services.files import store
from services.files.domain import filing, history, movement, numbering
from services.files.domain.change import Item
from services.files.schemas import (
    ChainCheck,
    CloseFile,
    FileAction,
    Head,
    Heads,
    History,
    HistoryEntry,
    LinkFile,
    MergeFile,
    NewHead,
    RecordFile,
)
from services.files.service.base import Desk, now
from services.files.service.views import file_view


class FilingDesk(Desk):
    # --- heads of the scheme ------------------------------------------------------------------

    @rpc
    def add_head(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """An admin sets up a head of the functional scheme for an office's section (their own
        office unless they name one within their scope)."""
        who = self.trust.actor(actor)
        new = parse(NewHead, request)
        if new.office_code:
            office = self._office_by_code(who, new.office_code)
        else:
            office = {"id": who.office_id, "path": list(who.office_path)}
        if not who.may("admin", office["path"]):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        code = numbering.head_code(new.basic, new.primary, new.secondary)
        head = {
            "_id": f"{office['id']}:{code}",
            "code": code,
            "section": new.section,
            "description": new.description,
            "office_id": office["id"],
        }
        return Head(**store.insert_head(self.storage.db, head)).model_dump()

    @rpc
    def heads(self, actor: dict[str, Any]) -> dict[str, Any]:
        """The heads a file can be opened under from the actor's office: its department's
        standard heads and its own (an own head of the same code wins)."""
        who = self.trust.actor(actor)
        if who.office_id is None:
            return Heads(items=[]).model_dump()
        offered = self._standard_heads(who, who.office_id)
        offered.update({h["code"]: h for h in store.heads_of(self.storage.db, who.office_id)})
        return Heads(items=[Head(**h) for _, h in sorted(offered.items())]).model_dump()

    # --- park, close, reopen ------------------------------------------------------------------

    @rpc
    def park(self, actor: dict[str, Any], file_id: str, request: dict[str, Any]) -> dict[str, Any]:
        who, action = self.trust.actor(actor), parse(FileAction, request)
        doc, post_id = self._holding(who, file_id, action.version)
        return self._changed(who, doc, filing.parked(who, post_id, now(), action.remark))

    @rpc
    def unpark(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        who, action = self.trust.actor(actor), parse(FileAction, request)
        doc = self._file(who, file_id)
        post_id = movement.require_holder(who, doc)
        self._require_acting(who, post_id, "FILE_NOT_WITH_YOU")
        movement.require_version(doc, action.version)
        return self._changed(who, doc, filing.unparked(doc, who, post_id, now(), action.remark))

    @rpc
    def close_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Only the post that opened a file closes it, with the approval of a Section Officer or
        above recorded in a green note (named by its paragraph)."""
        who, close = self.trust.actor(actor), parse(CloseFile, request)
        doc, post_id = self._holding(who, file_id, close.version)
        step = filing.closed(doc, who, post_id, now(), close.approval_paragraph)
        return self._changed(who, doc, step)

    @rpc
    def reopen_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Only the post that closed a file reopens it, again with an approval in a green note."""
        who, reopen = self.trust.actor(actor), parse(CloseFile, request)
        doc = self._file(who, file_id)
        movement.require_version(doc, reopen.version)
        closer = filing.require_reopenable(who, doc)
        self._require_acting(who, closer, "ONLY_CLOSER_REOPENS")
        step = filing.reopened(doc, who, closer, now(), reopen.approval_paragraph)
        return self._changed(who, doc, step)

    # --- links and the record room -------------------------------------------------------------

    @rpc
    def link_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Link a file you hold to another file you may see (both show the link)."""
        return self._relink(self.trust.actor(actor), file_id, request, link=True)

    @rpc
    def delink_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        return self._relink(self.trust.actor(actor), file_id, request, link=False)

    def _relink(
        self, who: Actor, file_id: str, request: dict[str, Any], link: bool
    ) -> dict[str, Any]:
        relink = parse(LinkFile, request)
        doc, post_id = self._holding(who, file_id, relink.version)
        other = self._file(who, relink.other_file_id)
        if link == filing.is_linked(doc, other):
            return file_view(doc, who)  # already so: nothing to record
        at = now()
        self._apply(who, "files", other, filing.linked(other, doc, who, post_id, at, link))
        return self._changed(who, doc, filing.linked(doc, other, who, post_id, at, link))

    @rpc
    def merge_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Merge another physical file of the same section (and grading) that you hold into
        this one, for a reason: its papers follow on this file's pages, everyone who could see
        either sees this one, and the other stops moving (it points here)."""
        who, merge = self.trust.actor(actor), parse(MergeFile, request)
        doc, post_id = self._holding(who, file_id, merge.version)
        other, _ = self._holding(who, merge.other_file_id)
        at = now()
        gone, grown, moved = filing.merged(doc, other, who, post_id, at, merge.reason)
        self._changed(who, other, gone)
        merged = self._changed(who, doc, grown)
        for paper in (m for m in moved if m["kind"] == "receipt"):  # they travel with this file
            receipt: Item | None = store.item(self.storage.db, "receipts", paper["id"])
            assert receipt is not None  # a receipt in a file is never removed
            step = filing.moved_with_merge(doc, other, who, post_id, at)
            self._apply(who, "receipts", receipt, step)
        return merged

    @rpc
    def record_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The closer sends a closed physical file to the record room under category A, B or C."""
        who, record = self.trust.actor(actor), parse(RecordFile, request)
        doc = self._file(who, file_id)
        movement.require_version(doc, record.version)
        movement.require_recordable(doc)
        closer = filing.require_closed_by(who, doc, "ONLY_CLOSER_RECORDS")
        self._require_acting(who, closer, "ONLY_CLOSER_RECORDS")
        step = filing.recorded(doc, who, closer, utcnow(), record.category, record.review_date)
        return self._changed(who, doc, step)

    # --- history ------------------------------------------------------------------------------

    @rpc
    def file_history(self, actor: dict[str, Any], file_id: str) -> dict[str, Any]:
        doc = self._visible(self.trust.actor(actor), "files", file_id, with_history=True)
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_file_history(self, actor: dict[str, Any], file_id: str) -> dict[str, Any]:
        doc = self._visible(self.trust.actor(actor), "files", file_id, with_history=True)
        return ChainCheck(**history.verify(doc["history"])).model_dump()
