"""Reports' read model: where each pending item is now."""

from common.storage import apply_once


def ensure_indexes(db) -> None:
    db.pending_items.create_index("office_path")


def move_item(db, item_id: str, event_id: str, where: dict) -> bool:
    """Record the item's new place, once per event, and never let an older event (lower
    ``seq``) that arrives late overwrite a newer one."""
    return apply_once(
        db.pending_items,
        item_id,
        event_id,
        {"$set": where},
        extra_filter={"seq": {"$lt": where["seq"]}},
    )


def items_under(db, office_id: str) -> list[dict]:
    return list(db.pending_items.find({"office_path": office_id}, {"applied_events": 0}))
