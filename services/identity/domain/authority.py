"""Who may do what where: roles are granted over a part of the office tree."""

from common.actor import Actor
from common.errors import Forbidden

# The roles a person can be given, and where each one holds by default.
ROLES = ("dealing_hand", "diarist", "officer", "nodal_officer", "admin", "hq_viewer")


def default_scope(role: str, office: dict, district_id: str) -> str:
    """A nodal officer holds over their district; an admin over the whole state; everyone
    else over their own office."""
    if role == "nodal_officer":
        return district_id
    if role == "admin":
        return office["path"][0]
    return office["_id"]


def grants_for(
    roles: list[str], office: dict, district_id: str, scopes: dict[str, dict]
) -> list[dict]:
    """The stored grants of a person: each role with its scope (an office id); ``scopes`` maps
    a role to the office it should hold over instead of the default."""
    return [
        {
            "role": role,
            "scope": scopes[role]["_id"]
            if role in scopes
            else default_scope(role, office, district_id),
        }
        for role in dict.fromkeys(roles)
    ]


def require_any(actor: Actor, roles: tuple[str, ...], office_path) -> None:
    """Refuse unless the actor holds one of ``roles`` over that office. A nodal officer of
    Hathras can do nothing in Aligarh."""
    if not any(actor.may(role, office_path) for role in roles):
        raise Forbidden("OUTSIDE_YOUR_SCOPE")


def require_grantable(actor: Actor, role: str, scope_path) -> None:
    """Giving a role over a part of the tree needs the power to set up that part; giving the
    admin role needs admin there."""
    if role == "admin":
        require_admin(actor, scope_path)
    else:
        require_setup(actor, scope_path)


def require_admin(actor: Actor, office_path=()) -> None:
    require_any(actor, ("admin",), office_path)


def require_setup(actor: Actor, office_path) -> None:
    """Setting up posts and people of an office: its admin or its district's nodal officer."""
    require_any(actor, ("admin", "nodal_officer"), office_path)
