"""DSC enrolment: an officer's signing certificate checked against the trust roots, revoked,
warned about before it expires, and handed to signing."""

import base64
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from nameko.timer import timer

from common import uploads
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, NotFound, Refused
from common.events import (
    DscEnrolled,
    DscExpiring,
    DscRevoked,
    new_event,
)
from common.rpc import rpc
from common.validation import parse
from services.identity import store
from services.identity.domain import dsc
from services.identity.schemas import (
    Certificate,
    Dsc,
    SigningCertificate,
)
from services.identity.service.base import Desk

DSC_CHECK_SECONDS = 3600


class DscDesk(Desk):
    @rpc
    def signing_certificate(self, actor: dict) -> dict:
        """The actor's enrolled DSC, to sign with now: in date (revoked ones are not enrolled)."""
        who = self.trust.actor(actor)
        user = store.user_by_id(self.storage.db, who.user_id)
        record = (user or {}).get("dsc")
        if not record or not record.get("certificate_b64"):
            raise Conflict("DSC_NOT_ENROLLED")
        now = iso(utcnow())
        if record["not_after"] < now:
            raise Refused("DSC_EXPIRED", {"not_after": record["not_after"]})
        _, intermediates = self._trust()
        return SigningCertificate(
            user_id=who.user_id,
            chain_b64=[
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                for c in intermediates
            ],
            **{k: record[k] for k in ("certificate_b64", "sha256", "subject_cn", "not_after")},
        ).model_dump()

    def _trust(self) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
        """The configured trust roots and intermediate CAs (PEM bundles)."""

        def bundle(key: str) -> list[x509.Certificate]:
            path = setting(self.config, key)
            return x509.load_pem_x509_certificates(Path(path).read_bytes()) if path else []

        return bundle("EOFFICE_DSC_TRUST_ROOTS"), bundle("EOFFICE_DSC_INTERMEDIATES")

    @rpc
    def enrol_dsc(self, actor: dict, user_id: str, upload: dict) -> dict:
        """An officer's DSC certificate: chained to a trust root, in date, fit for signing,
        issued in their name. It replaces any earlier one, which is kept in the history."""
        who = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(who, user_id, self_may=True)
        content = uploads.decode_base64(
            parse(Certificate, upload).certificate_b64, "NOT_A_CERTIFICATE"
        )
        roots, intermediates = self._trust()
        if not roots:
            raise Conflict("DSC_NO_TRUST_ROOTS")
        now = utcnow()
        certificate = dsc.load_certificate(content)
        info = dsc.check_enrolment(certificate, roots, intermediates, [person["name_en"]], now)
        record = {
            **info,
            "certificate_b64": base64.b64encode(
                certificate.public_bytes(serialization.Encoding.DER)
            ).decode(),
            "enrolled_at": iso(now),
            "warnings_sent": [],
        }
        event = new_event(
            DscEnrolled(
                user_id=user_id,
                subject_cn=info["subject_cn"],
                sha256=info["sha256"],
                not_after=info["not_after"],
            ),
            who,
            office["path"],
        )
        store.replace_dsc(db, user_id, record, event)
        return Dsc(**record).model_dump()

    @rpc
    def revoke_dsc(self, actor: dict, user_id: str) -> dict:
        who = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(who, user_id, self_may=True)
        if not person.get("dsc"):
            raise NotFound("DSC_NOT_ENROLLED")
        event = new_event(
            DscRevoked(user_id=user_id, sha256=person["dsc"]["sha256"]), who, office["path"]
        )
        store.replace_dsc(db, user_id, None, event)
        return {"revoked": person["dsc"]["sha256"]}

    @timer(interval=DSC_CHECK_SECONDS)
    def warn_expiring_dscs(self) -> None:
        self._raise_dsc_warnings(utcnow())

    @rpc
    def check_dsc_expiry(self, actor: dict, now: str | None = None) -> int:
        """The hourly check, run now (by the state admin: "as if it were ``now``")."""
        self._require_state_admin(self.trust.actor(actor))
        return self._raise_dsc_warnings(datetime.fromisoformat(now) if now else utcnow())

    def _raise_dsc_warnings(self, moment: datetime) -> int:
        """Raise the 30-, 7- and 1-day warnings that are due; returns how many."""
        db = self.storage.db
        horizon = iso(moment + timedelta(days=max(dsc.EXPIRY_WARNING_DAYS) + 1))
        raised = 0
        for person in store.dscs_expiring_before(db, horizon):
            record = person["dsc"]
            for days in dsc.expiry_warnings_due(
                datetime.fromisoformat(record["not_after"]),
                moment,
                set(record.get("warnings_sent", [])),
            ):
                event = new_event(
                    DscExpiring(
                        user_id=person["_id"],
                        sha256=record["sha256"],
                        not_after=record["not_after"],
                        days=days,
                    ),
                    self.trust.own_actor(),
                    [person["office_id"]],
                )
                store.dsc_warning_sent(db, person["_id"], record["sha256"], days, event)
                raised += 1
        return raised
