"""A leave application's life: applied, recommended level by level up the applicant's post
chain, then sanctioned, returned for correction, rejected with a reason, or cancelled (cut
short, "curtailed", once the leave has begun). Pure rules: a transition takes the stored
application and answers the change to write (fields to set and one history entry); the service
writes it with the version it was read at, so a stale screen is refused (VERSION_CONFLICT).

Routing: the chain is the posts above the applicant's, nearest first (identity's ``chain``).
Each level of the kind goes to the next officer up; the last level named sanctions. A post
delegated at the moment stays the stop: its delegate (the link officer named for those days)
acts for it, as the holder may too, and the history says it was delegated. An officer who is
otherwise away (the post vacant, or its holder on sanctioned leave with nobody named) is passed
over to the next level up, and the history names them and why. The top of the chain sanctions
whatever levels are left (a short chain).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from common.errors import Conflict, NotFound, Refused
from services.leave.domain import balances
from services.leave.domain.rules import Kind

FINAL = ("sanctioned", "rejected", "cancelled", "curtailed", "joined")
# The years leave may be asked for (and a balance read): a date beyond would have the ledger
# credited period by period up to it, thousands of entries for one request.
FIRST_YEAR, LAST_YEAR = 2000, 2099
# Leave that holds its days: on its way, or sanctioned (curtailed, or joined early: up to its
# new last day).
HOLDING = (*balances.ON_THE_WAY, "sanctioned", "curtailed", "joined")
# Leave taken or being taken: the applicant is away on its days.
TAKEN = ("sanctioned", "curtailed", "joined")


@dataclass(frozen=True)
class Asked:
    """What an applicant asks for, as the rules read it."""

    kind: Kind
    from_date: date
    to_date: date
    half: str | None
    certificate: str | None

    @property
    def days(self) -> float:
        return balances.days_of(self.from_date, self.to_date, self.half)


@dataclass(frozen=True)
class Stop:
    """Where an application goes next: a post of the chain, at a level, past those away."""

    position: int
    post_id: str
    level: str
    sanctions: bool
    skipped: tuple[dict[str, str], ...]
    delegated: bool = False  # the post's delegate acts for it now


def require_within_years(asked: Asked) -> None:
    """Refused before anything is counted (the ledger is brought up to the first day asked)."""
    if not all(FIRST_YEAR <= day.year <= LAST_YEAR for day in (asked.from_date, asked.to_date)):
        raise Refused("LEAVE_DATES_OUT_OF_RANGE", {"first": FIRST_YEAR, "last": LAST_YEAR})


def check(
    asked: Asked,
    today: date,
    others: Iterable[dict[str, Any]],
    available: float,
    off_day: Callable[[date], bool],
) -> None:
    """Refuse what the rules do not allow, each with its own code. ``others`` are the
    person's other applications; ``available`` the balance less what is on its way;
    ``off_day`` says whether a date is a holiday (or Sunday, or an off Saturday)."""
    kind = asked.kind
    if asked.to_date < asked.from_date:
        raise Refused("LEAVE_DATES_OUT_OF_ORDER")
    if asked.half and asked.from_date != asked.to_date:
        raise Refused("LEAVE_HALF_DAY_ONE_DATE")
    if asked.half and not kind.half_days:
        raise Refused("LEAVE_HALF_DAY_NOT_ALLOWED", {"kind": kind.code})
    if asked.from_date < today - timedelta(days=kind.days_back):
        raise Refused("LEAVE_TOO_FAR_BACK", {"days_back": kind.days_back})
    if kind.most_at_once is not None and asked.days > kind.most_at_once:
        raise Refused("LEAVE_TOO_LONG", {"most": kind.most_at_once})
    if kind.certificate and not asked.certificate:
        raise Refused("LEAVE_CERTIFICATE_REQUIRED", {"kind": kind.code})
    before, after = asked.from_date - timedelta(days=1), asked.to_date + timedelta(days=1)
    if not kind.joins_holidays and (off_day(before) or off_day(after)):
        raise Refused("LEAVE_JOINS_HOLIDAY", {"kind": kind.code})
    for other in others:
        if _overlaps(asked, other):
            raise Refused("LEAVE_OVERLAPS", {"application_id": other["_id"]})
    if asked.days > available:
        raise Refused("LEAVE_BALANCE_SHORT", {"available": available, "asked": asked.days})


def days_asked(asked: Asked) -> list[str]:
    """The half days an application holds (``YYYY-MM-DD:am``, ``…:pm``). Two applications of
    one person never hold the same one: the store's unique ids say so at the moment of writing,
    whatever ran between the check and the write (two applications sent at once)."""
    halves = {"forenoon": ("am",), "afternoon": ("pm",)}.get(asked.half or "", ("am", "pm"))
    count = (asked.to_date - asked.from_date).days + 1
    return [
        f"{(asked.from_date + timedelta(days=n)).isoformat()}:{half}"
        for n in range(count)
        for half in halves
    ]


def still_holds(other: dict[str, Any] | None, asked: Asked) -> bool:
    """Whether the application holding one of the days asked (None: not written yet) still
    holds days asked: one withdrawn, rejected or cut short before them gives them up."""
    return other is not None and _overlaps(asked, other)


def _overlaps(asked: Asked, other: dict[str, Any]) -> bool:
    if other["status"] not in HOLDING:
        return False
    starts = date.fromisoformat(other["from_date"])
    ends = date.fromisoformat(other.get("curtailed_to") or other["to_date"])
    if asked.to_date < starts or ends < asked.from_date:
        return False
    # Two half days of one date overlap only when they are the same half.
    return not (asked.half and other.get("half") and asked.half != other["half"])


def next_stop(
    levels: tuple[str, ...],
    chain: list[str],
    after: int,
    level: int,
    away: Callable[[str], str | None],
) -> Stop:
    """The next officer up the chain after position ``after`` (-1: the applicant), at level
    index ``level``; an officer away is passed over and the level moves up with the post."""
    last = len(levels) - 1
    position, skipped = after + 1, list[dict[str, str]]()
    while position < len(chain):
        at = last if position == len(chain) - 1 else min(level, last)
        post = chain[position]
        reason = away(post)
        if reason in (None, "delegated"):
            delegated = reason == "delegated"
            return Stop(position, post, levels[at], at == last, tuple(skipped), delegated)
        skipped.append({"post_id": post, "level": levels[at], "reason": reason})
        position, level = position + 1, level + 1
    raise Refused("LEAVE_NO_OFFICER_TO_ACT", {"skipped": skipped})


def away(
    holder_user_id: str | None,
    delegations: Iterable[dict[str, Any]],
    on_leave: bool,
    now: str,
) -> str | None:
    """Why an officer cannot take an application now (None: they can): their post has no
    holder, or is delegated at this moment, or they are on sanctioned leave today."""
    if holder_user_id is None:
        return "vacant"
    if any(
        d["starts"] <= now < d["ends"] and not (d.get("ended_at") and d["ended_at"] <= now)
        for d in delegations
        if "starts" in d
    ):
        return "delegated"
    return "on_leave" if on_leave else None


def on_leave(applications: Iterable[dict[str, Any]], today: date) -> bool:
    """Whether a person's sanctioned leave covers ``today``."""
    day = today.isoformat()
    return any(
        a["status"] in TAKEN and a["from_date"] <= day <= (a.get("curtailed_to") or a["to_date"])
        for a in applications
    )


