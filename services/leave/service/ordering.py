"""The sanction order: readied when the sanctioning officer sanctions (numbered, rendered in
Hindi and English), then sealed by the office at once, or signed on the officer's own DSC token
through signing (the sanction is made when signing says the signature was taken). The order is
issued with the sanction, in one write; its applicant and the officers who acted on the
application may read it, and anyone with its number and code can verify it."""

import base64
import logging
from datetime import date, datetime
from typing import Any

from nameko.events import SERVICE_POOL, event_handler

from common.actor import Actor
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, NotFound
from common.events import DocumentSigned, LeaveSanctioned
from common.issued import same_code
from common.pdf import check_pdf
from common.rpc import rpc
from common.tokens import for_signing
from services.leave import store
from services.leave.domain import applications, orders, rules
from services.leave.render.order import Order, render_order
from services.leave.schemas import Sanction
from services.leave.service.base import Desk, today

SIGNING_RETRIES = 5
log = logging.getLogger(__name__)


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


class OrderingDesk(Desk):
    signing: Any
    config: Any

    def _sanction_with_order(
        self, who: Actor, found: dict[str, Any], decision: Sanction
    ) -> dict[str, Any]:
        """Sealed: the application sanctioned with its order. On the token: what the token
        must sign (the application waits for that signing)."""
        applications.require_sanctioning(found)
        moment = utcnow()
        by = self.identity.post(who.credential, found["at_post_id"])
        reservation = store.reserve_order(
            self.storage.db,
            found["_id"],
            f"order:{by['office_id']}:{moment.year}",
            lambda serial: orders.reserved(by["office_code"], moment.year, serial),
        )
        pdf = self._render(who, found, by, reservation, moment)
        url = self._verify_url(reservation)
        if decision.sign == "token":
            prepared: dict[str, Any] = self.signing.prepare(
                who.credential,
                {
                    "pdf_b64": _b64(pdf),
                    "post_id": found["at_post_id"],
                    "purpose": {"kind": "leave_order", "application_id": found["_id"]},
                    "lines": orders.stamp_lines(reservation),
                    "qr_url": url,
                },
                {"password": decision.password, "otp": decision.otp},
            )
            store.await_signing(
                self.storage.db,
                found["_id"],
                found["version"],
                orders.awaiting(prepared["signing_id"], who.user_id, found),
            )
            return prepared
        sealed = self.signing.seal_document(
            self.trust.own(), _b64(pdf), orders.stamp_lines(reservation), url
        )
        content = base64.b64decode(sealed)
        sha256 = self.storage.blobs.put(content)
        order = orders.issued(reservation, iso(utcnow()), sha256, "seal", check_pdf(content))
        return self._sanctioned(who, found, decision.remark, order, None)

    def _sanctioned(
        self,
        who: Actor,
        found: dict[str, Any],
        remark: str | None,
        order: dict[str, Any],
        signing_id: str | None,
    ) -> dict[str, Any]:
        """The sanction and its order in one version-checked write; the days debited."""
        post = found["at_post_id"]
        fields, entry = applications.sanction(
            found, who.audit(post), iso(utcnow()), today(), remark
        )
        fields.update(order=order, signed_by_signing=signing_id)
        changed = self._write(
            who,
            found,
            fields,
            entry,
            LeaveSanctioned,
            by_post_id=post,
            order_number=order["number"],
        )
        self._post_ledger(changed)
        return changed

    def _render(
        self,
        who: Actor,
        found: dict[str, Any],
        by: dict[str, Any],
        reservation: dict[str, str],
        moment: datetime,
    ) -> bytes:
        applicant = self.identity.post(who.credential, found["post_id"])
        office = self.identity.office_by_code(who.credential, by["office_code"])
        kind = rules.department(found["department"]).kind(found["kind"])
        return render_order(
            Order(
                number=reservation["number"],
                code=reservation["code"],
                issued_at=moment,
                office_en=office["name_en"],
                office_hi=office["name_hi"],
                applicant=found["applicant_name"],
                post_en=applicant["name_en"],
                post_hi=applicant["name_hi"],
                kind_en=kind.name_en,
                kind_hi=kind.name_hi,
                from_date=date.fromisoformat(found["from_date"]),
                to_date=date.fromisoformat(found["to_date"]),
                half=found.get("half"),
                days=found["days"],
                sanctioned_by_en=by["name_en"],
                sanctioned_by_hi=by["name_hi"],
                verify_url=self._verify_url(reservation),
            )
        )

    def _order_b64(self, order: dict[str, Any]) -> str:
        """An issued order's PDF (stored before the order was written)."""
        content = self.storage.blobs.get(order["sha256"])
        assert content is not None, f"order {order['number']} missing"
        return _b64(content)

    def _verify_url(self, reservation: dict[str, str]) -> str:
        base = str(setting(self.config, "EOFFICE_PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
        return f"{base}/verify/{reservation['number']}?code={reservation['code']}"

    @rpc
    def awaits_signature(
        self, actor: dict[str, Any], application_id: str, signing_id: str
    ) -> dict[str, bool]:
        """Asked by signing before it takes the token's signature: does the application still
        wait for this very signing (not returned, rejected or sanctioned otherwise since)?
        Refused with 409 ``SIGNING_NOT_CURRENT`` if not. Signing passes on the token signer's
        token, good for this one signing."""
        who = self.trust.actor(actor, for_signing(signing_id))
        found = store.application(self.storage.db, application_id)
        orders.require_awaiting(found, signing_id, who.user_id)
        return {"awaited": True}

    @event_handler("signing", "document.signed", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_document_signed(self, raw: dict[str, Any]) -> None:
        """The officer's signature on a sanction order was taken: the application is sanctioned
        with the signed order, if it still waits for that signing (signing asked just before;
        the write checks the version again, so a change in between is never overwritten)."""
        event = self.trust.event(raw)
        signed = event.body()
        if not isinstance(signed, DocumentSigned) or signed.purpose.get("kind") != "leave_order":
            return
        signer = Actor(user_id=signed.signer_user_id, name=signed.signer_name)
        content = base64.b64decode(
            self.signing.signed_document(self.trust.own(), signed.signing_id)
        )
        sha256 = self.storage.blobs.put(content)
        for _ in range(SIGNING_RETRIES):
            found = store.application(self.storage.db, signed.purpose["application_id"])
            if orders.signed_with(found, signed.signing_id):
                return  # seen already (a redelivered event)
            try:
                orders.require_awaiting(found, signed.signing_id, signer.user_id)
            except Conflict:
                log.warning(
                    "signing %s completed for leave application %s, which no longer awaits "
                    "it: not taken",
                    signed.signing_id,
                    found["_id"],
                )
                return
            order = orders.issued(
                found["order_reserved"], iso(utcnow()), sha256, "token", check_pdf(content)
            )
            try:
                self._sanctioned(signer, found, None, order, signed.signing_id)
                return
            except Conflict:
                continue  # the application changed meanwhile: read it again
        raise Conflict("VERSION_CONFLICT")

    @rpc
    def order_document(self, actor: dict[str, Any], application_id: str) -> str:
        """The sanction order's PDF (base64), for its applicant and the officers who acted on
        the application."""
        who = self.trust.actor(actor)
        found = store.application(self.storage.db, application_id)
        orders.require_reader(found, who.user_id, list(who.post_ids))
        return self._order_b64(found["order"])

    @rpc
    def issued_order(self, number: str, code: str) -> dict[str, Any]:
        """Public: the order issued under a number, and its PDF (base64) to verify, for
        whoever has the code printed beside the number. Without the right code the answer is
        the same as for a number never issued, so the orders cannot be enumerated."""
        found = store.issued_order(self.storage.db, number)
        if found is None or not same_code(code, found["order"]["code"]):
            raise NotFound("ISSUE_NOT_FOUND")
        order = found["order"]
        return {
            "issue_number": order["number"],
            "issued_at": order["issued_at"],
            "sha256": order["sha256"],
            "pdf_b64": self._order_b64(order),
        }
