"""Drafts for approval (DFA) on a file: written (rendered to PDF) or uploaded, in versions;
approved by an officer (which fixes its issue number); signed on the officer's token through
the signing service (or on paper, scanned, and sealed at issue); issued; dispatched by email or
by post into the dispatch register. Anyone with the issue number and its code can verify it."""

import base64
import logging
import uuid

from nameko.events import SERVICE_POOL, event_handler

from common.actor import Actor
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, Forbidden, InvalidInput, NotFound
from common.events import DraftApproved, DraftDispatched, DraftIssued
from common.pdf import check_pdf
from common.rpc import rpc
from common.threads import cpu_bound
from common.tokens import for_signing
from common.validation import parse
from services.files import store
from services.files.domain import drafts, visibility
from services.files.render import letter
from services.files.schemas import (
    ApproveDraft,
    DispatchDraft,
    DispatchEntry,
    DispatchRegister,
    DraftVersionRequest,
    NewDraft,
    SignDraft,
)
from services.files.service.base import Desk
from services.files.service.efiles import file_view
from services.files.service.receipts import decode_pdf

SIGNING_RETRIES = 5
log = logging.getLogger(__name__)


class DraftDesk(Desk):
    """Mixed into FilesService, which provides ``storage``, ``identity``, ``signing``, ``config``
    and the file helpers of FileDesk (``_holding``, ``_changed``, ``_file``)."""

    def _draft_version(self, actor: Actor, file: dict, draft: dict, pdf_b64, post_id) -> dict:
        """A new version of ``draft``: the uploaded PDF, or its text rendered as a letter."""
        content = decode_pdf(pdf_b64)
        if content is None:
            if not draft.get("text"):
                raise Conflict("DRAFT_NEEDS_TEXT_OR_PDF")
            post = self._post(actor, post_id)
            office = self.identity.office_by_code(actor.credential, post["office_code"])
            content = cpu_bound(letter.render_letter, draft, office, file["number"], actor.lang)
        pages = check_pdf(content)
        return {
            "n": len(draft.get("versions", [])) + 1,
            "sha256": self.storage.blobs.put(content),
            "pages": pages,
            "source": "uploaded" if pdf_b64 is not None else "written",
            "created_by": actor.audit(post_id),
            "created_at": iso(utcnow()),
        }

    def _with_draft(self, file: dict, draft_id: str, change) -> list[dict]:
        return [change(d) if d["id"] == draft_id else d for d in file.get("drafts", [])]

    @rpc
    def create_draft(self, actor: dict, file_id: str, request: dict, pdf_b64=None) -> dict:
        """Write a draft letter or order on a file you hold (or upload its PDF)."""
        actor = self.trust.actor(actor)
        new = parse(NewDraft, request)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.new_draft(
            new.kind, new.subject, new.addressee, new.text, actor.audit(post_id), iso(utcnow())
        )
        draft["versions"] = [self._draft_version(actor, doc, draft, pdf_b64, post_id)]
        return self._changed(
            doc,
            "draft_created",
            actor,
            post_id,
            {"draft_id": draft["id"], "sha256": draft["versions"][0]["sha256"]},
            {"$push": {"drafts": draft}},
        )

    @rpc
    def add_draft_version(
        self, actor: dict, file_id: str, draft_id: str, request: dict, pdf_b64=None
    ) -> dict:
        """A new version of a draft (a changed text, or a new PDF); an approval given to an
        earlier version no longer stands."""
        actor = self.trust.actor(actor)
        change = parse(DraftVersionRequest, request)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "draft", "approved")
        if change.text is not None:
            draft = {**draft, "text": change.text}
        version = self._draft_version(actor, doc, draft, pdf_b64, post_id)

        def revised(d):
            return {
                **draft,
                "versions": [*d["versions"], version],
                "status": "draft",
                "approved": None,
                "pending_signing": None,  # a signing prepared for the old version lapses
            }

        return self._changed(
            doc,
            "draft_revised",
            actor,
            post_id,
            {"draft_id": draft_id, "version": version["n"], "sha256": version["sha256"]},
            {"$set": {"drafts": self._with_draft(doc, draft_id, revised)}},
        )

    @rpc
    def approve_draft(self, actor: dict, file_id: str, draft_id: str, request: dict) -> dict:
        """An officer holding the file approves the version they read: it gets its issue
        number and verification code, which its signature stamp will carry."""
        actor = self.trust.actor(actor)
        approve = parse(ApproveDraft, request)
        doc, post_id = self._holding(actor, file_id)
        if not actor.has_role("officer"):
            raise Conflict("DRAFT_APPROVAL_NEEDS_OFFICER")
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "draft")
        if approve.version != drafts.latest(draft)["n"]:
            raise Conflict("VERSION_CONFLICT", {"current_version": drafts.latest(draft)["n"]})
        post = self._post(actor, post_id)
        year = utcnow().year
        serial = store.next_counter(self.storage.db, f"issue:{post['office_id']}:{year}")
        number = draft.get("issue_number") or drafts.issue_number(post["office_code"], year, serial)
        approved = {"version": approve.version, "by": actor.audit(post_id), "at": iso(utcnow())}

        def approve_it(d):
            return {
                **d,
                "status": "approved",
                "approved": approved,
                "issue_number": number,
                "verification_code": d.get("verification_code") or drafts.verification_code(),
            }

        updated = self._record(
            "files",
            doc,
            "draft_approved",
            actor,
            post_id,
            {"draft_id": draft_id, "version": approve.version, "issue_number": number},
            {"$set": {"drafts": self._with_draft(doc, draft_id, approve_it)}},
            lambda seq: DraftApproved(
                file_id=file_id,
                draft_id=draft_id,
                issue_number=number,
                approved_version=approve.version,
                post_id=post_id,
                seq=seq,
            ),
        )
        return file_view(updated, actor)

    # --- signing ----------------------------------------------------------------------------

    def _verify_url(self, draft: dict) -> str:
        base = setting(self.config, "EOFFICE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        return f"{base}/verify/{draft['issue_number']}?code={draft['verification_code']}"

    @staticmethod
    def _stamp_lines(draft: dict) -> list[str]:
        return [
            f"Issue No. {draft['issue_number']}",
            f"Verification code {draft['verification_code']}",
        ]

    @rpc
    def sign_draft(self, actor: dict, file_id: str, draft_id: str, request: dict) -> dict:
        """Prepare the approved draft (or the signed one, for a further signature) for your
        signature on your token; answers what the token signer must sign."""
        actor = self.trust.actor(actor)
        again = parse(SignDraft, request)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "approved", "signed")
        if draft.get("signed_on_paper"):
            raise Conflict("DRAFT_SIGNED_ON_PAPER")
        base = drafts.signing_base(draft)
        prepared = self.signing.prepare(
            actor.credential,
            {
                "pdf_b64": base64.b64encode(self.storage.blobs.get(base)).decode(),
                "post_id": post_id,
                "purpose": {"kind": "draft", "file_id": file_id, "draft_id": draft_id},
                "lines": self._stamp_lines(draft),
                "qr_url": self._verify_url(draft),
            },
            again.model_dump(),
        )
        pending = drafts.pending_signing(draft, prepared["signing_id"], actor.user_id, post_id)
        self._changed(
            doc,
            "signature_prepared",
            actor,
            post_id,
            {"draft_id": draft_id, "signing_id": prepared["signing_id"]},
            {
                "$set": {
                    "drafts": self._with_draft(
                        doc, draft_id, lambda d: {**d, "pending_signing": pending}
                    )
                }
            },
        )
        return prepared

    @rpc
    def awaits_signature(self, actor: dict, file_id: str, draft_id: str, signing_id: str):
        """Asked by signing before it takes the token's signature: does the draft still wait
        for this very signing (not revised, signed otherwise or issued since it was prepared)?
        Refused with 409 ``SIGNING_NOT_CURRENT`` if not. Signing passes on the token signer's
        token, good for this one signing."""
        actor = self.trust.actor(actor, for_signing(signing_id))
        draft = drafts.draft_by_id(self._file(actor, file_id), draft_id)
        drafts.require_awaiting(draft, signing_id, actor.user_id)
        return {"awaited": True}

    @event_handler("signing", "document.signed", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_document_signed(self, raw: dict):
        """The officer's signature was completed: the signed PDF becomes the draft's, if the
        draft still waits for that signing (signing asked just before; this checks again in
        the same write, so a revision in between is never overwritten)."""
        event = self.trust.event(raw)
        signed = event.body()
        if signed.purpose.get("kind") != "draft":
            return
        signer = Actor(user_id=signed.signer_user_id, name=signed.signer_name)
        signed_pdf = self.signing.signed_document(self.trust.own(), signed.signing_id)
        content = base64.b64decode(signed_pdf)
        sha256 = self.storage.blobs.put(content)
        for _ in range(SIGNING_RETRIES):
            doc = store.item(self.storage.db, "files", signed.purpose["file_id"])
            draft = drafts.draft_by_id(doc, signed.purpose["draft_id"])
            if any(s["signing_id"] == signed.signing_id for s in draft.get("signatures", [])):
                return  # seen already (a redelivered event)
            try:
                drafts.require_awaiting(draft, signed.signing_id, signer.user_id)
            except Conflict:
                log.warning(
                    "signing %s completed for draft %s, which no longer awaits it: not taken",
                    signed.signing_id,
                    draft["id"],
                )
                return
            signature = {
                "signing_id": signed.signing_id,
                "by": signer.audit(),
                "at": signed.signed_at,
                "certificate_sha256": signed.certificate_sha256,
                "sha256": sha256,
            }

            def add(d, signature=signature):
                return {
                    **d,
                    "status": "signed",
                    "signed_sha256": sha256,
                    "signatures": [*d.get("signatures", []), signature],
                    "pending_signing": None,
                }

            post_id = draft["pending_signing"]["post_id"]
            try:
                self._record(
                    "files",
                    doc,
                    "draft_signed",
                    signer,
                    post_id,
                    {"draft_id": draft["id"], "sha256": sha256, "signing_id": signed.signing_id},
                    {"$set": {"drafts": self._with_draft(doc, draft["id"], add)}},
                )
                return
            except Conflict:
                continue  # the file changed meanwhile: read it again
        raise Conflict("VERSION_CONFLICT")

    @rpc
    def sign_on_paper(self, actor: dict, file_id: str, draft_id: str, pdf_b64: str) -> dict:
        """Without a DSC: the approved draft was printed, signed in ink and scanned; the scan
        is recorded as the signed letter (and sealed by the office when issued)."""
        actor = self.trust.actor(actor)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "approved")
        content = decode_pdf(pdf_b64)
        if content is None:
            raise InvalidInput("PDF_MISSING")
        check_pdf(content)
        sha256 = self.storage.blobs.put(content)

        def on_paper(d):
            return {**d, "status": "signed", "signed_sha256": sha256, "signed_on_paper": True}

        return self._changed(
            doc,
            "signed_on_paper",
            actor,
            post_id,
            {"draft_id": draft_id, "sha256": sha256},
            {"$set": {"drafts": self._with_draft(doc, draft_id, on_paper)}},
        )

    # --- issue and dispatch ---------------------------------------------------------------------

    @rpc
    def issue_draft(self, actor: dict, file_id: str, draft_id: str) -> dict:
        """A signed letter is issued under its number: from now on anyone with the number and
        its code can verify it. A scan signed on paper is sealed by the office first."""
        actor = self.trust.actor(actor)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "signed")
        sha256 = draft["signed_sha256"]
        if draft.get("signed_on_paper"):
            scan = base64.b64encode(self.storage.blobs.get(sha256)).decode()
            sealed = self.signing.seal_document(
                self.trust.own(), scan, self._stamp_lines(draft), self._verify_url(draft)
            )
            sha256 = self.storage.blobs.put(base64.b64decode(sealed))
        issued = {"at": iso(utcnow()), "by": actor.audit(post_id), "sha256": sha256}
        # The issued letter joins the correspondence side, as its next pages.
        first = max((c["last_page"] for c in doc["correspondence"]), default=0) + 1
        pages = check_pdf(self.storage.blobs.get(sha256))
        letter_pages = {
            "kind": "issued",
            "id": draft_id,
            "number": draft["issue_number"],
            "subject": draft["subject"],
            "sha256": sha256,
            "pages": pages,
            "first_page": first,
            "last_page": first + pages - 1,
            "added_at": issued["at"],
        }
        store.record_issue(
            self.storage.db,
            {
                "_id": draft["issue_number"],
                "code": draft["verification_code"],
                "file_id": file_id,
                "draft_id": draft_id,
                "office_id": doc["office_id"],
                "sha256": sha256,
                "issued_at": issued["at"],
            },
        )
        updated = self._record(
            "files",
            doc,
            "draft_issued",
            actor,
            post_id,
            {"draft_id": draft_id, "issue_number": draft["issue_number"], "sha256": sha256},
            {
                "$push": {"correspondence": letter_pages},
                "$set": {
                    "drafts": self._with_draft(
                        doc, draft_id, lambda d: {**d, "status": "issued", "issued": issued}
                    )
                },
            },
            lambda seq: DraftIssued(
                file_id=file_id,
                draft_id=draft_id,
                issue_number=draft["issue_number"],
                sha256=sha256,
                post_id=post_id,
                seq=seq,
            ),
        )
        return file_view(updated, actor)

    @rpc
    def dispatch_draft(self, actor: dict, file_id: str, draft_id: str, request: dict) -> dict:
        """Send an issued letter out, by email (notify mails the PDF) or by post, and enter it
        in the office's dispatch register."""
        actor = self.trust.actor(actor)
        out = parse(DispatchDraft, request)
        doc, post_id = self._holding(actor, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "issued", "dispatched")
        to = drafts.check_recipients(out.mode, out.to)
        post = self._post(actor, post_id)
        now = utcnow()
        serial = store.next_counter(self.storage.db, f"dispatch:{post['office_id']}:{now.year}")
        register_number = f"{serial}/{now.year}/{post['office_code']}"
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
            "at": iso(now),
            "by": actor.audit(post_id),
        }
        store.record_dispatch(self.storage.db, entry)
        sent = {k: entry[k] for k in ("register_number", "mode", "to", "at", "remark")}
        updated = self._record(
            "files",
            doc,
            "draft_dispatched",
            actor,
            post_id,
            {"draft_id": draft_id, **sent},
            {
                "$set": {
                    "drafts": self._with_draft(
                        doc,
                        draft_id,
                        lambda d: {
                            **d,
                            "status": "dispatched",
                            "dispatches": [*d.get("dispatches", []), sent],
                        },
                    )
                }
            },
            lambda seq: DraftDispatched(
                file_id=file_id,
                draft_id=draft_id,
                issue_number=draft["issue_number"],
                subject=draft["subject"],
                mode=out.mode,
                to=to,
                sha256=draft["issued"]["sha256"],
                register_number=register_number,
                post_id=post_id,
                seq=seq,
            ),
        )
        return file_view(updated, actor)

    @rpc
    def dispatch_register(self, actor: dict, limit: int = 100) -> dict:
        """The outward register of the actor's office, newest first: only the letters of files
        the reader may see, so a Secret file's subjects and addressees stay with the posts it
        was marked to (an entry half-blanked would still say that the file wrote, and when)."""
        actor = self.trust.actor(actor)
        limit, db = max(1, min(limit, 500)), self.storage.db
        visible: dict[str, bool] = {}
        items = []
        for entry in store.dispatches_of(db, actor.office_id, batch=limit):
            file_id = entry["file_id"]
            if file_id not in visible:
                file = store.who_may_see(db, "files", file_id)
                visible[file_id] = file is not None and visibility.may_see(actor, file)
            if visible[file_id]:
                items.append(DispatchEntry(**entry, id=entry["_id"]))
                if len(items) == limit:
                    break
        return DispatchRegister(items=items).model_dump()

    # --- documents and public verification ---------------------------------------------------

    @rpc
    def draft_document(self, actor: dict, file_id: str, draft_id: str, which: str = "latest"):
        """A draft's PDF (base64) for whoever may see the file: ``latest`` version, ``signed``
        or ``issued``."""
        actor = self.trust.actor(actor)
        draft = drafts.draft_by_id(self._file(actor, file_id), draft_id)
        sha256 = {
            "latest": drafts.latest(draft)["sha256"],
            "signed": draft.get("signed_sha256"),
            "issued": (draft.get("issued") or {}).get("sha256"),
        }.get(which)
        if not sha256:
            raise NotFound("DOCUMENT_NOT_FOUND")
        return base64.b64encode(self.storage.blobs.get(sha256)).decode()

    @rpc
    def issued_letter(self, issue_number: str, code: str) -> dict:
        """Public: what was issued under a number, and its PDF (base64) to verify, for whoever
        has the code printed beside the number. Without the right code the answer is the same
        as for a number never issued, so the register cannot be enumerated."""
        issue = store.issue(self.storage.db, str(issue_number))
        if issue is None or not isinstance(code, str) or code.strip().upper() != issue["code"]:
            raise NotFound("ISSUE_NOT_FOUND")
        return self._issued(issue)

    @rpc
    def letter_to_mail(self, actor: dict, issue_number: str) -> dict:
        """An issued letter for notify to mail to its addressees (notify's principal only)."""
        actor = self.trust.actor(actor)
        if not actor.has_role("mail_issued_letters"):
            raise Forbidden("SERVICE_ONLY")
        issue = store.issue(self.storage.db, issue_number)
        if issue is None:
            raise NotFound("ISSUE_NOT_FOUND")
        return self._issued(issue)

    def _issued(self, issue: dict) -> dict:
        return {
            "issue_number": issue["_id"],
            "issued_at": issue["issued_at"],
            "sha256": issue["sha256"],
            "pdf_b64": base64.b64encode(self.storage.blobs.get(issue["sha256"])).decode(),
        }
