"""The public REST API, /api/v1 (see ../shared/API.md and GET /api/v1/openapi.json)."""

from flask import Blueprint, Response, request

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.after_request
def _cheap_to_refresh(response: Response) -> Response:
    """Every JSON read carries an ETag of its content: a phone that sends it back in
    ``If-None-Match`` gets ``304 Not Modified`` and no body when nothing changed."""
    if request.method == "GET" and response.status_code == 200 and response.is_json:
        response.add_etag()
        response.headers.setdefault("Cache-Control", "private, no-cache")
        response.make_conditional(request)
    return response


from gateway.api import (  # noqa: E402,F401  (routes register on import)
    auth,
    desk,
    drafts,
    efiles,
    holidays,
    leave,
    leave_office,
    leave_sheets,
    notices,
    pendency,
    people,
    receipts,
    records,
    reports,
)
