"""The office tree as data: departments define their own levels; offices go live in phases;
renames and moves are recorded, never silently overwritten."""

from typing import Any

from common.errors import Refused

# Levels every department shares; a department lists the ones below it.
TOP_LEVELS = ("state", "department")


def department_of(ancestors: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The nearest department above (or at) an office, from its ancestors (root first)."""
    for office in ancestors[::-1]:
        if office["level"] == "department":
            return office
    return None


def check_level(
    level: str, parent: dict[str, Any] | None, ancestors: list[dict[str, Any]], levels: list[str]
) -> None:
    """A new office's level must fit the tree: a state at the root, departments under a state
    (listing their levels), and below a department only the levels it defines, in its order."""
    if level == "state":
        if parent is not None:
            raise Refused("STATE_MUST_BE_ROOT")
        return
    if parent is None:
        raise Refused("OFFICE_NEEDS_PARENT")
    if level == "department":
        if parent["level"] != "state":
            raise Refused("DEPARTMENT_UNDER_STATE")
        if not levels:
            raise Refused("DEPARTMENT_NEEDS_LEVELS")
        return
    department = department_of(ancestors)
    if department is None or level not in department["levels"]:
        raise Refused(
            "LEVEL_NOT_IN_DEPARTMENT",
            {"level": level, "levels": department["levels"] if department else []},
        )
    order = department["levels"]
    if parent["level"] in order and order.index(parent["level"]) >= order.index(level):
        raise Refused("LEVEL_ORDER", {"level": level, "parent_level": parent["level"]})


# An office always has its names: a null name in a change leaves the name as it is.
NEVER_CLEARED = frozenset({"name_en", "name_hi"})


def changes(office: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    """``{field: [old, new]}`` for what would really change."""
    return {
        k: [office.get(k), v]
        for k, v in wanted.items()
        if office.get(k) != v and not (v is None and k in NEVER_CLEARED)
    }


def moved_path(old_path: list[str], old_prefix: list[str], new_prefix: list[str]) -> list[str]:
    """A descendant's path after its ancestor moved from ``old_prefix`` to ``new_prefix``."""
    return new_prefix + old_path[len(old_prefix) :]


def check_move(office: dict[str, Any], new_parent: dict[str, Any]) -> None:
    if office["_id"] in new_parent["path"]:
        raise Refused("MOVE_UNDER_ITSELF")
