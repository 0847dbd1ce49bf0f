"""Notify's collection of in-app notices."""

from pymongo.errors import DuplicateKeyError


def ensure_indexes(db) -> None:
    db.notices.create_index("post_id")
    db.notices.create_index("item_id")


def add_notice(db, notice: dict) -> bool:
    """Store a notice once: its id comes from the event, so a redelivered event is a no-op."""
    try:
        db.notices.insert_one(notice)
    except DuplicateKeyError:
        return False
    return True


def notices_for_posts(db, post_ids: list[str]) -> list[dict]:
    return list(db.notices.find({"post_id": {"$in": list(post_ids)}}))


def notice(db, notice_id: str) -> dict | None:
    return db.notices.find_one({"_id": notice_id}) if isinstance(notice_id, str) else None


def mark_read_for_item(db, post_id: str, item_id: str, at: str) -> None:
    db.notices.update_many(
        {"item_id": item_id, "post_id": post_id, "read_at": None}, {"$set": {"read_at": at}}
    )


def mark_read(db, notice_id: str, at: str) -> None:
    db.notices.update_one({"_id": notice_id, "read_at": None}, {"$set": {"read_at": at}})
