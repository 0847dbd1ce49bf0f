"""The gateway: the only public door. Verifies who is calling, passes an explicit actor to the
services, speaks the API's error envelope, and serves the web UI."""

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect

from common.config import data_dir, private_directory
from common.logs import configure as configure_logs
from gateway import (
    desk_pages,  # noqa: F401 (adds the desk's screens to pages)
    draft_pages,  # noqa: F401 (adds drafts, signing, dispatch and verification to pages)
    errors,
)
from gateway.api import api
from gateway.auth import DisabledUsers, PublicKeys
from gateway.i18n import current_language
from gateway.meta import meta
from gateway.pages import pages
from gateway.rpc import LONG_CALL_SECONDS, Rpc
from gateway.staff_pages import staff_pages

# A 20 MB PDF plus the form around it.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024 + 256 * 1024


def _secret_key() -> str:
    """From EOFFICE_SECRET_KEY, else one made on first start and kept beside the data, so
    sessions survive restarts and every worker agrees."""
    if os.environ.get("EOFFICE_SECRET_KEY"):
        return os.environ["EOFFICE_SECRET_KEY"]
    path = private_directory(private_directory(data_dir()) / "gateway") / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return Path(path).read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    configure_logs()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=_secret_key(),
        AMQP_URI=os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"),
        RPC_TIMEOUT=float(os.environ.get("EOFFICE_RPC_TIMEOUT", "15")),
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("EOFFICE_SECURE_COOKIES", "0") == "1",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        JSON_AS_ASCII=False,
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False  # Hindi stays readable in responses

    app.extensions["rpc"] = Rpc(app.config["AMQP_URI"], app.config["RPC_TIMEOUT"])
    app.extensions["long_rpc"] = Rpc(app.config["AMQP_URI"], LONG_CALL_SECONDS)
    app.extensions["public_keys"] = PublicKeys()
    app.extensions["disabled_users"] = DisabledUsers()
    Babel(app, locale_selector=current_language)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf = CSRFProtect(app)
    csrf.exempt(api)  # bearer tokens, not cookies: no cross-site forgery to defend against
    csrf.exempt(meta)

    app.register_blueprint(meta)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(staff_pages)
    errors.register(app)
    return app
