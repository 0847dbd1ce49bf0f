"""Events into read models: the one path both the live consumer and ``make rebuild-reports``
take, so the two cannot disagree.

An event is first kept in the log (once: a redelivery stops here), then applied; one these
models cannot read (an unknown type or version, a payload of a later shape) is kept with the
reason and applied by a later rebuild that knows it. Nothing is lost and nothing stops.

What events add to counters and registers goes through a ``store.Batch``: written after each
event live, and after many events in a rebuild (the same sums, far fewer writes).
"""

from collections.abc import Mapping
from typing import Any

from common.events import Event
from common.storage import Db
from services.reports import store
from services.reports.domain import effects, leave, pendency

# A rebuild writes its batch when it holds this many documents and lines (bounds its memory).
REBUILD_BATCH = 100_000


def take(db: Db, raw: Mapping[str, Any], event: Event) -> bool:
    """Keep a proven event and apply it; False when it was kept before."""
    record = {
        "type": event.type,
        "v": event.v,
        "day": pendency.ist_day(event.occurred_at),
        "office_path": event.office_path,
        "raw": dict(raw),
    }
    if not store.log_event(db, event.event_id, record):
        return False
    batch = store.Batch()
    try:
        problem = apply(db, event, batch)
    finally:
        batch.write(db)  # even after a failure: the counts moved so far go with their items
    store.set_event_status(db, event.event_id, "kept" if problem else "applied", problem)
    return True


def apply(db: Db, event: Event, batch: store.Batch) -> str | None:
    """Apply one logged event to every read model (its counts and lines into ``batch``); the
    reason when it is only kept."""
    problem = effects.unreadable(event)
    if problem:
        return problem
    store.note_offices(db, event.office_path)
    moved = pendency.whereabouts(event)
    if moved:
        store.move_item(db, moved[0], event.event_id, moved[1])
        if moved[1]["post_id"]:
            store.note_offices(db, [*moved[1]["office_path"], f"post:{moved[1]['post_id']}"])
    made = effects.origin(event)
    if made:
        store.set_origin(db, *made)
    priority = pendency.priority_of(event)
    if priority:
        store.set_priority(db, priority[0], priority[1], priority[2])
    marked = effects.mark(event)
    if marked:
        store.add_mark(db, *marked)
    for item in {x[0] for x in (moved, priority, marked) if x}:
        store.recount_item(db, batch, item, pendency.position)
    for flow in effects.flows(event):
        store.add_flow(batch, list(flow.office_path), flow.day, flow.field)
    line = effects.register_entry(event)
    if line:
        store.add_register_line(batch, event.event_id, *line)
    waits = leave.whereabouts(event)
    if waits:
        store.move_leave(db, waits[0], event.event_id, waits[1])
        store.recount_leave(db, batch, waits[0], leave.position)
    taken = leave.taken(event)
    if taken:
        store.add_leave_taken(batch, *taken)
    person = effects.person_fact(event)
    if person:
        store.set_person(db, *person)
        store.recount_person(db, batch, person[0], effects.staff_position)
    return None


def rebuild(db: Db) -> dict[str, int]:
    """Every read model again from the log alone, in order of arrival; events kept for later
    are tried again (a newer reader may know them now). Returns how many were applied and
    kept."""
    store.clear_models(db)
    tally = {"applied": 0, "kept": 0}
    batch = store.Batch()
    for logged in store.all_events(db):
        raw = {k: v for k, v in logged["raw"].items() if k != "proof"}
        problem = apply(db, Event.model_validate(raw), batch)
        status = "kept" if problem else "applied"
        if (logged["status"], logged.get("problem")) != (status, problem):  # else: no change
            store.set_event_status(db, logged["_id"], status, problem)
        tally[status] += 1
        if batch.waiting() >= REBUILD_BATCH:
            batch.write(db)
    batch.write(db)
    return tally
