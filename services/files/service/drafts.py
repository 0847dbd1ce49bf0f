"""Drafts for approval (DFA) on a file: written (rendered to PDF) or uploaded, in versions;
approved by an officer (which fixes its issue number); dispatched by email or by post into the
dispatch register once signed and issued (``signatures``). Anyone with the issue number and its
code can verify it."""

import uuid
from collections.abc import Callable
from typing import Any

from common.clock import iso, utcnow
from common.errors import Conflict, Forbidden, NotFound
from common.events import DraftApproved, DraftDispatched
from common.rpc import rpc
from common.validation import parse
from services.files import store
from services.files.domain import drafts
from services.files.domain.change import Event, Item, change
from services.files.schemas import (
    ApproveDraft,
    DispatchDraft,
    DispatchEntry,
    DispatchRegister,
    DraftVersionRequest,
    NewDraft,
)
from services.files.service.base import Desk, now

Draft = dict[str, Any]


def with_draft(file: Item, draft_id: str, edit: Callable[[Draft], Draft]) -> list[Draft]:
    """The file's drafts, with ``edit`` made to one of them."""
    return [edit(d) if d["id"] == draft_id else d for d in file.get("drafts", [])]


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
        draft = drafts.new_draft(
            new.kind, new.subject, new.addressee, new.text, who.audit(post_id), now()
        )
        draft["versions"] = [self._draft_version(who, doc, draft, pdf_b64, post_id)]
        details = {"draft_id": draft["id"], "sha256": draft["versions"][0]["sha256"]}
        step = change("draft_created", who, post_id, now(), details, push={"drafts": draft})
        return self._changed(who, doc, step)

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
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "draft", "approved")
        if revision.text is not None:
            draft = {**draft, "text": revision.text}
        version = self._draft_version(who, doc, draft, pdf_b64, post_id)

        def revised(d: Draft) -> Draft:
            return {
                **draft,
                "versions": [*d["versions"], version],
                "status": "draft",
                "approved": None,
                "pending_signing": None,  # a signing prepared for the old version lapses
            }

        details = {"draft_id": draft_id, "version": version["n"], "sha256": version["sha256"]}
        revisions = {"drafts": with_draft(doc, draft_id, revised)}
        return self._changed(
            who, doc, change("draft_revised", who, post_id, now(), details, set=revisions)
        )

    @rpc
    def approve_draft(
        self, actor: dict[str, Any], file_id: str, draft_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """An officer holding the file approves the version they read: it gets its issue
        number and verification code, which its signature stamp will carry."""
        who = self.trust.actor(actor)
        approve = parse(ApproveDraft, request)
        doc, post_id = self._holding(who, file_id)
        if not who.has_role("officer"):
            raise Conflict("DRAFT_APPROVAL_NEEDS_OFFICER")
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "draft")
        if approve.version != drafts.latest(draft)["n"]:
            raise Conflict("VERSION_CONFLICT", {"current_version": drafts.latest(draft)["n"]})
        post = self._post(who, post_id)
        year = utcnow().year
        serial = store.next_counter(self.storage.db, f"issue:{post['office_id']}:{year}")
        number = draft.get("issue_number") or drafts.issue_number(post["office_code"], year, serial)
        at = now()
        approved = {"version": approve.version, "by": who.audit(post_id), "at": at}

        def approve_it(d: Draft) -> Draft:
            return {
                **d,
                "status": "approved",
                "approved": approved,
                "issue_number": number,
                "verification_code": d.get("verification_code") or drafts.verification_code(),
            }

        told = {
            "file_id": file_id,
            "draft_id": draft_id,
            "issue_number": number,
            "approved_version": approve.version,
            "post_id": post_id,
        }
        step = change(
            "draft_approved",
            who,
            post_id,
            at,
            {"draft_id": draft_id, "version": approve.version, "issue_number": number},
            set={"drafts": with_draft(doc, draft_id, approve_it)},
            events=(Event(DraftApproved, told),),
        )
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
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "issued", "dispatched")
        to = drafts.check_recipients(out.mode, out.to)
        post = self._post(who, post_id)
        moment = utcnow()
        serial = store.next_counter(self.storage.db, f"dispatch:{post['office_id']}:{moment.year}")
        register_number = f"{serial}/{moment.year}/{post['office_code']}"
        entry = {
            "_id": uuid.uuid4().hex,
            "register_number": register_number,
            "office_id": post["office_id"],
            "issue_number": draft["issue_number"],
            "file_id": file_id,
            "file_number": doc["number"],
            "draft_id": draft_id,
            "subject": draft["subject"],
            "mode": out.mode,
            "to": to,
            "remark": out.remark,
            "at": iso(moment),
            "by": who.audit(post_id),
        }
        store.record_dispatch(self.storage.db, entry)
        sent = {k: entry[k] for k in ("register_number", "mode", "to", "at", "remark")}

        def dispatched(d: Draft) -> Draft:
            return {**d, "status": "dispatched", "dispatches": [*d.get("dispatches", []), sent]}

        told = {
            "file_id": file_id,
            "draft_id": draft_id,
            "issue_number": draft["issue_number"],
            "subject": draft["subject"],
            "mode": out.mode,
            "to": to,
            "sha256": draft["issued"]["sha256"],
            "register_number": register_number,
            "post_id": post_id,
        }
        step = change(
            "draft_dispatched",
            who,
            post_id,
            now(),
            {"draft_id": draft_id, **sent},
            set={"drafts": with_draft(doc, draft_id, dispatched)},
            events=(Event(DraftDispatched, told),),
        )
        return self._changed(who, doc, step)

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
        if issue is None or not isinstance(code, str) or code.strip().upper() != issue["code"]:
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
