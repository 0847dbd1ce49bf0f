"""Holiday calendars: every upload kept, one document each; a state's calendar for a year is
its newest upload, and the older ones are its history (who uploaded what, when)."""

from typing import Any


def current_calendar(db: Any, state_id: str, year: int) -> dict | None:
    """The newest calendar uploaded for that state and year, or None."""
    found = calendar_history(db, state_id, year)
    return found[0] if found else None


def calendar_history(db: Any, state_id: str, year: int) -> list[dict]:
    """Every calendar uploaded for that state and year, newest first."""
    uploads = db.holiday_calendars.find({"state_id": state_id, "year": year})
    return sorted(uploads, key=lambda c: (c["uploaded_at"], c["_id"]), reverse=True)


def insert_calendar(db: Any, calendar: dict) -> None:
    """Keep an uploaded calendar; it replaces the previous one of its year, which stays in
    the history."""
    db.holiday_calendars.insert_one(calendar)
