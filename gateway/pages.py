"""The web UI: server-rendered pages that work on a slow police-station link (no script
needed). It calls the same services as the API, as the person in the session cookie."""

from urllib.parse import urlparse

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from common.errors import OfficeError
from gateway.api.receipts import form_fields, pdf_response, uploaded_pdf_b64
from gateway.auth import forget, remember, session_actor
from gateway.i18n import LANGUAGES
from gateway.limits import limited, login_name, pdf_attached, person_calling
from gateway.messages import label, message_for
from gateway.rpc import long_rpc, rpc

pages = Blueprint("pages", __name__)


@pages.app_context_processor
def labels():
    return {
        "priority_label": lambda v: label("priority", v),
        "grading_label": lambda v: label("grading", v),
        "action_label": lambda v: label("action", v),
        "status_label": lambda v: label("status", v),
        "local": local_name,
    }


def local_name(names: dict | None) -> str:
    """A bilingual name ({"en", "hi"}) in the reader's language."""
    if not names:
        return ""
    return names.get(str(get_locale())) or names["en"]


def _safe_next(target: str | None) -> str:
    """Only ever redirect within this site after login."""
    if (
        target
        and urlparse(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("pages.inbox")


@pages.get("/")
def home():
    return redirect(url_for("pages.inbox"))


@pages.get("/lang/<code>")
def choose_language(code):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


@pages.route("/login", methods=["GET", "POST"])
@limited("login", login_name, methods=["POST"])
def login():
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
def logout():
    if session.get("refresh_token"):
        rpc().identity.logout({"refresh_token": session["refresh_token"]})
    forget()
    return redirect(url_for("pages.login"))


@pages.get("/inbox")
def inbox():
    actor = session_actor()
    items = rpc().files.inbox(actor, 200)["items"]
    notices = rpc().notify.notices(actor, 20)
    return render_template("inbox.html", items=items, notices=notices)


@pages.route("/receipts/new", methods=["GET", "POST"])
@limited("upload", person_calling, methods=["POST"], when=pdf_attached)
def diarise():
    actor = session_actor()
    error, details = None, {}
    if request.method == "POST":
        fields = {k: v for k, v in form_fields().items() if k != "csrf_token"}
        try:
            receipt = rpc().files.diarise(actor, fields, uploaded_pdf_b64())
        except OfficeError as exc:
            if exc.status >= 500:
                raise
            error, details = message_for(exc.code), exc.details
        else:
            flash(_("Diarised as %(number)s.", number=receipt["number"]))
            return redirect(url_for("pages.receipt", receipt_id=receipt["id"]))
    bad_fields = {f["field"] for f in details.get("fields", [])}
    return render_template("diarise.html", error=error, bad_fields=bad_fields, form=request.form), (
        400 if error else 200
    )


@pages.get("/files/<file_id>/notesheet.pdf")
def note_sheet(file_id):
    content = long_rpc().files.note_sheet(session_actor(), file_id, str(get_locale()))
    return pdf_response(content, f"notesheet-{file_id[:8]}")


@pages.get("/documents/<sha256>")
def document(sha256):
    return pdf_response(rpc().files.document(session_actor(), sha256), sha256)
