"""How a notice leaves the office: a person's preferences (which kinds by which channel, quiet
hours, a daily digest), their addresses checked, and each delivery's life: planned once per
notice and channel, claimed before it is tried, retried with exponential backoff, and put on
the dead-letter list when retrying cannot help. No I/O."""

import re
from datetime import datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator

from common.clock import IST, iso
from services.notify.domain.notices import KINDS

CHANNELS = ("email", "sms")
# What goes out by email unless a person chooses otherwise: what concerns them alone, and what
# a desk must not miss. In-app notices are always kept.
EMAILED_BY_DEFAULT = frozenset(
    {
        "explanation_required",
        "escalated_to_you",
        "dispatch_failed",
        "delegation_started",
        "delegation_ending",
        "dsc_expiring",
        "dsc_expired",
        "vpn_issued",
        "vpn_revoked",
        "account_disabled",
        "leave_returned",
        "leave_rejected",
        "leave_sanctioned",
    }
)
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 60
LONGEST_WAIT_SECONDS = 6 * 3600
# A delivery claimed longer ago than this was being sent by a process that died: it may or may
# not have gone, so it is not retried by itself (that could send it twice) but set aside.
LEASE_SECONDS = 5 * 60

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MOBILE = re.compile(r"^(\+91|91|0)?[6-9][0-9]{9}$")
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class QuietHours(BaseModel):
    start: str = Field(pattern=HHMM, description="IST, e.g. 21:00")
    end: str = Field(pattern=HHMM, description="IST, e.g. 07:00")


class Preferences(BaseModel):
    """A person's choices. ``channels`` maps a kind of notice to the channels it goes out by
    besides the in-app notice; a kind not named keeps its default."""

    email: str | None = Field(None, max_length=254)
    mobile: str | None = Field(None, max_length=16)
    language: str = Field("hi", pattern="^(hi|en)$")
    channels: dict[str, list[str]] = Field(
        {},
        description="kind of notice -> the channels it goes out by besides the in-app notice "
        "(a kind left out keeps its default); an unknown kind or channel is 400 INVALID_FIELDS",
        json_schema_extra={
            "propertyNames": {"enum": list(KINDS)},
            "additionalProperties": {"type": "array", "items": {"enum": list(CHANNELS)}},
        },
    )
    quiet_hours: QuietHours | None = None
    digest: bool = Field(False, description="one email a day of what waits at my posts")

    @field_validator("channels")
    @classmethod
    def _known(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for kind, chosen in value.items():
            if kind not in KINDS or not set(chosen) <= set(CHANNELS):
                raise ValueError(f"unknown kind or channel: {kind}: {chosen}")
        return {kind: sorted(set(chosen)) for kind, chosen in value.items()}


def channels_for(prefs: Preferences, kind: str, post_work: bool) -> list[str]:
    """The channels a notice of ``kind`` goes out by for this person. Work at a desk is left to
    the digest for one who chose it (a digest instead of single mails), unless it escalates."""
    chosen = prefs.channels.get(kind, ["email"] if kind in EMAILED_BY_DEFAULT else [])
    if prefs.digest and post_work and kind not in EMAILED_BY_DEFAULT:
        chosen = [c for c in chosen if c != "email"]
    return chosen


def wanted(prefs: Preferences) -> list[str]:
    """The kinds this person chose any channel for, beyond the defaults (kept indexed, so a
    notice nobody wants by mail costs no lookup of who holds its post)."""
    return sorted(k for k, chosen in prefs.channels.items() if chosen)


def address_problem(channel: str, address: str | None) -> str | None:
    """Why a delivery cannot be tried at all (recorded on it at once, never retried)."""
    if not address:
        return "NO_ADDRESS"
    if channel == "email" and not EMAIL.match(address):
        return "INVALID_EMAIL"
    if channel == "sms" and not MOBILE.match(address.replace(" ", "")):
        return "INVALID_MOBILE"
    return None


def after_quiet_hours(quiet: QuietHours | None, now: datetime) -> datetime:
    """``now``, or the end of the person's quiet hours if ``now`` falls inside them (IST)."""
    if quiet is None:
        return now
    local = now.astimezone(IST)
    start, end = time.fromisoformat(quiet.start), time.fromisoformat(quiet.end)
    clock = local.time()
    inside = start <= clock < end if start <= end else (clock >= start or clock < end)
    if not inside:
        return now
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


def planned(
    notice: dict[str, Any], user_id: str, channel: str, prefs: Preferences, now: datetime
) -> dict[str, Any]:
    """A delivery of ``notice`` to a person by ``channel``: its id is the notice's and the
    channel's, so a notice redelivered plans nothing new."""
    address = prefs.email if channel == "email" else prefs.mobile
    problem = address_problem(channel, address)
    return {
        "_id": f"{notice['_id']}:{channel}",
        "notice_id": notice["_id"],
        "channel": channel,
        "user_id": user_id,
        "to": address,
        "language": prefs.language,
        "kind": notice["kind"],
        "params": notice["params"],
        "office_path": notice.get("office_path") or [],
        "post_id": notice.get("post_id"),
        **untried(now, after_quiet_hours(prefs.quiet_hours, now), problem),
    }


def untried(now: datetime, first_try: datetime, problem: str | None = None) -> dict[str, Any]:
    """The life fields of a delivery just planned: due at ``first_try``, or dead at once when
    its address cannot work (``problem``), so it never enters the retry loop."""
    return {
        "status": "dead" if problem else "pending",
        "reason": problem,
        "attempts": 0,
        "next_try": iso(first_try),
        "created_at": iso(now),
        "tries": [],
    }


def backoff(attempts: int, first: float = FIRST_RETRY_SECONDS) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4, … minutes, at most 6 h."""
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), LONGEST_WAIT_SECONDS))


def after_failure(
    attempts: int, permanent: bool, now: datetime, first: float = FIRST_RETRY_SECONDS
) -> dict[str, Any]:
    """The fields a failed try sets: retry later, or (permanent, or out of tries) dead."""
    if permanent or attempts >= MAX_ATTEMPTS:
        return {"status": "dead"}
    return {"status": "failed", "next_try": iso(now + backoff(attempts, first))}
