"""Notices on the screens: all of mine a page at a time, each phrased in the reader's language
with how it went out by email and SMS; my choices of what reaches me by email or SMS; the
unread count in every page's header; how an issued letter's emails went (on the file and the
dispatch register). For the state e-Office team (admins): the dead-letter list with a Replay
button per row, and a circular to every post under an office."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from nameko.exceptions import RpcTimeout
from werkzeug.wrappers import Response

from common.errors import OfficeError
from gateway.api.common import page_limit
from gateway.auth import session_actor
from gateway.messages import message_for
from gateway.rpc import rpc
from gateway.web.common import act, when
from services.notify.domain.notices import KINDS

pages = Blueprint("notices", __name__)
admin = Blueprint("admin", __name__, url_prefix="/admin")

# How each kind of notice is named where a person chooses what reaches them (and on the
# dead-letter list, with the two kinds of mail that are not notices).
KIND_LABELS = {
    "receipt_received": _l("A receipt reaches my desk"),
    "file_received": _l("A file reaches my desk"),
    "draft_for_approval": _l("A file comes with a draft for my approval"),
    "file_sent_back": _l("A file is sent back to me"),
    "file_pulled_back": _l("A file is pulled back from my desk"),
    "due_soon": _l("A due date is near"),
    "past_due": _l("A due date has passed"),
    "overdue_warning": _l("An item has been at my desk five working days"),
    "explanation_required": _l("An explanation is required for a delay"),
    "escalated_to_you": _l("An item is escalated to me"),
    "draft_approved": _l("My draft is approved"),
    "draft_issued": _l("My draft is issued"),
    "dispatch_failed": _l("A letter could not be emailed"),
    "circular": _l("A circular"),
    "document_signed": _l("My digital signature is applied"),
    "delegation_started": _l("I am given charge of another post"),
    "delegation_ending": _l("My charge of another post is ending"),
    "delegation_ended": _l("A delegation has ended"),
    "dsc_expiring": _l("My DSC is expiring"),
    "dsc_expired": _l("My DSC has expired"),
    "vpn_issued": _l("A VPN account is issued to me"),
    "vpn_revoked": _l("My VPN account is revoked"),
    "account_disabled": _l("My account is disabled"),
    "leave_to_act_on": _l("A leave application waits for my decision"),
    "leave_cancelled": _l("A leave application I held or sanctioned is cancelled"),
    "leave_recommended": _l("My leave application is recommended"),
    "leave_returned": _l("My leave application is returned for correction"),
    "leave_rejected": _l("My leave application is rejected"),
    "leave_sanctioned": _l("My leave is sanctioned"),
    "letter_dispatch": _l("An issued letter sent by email"),
    "digest": _l("The daily digest"),
}
# The kinds of leave, as notices and the leave report name them.
LEAVE_KINDS = {
    "casual": _l("Casual leave"),
    "earned": _l("Earned leave"),
    "medical": _l("Medical leave"),
    "restricted": _l("Restricted holiday"),
    "compensatory": _l("Compensatory leave"),
    "station": _l("Station leave"),
}
CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("SMS")}
DELIVERY_STATES = {
    "pending": _l("waiting to be sent"),
    "sending": _l("being sent"),
    "sent": _l("sent"),
    "failed": _l("not sent yet, will try again"),
    "dead": _l("could not be sent"),
    "unknown": _l("not known"),
}
# Why an email or SMS did not go, for the reasons a person can act on; the SMTP and SMS
# gateway's own reasons are told by family (the code is shown beside it).
REASONS = {
    "NO_ADDRESS": _l("there is no address to send it to"),
    "INVALID_EMAIL": _l("the email address is not valid"),
    "INVALID_MOBILE": _l("the mobile number is not valid"),
    "SMS_NOT_CONFIGURED": _l("this office cannot send SMS"),
    "TEMPLATE_FIELD_MISSING": _l("the message could not be written"),
    "INTERRUPTED_WHILE_SENDING": _l(
        "it was cut off while being sent: check it did not arrive before sending it again"
    ),
    "RECIPIENT_REFUSED": _l("the mail server refused the address"),
    "SOME_RECIPIENTS_REFUSED": _l("the mail server refused some of the addresses"),
}
MAIL_SERVER_TROUBLE = _l("the mail server could not be reached or refused it")
SMS_GATEWAY_TROUBLE = _l("the SMS gateway could not be reached or refused it")
# The letters of one dispatch register page whose emails are looked up (one call each).
DISPATCH_LOOKUPS = 50
# Form fields a refusal of the preferences may name, as the form labels them.
PREFERENCE_FIELDS = {
    "email": _l("Email address"),
    "mobile": _l("Mobile number"),
    "language": _l("Language of emails and SMS"),
    "quiet_hours": _l("Quiet hours"),
    "channels": _l("What reaches me"),
}


def reason_text(code: str | None) -> str:
    """Why an email or SMS did not go, in the reader's language."""
    if not code:
        return ""
    if code in REASONS:
        return str(REASONS[code])
    if code.startswith("SMTP_") or code in ("SENDER_REFUSED", "MESSAGE_REFUSED"):
        return str(MAIL_SERVER_TROUBLE)
    if code.startswith("SMS_"):
        return str(SMS_GATEWAY_TROUBLE)
    return code


