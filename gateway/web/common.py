"""What the pages share: names and times in the reader's language, the labels templates show,
and the one way a form acts on a receipt, a file or a draft (do it; say what happened or why
not; go on)."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from flask import flash, jsonify, make_response, redirect, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.clock import IST
from common.errors import OfficeError
from common.validation import whole_number
from gateway.errors import wants_json
from gateway.labels import label
from gateway.messages import message_for
from gateway.rpc import rpc

# Indian offices keep Indian time, which has no daylight saving: a fixed offset is exact.


def hindi() -> bool:
    """Whether the reader reads Hindi."""
    return str(get_locale()) == "hi"


def local_name(named: Mapping[str, Any] | None) -> str:
    """A name in the reader's language, Hindi falling back to English: a bilingual name
    (``{"en", "hi"}``) or a person's, post's or office's (``name_en``/``name_hi``)."""
    if not named:
        return ""
    in_english, in_hindi = (
        ("name_en", "name_hi") if "name_en" in named or "name_hi" in named else ("en", "hi")
    )
    return (named.get(in_hindi) if hindi() else None) or named.get(in_english) or ""


def when(moment: str | None, with_time: bool = True) -> str:
    """A stored UTC time as Indian time, day first as offices write it (a date alone stays
    that day)."""
    if not moment:
        return "—"
    try:
        if len(moment) == len("2025-01-31"):
            return date.fromisoformat(moment).strftime("%d-%m-%Y")
        local = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(IST)
    except ValueError:
        return moment
    return local.strftime("%d-%m-%Y %H:%M IST" if with_time else "%d-%m-%Y")


def on_leave_label(post: Mapping[str, Any]) -> str:
    """What to say beside a post whose holder is on sanctioned leave today ("on leave until
    …"), so work is not sent blind to someone away; nothing otherwise."""
    away = post.get("on_leave")
    if not away:
        return ""
    return _("(on leave until %(date)s)", date=when(away["to_date"]))


def template_helpers() -> dict[str, Callable[..., str]]:
    """What every template may call: labels and names in the reader's language, times."""
    return {
        "priority_label": lambda v: label("priority", v),
        "grading_label": lambda v: label("grading", v),
        "action_label": lambda v: label("action", v),
        "status_label": lambda v: label("status", v),
        "local": local_name,
        "when": when,
        "on_leave_label": on_leave_label,
    }


def saved_ahead() -> bool:
    """A page the service worker fetches in the background, to be readable if the link drops
    (``Purpose: prefetch``, sw.js): nobody has opened the item yet, so the service records no
    first open (the sender may still pull it back)."""
    return request.headers.get("Purpose") == "prefetch"


# --- forms ---------------------------------------------------------------------------------------


def version_field() -> int | None:
    """The version of the receipt or file the form was shown with (a conflict check)."""
    return whole_number(request.form.get("version", ""))


def text_field(name: str) -> str:
    return request.form.get(name, "")


def act(
    call: Callable[[], dict[str, Any]],
    back: str,
    done: Callable[[dict[str, Any]], tuple[str, str]],
    again: Callable[[], str] | None = None,
) -> Response:
    """Do it; on success flash what happened and go where ``done`` says, else back with the
    reason in the reader's language (a 404 stays a 404: nothing to learn about hidden things).
    A form whose typed words must survive a refusal gives ``again``: that page, with the form
    filled in as it was, is shown at once (a redirect would lose them).

    A form sent by script (``Accept: application/json``: offline.js, also when it sends what
    waited on the device for the link) gets data instead: ``{ok, message, location}``, or the
    refusal in the API's error envelope with its status."""
    answer_data = wants_json()
    try:
        result = call()
    except OfficeError as exc:
        if exc.status >= 500 or exc.status == 404 or answer_data:
            raise  # gateway.errors answers: the error page, or the envelope
        flash(message_for(exc.code), "error")
        if again is not None:
            return make_response(again(), exc.status)
        return redirect(back)
    message, target = done(result)
    if answer_data:
        return jsonify(ok=True, message=message, location=target)
    flash(message)
    return redirect(target)


def markable_posts(actor: dict[str, Any], except_post: str) -> list[dict[str, Any]]:
    """Posts for the send dialog, found by the words typed in its search box (``?q=``)."""
    posts: list[dict[str, Any]] = rpc().identity.markable_posts(actor, request.args.get("q", ""))[
        "items"
    ]
    return [p for p in posts if p["id"] != except_post]
