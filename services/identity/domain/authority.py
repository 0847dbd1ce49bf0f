"""Who may do what where: roles are granted over a part of the office tree."""

from collections.abc import Mapping, Sequence
from typing import Any

from common.actor import Actor
from common.errors import Forbidden

# The roles a person can be given, and where each one holds by default.
ROLES = ("dealing_hand", "diarist", "officer", "nodal_officer", "admin", "hq_viewer")


def default_scope(role: str, office: dict[str, Any], district_id: str) -> str:
    """A nodal officer holds over their district; an admin over the whole state; everyone
    else over their own office."""
    if role == "nodal_officer":
        return district_id
    root: str = office["path"][0]
    here: str = office["_id"]
    if role == "admin":
        return root
    return here


def grants_for(
    roles: list[str],
    office: dict[str, Any],
    district_id: str,
    scopes: Mapping[str, Sequence[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The stored grants of a person: each role with its scope (an office id); ``scopes`` maps
    a role to the offices it should hold over instead of the default. Several offices give
    the role once over each: the CDO as nodal officer of the police, development and municipal
    offices of one district, which sit in different departments' trees."""
    return [
        {"role": role, "scope": scope}
        for role in dict.fromkeys(roles)
        for scope in dict.fromkeys(
            [o["_id"] for o in scopes[role]]
            if scopes.get(role)
            else [default_scope(role, office, district_id)]
        )
    ]


def require_any(actor: Actor, roles: tuple[str, ...], office_path: Sequence[str]) -> None:
    """Refuse unless the actor holds one of ``roles`` over that office. A nodal officer of
    Hathras can do nothing in Aligarh."""
    if not any(actor.may(role, office_path) for role in roles):
        raise Forbidden("OUTSIDE_YOUR_SCOPE")


def require_grantable(actor: Actor, role: str, scope_path: Sequence[str]) -> None:
    """Giving a role over a part of the tree needs the power to set up that part; giving the
    admin role needs admin there."""
    if role == "admin":
        require_admin(actor, scope_path)
    else:
        require_setup(actor, scope_path)


def require_admin(actor: Actor, office_path: Sequence[str] = ()) -> None:
    require_any(actor, ("admin",), office_path)


def require_setup(actor: Actor, office_path: Sequence[str]) -> None:
    """Setting up posts and people of an office: its admin or its district's nodal officer."""
    require_any(actor, ("admin", "nodal_officer"), office_path)
