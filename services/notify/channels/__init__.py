"""Notify's outgoing channels (email over SMTP, SMS through an HTTP gateway): small adapters
that either hand a message over or raise DeliveryFailed saying why, and whether trying again
later can help."""

import math

from common.config import Settings, setting


class DeliveryFailed(Exception):
    """A message a channel could not hand over.

    ``reason`` is a short code to record and count (``SMTP_TIMEOUT``, ``SMS_HTTP_503`` …),
    ``detail`` the server's own words for a person, and ``permanent`` says that retrying cannot
    help (the recipient or the credentials were refused), so the caller stops trying.
    """

    def __init__(self, reason: str, detail: str, permanent: bool = False) -> None:
        super().__init__(reason, detail, permanent)  # all three in args: it pickles and compares
        self.reason = reason
        self.detail = detail
        self.permanent = permanent

    def __str__(self) -> str:
        kind = "permanent" if self.permanent else "transient"
        return f"{self.reason} ({kind}): {self.detail}"


def seconds(config: Settings | None, key: str, default: float) -> float:
    """A timeout setting: a positive number of seconds, or a ValueError naming the setting."""
    raw = setting(config, key)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{key} must be a positive number of seconds, not {raw!r}")
    return value
