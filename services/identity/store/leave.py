"""Leave sanctioned to the holders of posts, as leave told it: one record per application,
changed only by a later version of it (leave's ``seq``), so an event told twice, or late after
a newer one, changes nothing."""

from typing import Any

from pymongo.errors import DuplicateKeyError


def record_leave(db: Any, application_id: str, seq: int, fields: dict[str, Any]) -> bool:
    """Keep what this version of the application says of its leave, unless a version as new
    was kept already (a cancel told before its sanction leaves the cancel standing). Returns
    whether it was kept."""
    query = {"_id": application_id, "seq": {"$lt": seq}}
    try:
        result = db.leave_periods.update_one(query, {"$set": {**fields, "seq": seq}}, upsert=True)
    except DuplicateKeyError:
        return False  # kept already, at this version or a later one
    return result.matched_count == 1 or result.upserted_id is not None


def leave_on(db: Any, posts: list[dict[str, Any]], day: str) -> dict[str, dict[str, Any]]:
    """The leave covering ``day`` (ISO date) of each post's present holder, by post id: one
    query for them all."""
    holders = {p["_id"]: p.get("holder_user_id") for p in posts}
    found = db.leave_periods.find(
        {
            "post_id": {"$in": list(holders)},
            "cancelled": False,
            "from_date": {"$lte": day},
            "to_date": {"$gte": day},
        }
    )
    # Leave taken on a post its holder has since left is not the new holder's.
    return {p["post_id"]: p for p in found if holders.get(p["post_id"]) == p["applicant_user_id"]}
