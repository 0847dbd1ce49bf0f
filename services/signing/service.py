"""Signing: PAdES signatures made on the officer's own token (the server prepares, the token
signs, the server checks and embeds), the office's seal for what the system itself issues, and
verification of any PDF for anyone."""

import base64
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from nameko.containers import WorkerContext
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy

from common import service_parts
from common.actor import Actor
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, Forbidden, NotFound, Refused
from common.metrics import SIGNING_SECONDS
from common.pdf import check_pdf
from common.rpc import rpc
from common.storage import Database
from common.threads import cpu_bound
from common.tokens import for_signing
from common.trust import Trust
from common.uploads import decode_base64
from common.validation import parse
from services.signing import store
from services.signing.domain import signing_record, token_signing, validation_data, verification
from services.signing.domain.seal import Seal
from services.signing.render.stamp import Stamp, bilingual_font
from services.signing.schemas import Completed, Completion, Prepared, PrepareSigning, Reauth

PREPARED_FOR_SECONDS = 600  # the officer has this long to sign on the token


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _certificates_der(pem_bundle: Path) -> list[bytes]:
    """The certificates of a PEM bundle, in its order, as DER."""
    return [
        c.public_bytes(serialization.Encoding.DER)
        for c in x509.load_pem_x509_certificates(pem_bundle.read_bytes())
    ]


class SealKeys(DependencyProvider):
    """The office's seal: an encrypted key (PKCS#8 PEM) and its certificate chain, loaded once
    and kept parsed; replaced files (a rotated key, a renewed Kubernetes secret) are loaded on
    next use. The password comes from the environment (EOFFICE_SEAL_PASSWORD) and is never
    stored or logged. Also the roots verification trusts."""

    def setup(self) -> None:
        self._loaded: tuple[tuple[str, int, int], Seal] | None = None
        self._roots: tuple[tuple[tuple[str, int], ...], list[bytes]] | None = None
        bilingual_font()  # built once (~1 s), not in the first officer's signature

    def get_dependency(self, worker_ctx: WorkerContext) -> "SealKeys":
        return self

    def _setting(self, key: str) -> str | None:
        return setting(self.container.config, key)

    def current(self) -> Seal:
        """The seal, loaded again only when its key or certificate file changes."""
        key_file, cert_file = (
            self._setting("EOFFICE_SEAL_KEY_FILE"),
            self._setting("EOFFICE_SEAL_CERT_FILE"),
        )
        if not (key_file and cert_file and os.environ.get("EOFFICE_SEAL_PASSWORD")):
            raise Conflict("SEAL_NOT_CONFIGURED")
        version = (key_file, Path(key_file).stat().st_mtime_ns, Path(cert_file).stat().st_mtime_ns)
        if self._loaded is None or self._loaded[0] != version:
            chain = _certificates_der(Path(cert_file))
            seal = Seal.load(
                Path(key_file).read_bytes(),
                os.environ["EOFFICE_SEAL_PASSWORD"].encode(),
                chain[0],
                chain[1:],
            )
            self._loaded = (version, seal)
        return self._loaded[1]

    def stamp(self, lines: list[str], qr_url: str | None) -> Stamp:
        """The seal's stamp: in the office's name, with ``lines`` after the date."""
        office_en = self._setting("EOFFICE_SEAL_OFFICE_EN") or "e-Office"
        office_hi = self._setting("EOFFICE_SEAL_OFFICE_HI") or "ई-ऑफ़िस"
        return Stamp(
            name_en="Digitally sealed by e-Office",
            name_hi="ई-ऑफ़िस द्वारा डिजिटल मुहर",
            designation_en="Office seal",
            designation_hi="कार्यालय मुहर",
            office_en=office_en,
            office_hi=office_hi,
            signed_at=utcnow(),
            extra_lines=tuple(lines),
            qr_url=qr_url,
        )

    def trust_roots(self) -> list[bytes]:
        """The roots verification trusts, read again only when their files change (verify is
        public: every call must not parse PEM bundles)."""
        paths = [
            Path(p)
            for p in (
                self._setting(k) for k in ("EOFFICE_DSC_TRUST_ROOTS", "EOFFICE_SEAL_TRUST_ROOTS")
            )
            if p
        ]
        version = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
        if self._roots is None or self._roots[0] != version:
            roots = [der for p in paths for der in _certificates_der(p)]
            self._roots = (version, roots)
        return self._roots[1]


