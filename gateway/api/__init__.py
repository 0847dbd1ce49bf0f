"""The public REST API, /api/v1 (see ../shared/API.md and GET /api/v1/openapi.json)."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

from gateway.api import (  # noqa: E402,F401  (routes register on import)
    auth,
    desk,
    drafts,
    efiles,
    holidays,
    notices,
    pendency,
    people,
    receipts,
    reports,
)
