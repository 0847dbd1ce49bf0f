"""Reports' read model: where each pending item is now."""

from typing import Any

from common.storage import Db, apply_once


def ensure_indexes(db: Db) -> None:
    db.pending_items.create_index("office_path")


def move_item(db: Db, item_id: str, event_id: str, where: dict[str, Any]) -> bool:
    """Record the item's new place, once per event, and never let an older event (lower
    ``seq``) that arrives late overwrite a newer one."""
    return apply_once(
        db.pending_items,
        item_id,
        event_id,
        {"$set": where},
        extra_filter={"seq": {"$lt": where["seq"]}},
    )


def items_under(db: Db, office_id: str) -> list[dict[str, Any]]:
    return list(db.pending_items.find({"office_path": office_id}, {"applied_events": 0}))
