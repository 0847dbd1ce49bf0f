"""Coming in and going: log in, log out, choose the language, and the one page a newly
onboarded person needs, setting a password with the activation code from their slip."""

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.errors import OfficeError
from gateway.auth import forget, remember
from gateway.i18n import LANGUAGES
from gateway.limits import activation_login, limited, login_name
from gateway.messages import message_for
from gateway.rpc import rpc

pages = Blueprint("account", __name__)

MIN_PASSWORD = 8


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this site after login."""
    if (
        target
        and urlparse(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("desk.inbox")


@pages.get("/lang/<code>")
def choose_language(code: str) -> Response:
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


@pages.route("/login", methods=["GET", "POST"])
@limited("login", login_name, methods=["POST"])
def login() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        try:
            tokens = rpc().identity.login(
                {
                    "username": request.form.get("username", ""),
                    "password": request.form.get("password", ""),
                }
            )
        except OfficeError as exc:
            error = message_for(exc.code if exc.status in (400, 401) else "INTERNAL")
        else:
            forget()
            remember(tokens)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", error=error), 401 if error else 200


@pages.post("/logout")
def logout() -> Response:
    if session.get("refresh_token"):
        rpc().identity.logout({"refresh_token": session["refresh_token"]})
    forget()
    return redirect(url_for("account.login"))


@pages.route("/activate", methods=["GET", "POST"])
@limited("activation", activation_login, methods=["POST"])
def activate() -> ResponseReturnValue:
    """A newly onboarded person sets a password with the code from their slip."""
    error = None
    if request.method == "POST":
        login = request.form.get("login", "").strip()
        code = request.form.get("code", "").strip()
        password = request.form.get("password", "")
        if len(password) < MIN_PASSWORD:
            error = _("The password must have at least %(n)s characters.", n=MIN_PASSWORD)
        elif password != request.form.get("password_again", ""):
            error = _("The two passwords are not the same.")
        else:
            try:
                rpc().identity.activate({"login": login, "code": code, "password": password})
            except OfficeError as exc:
                if exc.status >= 500:
                    raise
                error = message_for("ACTIVATION_INVALID" if exc.status in (400, 401) else exc.code)
            else:
                flash(_("Your password is set. Log in with your login and the new password."))
                return redirect(url_for("account.login"))
    return render_template("staff/activate.html", error=error), 400 if error else 200