def on_day(moment: str | None) -> str:
    """A date (``2026-12-10``) or a moment, as a day the way offices write it."""
    if moment and len(moment) == 10 and moment[4] == "-" and moment[7] == "-":
        return f"{moment[8:10]}-{moment[5:7]}-{moment[:4]}"
    return when(moment, with_time=False)


def courtesy(call: Callable[[], Any], default: Any) -> Any:
    """What a page shows besides its own content (the unread count, how a letter's emails
    went): never worth failing the page for. A timed-out call's late answer must not be read
    as the next call's, so the thread's RPC client is dropped then."""
    try:
        return call()
    except RpcTimeout:
        rpc().reset()
    except (ConnectionError, OSError):
        rpc().reset()
    except Exception:  # notify refused or away: the page goes on without it
        pass
    return default


def email_deliveries(issue_number: str, to: list[str]) -> list[dict[str, Any]]:
    """How the emails of a letter dispatched to ``to`` went: for the desk that dispatched it
    and its admins (anyone else: none). Asked once per letter and page, for at most
    ``DISPATCH_LOOKUPS`` letters."""
    known: dict[str, list[dict[str, Any]]] = g.setdefault("dispatch_deliveries", {})
    if issue_number not in known:
        if len(known) >= DISPATCH_LOOKUPS or not session.get("access_token"):
            return []
        known[issue_number] = courtesy(
            lambda: rpc().notify.dispatch_deliveries(session_actor(), issue_number)["items"], []
        )
    addressed = ", ".join(to)
    return [d for d in known[issue_number] if d["to"] == addressed]


@pages.app_context_processor
def notice_helpers() -> dict[str, Callable[..., Any]]:
    """What every template may call: the unread count in the header (None: not logged in, or
    notify away), labels of notices and deliveries, and how a letter's emails went."""

    def unread_notices() -> int | None:
        if not session.get("access_token"):
            return None
        return courtesy(lambda: int(rpc().notify.unread(session_actor())), None)

    def shows_admin_menu() -> bool:
        actor = getattr(g, "actor", None)
        return actor is not None and actor.has_role("admin")

    return {
        "unread_notices": unread_notices,
        "shows_admin_menu": shows_admin_menu,
        "kind_of_notice": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "leave_kind": lambda kind: str(LEAVE_KINDS.get(kind, kind)),
        "channel_label": lambda channel: str(CHANNEL_LABELS.get(channel, channel)),
        "delivery_state": lambda status: str(DELIVERY_STATES.get(status, status)),
        "reason_text": reason_text,
        "on_day": on_day,
        "email_deliveries": email_deliveries,
    }


# --- my notices -------------------------------------------------------------------------------


@pages.get("/notices")
def notices() -> str:
    """All my notices, newest first, a page at a time (``?limit=``, 50 unless said)."""
    actor = session_actor()
    cursor = request.args.get("cursor")
    limit = page_limit()
    found = rpc().notify.notices(actor, limit, cursor)
    return render_template("notices.html", notices=found, cursor=cursor, limit=limit)


@pages.post("/notices/read")
def read_all_notices() -> Response:
    rpc().notify.mark_all_read(session_actor())
    if request.form.get("back") == "notices":
        return redirect(url_for("notices.notices"))
    return redirect(url_for("desk.inbox"))


# --- what reaches me by email or SMS ----------------------------------------------------------


