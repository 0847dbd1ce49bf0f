"""Identity's answers: stored records turned into the schemas the gateway reads."""

from typing import Any

from services.identity.domain import hindi_typing, login, posts
from services.identity.schemas import Delegation, Office, Post, SheetReport, User


def office_view(office: dict[str, Any]) -> dict[str, Any]:
    return Office(
        id=office["_id"],
        **{k: office[k] for k in ("code", "name_en", "name_hi", "level", "parent_id", "path")},
        levels=office.get("levels") or [],
        live_since=office.get("live_since"),
        vpn_pool=office.get("vpn_pool"),
        history=office.get("history") or [],
        kind=office.get("kind"),
        file_heads=office.get("file_heads") or [],
    ).model_dump()


def post_view(
    post: dict[str, Any],
    holder: dict[str, Any] | None = None,
    on_leave: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A post; ``on_leave``: its holder's leave covering today (``store.leave_on``)."""
    return Post.model_validate(
        {
            **{
                k: post.get(k)
                for k in Post.model_fields
                if k not in ("id", "holder_name", "on_leave")
            },
            "id": post["_id"],
            "holder_name": holder["name_en"] if holder else None,
            "on_leave": on_leave,
        }
    ).model_dump()


def user_view(
    user: dict[str, Any], held: list[dict[str, Any]], vpn_address: str | None = None
) -> dict[str, Any]:
    return User.model_validate(
        {
            "id": user["_id"],
            "username": user["username"],
            "name_en": user["name_en"],
            "name_hi": user["name_hi"],
            "grants": user.get("grants", []),
            "office_id": user["office_id"],
            "disabled": bool(user.get("disabled")),
            "totp_enabled": bool(user.get("totp_enabled")),
            "typing": hindi_typing.mode_of(user),
            "locked_until": user.get("next_attempt_at")
            if user.get("failed_logins", 0) >= login.LOCK_AFTER
            else None,
            "dsc": user.get("dsc"),
            "vpn_address": vpn_address,
            "posts": [post_view(p, user) for p in held],
        }
    ).model_dump()


def delegation_view(d: dict[str, Any], now: str) -> dict[str, Any]:
    return Delegation(
        id=d["_id"],
        live=posts.is_live(d, now),
        **{k: d[k] for k in Delegation.model_fields if k not in ("id", "live")},
    ).model_dump()


def sheet_view(sheet: dict[str, Any]) -> dict[str, Any]:
    return SheetReport.model_validate(
        {
            **{k: sheet.get(k) for k in SheetReport.model_fields if k not in ("id", "activations")},
            "id": sheet["_id"],
            "activations": sheet.get("activations", []),
        }
    ).model_dump()
