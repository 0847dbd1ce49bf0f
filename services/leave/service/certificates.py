"""The applicant's medical certificates: a PDF uploaded is kept by its hash and recorded as
that person's, so an application names only a certificate its applicant uploaded; whoever
may see the application may read it."""

import base64
from typing import Any

from common import uploads
from common.clock import iso, utcnow
from common.errors import NotFound
from common.pdf import check_pdf
from common.rpc import rpc
from services.leave import store
from services.leave.domain import applications
from services.leave.schemas import KeptCertificate
from services.leave.service.base import Desk


class CertificatesDesk(Desk):
    @rpc
    def keep_certificate(self, actor: dict[str, Any], pdf_b64: str) -> dict[str, str]:
        """Keep the actor's medical certificate (a PDF, base64); answers the SHA-256 an
        application names it by. The same PDF again is kept once."""
        who = self.trust.actor(actor)
        content = uploads.decode_base64(pdf_b64, "PDF_NOT_BASE64")
        check_pdf(content)
        sha256 = self.storage.blobs.put(content)
        store.keep_certificate(self.storage.db, who.user_id, sha256, iso(utcnow()))
        return KeptCertificate(sha256=sha256).model_dump()

    @rpc
    def certificate_document(self, actor: dict[str, Any], application_id: str) -> str:
        """An application's medical certificate (PDF, base64), for whoever may see the
        application."""
        who = self.trust.actor(actor)
        found = store.application(self.storage.db, application_id)
        applications.require_viewer(found, who.user_id, who.post_ids)
        content = self.storage.blobs.get(found["certificate"]) if found.get("certificate") else None
        if content is None:  # none named, or named before certificates were kept
            raise NotFound("DOCUMENT_NOT_FOUND")
        return base64.b64encode(content).decode()
