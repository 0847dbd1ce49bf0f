"""Errors that cross the bus.

A service raises one of these with a stable ``code`` (``RECEIPT_NOT_FOUND``) and JSON-safe
``details``; Nameko carries it to the gateway, which turns it back into the same class
(``deserialize_to_instance``) and, in exactly one place, into an HTTP status and a message in
the caller's language. Services never phrase messages for people: the gateway does.
"""

import json
from typing import Any

from nameko.exceptions import deserialize_to_instance


class OfficeError(Exception):
    """An error with a stable ``code`` and JSON-safe ``details``, answered with ``status``."""

    status = 500

    def __init__(self, code: str, details: dict[str, Any] | str | None = None) -> None:
        # Nameko turns non-string arguments into their str() on the way across the bus (3
        # would arrive as "3"), so the details travel as JSON text and are decoded on arrival.
        decoded = json.loads(details) if isinstance(details, str) else details
        self.code = code
        self.details: dict[str, Any] = decoded or {}
        super().__init__(code, json.dumps(self.details, ensure_ascii=False))

    def __str__(self) -> str:
        return self.code


@deserialize_to_instance
class InvalidInput(OfficeError):
    """The request itself is malformed: wrong fields, wrong types, not a PDF."""

    status = 400


@deserialize_to_instance
class Unauthenticated(OfficeError):
    """No identity, or one that cannot be believed (bad password, expired or forged token)."""

    status = 401


@deserialize_to_instance
class Forbidden(OfficeError):
    """We know who you are and what this is; it is not yours to do."""

    status = 403


@deserialize_to_instance
class NotFound(OfficeError):
    """No such thing, or not yours to know about (so the two cannot be told apart)."""

    status = 404


@deserialize_to_instance
class Conflict(OfficeError):
    """Someone changed it first, or the thing is not in a state that allows this."""

    status = 409


@deserialize_to_instance
class TooLarge(OfficeError):
    status = 413


@deserialize_to_instance
class UnsupportedMedia(OfficeError):
    status = 415


@deserialize_to_instance
class Refused(OfficeError):
    """Well-formed, but a rule of the office says no."""

    status = 422


@deserialize_to_instance
class Unavailable(OfficeError):
    """Not answered now: the caller stopped waiting, or the office is busy."""

    status = 503
