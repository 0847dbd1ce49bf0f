"""Identity: the office tree, posts and who holds them, people, login and tokens."""

import base64
import hashlib
import hmac
import io
import time
from datetime import datetime, timedelta
from pathlib import Path

import eventlet
import segno
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from eventlet import tpool
from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer

from common import service_parts
from common.actor import Actor
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused, Unauthenticated
from common.events import (
    DscEnrolled,
    DscExpiring,
    DscRevoked,
    Names,
    PersonDisabled,
    PersonOnboarded,
    PostAssigned,
    PostDelegated,
    VpnIssued,
    VpnRevoked,
    new_event,
)
from common.fold import normalise
from common.rpc import rpc
from common.secrets_at_rest import SecretBox, SecretsAtRest, secrets_key
from common.storage import Database
from common.threads import cpu_bound
from common.tokens import ACCESS_TOKEN_SECONDS
from common.trust import Trust
from common.validation import parse
from services.identity import store
from services.identity.domain import authority, dsc, govid, login, posts, sheets, tree, vpn
from services.identity.domain import tokens as domain
from services.identity.schemas import (
    Activate,
    Activation,
    AssignPost,
    Certificate,
    Credentials,
    Delegation,
    Dsc,
    NewDelegation,
    NewOffice,
    NewPost,
    NewUser,
    Office,
    OfficeChange,
    Offices,
    Post,
    Posts,
    Reauthentication,
    RefreshRequest,
    Revocations,
    SheetReport,
    SheetUpload,
    SigningCertificate,
    SigningToken,
    Tokens,
    TotpChange,
    TotpCode,
    TotpEnrolment,
    TotpStatus,
    User,
    Users,
    VpnAccount,
    VpnConfig,
)

LOGIN_CLAIM_SECONDS = 10  # longest a password check may take before another may start
GOV_DOMAINS = "up.gov.in,uppolice.gov.in,bihar.gov.in,biharpolice.gov.in,gov.in,nic.in"
GOVID_PATTERN = "{first}.{last}{n}@{domain}"
DSC_CHECK_SECONDS = 3600
SHEET_READ_SECONDS = 60  # the longest reading one master data sheet may take


def _office_view(office: dict) -> dict:
    return Office(
        id=office["_id"],
        **{k: office[k] for k in ("code", "name_en", "name_hi", "level", "parent_id", "path")},
        levels=office.get("levels") or [],
        live_since=office.get("live_since"),
        vpn_pool=office.get("vpn_pool"),
        history=office.get("history") or [],
    ).model_dump()


def _post_view(post: dict, holder: dict | None = None) -> dict:
    return Post(
        id=post["_id"],
        **{k: post.get(k) for k in Post.model_fields if k not in ("id", "holder_name")},
        holder_name=holder["name_en"] if holder else None,
    ).model_dump()


def _user_view(user: dict, held: list[dict], vpn_address: str | None = None) -> dict:
    return User(
        id=user["_id"],
        username=user["username"],
        name_en=user["name_en"],
        name_hi=user["name_hi"],
        grants=user.get("grants", []),
        office_id=user["office_id"],
        disabled=bool(user.get("disabled")),
        totp_enabled=bool(user.get("totp_enabled")),
        locked_until=user.get("next_attempt_at")
        if user.get("failed_logins", 0) >= login.LOCK_AFTER
        else None,
        dsc=user.get("dsc"),
        vpn_address=vpn_address,
        posts=[_post_view(p, user) for p in held],
    ).model_dump()


def _delegation_view(d: dict, now: str) -> dict:
    return Delegation(
        id=d["_id"],
        live=posts.is_live(d, now),
        **{k: d[k] for k in Delegation.model_fields if k not in ("id", "live")},
    ).model_dump()


def _sheet_view(sheet: dict) -> dict:
    return SheetReport(
        id=sheet["_id"],
        **{k: sheet.get(k) for k in SheetReport.model_fields if k not in ("id", "activations")},
        activations=sheet.get("activations", []),
    ).model_dump()


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput(
            "INVALID_FIELDS", {"fields": [{"field": "starts/ends", "problem": "timezone_missing"}]}
        )
    return moment


def _read_sheet(content: bytes, filename: str) -> list[dict]:
    """Read an uploaded sheet in a real thread, so logins and ``may_act`` keep being answered,
    and give up (SHEET_TOO_SLOW) if it takes longer than a sheet ever should."""

    def read() -> list[dict]:
        give_up_at = time.monotonic() + SHEET_READ_SECONDS
        return sheets.read_sheet(content, filename, lambda: time.monotonic() > give_up_at)

    return cpu_bound(read)


def _seal_old_secrets(db, config: dict) -> None:
    store.seal_plaintext_secrets(db, SecretBox(secrets_key(config)))


