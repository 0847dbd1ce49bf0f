"""How a file moves between posts: one holder at a time; send on, send back, pull back only
while unopened; what is parked or closed does not move."""

from datetime import date

from common.actor import Actor
from common.errors import Conflict, Refused

PRIORITIES = ("normal", "immediate", "most_immediate")
MAX_LEVELS = 4


def require_holder(actor: Actor, file: dict) -> str:
    if not actor.holds(file["holder_post_id"]):
        raise Conflict("FILE_NOT_WITH_YOU")
    return file["holder_post_id"]


def require_open(file: dict) -> None:
    if file["status"] != "open":
        raise Conflict("FILE_NOT_OPEN", {"status": file["status"]})


def require_version(file: dict, seen: int | None) -> None:
    if seen is not None and seen != file["version"]:
        raise Conflict("VERSION_CONFLICT", {"current_version": file["version"]})


def pull_back_from(actor: Actor, file: dict) -> str:
    """The sender may take a file back only while the receiver has not opened it."""
    sender = file.get("sent_by_post_id")
    if sender is None or not actor.holds(sender):
        raise Conflict("NOT_THE_SENDER")
    if file.get("opened_at"):
        raise Conflict("ALREADY_OPENED")
    return sender


def send_back_to(file: dict) -> str:
    sender = file.get("sent_by_post_id")
    if sender is None:
        raise Conflict("NOTHING_TO_SEND_BACK")
    return sender


RETENTION_YEARS = {"A": None, "B": 25, "C": 10}


def review_date(category: str, closed_on: date, asked: date | None) -> date | None:
    """When a recorded file comes up for review: never for A; for B at 25 years unless asked
    otherwise; for C when asked, but no later than 10 years (it is then weeded)."""
    years = RETENTION_YEARS[category]
    if years is None:
        return None
    limit = closed_on.replace(year=closed_on.year + years)
    if asked is None:
        return limit
    if asked <= closed_on or (category == "C" and asked > limit):
        raise Refused("REVIEW_DATE_INVALID", {"latest": limit.isoformat()})
    return asked


def require_recordable(file: dict) -> None:
    if not file.get("physical"):
        raise Conflict("ONLY_PHYSICAL_RECORDED")
    if file["status"] != "closed":
        raise Conflict("FILE_NOT_CLOSED")


def require_mergeable(file: dict, other: dict) -> None:
    """CSMOP: only physical files, of one section (and, here, of one grading, so a merge never
    shows a Secret paper to more eyes), may be merged."""
    if file["_id"] == other["_id"]:
        raise Conflict("MERGE_WITH_ITSELF")
    if not (file.get("physical") and other.get("physical")):
        raise Conflict("ONLY_PHYSICAL_MERGED")
    if not file.get("section") or file.get("section") != other.get("section"):
        raise Conflict("MERGE_SECTIONS_DIFFER")
    if file.get("office_id") != other.get("office_id"):
        raise Conflict("MERGE_SECTIONS_DIFFER")
    if file["grading"] != other["grading"]:
        raise Conflict("MERGE_GRADINGS_DIFFER")


def skipped_levels(from_chain: list[str], to_post_id: str) -> list[str] | None:
    """The posts a file jumps over on its way up, when the receiver is above the sender in the
    chain of command; None when the receiver is not above (sideways or down). ``from_chain`` is
    the sender's reporting chain, nearest first."""
    if to_post_id not in from_chain:
        return None
    return from_chain[: from_chain.index(to_post_id)]


def levels_to_decision(route: list[str]) -> int:
    """How many levels a file climbed on its way to a decision (CSMOP: no more than four)."""
    return len(route)
