"""Time, in one format everywhere."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Times are stored as ISO 8601 UTC strings: they sort as text on both storage engines."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