class IdentityService(service_parts.Health, service_parts.Outbox):
    name = "identity"
    outbox_collections = tuple(store.OUTBOX_COLLECTIONS)

    storage = Database(indexes=store.ensure_indexes, migrate=_seal_old_secrets)
    secrets = SecretsAtRest()
    signing = RpcProxy("signing")
    dispatch = EventDispatcher()
    config = Config()
    trust = Trust(local=lambda service: (service._verifying_keys, service._revocations))

    # --- login and tokens ---------------------------------------------------------------------

    @rpc
    def login(self, credentials: dict) -> dict:
        """Password, then (for those enrolled) the TOTP code. Repeated failures make each
        next attempt wait longer, and ten lock the account for half an hour."""
        creds = parse(Credentials, credentials)
        db = self.storage.db
        user = store.user_by_username(db, creds.username.lower())
        if user is None:  # the same work (and answer) as a wrong password
            tpool.execute(domain.password_matches, None, creds.password)
            raise Unauthenticated("BAD_CREDENTIALS")
        # One password check at a time per person (a phone and a browser at the same moment
        # take turns), so guesses sent all at once get no more tries than guesses one by one.
        user = self._claim_login(user["_id"])
        now = utcnow()
        if user.get("next_attempt_at") and user["next_attempt_at"] > iso(now):
            store.release_login(db, user["_id"])
            locked = user.get("failed_logins", 0) >= login.LOCK_AFTER
            raise Unauthenticated(
                "ACCOUNT_LOCKED" if locked else "LOGIN_TOO_SOON",
                {"retry_after": user["next_attempt_at"]},
            )
        try:
            self._check_login(user, creds, now)
        finally:
            store.release_login(db, user["_id"])
        return self._tokens_for(user, family=None)

    def _claim_login(self, user_id: str) -> dict:
        db = self.storage.db
        for _ in range(int(LOGIN_CLAIM_SECONDS / 0.05)):
            now = utcnow()
            user = store.claim_login(
                db, user_id, iso(now), iso(now + timedelta(seconds=LOGIN_CLAIM_SECONDS))
            )
            if user is not None:
                return user
            eventlet.sleep(0.05)
        raise Unauthenticated("LOGIN_BUSY")

    def _check_login(self, user: dict, creds: Credentials, now: datetime) -> None:
        db = self.storage.db

        def failed(code: str) -> Unauthenticated:
            wait_until = login.after_failure(user.get("failed_logins", 0) + 1, now)
            store.record_failure(db, user["_id"], iso(wait_until) if wait_until else None)
            return Unauthenticated(code)

        # argon2id holds a core for ~100 ms: in a real thread, so the service keeps answering.
        if not tpool.execute(domain.password_matches, user["password_hash"], creds.password):
            raise failed("BAD_CREDENTIALS")
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        if user.get("totp_enabled"):
            if not creds.otp:
                raise Unauthenticated("OTP_REQUIRED")
            step = login.totp_step(
                self._totp_secret(user), creds.otp, now, user.get("totp_last_step")
            )
            if step is None:
                raise failed("OTP_WRONG")
            store.set_user(db, user["_id"], {"totp_last_step": step})
        store.set_user(
            db,
            user["_id"],
            {"failed_logins": 0, "next_attempt_at": None, "last_login_at": iso(now)},
        )

    @rpc
    def reauthenticate(self, actor: dict, request: dict) -> dict:
        """The person proves it is still them before signing: the password, or for those
        enrolled in TOTP a current code (the password alone is then refused). Failures count
        towards the login lockout."""
        actor = self.trust.actor(actor)
        again = parse(Reauthentication, request)
        if not (again.password or again.otp):
            raise InvalidInput("REAUTH_NEEDED")
        self._prove_again(actor.user_id, again.password, again.otp, password_needed=False)
        return {"user_id": actor.user_id, "reauthenticated_at": iso(utcnow())}

    def _prove_again(
        self, user_id: str, password: str | None, otp: str | None, password_needed: bool
    ) -> dict:
        """Check what a logged-in person gives to prove it is them: the password (when
        ``password_needed``, when they have no TOTP, or when given) and, when they are enrolled,
        a current TOTP code, each code once. Failures count towards the login lockout."""
        user = self._claim_login(user_id)
        db, now = self.storage.db, utcnow()

        def failed(code: str) -> Unauthenticated:
            wait_until = login.after_failure(user.get("failed_logins", 0) + 1, now)
            store.record_failure(db, user["_id"], iso(wait_until) if wait_until else None)
            return Unauthenticated(code)

        try:
            if user.get("next_attempt_at") and user["next_attempt_at"] > iso(now):
                raise Unauthenticated("LOGIN_TOO_SOON", {"retry_after": user["next_attempt_at"]})
            if user.get("disabled"):
                raise Unauthenticated("ACCOUNT_DISABLED")
            asks_password = password or password_needed or not user.get("totp_enabled")
            if asks_password and not tpool.execute(
                domain.password_matches, user["password_hash"], password or ""
            ):
                raise failed("WRONG_PASSWORD")
            if user.get("totp_enabled"):
                if not otp:
                    raise Unauthenticated("OTP_REQUIRED")
                step = login.totp_step(
                    self._totp_secret(user), otp, now, user.get("totp_last_step")
                )
                if step is None:
                    raise failed("OTP_WRONG")
                store.set_user(db, user["_id"], {"totp_last_step": step})
            store.set_user(db, user["_id"], {"failed_logins": 0, "next_attempt_at": None})
        finally:
            store.release_login(db, user["_id"])
        return user

    @rpc
    def signing_certificate(self, actor: dict) -> dict:
        """The actor's enrolled DSC, to sign with now: in date (revoked ones are not enrolled)."""
        actor = self.trust.actor(actor)
        user = store.user_by_id(self.storage.db, actor.user_id)
        record = (user or {}).get("dsc")
        if not record or not record.get("certificate_b64"):
            raise Conflict("DSC_NOT_ENROLLED")
        now = iso(utcnow())
        if record["not_after"] < now:
            raise Refused("DSC_EXPIRED", {"not_after": record["not_after"]})
        _, intermediates = self._trust()
        return SigningCertificate(
            user_id=actor.user_id,
            chain_b64=[
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                for c in intermediates
            ],
            **{k: record[k] for k in ("certificate_b64", "sha256", "subject_cn", "not_after")},
        ).model_dump()

    @rpc
    def refresh(self, request: dict) -> dict:
        """Rotate a refresh token. A token presented twice means it was stolen (or the client
        is confused): the whole family of tokens descended from that login is revoked. Twice
        within seconds is two tabs of one browser refreshing together: the second gets a
        fresh pair of the same login."""
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        db = self.storage.db
        used, stored = store.use_refresh_token(db, token_id)
        if stored is None:
            raise Unauthenticated("REFRESH_TOKEN_INVALID")
        if used is None:
            if stored["revoked"]:  # logged out, disabled, or its login already ended
                raise Unauthenticated("REFRESH_TOKEN_REVOKED")
            if not domain.reused_within_grace(stored.get("used_at"), utcnow()):
                store.revoke_family(db, stored["family"], iso(utcnow()))
                raise Unauthenticated("REFRESH_TOKEN_REUSED")
            used = stored
        if used["expires_at"] < iso(utcnow()):
            raise Unauthenticated("REFRESH_TOKEN_EXPIRED")
        user = store.user_by_id(db, used["user_id"])
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        return self._tokens_for(user, family=used["family"])

    @rpc
    def logout(self, request: dict) -> dict:
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        stored = store.refresh_token(self.storage.db, token_id)
        if stored:
            store.revoke_family(self.storage.db, stored["family"], iso(utcnow()))
        return {"ok": True}

    @rpc
    def public_keys(self) -> dict[str, str]:
        """Key id -> PEM public key for everyone who verifies access tokens: the active key
        and keys retired so recently that tokens they signed may still be alive."""
        return self._verifying_keys()

    def _verifying_keys(self) -> dict[str, str]:
        self._signing_key()  # a fresh office has a key before anyone asks to verify
        since = iso(utcnow() - timedelta(seconds=ACCESS_TOKEN_SECONDS + 60))
        return store.verifying_keys(self.storage.db, since)

    def _revocations(self) -> dict:
        db, now = self.storage.db, utcnow()
        since = iso(now - timedelta(seconds=ACCESS_TOKEN_SECONDS + 60))
        return Revocations(
            users=store.recently_disabled(db, since),
            tokens=store.revoked_access_tokens(db, iso(now)),
        ).model_dump()

    @rpc
    def rotate_signing_key(self, actor: dict) -> dict:
        actor = self.trust.actor(actor)
        db = self.storage.db
        for root in store.roots(db):  # the keys sign for the whole state
            authority.require_admin(actor, root["path"])
        store.retire_signing_keys(db, iso(utcnow()))
        kid = self._new_signing_key()["_id"]
        return {"active_key": kid}

    @rpc
    def revocations(self) -> dict:
        """What every verifier must refuse although its signature holds: people disabled so
        recently that they may still hold a live access token, and the access tokens (by
        ``jti``) of logins ended (logout, a stolen refresh token) before they expired."""
        return self._revocations()

    def _signing_key(self) -> dict:
        return store.active_signing_key(self.storage.db) or self._new_signing_key()

    def _private_pem(self, key: dict) -> str:
        return self.secrets.open(key["private_pem"], store.sealed_for("signing_key", key["_id"]))

    def _new_signing_key(self) -> dict:
        kid, private_pem, public_pem = domain.new_signing_key()
        sealed = self.secrets.seal(private_pem, store.sealed_for("signing_key", kid))
        return store.insert_signing_key(self.storage.db, kid, sealed, public_pem)

    def _claims(self, user: dict, held: list[dict], now: datetime) -> dict:
        office = store.office_by_id(self.storage.db, user["office_id"])
        return domain.access_token_claims(
            user, held, office["path"], now, self._delegated(user["_id"], now)
        )

    def _tokens_for(self, user: dict, family: str | None) -> dict:
        db = self.storage.db
        now = utcnow()
        held = store.posts_held_by(db, user["_id"])
        key = self._signing_key()
        claims = self._claims(user, held, now)
        access = domain.sign_access_token(claims, key["_id"], self._private_pem(key))
        refresh, refresh_id = domain.new_refresh_token()
        store.insert_refresh_token(
            db,
            refresh_id,
            family or refresh_id,
            user["_id"],
            iso(now + timedelta(days=domain.REFRESH_TOKEN_DAYS)),
            (claims["jti"], iso(now + timedelta(seconds=ACCESS_TOKEN_SECONDS))),
        )
        return Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=ACCESS_TOKEN_SECONDS,
            user=User(**_user_view(user, held)),
        ).model_dump()

    @rpc
    def signing_token(self, actor: dict, signing_id: str) -> dict:
        """A token for the officer's token signer, good for one signing only: its audience
        names the signing (so every other door refuses it), and it lives as long as the signing
        still waits, never longer than an access token (verifiers drop a retired key after
        that). The officer's session token is never shown or pasted anywhere."""
        who = self.trust.actor(actor)
        waiting = self.signing.prepared(who.credential, signing_id)  # only the one who prepared it
        now = utcnow()
        until = min(
            datetime.fromisoformat(waiting["expires_at"]),
            now + timedelta(seconds=ACCESS_TOKEN_SECONDS),
        )
        if waiting["status"] != "prepared":
            raise Conflict("SIGNING_ALREADY_COMPLETED")
        if until <= now:
            raise Conflict("SIGNING_EXPIRED", {"expired_at": waiting["expires_at"]})
        user = store.user_by_id(self.storage.db, who.user_id)
        if user is None or user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        held = store.posts_held_by(self.storage.db, user["_id"])
        claims = domain.signing_token_claims(self._claims(user, held, now), signing_id, until)
        key = self._signing_key()
        return SigningToken(
            signing_id=signing_id,
            token=domain.sign_access_token(claims, key["_id"], self._private_pem(key)),
            expires_at=iso(datetime.fromtimestamp(claims["exp"], now.tzinfo)),
        ).model_dump()

    def _delegated(self, user_id: str, now: datetime) -> list[dict]:
        """Delegations to this person that are live now or start before the token expires."""
        horizon = iso(now + timedelta(seconds=ACCESS_TOKEN_SECONDS))
        db = self.storage.db
        found = [
            d
            for d in store.delegations_to(db, user_id)
            if not d.get("ended_at") and d["ends"] > iso(now) and d["starts"] <= horizon
        ]
        holders = store.users_by_ids(db, [d["holder_user_id"] for d in found])
        return [
            {
                "post_id": d["post_id"],
                "starts": d["starts"],
                "until": d["ends"],
                "for_user_id": d["holder_user_id"],
                "for_name": holders[d["holder_user_id"]]["name_en"],
            }
            for d in found
            if d["holder_user_id"] in holders
        ]

    # --- second factor ------------------------------------------------------------------------

    @rpc
    def begin_totp(self, actor: dict, request: dict) -> dict:
        """Start TOTP enrolment (or move it to a new phone): a new secret, shown as a QR code;
        it counts once confirmed. Needs the password and, when already enrolled, a current
        code: a session alone must not be able to move the second factor to a thief's phone."""
        actor = self.trust.actor(actor)
        change = parse(TotpChange, request)
        user = self._prove_again(actor.user_id, change.password, change.otp, password_needed=True)
        secret = login.new_totp_secret()
        sealed = self.secrets.seal(secret, store.sealed_for("totp", user["_id"]))
        store.set_user(self.storage.db, user["_id"], {"totp_pending_secret": sealed})
        uri = login.totp_uri(secret, user["username"])
        svg = io.BytesIO()
        segno.make(uri, error="m").save(svg, kind="svg", scale=4, xmldecl=False)
        return TotpEnrolment(secret=secret, uri=uri, qr_svg=svg.getvalue().decode()).model_dump()

    @rpc
    def confirm_totp(self, actor: dict, request: dict) -> dict:
        actor = self.trust.actor(actor)
        code = parse(TotpCode, request).code
        db = self.storage.db
        user = store.user_by_id(db, actor.user_id)
        pending = user.get("totp_pending_secret")
        secret = self.secrets.open(pending, store.sealed_for("totp", user["_id"]))
        step = login.totp_step(secret, code, utcnow(), None) if secret else None
        if step is None:
            raise Conflict("OTP_WRONG")
        store.set_user(
            db,
            user["_id"],
            {
                "totp_secret": pending,
                "totp_enabled": True,
                "totp_pending_secret": None,
                "totp_last_step": step,
            },
        )
        return TotpStatus(totp_enabled=True).model_dump()

    @rpc
    def remove_totp(self, actor: dict, request: dict) -> dict:
        """Stop asking for TOTP codes: the password and a current code."""
        actor = self.trust.actor(actor)
        change = parse(TotpChange, request)
        user = self._prove_again(actor.user_id, change.password, change.otp, password_needed=True)
        store.set_user(
            self.storage.db,
            user["_id"],
            {
                "totp_enabled": False,
                "totp_secret": None,
                "totp_pending_secret": None,
                "totp_last_step": None,
            },
        )
        return TotpStatus(totp_enabled=False).model_dump()

    def _totp_secret(self, user: dict) -> str:
        return self.secrets.open(user["totp_secret"], store.sealed_for("totp", user["_id"]))

    # --- the office tree ----------------------------------------------------------------------

    @rpc
    def create_office(self, actor: dict, office: dict) -> dict:
        actor = self.trust.actor(actor)
        new = parse(NewOffice, office)
        db = self.storage.db
        parent = store.office_by_code(db, new.parent_code) if new.parent_code else None
        authority.require_admin(actor, parent["path"] if parent else ())
        lineage = store.ancestors(db, parent) if parent else []
        tree.check_level(new.level, parent, lineage, new.levels)
        office_id = store.new_id()
        return _office_view(
            store.insert_office(
                db,
                {
                    "_id": office_id,
                    "code": new.code,
                    "name_en": new.name_en,
                    "name_hi": new.name_hi,
                    "level": new.level,
                    "levels": new.levels,
                    "parent_id": parent["_id"] if parent else None,
                    "path": (parent["path"] if parent else []) + [office_id],
                    "live_since": new.live_since.isoformat() if new.live_since else None,
                    "vpn_pool": vpn.checked_pool(new.vpn_pool) if new.vpn_pool else None,
                    "created_at": iso(utcnow()),
                    "history": [],
                },
            )
        )

    @rpc
    def change_office(self, actor: dict, code: str, change: dict) -> dict:
        """Rename, move or mark live. The office keeps its id (and its receipts their numbers);
        what changed, when and by whom is appended to its history."""
        actor = self.trust.actor(actor)
        wanted = parse(OfficeChange, change).model_dump(mode="json", exclude_unset=True)
        db = self.storage.db
        office = store.office_by_code(db, code)
        authority.require_admin(actor, office["path"])
        new_parent_code = wanted.pop("parent_code", None)
        if wanted.get("vpn_pool"):
            vpn.checked_pool(wanted["vpn_pool"])
        diff = tree.changes(office, wanted)
        if new_parent_code:
            parent = store.office_by_code(db, new_parent_code)
            authority.require_admin(actor, parent["path"])
            tree.check_move(office, parent)
            tree.check_level(
                office["level"], parent, store.ancestors(db, parent), office.get("levels", [])
            )
            if parent["_id"] != office["parent_id"]:
                diff["parent_id"] = [office["parent_id"], parent["_id"]]
                self._move_subtree(office, parent["path"] + [office["_id"]])
        if not diff:
            return _office_view(office)
        entry = {"at": iso(utcnow()), "by": actor.audit(), "changes": diff}
        return _office_view(
            store.update_office(db, office["_id"], {k: v[1] for k, v in diff.items()}, entry)
        )

    def _move_subtree(self, office: dict, new_path: list[str]) -> None:
        db = self.storage.db
        old_path = office["path"]
        pending = [office]
        while pending:
            current = pending.pop()
            path = tree.moved_path(current["path"], old_path, new_path)
            store.set_office_path(db, current["_id"], path)
            moved = {**current, "path": path}
            district = store.district_of(db, moved)
            for post in store.posts_of_office(db, current["_id"]):
                store.set_post_path(db, post["_id"], path, district)
            pending.extend(store.children(db, current["_id"]))

    @rpc
    def office_by_code(self, actor: dict, code: str) -> dict:
        self.trust.actor(actor)
        return _office_view(store.office_by_code(self.storage.db, code))

    @rpc
    def offices_under(self, actor: dict, code: str | None = None) -> dict:
        """An office and everything below it (default: the actor's own office)."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        top = store.office_by_code(db, code) if code else store.office_by_id(db, actor.office_id)
        found = store.subtree(db, top)
        return Offices(
            items=[_office_view(o) for o in sorted(found, key=lambda o: len(o["path"]))]
        ).model_dump()

    # --- posts --------------------------------------------------------------------------------

    @rpc
    def create_post(self, actor: dict, post: dict) -> dict:
        actor = self.trust.actor(actor)
        new = parse(NewPost, post)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        authority.require_setup(actor, office["path"])
        reports_to = (
            store.post_by_abbreviation(db, new.reports_to)["_id"] if new.reports_to else None
        )
        return _post_view(
            store.insert_post(
                db,
                {
                    "_id": store.new_id(),
                    "abbreviation": new.abbreviation,
                    "name_en": new.name_en,
                    "name_hi": new.name_hi,
                    "office_id": office["_id"],
                    "office_code": office["code"],
                    "office_path": office["path"],
                    "district_id": store.district_of(db, office),
                    "reports_to": reports_to,
                    "email": govid.post_address(new.abbreviation, self._govid_domain()),
                    "holder_user_id": None,
                    "charge": None,
                },
            )
        )

    @rpc
    def assign_post(self, actor: dict, post_id: str, request: dict) -> dict:
        """Post a person to a post (its previous holder leaves it: a transfer) or give them
        its additional charge. Work pending with the post stays there for the new holder."""
        actor = self.trust.actor(actor)
        assign = parse(AssignPost, request)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        authority.require_setup(actor, post["office_path"])
        person = store.user_by_id(db, assign.user_id)
        authority.require_setup(actor, store.office_by_id(db, person["office_id"])["path"])
        self._assign(actor, post, person, assign.charge)
        return _post_view(store.post_by_id(db, post_id), person)

    def _assign(self, actor: Actor, post: dict, person: dict, charge: str) -> None:
        event = new_event(
            PostAssigned(
                post_id=post["_id"],
                post_name=Names.of(post),
                user_id=person["_id"],
                user_name=person["name_en"],
                previous_user_id=post.get("holder_user_id"),
                charge=charge,
            ),
            actor,
            post["office_path"],
        )
        store.assign_post(self.storage.db, post, person["_id"], charge, event)

    @rpc
    def delegate_post(self, actor: dict, post_id: str, request: dict) -> dict:
        """The holder (or the office's admin or nodal officer) delegates a post for a period;
        it ends by itself. Everything the delegate does from it is recorded "on behalf of"."""
        actor = self.trust.actor(actor)
        new = parse(NewDelegation, request)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        if post.get("holder_user_id") != actor.user_id:
            authority.require_setup(actor, post["office_path"])
        delegate = store.user_by_id(db, new.to_user_id)
        now = utcnow()
        starts, ends = _utc(new.starts or now), _utc(new.ends)
        posts.check_delegation(starts, ends, now, post.get("holder_user_id"), delegate["_id"])
        delegation = {
            "_id": store.new_id(),
            "post_id": post["_id"],
            "post_name": Names.of(post).model_dump(),
            "holder_user_id": post["holder_user_id"],
            "delegate_user_id": delegate["_id"],
            "starts": iso(starts),
            "ends": iso(ends),
            "reason": new.reason,
            "created_by": actor.audit(),
            "ended_at": None,
        }
        event = new_event(
            PostDelegated(
                delegation_id=delegation["_id"],
                post_id=post["_id"],
                post_name=Names.of(post),
                holder_user_id=post["holder_user_id"],
                delegate_user_id=delegate["_id"],
                starts=delegation["starts"],
                ends=delegation["ends"],
            ),
            actor,
            post["office_path"],
        )
        store.insert_delegation(db, delegation, event)
        return _delegation_view(delegation, iso(now))

    @rpc
    def end_delegation(self, actor: dict, delegation_id: str) -> dict:
        actor = self.trust.actor(actor)
        db = self.storage.db
        found = store.delegation(db, delegation_id)
        if found is None:
            raise Conflict("DELEGATION_NOT_FOUND")
        if actor.user_id not in (found["holder_user_id"], found["delegate_user_id"]):
            authority.require_setup(actor, store.post_by_id(db, found["post_id"])["office_path"])
        now = iso(utcnow())
        return _delegation_view(store.end_delegation(db, delegation_id, now) or found, now)

    @rpc
    def delegations(self, actor: dict, post_id: str) -> list[dict]:
        actor = self.trust.actor(actor)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        if not actor.holds(post_id):
            authority.require_setup(actor, post["office_path"])
        now = iso(utcnow())
        return [_delegation_view(d, now) for d in store.delegations_of_post(db, post_id)]

    @rpc
    def post(self, actor: dict, post_id: str) -> dict:
        """A fresh read of one post and who holds it now (files asks before marking)."""
        self.trust.actor(actor)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        holder = store.users_by_ids(db, [post["holder_user_id"]]).get(post["holder_user_id"])
        return _post_view(post, holder)

    @rpc
    def may_act(self, actor: dict, post_id: str) -> bool:
        """Whether the actor may act from this post now: they hold it, or it is delegated to
        them for this moment. Files asks before every move, so a transfer or an ended
        delegation takes effect at once, whatever the actor's token still says."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        post = store.post_or_none(db, post_id)
        if post is None:
            return False
        if post.get("holder_user_id") == actor.user_id:
            return True
        now = iso(utcnow())
        return any(
            d["post_id"] == post_id and posts.is_live(d, now)
            for d in store.delegations_to(db, actor.user_id)
        )

    @rpc
    def chain(self, actor: dict, post_id: str) -> list[str]:
        """The posts above this one in the chain of command, nearest first (files asks, to know
        who supervises a file and which levels a send up the chain skips)."""
        self.trust.actor(actor)
        db = self.storage.db
        above, current = [], store.post_by_id(db, post_id)
        while current.get("reports_to") and current["reports_to"] not in above and len(above) < 20:
            above.append(current["reports_to"])
            current = store.post_by_id(db, current["reports_to"])
        return above

    @rpc
    def markable_posts(self, actor: dict, query: str = "") -> dict:
        """Posts the actor can mark work to: every post of the actor's district (those whose
        abbreviation, name or holder has every word of ``query``, Hindi folded as in search)."""
        actor = self.trust.actor(actor)
        if not isinstance(query, str) or len(query) > 200:
            raise InvalidInput("BAD_QUERY")
        db = self.storage.db
        office = store.office_or_none(db, actor.office_id)
        if office is None:
            return Posts(items=[]).model_dump()
        found = store.posts_in_district(db, store.district_of(db, office))
        holders = store.users_by_ids(
            db, [p["holder_user_id"] for p in found if p["holder_user_id"]]
        )
        views = [_post_view(p, holders.get(p["holder_user_id"])) for p in found]
        words = normalise(query).split()
        if words:
            views = [v for v in views if posts.matches(v, holders.get(v["holder_user_id"]), words)]
        return Posts(items=sorted(views, key=lambda p: p["abbreviation"])).model_dump()

    # --- people -------------------------------------------------------------------------------

    @rpc
    def me(self, actor: dict) -> dict:
        actor = self.trust.actor(actor)
        user = store.user_by_id(self.storage.db, actor.user_id)
        return _user_view(user, store.posts_held_by(self.storage.db, user["_id"]))

    @rpc
    def create_user(self, actor: dict, user: dict) -> dict:
        actor = self.trust.actor(actor)
        new = parse(NewUser, user)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        authority.require_setup(actor, office["path"])
        scopes = {role: store.office_by_code(db, code) for role, code in new.role_scopes.items()}
        grants = authority.grants_for(
            list(new.roles), office, store.district_of(db, office), scopes
        )
        for grant in grants:  # nobody grants power over what they do not hold themselves
            authority.require_grantable(
                actor, grant["role"], store.office_by_id(db, grant["scope"])["path"]
            )
        held = [store.post_by_abbreviation(db, abbr) for abbr in new.posts]
        for post in held:
            authority.require_setup(actor, post["office_path"])
        created = {
            "_id": store.new_id(),
            "username": new.username,
            "name_en": new.name_en,
            "name_hi": new.name_hi,
            "password_hash": tpool.execute(domain.hash_password, new.password),
            "grants": grants,
            "office_id": office["_id"],
            "disabled": False,
            "disabled_at": None,
            "failed_logins": 0,
            "created_at": iso(utcnow()),
        }
        event = new_event(
            PersonOnboarded(
                user_id=created["_id"],
                username=new.username,
                name=Names(en=new.name_en, hi=new.name_hi),
                office_id=office["_id"],
            ),
            actor,
            office["path"],
        )
        store.insert_user(db, created, event)
        for post in held:
            self._assign(actor, post, created, "regular")
        return _user_view(created, store.posts_held_by(db, created["_id"]))

    @rpc
    def staff(self, actor: dict, office_code: str | None = None) -> dict:
        """The people of an office and the offices under it, for its admin or nodal officer."""
        actor = self.trust.actor(actor)
        offices = self.offices_under(actor.credential, office_code)["items"]
        authority.require_setup(actor, offices[0]["path"])
        db = self.storage.db
        people = sorted(
            store.users_of_offices(db, [o["id"] for o in offices]), key=lambda u: u["name_en"]
        )
        addresses = store.live_vpn_addresses(db, [u["_id"] for u in people])
        return Users(
            items=[
                _user_view(u, store.posts_held_by(db, u["_id"]), addresses.get(u["_id"]))
                for u in people
            ]
        ).model_dump()

    @rpc
    def disable_user(self, actor: dict, user_id: str) -> dict:
        """Disable a person: their logins end at once (refresh tokens revoked now; the gateway
        refuses their live access tokens)."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        user = store.user_by_id(db, user_id)
        office_path = store.office_by_id(db, user["office_id"])["path"]
        authority.require_setup(actor, office_path)
        if user_id == actor.user_id:
            raise Conflict("CANNOT_DISABLE_YOURSELF")
        now = iso(utcnow())
        event = new_event(PersonDisabled(user_id=user_id), actor, office_path)
        store.set_user(db, user_id, {"disabled": True, "disabled_at": now}, event)
        store.revoke_all_of(db, user_id)
        return _user_view(store.user_by_id(db, user_id), store.posts_held_by(db, user_id))

    @rpc
    def enable_user(self, actor: dict, user_id: str) -> dict:
        """Enable a disabled person, or unlock one locked out by failed logins."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        user = store.user_by_id(db, user_id)
        authority.require_setup(actor, store.office_by_id(db, user["office_id"])["path"])
        store.set_user(
            db,
            user_id,
            {"disabled": False, "disabled_at": None, "failed_logins": 0, "next_attempt_at": None},
        )
        return _user_view(store.user_by_id(db, user_id), store.posts_held_by(db, user_id))

    def _person(self, actor: Actor, user_id: str, self_may: bool = False) -> tuple[dict, dict]:
        """A person and their office, for whoever sets up that office (or the person themself,
        where ``self_may``)."""
        db = self.storage.db
        person = store.user_by_id(db, user_id)
        office = store.office_by_id(db, person["office_id"])
        if not (self_may and actor.user_id == user_id):
            authority.require_setup(actor, office["path"])
        return person, office

    # --- VPN accounts (WireGuard) -------------------------------------------------------------

    def _vpn_setting(self, key: str, default: str | None = None) -> str | None:
        return setting(self.config, key, default)

    @rpc
    def issue_vpn(self, actor: dict, user_id: str) -> dict:
        """A VPN account for a person: a key pair and an address from their district's pool
        that nobody else has ever had."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(actor, user_id)
        district = store.office_by_id(db, store.district_of(db, office))
        if not district.get("vpn_pool"):
            raise Conflict("VPN_NO_POOL", {"district": district["code"]})
        if store.live_vpn_account(db, user_id):
            raise Conflict("VPN_ALREADY_ISSUED")
        private_key, public_key = vpn.new_key_pair()
        for _ in range(20):  # another request may take the address first: take the next one
            address = vpn.next_free_address(
                district["vpn_pool"], store.vpn_addresses_issued(db, district["_id"])
            )
            account_id = store.new_id()
            account = {
                "_id": account_id,
                "user_id": user_id,
                "live_user": user_id,
                "district_id": district["_id"],
                "slot": f"{district['_id']}:{address}",
                "address": address,
                "public_key": public_key,
                "private_key": self.secrets.seal(private_key, store.sealed_for("vpn", account_id)),
                "issued_at": iso(utcnow()),
                "revoked_at": None,
            }
            event = new_event(
                VpnIssued(user_id=user_id, district_id=district["_id"], address=address),
                actor,
                office["path"],
            )
            if store.insert_vpn_account(db, account, event):
                return VpnAccount(**account).model_dump()
        raise Conflict("VPN_BUSY")

    @rpc
    def vpn_config(self, actor: dict, user_id: str) -> dict:
        """The person's wg-quick client config: for them, or for whoever sets up their office."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(actor, user_id, self_may=True)
        account = store.live_vpn_account(db, user_id)
        if account is None:
            raise NotFound("VPN_NOT_ISSUED")
        district = store.office_by_id(db, account["district_id"])
        text = vpn.client_config(
            self.secrets.open(account["private_key"], store.sealed_for("vpn", account["_id"])),
            account["address"],
            district["vpn_pool"],
            self._vpn_server_key(),
            self._vpn_setting("EOFFICE_VPN_ENDPOINT", "vpn.eoffice.invalid:51820"),
            self._vpn_setting("EOFFICE_VPN_ALLOWED_IPS", "10.60.0.0/14").split(","),
            [d for d in (self._vpn_setting("EOFFICE_VPN_DNS") or "").split(",") if d],
        )
        return VpnConfig(filename=f"eoffice-{person['username']}.conf", config=text).model_dump()

    @rpc
    def revoke_vpn(self, actor: dict, user_id: str) -> dict:
        actor = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(actor, user_id)
        account = store.live_vpn_account(db, user_id)
        if account is None:
            raise NotFound("VPN_NOT_ISSUED")
        now = iso(utcnow())
        event = new_event(
            VpnRevoked(
                user_id=user_id, district_id=account["district_id"], address=account["address"]
            ),
            actor,
            office["path"],
        )
        store.revoke_vpn_account(db, account, now, event)
        return VpnAccount(**{**account, "revoked_at": now}).model_dump()

    @rpc
    def vpn_peers(self, actor: dict, district_code: str) -> str:
        """The VPN server's [Peer] list for a district's live accounts."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        district = store.office_by_code(db, district_code)
        authority.require_setup(actor, district["path"])
        accounts = store.live_vpn_accounts(db, district["_id"])
        people = store.users_by_ids(db, [a["user_id"] for a in accounts])
        return vpn.server_peers(
            (
                a["public_key"],
                a["address"],
                f"{people[a['user_id']]['username']} {people[a['user_id']]['name_en']}",
            )
            for a in accounts
            if a["user_id"] in people
        )

    def _vpn_server_key(self) -> str:
        """The VPN server's public key: configured, or (on one machine, for a demo) a stand-in
        made once and kept. The stand-in's private key is never stored, so a real VPN needs
        EOFFICE_VPN_SERVER_PUBLIC_KEY set to the key of the server itself."""
        configured = self._vpn_setting("EOFFICE_VPN_SERVER_PUBLIC_KEY")
        if configured:
            return configured
        return store.kept_vpn_server_key(self.storage.db, vpn.new_key_pair()[1])

    # --- DSC enrolment ------------------------------------------------------------------------

    def _trust(self) -> tuple[list, list]:
        """The configured trust roots and intermediate CAs (PEM bundles)."""

        def bundle(key: str) -> list:
            path = setting(self.config, key)
            return x509.load_pem_x509_certificates(Path(path).read_bytes()) if path else []

        return bundle("EOFFICE_DSC_TRUST_ROOTS"), bundle("EOFFICE_DSC_INTERMEDIATES")

    @rpc
    def enrol_dsc(self, actor: dict, user_id: str, upload: dict) -> dict:
        """An officer's DSC certificate: chained to a trust root, in date, fit for signing,
        issued in their name. It replaces any earlier one, which is kept in the history."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(actor, user_id, self_may=True)
        raw = parse(Certificate, upload).certificate_b64
        try:
            content = base64.b64decode(raw, validate=True)
        except ValueError:  # not base64, or not even ASCII
            raise InvalidInput("NOT_A_CERTIFICATE") from None
        roots, intermediates = self._trust()
        if not roots:
            raise Conflict("DSC_NO_TRUST_ROOTS")
        now = utcnow()
        info = dsc.check_enrolment(
            dsc.load_certificate(content), roots, intermediates, [person["name_en"]], now
        )
        record = {
            **info,
            "certificate_b64": base64.b64encode(
                dsc.load_certificate(content).public_bytes(serialization.Encoding.DER)
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
            actor,
            office["path"],
        )
        store.replace_dsc(db, user_id, record, event)
        return Dsc(**record).model_dump()

    @rpc
    def revoke_dsc(self, actor: dict, user_id: str) -> dict:
        actor = self.trust.actor(actor)
        db = self.storage.db
        person, office = self._person(actor, user_id, self_may=True)
        if not person.get("dsc"):
            raise NotFound("DSC_NOT_ENROLLED")
        event = new_event(
            DscRevoked(user_id=user_id, sha256=person["dsc"]["sha256"]), actor, office["path"]
        )
        store.replace_dsc(db, user_id, None, event)
        return {"revoked": person["dsc"]["sha256"]}

    @timer(interval=DSC_CHECK_SECONDS)
    def warn_expiring_dscs(self):
        self._raise_dsc_warnings(utcnow())

    @rpc
    def check_dsc_expiry(self, actor: dict, now: str | None = None) -> int:
        """The hourly check, run now (by the state admin: "as if it were ``now``")."""
        actor = self.trust.actor(actor)
        for root in store.roots(self.storage.db):
            authority.require_admin(actor, root["path"])
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

    # --- onboarding from the master data sheet ------------------------------------------------

    def _sheet_rules(self, actor: Actor) -> tuple[sheets.SheetRules, dict[str, dict]]:
        """What a sheet may contain for this actor: the offices (and their posts) under the
        part of the tree they set up. Returns the rules and those offices by code."""
        db = self.storage.db
        scopes = [g.scope for g in actor.grants if g.role in ("nodal_officer", "admin")]
        if not scopes:
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        offices: dict[str, dict] = {}
        for scope in scopes:
            roots = [store.office_by_id(db, scope)] if scope else store.roots(db)
            for root in roots:
                offices.update({o["code"]: o for o in store.subtree(db, root)})
        designations = setting(self.config, "EOFFICE_DESIGNATIONS")
        rules = sheets.SheetRules(
            email_domains=frozenset(
                setting(self.config, "EOFFICE_GOV_EMAIL_DOMAINS", GOV_DOMAINS).split(",")
            ),
            designations=tuple(designations.split(",")) if designations else sheets.DESIGNATIONS,
            roles=frozenset(authority.ROLES) - {"admin"},
            offices=frozenset(offices),
            posts=frozenset(
                p["abbreviation"]
                for o in offices.values()
                for p in store.posts_of_office(db, o["_id"])
            ),
        )
        return rules, offices

    def _plan(
        self, rows: list[dict], rules: sheets.SheetRules, offices: dict[str, dict]
    ) -> list[sheets.RowPlan]:
        # Checking and planning 20,000 rows takes seconds: in a real thread, off the hub.
        checks = cpu_bound(lambda: [sheets.validate_row(row, rules) for row in rows])
        existing = store.onboarded(
            self.storage.db,
            [c.employee_code for c in checks if c.employee_code],
            [c.values["email"] for c in checks if c.values.get("email")],
            [c.values["post"] for c in checks if c.values.get("post")],
        )
        mine = {o["_id"] for o in offices.values()}
        return cpu_bound(
            sheets.plan,
            checks,
            {code: user["sheet_values"] for code, user in existing.items()},
            outside_scope=[c for c, user in existing.items() if user["office_id"] not in mine],
        )

    @rpc
    def onboarding_template(self) -> str:
        """The master data sheet template (XLSX, base64), headers in Hindi and English."""
        designations = setting(self.config, "EOFFICE_DESIGNATIONS")
        names = designations.split(",") if designations else list(sheets.DESIGNATIONS)
        return base64.b64encode(sheets.template_xlsx(names)).decode()

    @rpc
    def onboarding_dry_run(self, actor: dict, upload: dict) -> dict:
        """Read a master data sheet and say, row by row, what applying it would create,
        update, leave unchanged or reject, and why. Nothing about people changes."""
        actor = self.trust.actor(actor)
        sheet_upload = parse(SheetUpload, upload)
        try:
            content = base64.b64decode(sheet_upload.content_b64, validate=True)
        except ValueError:  # not base64, or not even ASCII
            raise InvalidInput("SHEET_NOT_SPREADSHEET") from None
        rules, offices = self._sheet_rules(actor)
        rows = _read_sheet(content, sheet_upload.filename)
        plans = self._plan(rows, rules, offices)
        report = {
            "_id": store.new_id(),
            "filename": sheet_upload.filename,
            "status": "dry_run",
            "uploaded_by": actor.user_id,
            "uploaded_at": iso(utcnow()),
            "applied_at": None,
            "summary": sheets.summarise(plans),
            "rows": [p.as_dict() for p in plans],
            "raw_rows": rows,
        }
        store.insert_sheet(self.storage.db, report)
        return _sheet_view(report)

    @rpc
    def onboarding_sheet(self, actor: dict, sheet_id: str) -> dict:
        actor = self.trust.actor(actor)
        found = store.sheet(self.storage.db, sheet_id)
        if found is None or found["uploaded_by"] != actor.user_id:
            raise NotFound("SHEET_NOT_FOUND")
        return _sheet_view(found)

    @rpc
    def onboarding_apply(self, actor: dict, sheet_id: str) -> dict:
        """Apply a dry-run sheet: planned again against what is stored now (someone may have
        changed things since), then each good row is created or updated; bad rows change
        nothing. Each row is applied on its own, keyed by employee code, so a run cut off
        half-way and run again ends where one clean run would have."""
        actor = self.trust.actor(actor)
        db = self.storage.db
        found = store.sheet(db, sheet_id)
        if found is None or found["uploaded_by"] != actor.user_id:
            raise NotFound("SHEET_NOT_FOUND")
        rules, offices = self._sheet_rules(actor)
        plans = self._plan(found["raw_rows"], rules, offices)
        taken = store.logins(db)
        activations = []
        for planned in plans:
            if planned.action == "create":
                activation = self._onboard(actor, planned, offices, taken)
                if activation:
                    activations.append(activation)
            elif planned.action == "update":
                self._update_onboarded(actor, planned, offices)
        now = iso(utcnow())
        rows = [p.as_dict() for p in plans]
        store.update_sheet(
            db,
            sheet_id,
            {
                "status": "applied",
                "applied_at": now,
                "rows": rows,
                "summary": sheets.summarise(plans),
            },
        )
        return _sheet_view(
            {
                **found,
                "status": "applied",
                "applied_at": now,
                "rows": rows,
                "summary": sheets.summarise(plans),
                "activations": activations,
            }
        )

    def _onboard(
        self, actor: Actor, planned: sheets.RowPlan, offices: dict, taken: set[str]
    ) -> dict | None:
        db = self.storage.db
        values = dict(planned.values)
        office = offices[values["office_code"]]
        login_id = values.get("email") or govid.gov_id(
            values["name_en"],
            office["code"],
            setting(self.config, "EOFFICE_GOVID_PATTERN", GOVID_PATTERN),
            taken,
            domain=self._govid_domain(),
        )
        taken.add(login_id)
        code, code_hash = domain.new_activation_code()
        expires = iso(utcnow() + timedelta(days=domain.ACTIVATION_DAYS))
        user = {
            "_id": "emp-" + hashlib.sha256(planned.employee_code.encode()).hexdigest()[:24],
            "username": login_id,
            "name_en": values["name_en"],
            "name_hi": values["name_hi"],
            "password_hash": None,
            "activation": {"code_hash": code_hash, "expires_at": expires},
            "grants": authority.grants_for(
                values.get("roles") or [], office, store.district_of(db, office), {}
            ),
            "office_id": office["_id"],
            "employee_code": planned.employee_code,
            "sheet_values": {**values, "email": login_id},
            "disabled": False,
            "disabled_at": None,
            "failed_logins": 0,
            "created_at": iso(utcnow()),
        }
        event = new_event(
            PersonOnboarded(
                user_id=user["_id"],
                username=login_id,
                name=Names.of(user),
                office_id=office["_id"],
                employee_code=planned.employee_code,
            ),
            actor,
            office["path"],
        )
        # The post first, then the person: a run cut off between the two does both again.
        if values.get("post"):
            self._assign(actor, store.post_by_abbreviation(db, values["post"]), user, "regular")
        if not store.insert_onboarded(db, user, event):
            return None  # made by an earlier, interrupted run: the next plan treats it as stored
        return Activation(
            employee_code=planned.employee_code, login=login_id, code=code, expires_at=expires
        ).model_dump()

    def _govid_domain(self) -> str:
        return setting(self.config, "EOFFICE_GOVID_DOMAIN", "up.gov.in")

    def _update_onboarded(self, actor: Actor, planned: sheets.RowPlan, offices: dict) -> None:
        db = self.storage.db
        values = planned.values
        (person,) = store.onboarded(db, [planned.employee_code], [], []).values()
        office = offices[values["office_code"]]
        if "post" in planned.changes and values.get("post"):  # before the record that plans read
            self._assign(actor, store.post_by_abbreviation(db, values["post"]), person, "regular")
        store.set_user(
            db,
            person["_id"],
            {
                "name_en": values["name_en"],
                "name_hi": values["name_hi"],
                "office_id": office["_id"],
                "grants": authority.grants_for(
                    values.get("roles") or [], office, store.district_of(db, office), {}
                ),
                "sheet_values": {**person["sheet_values"], **values},
            },
        )

    @rpc
    def activate(self, request: dict) -> dict:
        """A newly onboarded person sets their password with the one-time code from their slip."""
        new = parse(Activate, request)
        db = self.storage.db
        user = store.user_by_username(db, new.login.strip().lower())
        pending = (user or {}).get("activation")
        if (
            not pending
            or pending["expires_at"] < iso(utcnow())
            or not hmac.compare_digest(pending["code_hash"], domain.activation_code_hash(new.code))
        ):
            raise Unauthenticated("ACTIVATION_INVALID")
        store.set_user(
            db,
            user["_id"],
            {
                "password_hash": tpool.execute(domain.hash_password, new.password),
                "activation": None,
            },
        )
        return {"login": user["username"], "activated": True}
