"""Time, in one format everywhere."""

from datetime import UTC, datetime, timedelta, timezone

# Indian Standard Time: what every page, PDF and stamp shows a reader (stored times stay UTC).
IST = timezone(timedelta(hours=5, minutes=30), "IST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Times are stored as ISO 8601 UTC strings: they sort as text on both storage engines."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
