"""``make rebuild-reports``: every read model again from the event log, then the state's
totals before and after, which must be equal. On the embedded store the reports service must
be stopped (its data directory is locked while it runs)."""

import json
import sys

from common.storage import Storage
from services.reports import projection, store


def totals(db: store.Db) -> dict[str, object]:
    """What the models add up to at the top of every tree: pending items and flows, staff,
    leave waiting and taken."""
    roots = [n["_id"] for n in store.nodes_right_under(db, None)]
    return {
        root: {
            "pending": sum(sum(c["c"].values()) for c in store.pending_counts_at(db, root)),
            "flows": next((d for d in store.daily_at(db, root) if d["day"] == "all"), {}),
            "staff": store.staff_at(db, root),
            "leave_pending": sum(sum(d["c"].values()) for d in store.leave_pending_at(db, root)),
            "leave_taken": sum(sum(d["c"].values()) for d in store.leave_taken_at(db, root)),
        }
        for root in sorted(roots)
    }


def main() -> int:
    storage = Storage("reports")
    try:
        db = storage.db
        store.ensure_indexes(db)
        before = totals(db)
        tally = projection.rebuild(db)
        after = totals(db)
    finally:
        storage.close()
    print(json.dumps({"events": tally, "live": before, "rebuilt": after}, indent=1))
    print("rebuilt numbers equal the live ones" if before == after else "DIFFERENT: see above")
    return 0 if before == after else 1


if __name__ == "__main__":
    sys.exit(main())
