"""The HQ feed's cursor: opaque to the caller, signed by reports, bound to one scope.

A cursor says "changes up to number n were given to this scope at this time". It is
``base64url(json).base64url(hmac-sha256)``; anything else, a cursor signed with another key,
one older than ``MAX_AGE`` or one given to another scope is refused (422) with a named error
whose details say how to restart (pull again without a cursor: a full snapshot, then changes
from there).
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from common.errors import Refused

MAX_AGE = timedelta(days=30)
RESTART = "pull again without a cursor for a full snapshot and a new cursor"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make(key: bytes, n: int, scope: str, now: datetime) -> str:
    """A cursor at change ``n`` for ``scope``, issued ``now``."""
    body = json.dumps({"n": n, "scope": scope, "at": int(now.timestamp())}, separators=(",", ":"))
    mac = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{_b64(body.encode())}.{_b64(mac)}"


def read(key: bytes, cursor: str, scope: str, now: datetime) -> int:
    """The change number a cursor stands at, if it is ours, fresh and for this scope."""
    try:
        body_part, mac_part = cursor.split(".")
        body = _unb64(body_part)
        mac = _unb64(mac_part)
    except ValueError:
        raise Refused("CURSOR_INVALID", {"restart": RESTART}) from None
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        raise Refused("CURSOR_INVALID", {"restart": RESTART})
    claims = json.loads(body)
    if datetime.fromtimestamp(claims["at"], now.tzinfo) < now - MAX_AGE:
        raise Refused("CURSOR_EXPIRED", {"restart": RESTART, "max_age_days": MAX_AGE.days})
    if claims["scope"] != scope:
        raise Refused("CURSOR_OTHER_SCOPE", {"restart": RESTART})
    return int(claims["n"])
