"""Coming in and going: log in (with the code of an authenticator app, for those who use
one), log out, choose the language and how to type Hindi, the one page a newly onboarded
person needs (setting a password with the activation code from their slip), and turning
two-step login on or off."""

from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.errors import OfficeError
from gateway.auth import forget, remember, session_actor
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


@pages.post("/account/typing")
def choose_typing() -> Response:
    """typing.js remembers the person's change of Hindi typing (Ctrl+Space, or its button)."""
    chosen = rpc().identity.choose_typing_mode(
        session_actor(), {"mode": request.form.get("mode", "")}
    )
    session["typing"] = chosen["mode"]
    return jsonify(chosen)


@pages.app_context_processor
def hindi_typing() -> dict[str, Any]:
    def settings() -> dict[str, Any]:
        """What typing.js needs: the mode this person chose (None before login: then the
        device's), where to save a change, and its words in the reader's language."""
        logged_in = bool(session.get("access_token"))
        return {
            "mode": session.get("typing", "off") if logged_in else None,
            "person": session.get("user_id", "") if logged_in else "",
            "save": url_for("account.choose_typing"),
            "token": url_for("offline.csrf_token"),
            "texts": {
                "modes": {
                    "off": _("Hindi typing: off"),
                    "phonetic": _("Hindi typing: phonetic"),
                    "inscript": _("Hindi typing: InScript"),
                },
                "change": _("Ctrl+Space changes how you type Hindi: off, phonetic, InScript"),
                "suggestions": _("Suggestions: arrow keys or 1–9 to choose, Esc keeps the roman"),
            },
        }

    return {"typing_settings": settings}


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
                    "otp": _code("otp"),
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


# --- two-step login: an authenticator app's code besides the password ----------------------


def _code(field: str) -> str | None:
    """A 6-digit code as typed (apps show it as "123 456"), or None when left empty."""
    return "".join(request.form.get(field, "").split()) or None


def _two_step_page(
    error: str | None = None,
    status: int = 200,
    enrolment: dict | None = None,
    confirming: bool = False,
) -> ResponseReturnValue:
    """Whether two-step login is on and the forms to change it; while setting an app up, its
    QR code and key (``enrolment``: shown in this answer only, never cached) and the code to
    confirm it with."""
    enrolled = rpc().identity.me(session_actor())["totp_enabled"]
    page = render_template(
        "two_step.html",
        enrolled=enrolled,
        enrolment=enrolment,
        confirming=confirming or enrolment is not None,
        error=error,
    )
    return page, status, {"Cache-Control": "no-store"}


def _refusal(exc: OfficeError) -> str:
    """Why a change was refused (a wrong password or code), in the reader's language."""
    if exc.status >= 500:
        raise exc
    return message_for(exc.code)


@pages.get("/account/two-step")
def two_step() -> ResponseReturnValue:
    return _two_step_page()


@pages.post("/account/two-step/begin")
def begin_two_step() -> ResponseReturnValue:
    """A new secret for the app (again, for a new phone): needs the password and, when on
    already, a current code."""
    actor = session_actor()
    change = {"password": request.form.get("password", ""), "otp": _code("otp")}
    try:
        enrolment = rpc().identity.begin_totp(actor, change)
    except OfficeError as exc:
        return _two_step_page(_refusal(exc), exc.status)
    return _two_step_page(enrolment=enrolment)


@pages.post("/account/two-step/confirm")
def confirm_two_step() -> ResponseReturnValue:
    actor = session_actor()
    try:
        rpc().identity.confirm_totp(actor, {"code": _code("code") or ""})
    except OfficeError as exc:
        return _two_step_page(_refusal(exc), exc.status, confirming=True)
    flash(_("Two-step login is on: from now on, log in with your password and your app's code."))
    return redirect(url_for("account.two_step"))


@pages.post("/account/two-step/remove")
def remove_two_step() -> ResponseReturnValue:
    actor = session_actor()
    change = {"password": request.form.get("password", ""), "otp": _code("otp")}
    try:
        rpc().identity.remove_totp(actor, change)
    except OfficeError as exc:
        return _two_step_page(_refusal(exc), exc.status)
    flash(_("Two-step login is off: you log in with your password alone."))
    return redirect(url_for("account.two_step"))