def _entry(
    action: str, by: dict[str, Any], post_id: str | None, at: str, **more: Any
) -> dict[str, Any]:
    return {"action": action, "by": by, "post_id": post_id, "at": at, **more}


def new(
    application_id: str,
    fields: dict[str, Any],
    asked: Asked,
    levels: tuple[str, ...],
    chain: list[str],
    stop: Stop,
    by: dict[str, Any],
    at: str,
) -> dict[str, Any]:
    """A new application, at its first stop. ``fields``: who applies (user, post, office path,
    department) and why (reason, address while away)."""
    return {
        "_id": application_id,
        **fields,
        "kind": asked.kind.code,
        "from_date": asked.from_date.isoformat(),
        "to_date": asked.to_date.isoformat(),
        "half": asked.half,
        "days": asked.days,
        "certificate": asked.certificate,
        "levels": list(levels),
        "chain": chain,
        **_at(stop, levels),
        "status": "applied",
        "version": 1,
        "sanctioned_on": None,
        "decided_post_id": None,
        "refunded_days": 0,
        "curtailed_to": None,
        "applied_at": at,
        "history": [{**_entry("applied", by, fields["post_id"], at, **_went(stop)), "n": 1}],
    }


def _at(stop: Stop, levels: tuple[str, ...]) -> dict[str, Any]:
    return {
        "at_post_id": stop.post_id,
        "position": stop.position,
        "level": stop.level,
        "level_index": levels.index(stop.level),
    }


