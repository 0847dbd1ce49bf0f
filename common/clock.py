"""Time, in one format everywhere."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """Times are stored as ISO 8601 UTC strings: they sort as text on both storage engines."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
