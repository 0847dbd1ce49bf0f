"""Who sees which part of the office tree in reports."""

from collections.abc import Mapping
from typing import Any

from common.actor import Actor
from common.errors import Forbidden

REPORT_ROLES = ("hq_viewer", "admin")


def office_to_report(actor: Actor, office_id: str | None) -> str:
    """Anyone sees their own office (and what lies under it); other offices need HQ or admin,
    and then only the part of them within the grant's scope (``may_count``)."""
    if office_id in (None, actor.office_id):
        if actor.office_id is None:
            raise Forbidden("NO_OFFICE")
        return actor.office_id
    if any(actor.has_role(role) for role in REPORT_ROLES):
        return office_id
    raise Forbidden("NOT_YOUR_OFFICE")


def may_count(actor: Actor, office_id: str, item: Mapping[str, Any]) -> bool:
    """Whether an item waiting under ``office_id`` counts in the actor's report: anything under
    their own office; elsewhere, only what waits inside the scope of their HQ viewer or admin
    grant (a viewer of Hathras asking for the range sees Hathras, not Aligarh)."""
    if office_id == actor.office_id:
        return True
    return any(actor.may(role, item["office_path"]) for role in REPORT_ROLES)


# Roles that see a whole part of the tree in the HQ reports: an HQ viewer their part of the
# state, a nodal officer their district, an admin the state; an officer (an SP) their own
# office and what lies under it. Everyone else sees only their own desk.
WHOLE_PART_ROLES = ("hq_viewer", "nodal_officer", "admin")


def tops(actor: Actor) -> tuple[str, ...]:
    """The offices at the top of the parts of the tree the actor sees whole."""
    seen = [
        g.scope or (actor.office_path[0] if actor.office_path else "")
        for g in actor.grants
        if g.role in WHOLE_PART_ROLES
    ]
    if actor.has_role("officer") and actor.office_id:
        seen.append(actor.office_id)
    return tuple(dict.fromkeys(s for s in seen if s))


def sees(actor: Actor, office_path: list[str], post_id: str | None = None) -> bool:
    """Whether the actor sees a node: an office (by its path, root first) or a post in it."""
    return bool(set(tops(actor)) & set(office_path)) or (
        post_id is not None and actor.holds(post_id)
    )


def default_node(actor: Actor) -> str:
    """What a report shows when no office is asked for: the top of the actor's part of the
    tree, or their own desk."""
    top = tops(actor)
    if top:
        return top[0]
    if actor.post_ids:
        return f"post:{actor.post_ids[0]}"
    raise Forbidden("NO_OFFICE")


def fingerprint(actor: Actor) -> str:
    """What a feed cursor is bound to: the part of the tree the actor sees."""
    return ",".join(sorted(tops(actor))) + "|" + ",".join(sorted(actor.post_ids))
