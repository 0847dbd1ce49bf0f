"""Who may see a receipt or a file: the posts it has passed through (holders past and present,
its creator) and the posts they report to; a Secret or Top Secret one only the posts it was
marked to. Everyone else is told it does not exist (404), so ids cannot be probed."""

from common.actor import Actor
from common.errors import Conflict, NotFound

CLASSIFIED = ("secret", "top_secret")


def may_see(actor: Actor, item: dict) -> bool:
    mine = set(actor.post_ids)
    if mine & set(item["involved_posts"]):
        return True
    return item.get("grading") not in CLASSIFIED and bool(mine & set(item.get("supervisors", [])))


RANK = {"normal": 0, "confidential": 1, "secret": 2, "top_secret": 3}


def require_graded_within(paper: dict, file: dict) -> None:
    """A paper goes only into a file graded as high as itself: whoever may see a file may read
    all of it, so a Secret letter in a Normal file would be read by those it was never marked
    to."""
    if RANK[paper["grading"]] > RANK[file["grading"]]:
        raise Conflict("GRADING_ABOVE_FILE", {"paper": paper["grading"], "file": file["grading"]})


def require_visible(actor: Actor, item: dict | None, code: str) -> dict:
    if item is None or not may_see(actor, item):
        raise NotFound(code)
    return item
