"""What the API views share: the RPC handle, the caller, JSON bodies."""

from flask import request

from common.errors import InvalidInput, UnsupportedMedia
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


def page_limit() -> int:
    raw = request.args.get("limit", "50")
    if not raw.isdigit():
        raise InvalidInput("BAD_LIMIT")
    return int(raw)
