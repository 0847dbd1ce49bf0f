"""What the API views share: the RPC handle, the caller, JSON bodies."""

from flask import request

from common.errors import InvalidInput, UnsupportedMedia
from common.validation import whole_number
from gateway.auth import bearer_actor


def caller() -> dict:
    return bearer_actor()


def json_body() -> dict:
    if not request.is_json:
        raise UnsupportedMedia("UNSUPPORTED_MEDIA_TYPE")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("BODY_NOT_AN_OBJECT")
    return body


def versioned_body(optional: bool = False) -> dict:
    """The JSON body, with ``version`` taken from an ``If-Match`` header when the body has none
    (API.md: a change sends back the version it saw). ``optional``: an empty body is fine."""
    body = json_body() if (request.content_length or not optional) else {}
    seen = whole_number(request.headers.get("If-Match", "").strip('"'))
    if "version" not in body and seen is not None:
        body["version"] = seen
    return body


def page_limit(most: int = 200, refusal: str = "BAD_LIMIT") -> int:
    """The ``limit`` asked for: a page of 1 to ``most`` items (50 unless said)."""
    raw = request.args.get("limit", "50")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= most):
        raise InvalidInput(refusal)
    return int(raw)
