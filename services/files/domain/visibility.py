"""Who may see a receipt or a file: the posts it has passed through (holders past and present,
its creator) and the posts they report to; a Secret or Top Secret one only the posts it was
marked to. Everyone else is told it does not exist (404), so ids cannot be probed."""

from typing import Any

from common.actor import Actor
from common.errors import Conflict, NotFound

CLASSIFIED = ("secret", "top_secret")


def may_see(actor: Actor, item: dict[str, Any]) -> bool:
    mine = set(actor.post_ids)
    if mine & set(item["involved_posts"]):
        return True
    return item.get("grading") not in CLASSIFIED and bool(mine & set(item.get("supervisors", [])))


def may_see_receipt(actor: Actor, receipt: dict[str, Any], file: dict[str, Any] | None) -> bool:
    """A receipt that passed the actor's way, or one in a ``file`` they may see (a letter
    travels with its file)."""
    return may_see(actor, receipt) or (file is not None and may_see(actor, file))


RANK = {"normal": 0, "confidential": 1, "secret": 2, "top_secret": 3}


def require_graded_within(paper: dict[str, Any], file: dict[str, Any]) -> None:
    """A paper goes only into a file graded as high as itself: whoever may see a file may read
    all of it, so a Secret letter in a Normal file would be read by those it was never marked
    to."""
    if RANK[paper["grading"]] > RANK[file["grading"]]:
        raise Conflict("GRADING_ABOVE_FILE", {"paper": paper["grading"], "file": file["grading"]})


def require_visible(actor: Actor, item: dict[str, Any] | None, code: str) -> dict[str, Any]:
    if item is None or not may_see(actor, item):
        raise NotFound(code)
    return item
