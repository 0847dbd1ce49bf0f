"""Who may see a receipt or a file: the posts it has passed through (holders past and present,
its creator) and the posts they report to; a Secret or Top Secret one only the posts it was
marked to. Everyone else is told it does not exist (404), so ids cannot be probed."""

from common.actor import Actor
from common.errors import NotFound

CLASSIFIED = ("secret", "top_secret")


def may_see(actor: Actor, item: dict) -> bool:
    mine = set(actor.post_ids)
    if mine & set(item["involved_posts"]):
        return True
    return item.get("grading") not in CLASSIFIED and bool(mine & set(item.get("supervisors", [])))


def require_visible(actor: Actor, item: dict | None, code: str) -> dict:
    if item is None or not may_see(actor, item):
        raise NotFound(code)
    return item
