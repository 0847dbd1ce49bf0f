"""What the staff screens share: who may open them, the labels they show, and a refusal told
as a message in the reader's language."""

from collections.abc import Callable
from typing import Any

from flask import g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from common.actor import Actor
from common.errors import OfficeError
from gateway.auth import session_actor
from gateway.messages import message_for
from gateway.web.common import hindi
from services.identity.schemas import COLUMNS

SETUP_ROLES = ("nodal_officer", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROLE_LABELS = {
    "dealing_hand": _l("Dealing hand"),
    "diarist": _l("Diarist (CRU)"),
    "officer": _l("Officer"),
    "nodal_officer": _l("Nodal officer"),
    "admin": _l("State e-Office team"),
    "hq_viewer": _l("HQ viewer"),
}
ROW_ACTIONS = {
    "create": _l("Create"),
    "update": _l("Update"),
    "unchanged": _l("Unchanged"),
    "reject": _l("Rejected"),
}
CHARGES = {"regular": _l("Regular"), "additional": _l("Additional charge")}
DELEGATION_STATES = {
    "live": _l("In force"),
    "upcoming": _l("Upcoming"),
    "over": _l("Over"),
    "ended": _l("Ended early"),
}
# What a reason's details say, for the few details a person can act on.
REASON_DETAILS = {
    "rows": _l("also in rows %(value)s"),
    "employee_codes": _l("held by employee code %(value)s"),
    "roles": _l("unknown: %(value)s"),
    "domain": _l("domain %(value)s"),
    "max": _l("at most %(value)s"),
    "first_row": _l("row %(value)s"),
}
# Form fields a refusal may name, as the forms label them.
FORM_FIELDS = {
    "office_code": _l("Office"),
    "abbreviation": _l("Marking abbreviation"),
    "name_en": _l("Name in English"),
    "name_hi": _l("Name in Hindi"),
    "reports_to": _l("Reports to"),
    "user_id": _l("Person"),
    "to_user_id": _l("Person"),
    "charge": _l("Charge"),
    "starts": _l("From (Indian time)"),
    "ends": _l("Until (Indian time)"),
    "reason": _l("Reason"),
}


def column_label(field: str) -> str:
    """A sheet field as the template's column heading says it, in the reader's language."""
    for column in COLUMNS:
        if column.field == field:
            return column.hi if hindi() else column.en
    return field


def shown(value: Any) -> str:
    """A stored sheet value as a person reads it: lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def reason_text(reason: dict[str, Any]) -> str:
    """One reason a row is rejected: the field, what is wrong, and any detail that helps."""
    text = message_for(reason["code"])
    extra = [
        str(REASON_DETAILS[key]) % {"value": shown(value)}
        for key, value in (reason.get("details") or {}).items()
        if key in REASON_DETAILS
    ]
    return f"{text} ({'; '.join(extra)})" if extra else text


def may_set_up(actor: Actor) -> bool:
    """Nodal officers and the state team set offices up."""
    return any(role in SETUP_ROLES for role in actor.roles)


def staff_helpers() -> dict[str, Callable[..., str]]:
    """What the staff templates call besides the helpers every template has."""
    return {
        "column_label": column_label,
        "shown": shown,
        "reason_text": reason_text,
        "role_label": lambda role: str(ROLE_LABELS.get(role, role)),
        "row_action": lambda action: str(ROW_ACTIONS.get(action, action)),
        "charge_label": lambda charge: str(CHARGES.get(charge, charge or "")),
        "state_label": lambda state: str(DELEGATION_STATES[state]),
    }


def staff_menu() -> dict[str, Callable[[], bool]]:
    """Whether the menu offers the setup screens: only to nodal officers and the state team."""

    def shows_staff_menu() -> bool:
        if "staff_menu" not in g:
            actor = getattr(g, "actor", None)
            g.staff_menu = actor is not None and may_set_up(actor)
        return bool(g.staff_menu)

    return {"shows_staff_menu": shows_staff_menu}


def only_those_who_set_up() -> ResponseReturnValue | None:
    """Every staff screen is for nodal officers and the state team; anyone else is told so
    plainly. (The services check each call again, office by office.)"""
    g.staff_actor = session_actor()
    if not may_set_up(g.actor):
        error = {
            "message": _(
                "Only the district's nodal officer and the state e-Office team can open this page."
            )
        }
        return render_template("error.html", error=error, status=403), 403
    return None


def actor() -> dict[str, Any]:
    """The nodal officer (or state team member) at the screen, as the services take them."""
    staff_actor: dict[str, Any] = g.staff_actor
    return staff_actor


def refused(exc: OfficeError) -> str:
    """The message for a refusal; anything that is not a refusal goes to the error handler."""
    if exc.status >= 500 or exc.status == 401:
        raise exc
    message = message_for(exc.code)
    fields = [
        str(FORM_FIELDS.get(f.get("field"), f.get("field")))
        for f in (exc.details or {}).get("fields", [])
    ]
    return f"{message} ({', '.join(dict.fromkeys(fields))})" if fields else message


def back(endpoint: str, **values: Any) -> Response:
    """A redirect to another staff screen."""
    return redirect(url_for(endpoint, **values))