def _typed() -> dict[str, Any]:
    """The preferences form as it was filled in (shown again as typed when refused)."""
    form = request.form
    chosen: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for pair in form.getlist("channel"):
        kind, _sep, channel = pair.partition(":")
        if kind in chosen and channel and channel not in chosen[kind]:
            chosen[kind].append(channel)
    start, end = form.get("quiet_start", "").strip(), form.get("quiet_end", "").strip()
    return {
        "email": form.get("email", "").strip(),
        "mobile": form.get("mobile", "").strip(),
        "language": form.get("language", "hi"),
        "quiet_hours": {"start": start, "end": end} if start or end else None,
        "digest": form.get("digest") == "1",
        "channels": chosen,
    }


def _refusal(exc: OfficeError) -> str:
    """The message for a refused choice, naming the fields the service found wrong."""
    if exc.status >= 500 or exc.status == 401:
        raise exc
    fields = [
        str(PREFERENCE_FIELDS.get(f.get("field", "").split(".")[0], f.get("field")))
        for f in (exc.details or {}).get("fields", [])
    ]
    message = message_for(exc.code)
    return f"{message} ({', '.join(dict.fromkeys(fields))})" if fields else message


def _preferences_page(
    prefs: dict[str, Any], shown: dict[str, Any], error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "notice_preferences.html",
            prefs=prefs,
            kinds=shown["kinds"],
            available=shown["available_channels"],
            error=error,
        ),
        status,
    )


@pages.get("/notices/preferences")
def preferences() -> ResponseReturnValue:
    shown = rpc().notify.preferences(session_actor())
    return _preferences_page(shown, shown)


@pages.post("/notices/preferences")
def save_preferences() -> ResponseReturnValue:
    actor = session_actor()
    typed = _typed()
    quiet = typed["quiet_hours"]
    try:
        if quiet and not (quiet["start"] and quiet["end"]):
            error = _("Give both the start and the end of the quiet hours, or neither.")
            return _preferences_page(typed, rpc().notify.preferences(actor), error, 400)
        wanted = {**typed, "email": typed["email"] or None, "mobile": typed["mobile"] or None}
        rpc().notify.set_preferences(actor, wanted)
    except OfficeError as exc:
        error = _refusal(exc)
        return _preferences_page(typed, rpc().notify.preferences(actor), error, exc.status)
    flash(_("Your choices are saved."))
    return redirect(url_for("notices.preferences"))


# --- the state e-Office team --------------------------------------------------------------------


@admin.before_request
def only_admins() -> ResponseReturnValue | None:
    """The dead-letter list and circulars are the state e-Office team's; anyone else is told
    so plainly. (Notify and identity check each call again, office by office.)"""
    session_actor()
    if not g.actor.has_role("admin"):
        error = {"message": _("Only the state e-Office team can open this page.")}
        return render_template("error.html", error=error, status=403), 403
    return None


@admin.get("/deliveries")
def dead_letters() -> str:
    actor = session_actor()
    cursor = request.args.get("cursor")
    found = rpc().notify.dead_letters(actor, page_limit(), cursor)
    return render_template("dead_letters.html", deliveries=found, cursor=cursor)


@admin.post("/deliveries/<delivery_id>/replay")
def replay(delivery_id: str) -> Response:
    actor = session_actor()
    back = url_for("notices.admin.dead_letters")

    def done(delivery: dict[str, Any]) -> tuple[str, str]:
        to = delivery["to"] or "—"
        return _("Sent again to %(to)s: it will be tried in a moment.", to=to), back

    return act(lambda: rpc().notify.replay(actor, delivery_id), back, done)


def _circular_page(form: dict[str, str], error: str | None = None, status: int = 200) -> Any:
    offices = courtesy(lambda: rpc().identity.offices_under(session_actor())["items"], [])
    if not form.get("office_code") and offices:
        form = {**form, "office_code": offices[0]["code"]}  # the admin's own office
    page = render_template("circular.html", form=form, offices=offices, error=error)
    return page, status


@admin.get("/circulars")
def circulars() -> ResponseReturnValue:
    return _circular_page({})


@admin.post("/circulars")
def circulate() -> ResponseReturnValue:
    actor = session_actor()
    form = {f: request.form.get(f, "").strip() for f in ("office_code", "title", "text")}
    try:
        sent = rpc().notify.circulate(actor, form)
    except OfficeError as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        return _circular_page(form, message_for(exc.code), exc.status)
    flash(_("The circular was sent. Posts it reached: %(posts)s.", posts=sent["posts"]))
    return redirect(url_for("notices.admin.circulars"))


pages.register_blueprint(admin)
