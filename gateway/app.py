"""The gateway: the only public door. Verifies who is calling, passes an explicit actor to the
services, speaks the API's error envelope, and serves the web UI."""

import os
import secrets
import time
from pathlib import Path
from typing import Any, cast

import structlog
from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from common import logs
from common.config import data_dir, kept_once, private_directory
from common.metrics import HTTP_REQUESTS, HTTP_SECONDS
from common.profile import refuse_unsafe_start
from gateway import errors
from gateway.api import api
from gateway.auth import verifier
from gateway.i18n import current_language
from gateway.limits import limiter, limits_from_environment
from gateway.meta import meta
from gateway.rpc import LONG_CALL_SECONDS, Rpc
from gateway.web import (
    account,
    desk,
    drafts,
    files,
    filing,
    leave,
    leave_signing,
    notices,
    offline,
    receipts,
    records,
    registers,
    reports,
    search,
    signing,
    staff,
    verify,
)
from gateway.web.common import template_helpers

# A 20 MB PDF plus the form around it.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024 + 256 * 1024

# Our pages run only our own files: no inline script or style, no plug-ins, forms post only
# here, and no other site may frame them (clickjacking).
PAGE_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Anything that is not one of our pages (a stored PDF someone uploaded, JSON, a download) is
# opened sandboxed: no script, no same-origin powers. Only our receipt page may frame it.
DOCUMENT_POLICY = "sandbox; default-src 'none'; frame-ancestors 'self'"
HSTS = "max-age=31536000"
REQUEST_ID_HEADER = "X-Request-Id"

log = structlog.get_logger()


def _secret_key() -> str:
    """From EOFFICE_SECRET_KEY, else one made on first start and kept beside the data, so
    sessions survive restarts and every worker agrees."""
    if os.environ.get("EOFFICE_SECRET_KEY"):
        return os.environ["EOFFICE_SECRET_KEY"]
    path = private_directory(private_directory(data_dir()) / "gateway") / "secret_key"
    return kept_once(path, lambda: secrets.token_urlsafe(48).encode()).decode().strip()


def _secure_cookies(public_url: str) -> bool:
    """Cookies only over TLS when the office is reached over https (EOFFICE_SECURE_COOKIES, 1
    or 0, decides instead when set)."""
    chosen = os.environ.get("EOFFICE_SECURE_COOKIES", "").strip()
    if chosen in ("0", "1"):
        return chosen == "1"
    return public_url.startswith("https://")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The gateway, configured from the environment and then from ``config`` (tests)."""
    logs.configure(handler=True)
    refuse_unsafe_start({}, os.environ, "gateway")  # before any key is made or port served
    app = Flask(__name__)
    public_url = os.environ.get("EOFFICE_PUBLIC_URL", "").strip()
    app.config.update(
        SECRET_KEY=_secret_key(),
        AMQP_URI=os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"),
        RPC_TIMEOUT=float(os.environ.get("EOFFICE_RPC_TIMEOUT", "15")),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_secure_cookies(public_url),
        HSTS=public_url.startswith("https://"),
        PROXY_FIX=int(os.environ.get("EOFFICE_PROXY_FIX", "0")),
        RATE_LIMITS=limits_from_environment(),
        RATELIMIT_STORAGE_URI=os.environ.get("EOFFICE_RATE_LIMIT_STORAGE", "memory://"),
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    cast(DefaultJSONProvider, app.json).ensure_ascii = False  # Hindi stays readable
    if app.config["PROXY_FIX"]:
        # Behind N proxies (an ingress): the client's address and scheme from their headers.
        hops = app.config["PROXY_FIX"]
        # Flask's documented way to wrap its WSGI app; its stubs call the attribute a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    app.extensions["rpc"] = Rpc(app.config["AMQP_URI"], app.config["RPC_TIMEOUT"])
    app.extensions["long_rpc"] = Rpc(app.config["AMQP_URI"], LONG_CALL_SECONDS)
    app.extensions["verifier"] = verifier()
    Babel(app, locale_selector=current_language)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf = CSRFProtect(app)
    csrf.exempt(api)  # bearer tokens, not cookies: no cross-site forgery to defend against
    csrf.exempt(meta)
    limiter.init_app(app)

    app.register_blueprint(meta)
    app.register_blueprint(api)
    app.context_processor(template_helpers)
    for area in (
        account,
        desk,
        notices,
        receipts,
        files,
        filing,
        drafts,
        signing,
        leave,
        leave_signing,
        verify,
        staff,
        reports,
        search,
        records,
        registers,
        offline,
    ):
        app.register_blueprint(area.pages)
    errors.register(app)
    app.before_request(_take_request_id)
    app.after_request(_security_headers)
    app.after_request(_observe)
    app.teardown_request(_drop_request_id)
    return app


def _take_request_id() -> None:
    """The client's request id if it is one we pass on, else a new one: every log line, RPC
    and event of this request carries it (common.logs), and the answer names it."""
    g.request_id = (
        logs.valid_request_id(request.headers.get(REQUEST_ID_HEADER)) or logs.new_request_id()
    )
    g.started = time.perf_counter()
    logs.bind_request_id(g.request_id)


def _observe(response: Response) -> Response:
    """Count and time the request by its route (the rule, not the path: a bounded set), and log
    it, with its request id."""
    started = g.get("started")
    route = request.url_rule.rule if request.url_rule else "unmatched"
    HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    if started is not None:
        seconds = time.perf_counter() - started
        HTTP_SECONDS.labels(route, request.method).observe(seconds)
        log.info(
            "http.request",
            method=request.method,
            route=route,
            status=response.status_code,
            ms=round(seconds * 1000, 1),
        )
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _drop_request_id(exc: BaseException | None) -> None:
    logs.bind_request_id(None)


# A service worker runs under its own script's policy: our scripts take the pages' one (a
# document's sandbox would forbid the worker every fetch).
OUR_OWN = ("text/html", "application/javascript", "text/javascript")


def _security_headers(response: Response) -> Response:
    page = response.mimetype in OUR_OWN
    response.headers["Content-Security-Policy"] = PAGE_POLICY if page else DOCUMENT_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if current_app.config["HSTS"]:
        response.headers["Strict-Transport-Security"] = HSTS
    return response
