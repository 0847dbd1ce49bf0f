"""Signing and issuing a draft: signed on the officer's token through the signing service (or
on paper, scanned, and sealed by the office at issue), then issued under its number, from when
anyone with the number and its code can verify it."""

import base64
import logging
from typing import Any

from nameko.events import SERVICE_POOL, event_handler

from common.actor import Actor
from common.config import setting
from common.errors import Conflict, InvalidInput
from common.events import DocumentSigned
from common.pdf import check_pdf
from common.rpc import rpc
from common.tokens import for_signing
from common.validation import parse
from services.files import store
from services.files.domain import drafts, signatures
from services.files.domain.drafts import Draft
from services.files.schemas import SignDraft
from services.files.service.base import Desk, decode_pdf, now

SIGNING_RETRIES = 5
log = logging.getLogger(__name__)


def stamp_lines(draft: Draft) -> list[str]:
    """What the signature stamp (or the office's seal) prints beside the signature."""
    return [
        f"Issue No. {draft['issue_number']}",
        f"Verification code {draft['verification_code']}",
    ]


class SignatureDesk(Desk):
    def _verify_url(self, draft: Draft) -> str:
        base = str(setting(self.config, "EOFFICE_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
        return f"{base}/verify/{draft['issue_number']}?code={draft['verification_code']}"

    @rpc
    def sign_draft(
        self, actor: dict[str, Any], file_id: str, draft_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Prepare the approved draft (or the signed one, for a further signature) for your
        signature on your token; answers what the token signer must sign."""
        who = self.trust.actor(actor)
        again = parse(SignDraft, request)
        doc, post_id = self._holding(who, file_id)
        draft = signatures.signable(doc, draft_id)
        base = signatures.signing_base(draft)
        prepared: dict[str, Any] = self.signing.prepare(
            who.credential,
            {
                "pdf_b64": self._pdf_b64(base),
                "post_id": post_id,
                "purpose": {"kind": "draft", "file_id": file_id, "draft_id": draft_id},
                "lines": stamp_lines(draft),
                "qr_url": self._verify_url(draft),
            },
            again.model_dump(),
        )
        signing_id = prepared["signing_id"]
        step = signatures.signature_prepared(doc, draft, who, post_id, now(), signing_id)
        self._changed(who, doc, step)
        return prepared

    @rpc
    def awaits_signature(
        self, actor: dict[str, Any], file_id: str, draft_id: str, signing_id: str
    ) -> dict[str, bool]:
        """Asked by signing before it takes the token's signature: does the draft still wait
        for this very signing (not revised, signed otherwise or issued since it was prepared)?
        Refused with 409 ``SIGNING_NOT_CURRENT`` if not. Signing passes on the token signer's
        token, good for this one signing."""
        who = self.trust.actor(actor, for_signing(signing_id))
        draft = drafts.draft_by_id(self._file(who, file_id), draft_id)
        signatures.require_awaiting(draft, signing_id, who.user_id)
        return {"awaited": True}

    @event_handler("signing", "document.signed", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_document_signed(self, raw: dict[str, Any]) -> None:
        """The officer's signature was completed: the signed PDF becomes the draft's, if the
        draft still waits for that signing (signing asked just before; this checks again in
        the same write, so a revision in between is never overwritten)."""
        event = self.trust.event(raw)
        signed = event.body()
        if not isinstance(signed, DocumentSigned) or signed.purpose.get("kind") != "draft":
            return
        signer = Actor(user_id=signed.signer_user_id, name=signed.signer_name)
        signed_pdf = self.signing.signed_document(self.trust.own(), signed.signing_id)
        sha256 = self.storage.blobs.put(base64.b64decode(signed_pdf))
        for _ in range(SIGNING_RETRIES):
            doc = store.item(self.storage.db, "files", signed.purpose["file_id"])
            assert doc is not None  # a file signed for is never removed
            draft = drafts.draft_by_id(doc, signed.purpose["draft_id"])
            if signatures.has_signature(draft, signed.signing_id):
                return  # seen already (a redelivered event)
            try:
                signatures.require_awaiting(draft, signed.signing_id, signer.user_id)
            except Conflict:
                log.warning(
                    "signing %s completed for draft %s, which no longer awaits it: not taken",
                    signed.signing_id,
                    draft["id"],
                )
                return
            step = signatures.signed(doc, draft, signer, now(), signed, sha256)
            try:
                self._apply(signer, "files", doc, step)
                return
            except Conflict:
                continue  # the file changed meanwhile: read it again
        raise Conflict("VERSION_CONFLICT")

    @rpc
    def sign_on_paper(
        self, actor: dict[str, Any], file_id: str, draft_id: str, pdf_b64: str
    ) -> dict[str, Any]:
        """Without a DSC: the approved draft was printed, signed in ink and scanned; the scan
        is recorded as the signed letter (and sealed by the office when issued)."""
        who = self.trust.actor(actor)
        doc, post_id = self._holding(who, file_id)
        draft = signatures.signable_on_paper(doc, draft_id)
        content = decode_pdf(pdf_b64)
        if content is None:
            raise InvalidInput("PDF_MISSING")
        check_pdf(content)
        sha256 = self.storage.blobs.put(content)
        step = signatures.signed_on_paper(doc, draft, who, post_id, now(), sha256)
        return self._changed(who, doc, step)

    # --- issue --------------------------------------------------------------------------------

    @rpc
    def issue_draft(self, actor: dict[str, Any], file_id: str, draft_id: str) -> dict[str, Any]:
        """A signed letter is issued under its number: from now on anyone with the number and
        its code can verify it. A scan signed on paper is sealed by the office first."""
        who = self.trust.actor(actor)
        doc, post_id = self._holding(who, file_id)
        draft = drafts.draft_by_id(doc, draft_id)
        drafts.require_status(draft, "signed")
        sha256 = draft["signed_sha256"]
        if draft.get("signed_on_paper"):
            sealed = self.signing.seal_document(
                self.trust.own(), self._pdf_b64(sha256), stamp_lines(draft), self._verify_url(draft)
            )
            sha256 = self.storage.blobs.put(base64.b64decode(sealed))
        at, pages = now(), check_pdf(self._blob(sha256))
        store.record_issue(self.storage.db, signatures.issue(doc, draft, at, sha256))
        step = signatures.issued(doc, draft, who, post_id, at, sha256, pages)
        issued = self._changed(who, doc, step)
        letter = {"kind": "files", "id": file_id, "what": "letter"}
        store.queue_text(self.storage.db, sha256, letter, at)
        return issued
