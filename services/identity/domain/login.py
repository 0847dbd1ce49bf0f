"""Login you can trust: growing delays and lockout after failures, and the TOTP second factor."""

from datetime import datetime, timedelta

import pyotp

FREE_FAILURES = 3  # typos happen; from the 4th failure on each attempt waits longer
LOCK_AFTER = 10
LOCK_MINUTES = 30


def after_failure(failures: int, now: datetime) -> datetime | None:
    """When the next attempt is allowed after ``failures`` consecutive failures (None: now).
    The wait doubles with each failure (2, 4, 8 … s) and becomes a 30-minute lock at 10."""
    if failures >= LOCK_AFTER:
        return now + timedelta(minutes=LOCK_MINUTES)
    if failures > FREE_FAILURES:
        return now + timedelta(seconds=2 ** (failures - FREE_FAILURES))
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="e-Office")


def totp_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step a correct code belongs to (one step of clock drift either way), or None.
    A code whose step was already used is refused: a code read over a shoulder works once."""
    if not (isinstance(code, str) and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=drift * totp.interval)
        if totp.verify(code, for_time=moment, valid_window=0):
            step = int(moment.timestamp()) // totp.interval
            return None if last_step is not None and step <= last_step else step
    return None