def _went(stop: Stop) -> dict[str, Any]:
    went = {"to_post_id": stop.post_id, "level": stop.level, "skipped": list(stop.skipped)}
    return {**went, "delegated": True} if stop.delegated else went


def require_turn(application: dict[str, Any], acting_post: str | None, version: int) -> None:
    """The application waits at the post the officer acts from, at the version they saw.
    One not at their post is not theirs to know of (404), unless they decided it already."""
    decided = application.get("decided_post_id")
    if application["status"] in FINAL and acting_post is not None and acting_post == decided:
        raise Conflict("LEAVE_ALREADY_DECIDED", {"status": application["status"]})
    at_a_desk = application["status"] in ("applied", "recommended")  # not back with its applicant
    if acting_post is None or application.get("at_post_id") != acting_post or not at_a_desk:
        raise NotFound("LEAVE_APPLICATION_NOT_FOUND")
    _require_version(application, version)


def require_viewer(application: dict[str, Any], user_id: str, post_ids: Iterable[str]) -> None:
    """An application (and its certificate) is its applicant's, and the posts' it waits at or
    passed; to anyone else it is as if it did not exist."""
    seen_by = {application["at_post_id"], *(h.get("post_id") for h in application["history"])}
    if application["user_id"] != user_id and not seen_by & set(post_ids):
        raise NotFound("LEAVE_APPLICATION_NOT_FOUND")


def require_applicant(application: dict[str, Any], user_id: str, version: int) -> None:
    if application["user_id"] != user_id:
        raise NotFound("LEAVE_APPLICATION_NOT_FOUND")
    _require_version(application, version)


def _require_version(application: dict[str, Any], version: int) -> None:
    if application["version"] != version:
        raise Conflict("VERSION_CONFLICT", {"current_version": application["version"]})


def _reason(text: str | None) -> str:
    if not text or not text.strip():
        raise Refused("LEAVE_REASON_REQUIRED")
    return text.strip()


Change = tuple[dict[str, Any], dict[str, Any]]  # (fields to set, history entry)


def recommend(
    application: dict[str, Any], stop: Stop, by: dict[str, Any], at: str, remark: str | None
) -> Change:
    """The officer at a recommending level sends it up to ``stop``."""
    require_recommending(application)
    post = application["at_post_id"]
    fields = {**_at(stop, tuple(application["levels"])), "status": "recommended"}
    return fields, _entry("recommended", by, post, at, remark=remark, **_went(stop))


def require_recommending(application: dict[str, Any]) -> None:
    """Only a level below the sanctioning one recommends; the sanctioning officer decides."""
    if _sanctions_here(application):
        raise Refused("LEAVE_SANCTION_NOT_RECOMMEND")


def _sanctions_here(application: dict[str, Any]) -> bool:
    return bool(application["level_index"] == len(application["levels"]) - 1)


def require_sanctioning(application: dict[str, Any]) -> None:
    """Only the sanctioning level sanctions (asked before its order is numbered)."""
    if not _sanctions_here(application):
        raise Refused("LEAVE_NOT_SANCTIONING_LEVEL", {"level": application["level"]})


# A signing on the sanctioning officer's token waits no more once the application moves on.
NOT_AWAITING = {"signing_id": None, "signing_for": None}


def sanction(
    application: dict[str, Any], by: dict[str, Any], at: str, today: date, remark: str | None
) -> Change:
    require_sanctioning(application)
    post = application["at_post_id"]
    fields = {
        "status": "sanctioned",
        "at_post_id": None,
        "decided_post_id": post,
        "sanctioned_on": today.isoformat(),
        **NOT_AWAITING,
    }
    return fields, _entry("sanctioned", by, post, at, remark=remark)


def return_for_correction(
    application: dict[str, Any], by: dict[str, Any], at: str, reason: str | None
) -> Change:
    post = application["at_post_id"]
    fields = {
        "status": "returned",
        "at_post_id": application["post_id"],
        "position": -1,
        "level": None,
        "level_index": None,
        **NOT_AWAITING,
    }
    return fields, _entry("returned", by, post, at, remark=_reason(reason))


