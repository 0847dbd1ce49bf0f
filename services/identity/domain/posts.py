"""Posts: who holds them, additional charge and delegation. Work is marked to posts, so
moving people never moves work."""

from datetime import datetime, timedelta
from typing import Any

from common.errors import Refused
from common.fold import normalise

MAX_DELEGATION_DAYS = 180


def check_delegation(
    starts: datetime, ends: datetime, now: datetime, holder_id: str | None, delegate_id: str
) -> None:
    """A delegation covers a future or current period of at most 180 days, of a held post, to
    someone other than its holder."""
    if holder_id is None:
        raise Refused("POST_VACANT")
    if delegate_id == holder_id:
        raise Refused("DELEGATE_IS_HOLDER")
    if ends <= starts or ends <= now:
        raise Refused("DELEGATION_PERIOD_INVALID")
    if ends - starts > timedelta(days=MAX_DELEGATION_DAYS):
        raise Refused("DELEGATION_TOO_LONG", {"max_days": MAX_DELEGATION_DAYS})


def is_live(delegation: dict[str, Any], now_iso: str) -> bool:
    """A delegation ends by itself when its period is over."""
    return (not delegation.get("ended_at")) and delegation["starts"] <= now_iso < delegation["ends"]


def matches(post: dict[str, Any], holder: dict[str, Any] | None, words: list[str]) -> bool:
    """A post is found by its abbreviation, its names and its holder's names: every folded
    query word must start a word of them (so "rdr" finds RDR-SP-HTR and "वाचक" the Reader)."""
    said = [post["abbreviation"], post["name_en"], post["name_hi"]]
    if holder:
        said += [holder["name_en"], holder["name_hi"]]
    known = normalise(" ".join(said)).replace("-", " ").split()
    return all(any(k.startswith(w) for k in known) for w in words)
