"""Reports for supervisors and HQ."""

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller
from gateway.openapi import documented
from gateway.rpc import rpc
from services.reports.schemas import Pendency


@api.get("/reports/pendency")
@documented(
    "Items pending per post in an office and below",
    response=Pendency,
    query={
        "office": "office id (default: yours; others need HQ viewer or admin, and count only "
        "what waits within that grant's scope)"
    },
    errors=(403,),
)
def pendency() -> Response:
    return jsonify(rpc().reports.pendency(caller(), request.args.get("office") or None))