class SigningService(service_parts.Health, service_parts.Idempotency, service_parts.Outbox):
    name = "signing"
    outbox_collections = ("signings",)

    storage = Database(indexes=store.ensure_indexes)
    identity = RpcProxy("identity")
    files = RpcProxy("files")
    leave = RpcProxy("leave")
    config = Config()
    seal = SealKeys()
    trust = Trust()

    # --- on the officer's token ------------------------------------------------------------

    @rpc
    @SIGNING_SECONDS.labels("prepare").time()
    def prepare(
        self, actor: dict[str, Any], request: dict[str, Any], reauth: dict[str, Any]
    ) -> dict[str, Any]:
        """Ready a PDF for the actor's signature: they prove it is them (password or TOTP),
        their enrolled DSC is fetched, a visible bilingual stamp is placed, and the bytes the
        token must sign are returned. Nothing is signed here; the key never comes here."""
        who = self.trust.actor(actor)
        ask = parse(PrepareSigning, request)
        content = decode_base64(ask.pdf_b64, "PDF_NOT_BASE64")
        check_pdf(content)
        self.identity.reauthenticate(actor, parse(Reauth, reauth).model_dump())
        cert = self.identity.signing_certificate(actor)
        cert_der = base64.b64decode(cert["certificate_b64"])
        chain = [base64.b64decode(c) for c in cert["chain_b64"]]
        stamp = self._stamp(who, ask)
        prepared = cpu_bound(
            token_signing.prepare,
            content,
            cert_der,
            chain,
            stamp,
            f"Signature-{uuid.uuid4().hex[:8]}",
            self._timestamp_url(),
        )
        signing = signing_record.new_signing(
            uuid.uuid4().hex,
            who,
            ask.purpose.model_dump(),
            cert,
            prepared,
            utcnow(),
            timedelta(seconds=self._prepared_for()),
        )
        store.insert(self.storage.db, signing)
        return self._prepared_view(signing)

    def _prepared_for(self) -> int:
        return int(setting(self.config, "EOFFICE_SIGNING_TTL_SECONDS") or PREPARED_FOR_SECONDS)

    def _timestamp_url(self) -> str | None:
        """The time-stamp authority: ``prepare`` reserves room for its token, ``complete`` asks
        it, so both must read the same setting."""
        return setting(self.config, "EOFFICE_TSA_URL")

    def _stamp(self, who: Actor, ask: PrepareSigning) -> Stamp:
        me = self.identity.me(who.credential)
        post = self.identity.post(who.credential, ask.post_id)
        office = self.identity.office_by_code(who.credential, post["office_code"])
        return Stamp(
            name_en=me["name_en"],
            name_hi=me["name_hi"],
            designation_en=post["name_en"],
            designation_hi=post["name_hi"],
            office_en=office["name_en"],
            office_hi=office["name_hi"],
            signed_at=utcnow(),
            extra_lines=tuple(ask.lines),
            qr_url=ask.qr_url,
        )

    @staticmethod
    def _prepared_view(signing: dict[str, Any]) -> dict[str, Any]:
        return Prepared(
            signing_id=signing["_id"],
            to_sign_b64=signing.get("to_sign_b64", ""),
            algorithm=signing["algorithm"],
            certificate_sha256=signing["certificate_sha256"],
            expires_at=signing["expires_at"],
            status=signing["status"],
        ).model_dump()

    def _own(self, actor: Actor, signing_id: str) -> dict[str, Any]:
        signing = store.signing(self.storage.db, signing_id)
        if signing is None or signing["user_id"] != actor.user_id:
            raise NotFound("SIGNING_NOT_FOUND")
        return signing

    @rpc
    def prepared(self, actor: dict[str, Any], signing_id: str) -> dict[str, Any]:
        """What the token signer fetches: the bytes to sign (only for the one who prepared)."""
        who = self.trust.actor(actor, for_signing(signing_id))
        return self._prepared_view(self._own(who, signing_id))

    @rpc
    @SIGNING_SECONDS.labels("complete").time()
    def complete(
        self, actor: dict[str, Any], signing_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Take the token's signature: it must verify with the enrolled certificate over
        exactly the prepared bytes, once, before the signing expires. Then it is embedded and
        the signed PDF kept for the service it was for (event ``document.signed``)."""
        who = self.trust.actor(actor, for_signing(signing_id))
        signature = decode_base64(parse(Completion, request).signature_b64, "SIGNATURE_NOT_BASE64")
        db, now = self.storage.db, utcnow()
        current = self._own(who, signing_id)
        if current["status"] == "prepared":
            self._require_awaited(who, current)
        signing = store.claim(db, signing_id, iso(now))
        if signing is None:
            if current["status"] == "prepared":
                raise Conflict("SIGNING_EXPIRED", {"expired_at": current["expires_at"]})
            raise Conflict("SIGNING_ALREADY_COMPLETED")
        cert = base64.b64decode(signing["certificate"]["der_b64"])
        chain = [base64.b64decode(c) for c in signing["certificate"]["chain_b64"]]
        prepared = token_signing.Prepared.from_json(signing["prepared"])
        tsa = self._timestamp_url()
        try:
            signed = cpu_bound(  # checks the signature against the certificate first
                token_signing.finish, prepared, cert, chain, signature, tsa
            )
            signed, level = self._long_term(signed) if tsa else (signed, "B-B")
        except Exception:
            store.release(db, signing_id)
            raise
        sha256 = self.storage.blobs.put(signed)
        result = signing_record.completion(sha256, level, now)
        event = signing_record.signed_event(signing, who, sha256, now)
        store.complete(db, signing_id, result, event)
        return Completed(signing_id=signing_id, purpose=signing["purpose"], **result).model_dump()

    def _require_awaited(self, who: Actor, signing: dict[str, Any]) -> None:
        """The document's service still waits for this very signing: a signing prepared
        before the draft was revised, signed otherwise or issued (or before the leave
        application was returned or decided otherwise) is refused (409
        ``SIGNING_NOT_CURRENT``), and nothing is signed or changed."""
        purpose = signing["purpose"]
        if purpose["kind"] == "leave_order":
            self.leave.awaits_signature(who.credential, purpose["application_id"], signing["_id"])
        else:
            self.files.awaits_signature(
                who.credential, purpose["file_id"], purpose["draft_id"], signing["_id"]
            )

    def _long_term(self, signed: bytes) -> tuple[bytes, str]:
        """A time-stamped signature (B-T) gets its chain and revocation data embedded (B-LT)
        when they can be had; a certificate found revoked is a refusal, not a signature."""
        try:
            return (
                cpu_bound(
                    validation_data.add_validation_data,
                    signed,
                    self.seal.trust_roots(),
                    allow_fetching=True,
                ),
                "B-LT",
            )
        except Refused as exc:
            if isinstance(exc.details, dict) and exc.details.get("reason") == "RevokedError":
                raise Refused("DSC_REVOKED") from None
            return signed, "B-T"  # no revocation data to be had now: still time-stamped

    @rpc
    def signed_document(self, actor: dict[str, Any], signing_id: str) -> str:
        """The signed PDF of a completed signing (base64), for the service it was made for."""
        if not self.trust.actor(actor).has_role("collect_signed_documents"):
            raise Forbidden("SERVICE_ONLY")
        signing = store.signing(self.storage.db, signing_id)
        if signing is None or signing["status"] != "completed":
            raise NotFound("SIGNING_NOT_FOUND")
        return _b64(self.storage.blobs.get(signing["sha256"]))

    # --- the office's seal, and verification -----------------------------------------------

    @rpc
    @SIGNING_SECONDS.labels("seal").time()
    def seal_document(
        self, actor: dict[str, Any], pdf_b64: str, lines: list[str], qr_url: str | None = None
    ) -> str:
        """Seal a PDF the system itself issues (a scan of a letter signed on paper) with the
        office's server-held key: the same stamp, in the seal's name. Only files and leave ask,
        having checked that the person issuing it (or sanctioning leave) may."""
        if not self.trust.actor(actor).has_role("seal_documents"):
            raise Forbidden("SERVICE_ONLY")
        content = decode_base64(pdf_b64, "PDF_NOT_BASE64")
        check_pdf(content)
        seal, stamp = self.seal.current(), self.seal.stamp(lines, qr_url)
        return _b64(cpu_bound(seal.sign, content, stamp, f"Seal-{uuid.uuid4().hex[:8]}"))

    @rpc
    def verify(self, pdf_b64: str) -> dict[str, Any]:
        """A report on every signature in a PDF, for anyone: who signed, when, the chain,
        whether it is intact, trusted, and whether the document changed after signing."""
        content = decode_base64(pdf_b64, "PDF_NOT_BASE64")
        return cpu_bound(verification.verify, content, self.seal.trust_roots())
