"""Drafts for approval (DFA) on a file: written (rendered to PDF) or uploaded, in versions;
approved by an officer (which fixes its issue number); dispatched by email or by post into the
dispatch register once signed and issued (``signatures``). Anyone with the issue number and its
code can verify it."""

from typing import Any

from common.clock import utcnow
from common.errors import Forbidden, NotFound
from common.issued import same_code
from common.rpc import rpc
from common.storage import next_counter
from common.validation import parse
from services.files import store
from services.files.domain import drafts
from services.files.schemas import (
    ApproveDraft,
    DispatchDraft,
    DispatchEntry,
    DispatchRegister,
    DraftVersionRequest,
    NewDraft,
)
from services.files.service.base import Desk, now


class DraftDesk(Desk):
    @rpc
    def create_draft(
        self,
        actor: dict[str, Any],
        file_id: str,
        request: dict[str, Any],
        pdf_b64: str | None = None,
    ) -> dict[str, Any]:
        """Write a draft letter or order on a file you hold (or upload its PDF)."""
        who = self.trust.actor(actor)
        new = parse(NewDraft, request)
        doc, post_id = self._holding(who, file_id)
        at = now()
        draft = drafts.new_draft(
            new.kind, new.subject, new.addressee, new.text, who.audit(post_id), at, post_id
        )
        first = self._draft_version(who, doc, draft, pdf_b64, post_id)
        return self._changed(who, doc, drafts.created(draft, first, who, post_id, at))

    @rpc
    def add_draft_version(
        self,
        actor: dict[str, Any],
        file_id: str,
        draft_id: str,
        request: dict[str, Any],
        pdf_b64: str | None = None,
    ) -> dict[str, Any]:
        """A new version of a draft (a changed text, or a new PDF); an approval given to an
        earlier version no longer stands."""
        who = self.trust.actor(actor)
        revision = parse(DraftVersionRequest, request)
        doc, post_id = self._holding(who, file_id)
        draft = drafts.revisable(doc, draft_id, revision.text)
        version = self._draft_version(who, doc, draft, pdf_b64, post_id)
        return self._changed(who, doc, drafts.revised(doc, draft, version, who, post_id, now()))

    @rpc
    def approve_draft(
        self, actor: dict[str, Any], file_id: str, draft_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """An officer holding the file approves the version they read: it gets its issue
        number and verification code, which its signature stamp will carry."""
        who = self.trust.actor(actor)
        approve = parse(ApproveDraft, request)
        doc, post_id = self._holding(who, file_id)
        draft = drafts.approvable(who, doc, draft_id, approve.version)
        post = self._post(who, post_id)
        year = utcnow().year
        serial = next_counter(self.storage.db, f"issue:{post['office_id']}:{year}")
        number = drafts.issue_number(post["office_code"], year, serial)
        step = drafts.approved(doc, draft, who, post_id, now(), approve.version, number)
        return self._changed(who, doc, step)

    # --- dispatch ------------------------------------------------------------------------------

    @rpc
    def dispatch_draft(
        self, actor: dict[str, Any], file_id: str, draft_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Send an issued letter out, by email (notify mails the PDF) or by post, and enter it
        in the office's dispatch register."""
        who = self.trust.actor(actor)
        out = parse(DispatchDraft, request)
        doc, post_id = self._holding(who, file_id)
        draft, to = drafts.dispatchable(doc, draft_id, out.mode, out.to)
        post = self._post(who, post_id)
        moment = utcnow()
        serial = next_counter(self.storage.db, f"dispatch:{post['office_id']}:{moment.year}")
        sending = {"mode": out.mode, "to": to, "remark": out.remark}
        entry = drafts.register_entry(doc, draft, who, post, moment, serial, sending)
        store.record_dispatch(self.storage.db, entry)
        return self._changed(who, doc, drafts.dispatched(doc, draft, entry, who, post_id))

    @rpc
    def dispatch_register(self, actor: dict[str, Any], limit: int = 100) -> dict[str, Any]:
        """The outward register of the actor's office, newest first: only the letters of files
        the reader may see, so a Secret file's subjects and addressees stay with the posts it
        was marked to (an entry half-blanked would still say that the file wrote, and when)."""
        who = self.trust.actor(actor)
        limit, db = max(1, min(limit, 500)), self.storage.db
        visible: dict[str, bool] = {}
        items = []
        for entry in store.dispatches_of(db, who.office_id, batch=limit):
            file_id = entry["file_id"]
            if file_id not in visible:
                file = store.who_may_see(db, "files", file_id)
                visible[file_id] = file is not None and self._may_see(who, "files", file)
            if visible[file_id]:
                items.append(DispatchEntry(**entry, id=entry["_id"]))
                if len(items) == limit:
                    break
        return DispatchRegister(items=items).model_dump()

    # --- documents and public verification ---------------------------------------------------

    @rpc
    def draft_document(
        self, actor: dict[str, Any], file_id: str, draft_id: str, which: str = "latest"
    ) -> str:
        """A draft's PDF (base64) for whoever may see the file: ``latest`` version, ``signed``
        or ``issued``."""
        draft = drafts.draft_by_id(self._file(self.trust.actor(actor), file_id), draft_id)
        sha256 = {
            "latest": drafts.latest(draft)["sha256"],
            "signed": draft.get("signed_sha256"),
            "issued": (draft.get("issued") or {}).get("sha256"),
        }.get(which)
        if not sha256:
            raise NotFound("DOCUMENT_NOT_FOUND")
        return self._pdf_b64(sha256)

    @rpc
    def issued_letter(self, issue_number: str, code: str) -> dict[str, Any]:
        """Public: what was issued under a number, and its PDF (base64) to verify, for whoever
        has the code printed beside the number. Without the right code the answer is the same
        as for a number never issued, so the register cannot be enumerated."""
        issue = store.issue(self.storage.db, str(issue_number))
        if issue is None or not same_code(code, issue["code"]):
            raise NotFound("ISSUE_NOT_FOUND")
        return self._issued(issue)

    @rpc
    def letter_to_mail(self, actor: dict[str, Any], issue_number: str) -> dict[str, Any]:
        """An issued letter for notify to mail to its addressees (notify's principal only)."""
        if not self.trust.actor(actor).has_role("mail_issued_letters"):
            raise Forbidden("SERVICE_ONLY")
        issue = store.issue(self.storage.db, issue_number)
        if issue is None:
            raise NotFound("ISSUE_NOT_FOUND")
        return self._issued(issue)

    def _issued(self, issue: dict[str, Any]) -> dict[str, Any]:
        return {
            "issue_number": issue["_id"],
            "issued_at": issue["issued_at"],
            "sha256": issue["sha256"],
            "pdf_b64": self._pdf_b64(issue["sha256"]),
        }
