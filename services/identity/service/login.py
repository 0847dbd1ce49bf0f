"""Logging in: the password and the second factor (TOTP), one check at a time per person,
failures slowing the next attempt; and proving it is still them before signing."""

import io
from datetime import datetime, timedelta

import eventlet
import segno
from eventlet import tpool

from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput, Unauthenticated
from common.metrics import LOGIN_FAILURES
from common.rpc import rpc
from common.validation import parse
from services.identity import store
from services.identity.domain import login
from services.identity.domain import tokens as domain
from services.identity.schemas import (
    Credentials,
    Reauthentication,
    TotpChange,
    TotpCode,
    TotpEnrolment,
    TotpStatus,
)
from services.identity.service import tokens

LOGIN_CLAIM_SECONDS = 10  # longest a password check may take before another may start


class LoginDesk(tokens.TokenDesk):
    """A login ends in tokens: this desk stands on the token desk."""

    @rpc
    def login(self, credentials: dict) -> dict:
        """Password, then (for those enrolled) the TOTP code. Repeated failures make each
        next attempt wait longer, and ten lock the account for half an hour."""
        creds = parse(Credentials, credentials)
        db = self.storage.db
        user = store.user_by_username(db, creds.username.lower())
        if user is None:  # the same work (and answer) as a wrong password
            tpool.execute(domain.password_matches, None, creds.password)
            LOGIN_FAILURES.labels("UNKNOWN_USERNAME").inc()
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
        # argon2id holds a core for ~100 ms: in a real thread, so the service keeps answering.
        if not tpool.execute(domain.password_matches, user["password_hash"], creds.password):
            raise self._failed(user, "BAD_CREDENTIALS", now)
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        if user.get("totp_enabled"):
            self._check_otp(user, creds.otp, now)
        store.set_user(
            self.storage.db,
            user["_id"],
            {"failed_logins": 0, "next_attempt_at": None, "last_login_at": iso(now)},
        )

    def _failed(self, user: dict, code: str, now: datetime) -> Unauthenticated:
        """Count a failed password or code towards the lockout; the error to raise."""
        wait_until = login.after_failure(user.get("failed_logins", 0) + 1, now)
        store.record_failure(self.storage.db, user["_id"], iso(wait_until) if wait_until else None)
        LOGIN_FAILURES.labels(code).inc()
        return Unauthenticated(code)

    def _check_otp(self, user: dict, otp: str | None, now: datetime) -> None:
        """A current TOTP code from one enrolled, each code once (a wrong one counts as a
        failure)."""
        if not otp:
            raise Unauthenticated("OTP_REQUIRED")
        secret = self.secrets.open(user["totp_secret"], store.sealed_for("totp", user["_id"]))
        step = login.totp_step(secret, otp, now, user.get("totp_last_step")) if secret else None
        if step is None:
            raise self._failed(user, "OTP_WRONG", now)
        store.set_user(self.storage.db, user["_id"], {"totp_last_step": step})

    @rpc
    def reauthenticate(self, actor: dict, request: dict) -> dict:
        """The person proves it is still them before signing: the password, or for those
        enrolled in TOTP a current code (the password alone is then refused). Failures count
        towards the login lockout."""
        who = self.trust.actor(actor)
        again = parse(Reauthentication, request)
        if not (again.password or again.otp):
            raise InvalidInput("REAUTH_NEEDED")
        self._prove_again(who.user_id, again.password, again.otp, password_needed=False)
        return {"user_id": who.user_id, "reauthenticated_at": iso(utcnow())}

    def _prove_again(
        self, user_id: str, password: str | None, otp: str | None, password_needed: bool
    ) -> dict:
        """Check what a logged-in person gives to prove it is them: the password (when
        ``password_needed``, when they have no TOTP, or when given) and, when they are enrolled,
        a current TOTP code, each code once. Failures count towards the login lockout."""
        user = self._claim_login(user_id)
        db, now = self.storage.db, utcnow()
        try:
            if user.get("next_attempt_at") and user["next_attempt_at"] > iso(now):
                raise Unauthenticated("LOGIN_TOO_SOON", {"retry_after": user["next_attempt_at"]})
            if user.get("disabled"):
                raise Unauthenticated("ACCOUNT_DISABLED")
            asks_password = password or password_needed or not user.get("totp_enabled")
            if asks_password and not tpool.execute(
                domain.password_matches, user["password_hash"], password or ""
            ):
                raise self._failed(user, "WRONG_PASSWORD", now)
            if user.get("totp_enabled"):
                self._check_otp(user, otp, now)
            store.set_user(db, user["_id"], {"failed_logins": 0, "next_attempt_at": None})
        finally:
            store.release_login(db, user["_id"])
        return user

    @rpc
    def begin_totp(self, actor: dict, request: dict) -> dict:
        """Start TOTP enrolment (or move it to a new phone): a new secret, shown as a QR code;
        it counts once confirmed. Needs the password and, when already enrolled, a current
        code: a session alone must not be able to move the second factor to a thief's phone."""
        who = self.trust.actor(actor)
        change = parse(TotpChange, request)
        user = self._prove_again(who.user_id, change.password, change.otp, password_needed=True)
        secret = login.new_totp_secret()
        sealed = self.secrets.seal(secret, store.sealed_for("totp", user["_id"]))
        store.set_user(self.storage.db, user["_id"], {"totp_pending_secret": sealed})
        uri = login.totp_uri(secret, user["username"])
        svg = io.BytesIO()
        segno.make(uri, error="m").save(svg, kind="svg", scale=4, xmldecl=False)
        return TotpEnrolment(secret=secret, uri=uri, qr_svg=svg.getvalue().decode()).model_dump()

    @rpc
    def confirm_totp(self, actor: dict, request: dict) -> dict:
        who = self.trust.actor(actor)
        code = parse(TotpCode, request).code
        db = self.storage.db
        user = store.user_by_id(db, who.user_id)
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
        who = self.trust.actor(actor)
        change = parse(TotpChange, request)
        user = self._prove_again(who.user_id, change.password, change.otp, password_needed=True)
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
