"""The one place where failures become HTTP: status from the error's class, the API's error
envelope, the message in the caller's language. Views never build error bodies."""

from typing import Any

import structlog
from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from nameko.exceptions import RemoteError, RpcTimeout
from werkzeug.exceptions import HTTPException

from common.errors import OfficeError
from gateway.auth import forget
from gateway.limits import retry_after
from gateway.messages import message_for

log = structlog.get_logger()

_HTTP_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


def wants_json() -> bool:
    """A page's form sent by script (offline.js: sent when the link returns) asks for data,
    not a page: the answer, or a refusal in the API's envelope."""
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def _wants_page() -> bool:
    api = request.path.startswith(("/api/", "/readyz")) or request.path == "/healthz"
    return not (api or wants_json())


def error_response(
    status: int, code: str, details: dict[str, Any] | None = None
) -> tuple[str | Response, int]:
    """The error envelope as JSON on the API, as the error page on the pages."""
    body = {"error": {"code": code, "message": message_for(code), "details": details or {}}}
    if _wants_page():
        return render_template("error.html", error=body["error"], status=status), status
    return jsonify(body), status


def register(app: Flask) -> None:
    """Every failure's handler, on ``app``."""

    @app.errorhandler(OfficeError)
    def office_error(exc: OfficeError) -> ResponseReturnValue:
        if exc.status == 401 and _wants_page():
            forget()
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("account.login", next=target))
        return error_response(exc.status, exc.code, exc.details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return error_response(400, "CSRF_FAILED")

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(exc: RateLimitExceeded) -> ResponseReturnValue:
        seconds = retry_after()
        body, status = error_response(429, "RATE_LIMITED", {"retry_after_seconds": seconds})
        log.info("request.rate_limited", path=request.path, limit=str(exc.limit.limit))
        return body, status, {"Retry-After": str(seconds)}

    @app.errorhandler(RpcTimeout)
    def rpc_timeout(exc: RpcTimeout) -> ResponseReturnValue:
        app.extensions["rpc"].reset()
        log.warning("rpc.timeout", path=request.path)
        return error_response(503, "SERVICE_UNAVAILABLE")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        body, status = error_response(exc.code or 500, _HTTP_CODES.get(exc.code or 500, "INTERNAL"))
        # a 405 says which methods the address does take (RFC 9110: the Allow header)
        allow = dict(exc.get_headers()).get("Allow")
        return body, status, {"Allow": allow} if allow else {}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        if isinstance(exc, (ConnectionError, OSError)):
            app.extensions["rpc"].reset()
        log.exception(
            "request.failed",
            path=request.path,
            error=repr(exc)[:300],
            remote=isinstance(exc, RemoteError),
        )
        return error_response(500, "INTERNAL")