def reject(application: dict[str, Any], by: dict[str, Any], at: str, reason: str | None) -> Change:
    post = application["at_post_id"]
    fields = {"status": "rejected", "at_post_id": None, "decided_post_id": post, **NOT_AWAITING}
    return fields, _entry("rejected", by, post, at, remark=_reason(reason))


def resubmit(
    application: dict[str, Any], asked: Asked, stop: Stop, by: dict[str, Any], at: str
) -> Change:
    """The applicant corrects a returned application; it starts up the chain again."""
    if application["status"] != "returned":
        raise Conflict("LEAVE_NOT_RETURNED")
    fields = {
        "from_date": asked.from_date.isoformat(),
        "to_date": asked.to_date.isoformat(),
        "half": asked.half,
        "days": asked.days,
        "certificate": asked.certificate,
        **_at(stop, tuple(application["levels"])),
        "status": "applied",
    }
    return fields, _entry("resubmitted", by, application["post_id"], at, **_went(stop))


def cancel(
    application: dict[str, Any],
    by: dict[str, Any],
    at: str,
    today: date,
    last_day: date | None,
) -> Change:
    """The applicant withdraws it. Sanctioned leave not yet begun is cancelled and its days
    refunded; leave already begun is cut short ("curtailed") after ``last_day`` (default:
    yesterday) and the days not taken refunded; leave already over cannot be."""
    status = application["status"]
    if status in ("rejected", "cancelled", "curtailed", "joined"):
        raise Conflict("LEAVE_ALREADY_DECIDED", {"status": status})
    starts = date.fromisoformat(application["from_date"])
    ends = date.fromisoformat(application["to_date"])
    fields: dict[str, Any] = {"status": "cancelled", "at_post_id": None, **NOT_AWAITING}
    if status == "sanctioned" and today > ends:
        raise Conflict("LEAVE_ALREADY_TAKEN")
    if status == "sanctioned" and today > starts:
        last = last_day or today - timedelta(days=1)
        if not starts <= last < ends:
            raise Refused("LEAVE_CURTAIL_DATE_OUTSIDE")
        fields.update(_curtailed(application, last), status="curtailed")
        return fields, _entry(
            "curtailed", by, application["post_id"], at, last_day=fields["curtailed_to"]
        )
    if status == "sanctioned":
        fields["refunded_days"] = application["days"]
    return fields, _entry("cancelled", by, application["post_id"], at)


def _curtailed(application: dict[str, Any], last: date) -> dict[str, Any]:
    """Leave cut short after ``last``: its new last day, and the days not taken to refund."""
    taken = balances.days_of(
        date.fromisoformat(application["from_date"]), last, application.get("half")
    )
    return {"curtailed_to": last.isoformat(), "refunded_days": application["days"] - taken}


def join(
    application: dict[str, Any], by: dict[str, Any], at: str, today: date, joined_on: date
) -> Change:
    """The applicant reports back for duty on ``joined_on`` after sanctioned leave. Joining
    before its last day cuts it short (as cancelling leave begun does): the days from
    ``joined_on`` are refunded. Joining later than the day after it ended is recorded as it is
    (the office judges the overstay)."""
    status = application["status"]
    if status == "joined":
        raise Conflict("LEAVE_ALREADY_JOINED", {"joined_on": application.get("joined_on")})
    if status != "sanctioned":
        raise Conflict("LEAVE_NOT_SANCTIONED", {"status": status})
    starts = date.fromisoformat(application["from_date"])
    ends = date.fromisoformat(application["to_date"])
    if joined_on <= starts:
        raise Refused("LEAVE_JOINING_BEFORE_START", {"from_date": application["from_date"]})
    if joined_on > today:
        raise Refused("LEAVE_JOINING_IN_FUTURE")
    fields: dict[str, Any] = {"status": "joined", "joined_on": joined_on.isoformat()}
    if joined_on <= ends:
        fields.update(_curtailed(application, joined_on - timedelta(days=1)))
    return fields, _entry(
        "joined",
        by,
        application["post_id"],
        at,
        joined_on=fields["joined_on"],
        last_day=fields.get("curtailed_to"),
    )
