"""The nodal officer's screens (and the state team's): onboarding from the master data sheet,
the staff with their Gov ID, VPN and DSC, and the posts with who holds them and who they are
delegated to. Server-rendered like the rest of the UI, so they work over a thin link with no
script; every refusal comes back as a message in the reader's language.

Also the one public page a newly onboarded person needs: setting a password with the
activation code from their slip."""

import base64
from datetime import datetime, timedelta, timezone

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import OfficeError
from gateway.auth import session_actor
from gateway.limits import activation_login, limited, person_calling
from gateway.messages import message_for
from gateway.pages import local_name
from gateway.rpc import long_rpc, rpc
from services.identity.schemas import COLUMNS

staff_pages = Blueprint("staff", __name__)

SETUP_ROLES = ("nodal_officer", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Indian offices keep Indian time, which has no daylight saving: a fixed offset is exact.
IST = timezone(timedelta(hours=5, minutes=30), "IST")
MIN_PASSWORD = 8

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


def _hindi() -> bool:
    return str(get_locale()) == "hi"


def person_name(person: dict | None) -> str:
    """A person's or post's name (``name_en``/``name_hi``) in the reader's language."""
    if not person:
        return ""
    return (person.get("name_hi") if _hindi() else None) or person.get("name_en") or ""


def column_label(field: str) -> str:
    """A sheet field as the template's column heading says it, in the reader's language."""
    for column in COLUMNS:
        if column.field == field:
            return column.hi if _hindi() else column.en
    return field


def shown(value) -> str:
    """A stored sheet value as a person reads it: lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def reason_text(reason: dict) -> str:
    """One reason a row is rejected: the field, what is wrong, and any detail that helps."""
    text = message_for(reason["code"])
    extra = [
        str(REASON_DETAILS[key]) % {"value": shown(value)}
        for key, value in (reason.get("details") or {}).items()
        if key in REASON_DETAILS
    ]
    return f"{text} ({'; '.join(extra)})" if extra else text


def when(moment: str | None, with_time: bool = True) -> str:
    """A stored UTC time as Indian time, day first as offices write it."""
    if not moment:
        return "—"
    try:
        local = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(IST)
    except ValueError:
        return moment
    return local.strftime("%d-%m-%Y %H:%M IST" if with_time else "%d-%m-%Y")


def may_set_up(actor: Actor) -> bool:
    return any(role in SETUP_ROLES for role in actor.roles)


@staff_pages.app_context_processor
def staff_nav():
    """Whether the menu offers the setup screens: only to nodal officers and the state team."""

    def shows_staff_menu() -> bool:
        if "staff_menu" not in g:
            actor = getattr(g, "actor", None)
            g.staff_menu = bool(actor) and any(r in SETUP_ROLES for r in actor.roles)
        return g.staff_menu

    return {"shows_staff_menu": shows_staff_menu}


@staff_pages.context_processor
def helpers():
    return {
        "name_of": person_name,
        "column_label": column_label,
        "shown": shown,
        "reason_text": reason_text,
        "when": when,
        "role_label": lambda role: str(ROLE_LABELS.get(role, role)),
        "row_action": lambda action: str(ROW_ACTIONS.get(action, action)),
        "charge_label": lambda charge: str(CHARGES.get(charge, charge or "")),
        "state_label": lambda state: str(DELEGATION_STATES[state]),
    }


@staff_pages.before_request
def only_those_who_set_up():
    """Everything here but activation is for nodal officers and the state team; anyone else
    is told so plainly. (The services check each call again, office by office.)"""
    if request.endpoint == "staff.activate":
        return None
    g.staff_actor = session_actor()
    if not may_set_up(g.actor):
        error = {
            "message": _(
                "Only the district's nodal officer and the state e-Office team can open this page."
            )
        }
        return render_template("error.html", error=error, status=403), 403
    return None


def actor() -> dict:
    return g.staff_actor


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


def back(endpoint: str, **values):
    return redirect(url_for(endpoint, **values))


# --- onboarding ---------------------------------------------------------------------------------


@staff_pages.get("/staff")
def home():
    return back("staff.people")


@staff_pages.get("/staff/onboarding")
def onboarding():
    return render_template("staff/onboarding.html")


@staff_pages.get("/staff/onboarding/template.xlsx")
def onboarding_template():
    return Response(
        base64.b64decode(rpc().identity.onboarding_template()),
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="employee-master-data.xlsx"'},
    )


@staff_pages.post("/staff/onboarding/sheets")
@limited("upload", person_calling)
def upload_sheet():
    upload = request.files.get("sheet")
    content = upload.read() if upload else b""
    if not content:
        flash(message_for("SHEET_NOT_SPREADSHEET"), "error")
        return back("staff.onboarding")
    sheet = {"filename": upload.filename or "", "content_b64": base64.b64encode(content).decode()}
    try:
        report = long_rpc().identity.onboarding_dry_run(actor(), sheet)
    except OfficeError as exc:
        message = refused(exc)
        missing = (exc.details or {}).get("missing") or (exc.details or {}).get("columns")
        if missing:
            message += " (" + ", ".join(column_label(f) for f in missing) + ")"
        flash(message, "error")
        return back("staff.onboarding")
    return back("staff.sheet", sheet_id=report["id"])


@staff_pages.get("/staff/onboarding/sheets/<sheet_id>")
def sheet(sheet_id):
    report = rpc().identity.onboarding_sheet(actor(), sheet_id)
    show = request.args.get("show", "all")
    if show not in ROW_ACTIONS:
        show = "all"
    rows = [r for r in report["rows"] if show == "all" or r["action"] == show]
    return render_template("staff/sheet.html", report=report, rows=rows, show=show)


@staff_pages.post("/staff/onboarding/sheets/<sheet_id>/apply")
def apply_sheet(sheet_id):
    """Applies the sheet and shows the new people's activation codes: only in this answer,
    never stored in the browser (no redirect through the session, no caching)."""
    try:
        report = long_rpc().identity.onboarding_apply(actor(), sheet_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.onboarding")
    names = {row["employee_code"]: row["values"] for row in report["rows"]}
    offices = {o["code"]: o for o in rpc().identity.offices_under(actor())["items"]}
    slips = []
    for activation in report["activations"]:
        values = names.get(activation["employee_code"], {})
        slips.append(
            {
                **activation,
                "name": person_name(values),
                "post": values.get("post"),
                "office": person_name(offices.get(values.get("office_code"))),
            }
        )
    page = render_template(
        "staff/activations.html",
        report=report,
        slips=slips,
        activate_url=url_for("staff.activate", _external=True),
    )
    return page, 200, {"Cache-Control": "no-store"}


@staff_pages.get("/staff/onboarding/sheets/<sheet_id>/apply")
def applied_sheet(sheet_id):
    """Reloading or switching language after applying lands on the report (the codes were
    shown once)."""
    return back("staff.sheet", sheet_id=sheet_id)


# --- staff ----------------------------------------------------------------------------------------


@staff_pages.get("/staff/people")
def people():
    offices = rpc().identity.offices_under(actor())["items"]
    chosen = request.args.get("office") or None
    if chosen not in {o["code"] for o in offices}:
        chosen = None
    staff = rpc().identity.staff(actor(), chosen)["items"]
    return render_template(
        "staff/people.html",
        staff=staff,
        offices=offices,
        office_by_id={o["id"]: o for o in offices},
        chosen=chosen,
        me=g.actor.user_id,
    )


def _back_to_person(user_id: str):
    """To the person's row of the staff list, with the office filter the list had."""
    office = request.form.get("office") or None
    return redirect(url_for("staff.people", office=office) + f"#person-{user_id}")


@staff_pages.post("/staff/people/<user_id>/vpn")
def issue_vpn(user_id):
    try:
        account = rpc().identity.issue_vpn(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("VPN account issued: address %(address)s.", address=account["address"]))
    return _back_to_person(user_id)


@staff_pages.post("/staff/people/<user_id>/vpn/revoke")
def revoke_vpn(user_id):
    try:
        account = rpc().identity.revoke_vpn(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("VPN account %(address)s revoked.", address=account["address"]))
    return _back_to_person(user_id)


@staff_pages.get("/staff/people/<user_id>/vpn.conf")
def vpn_config(user_id):
    try:
        config = rpc().identity.vpn_config(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.people")
    return Response(
        config["config"],
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{config["filename"]}"',
            "Cache-Control": "no-store",  # it holds the person's private key
        },
    )


@staff_pages.post("/staff/people/<user_id>/disable")
def disable(user_id):
    try:
        person = rpc().identity.disable_user(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("%(name)s is disabled and logged out everywhere.", name=person_name(person)))
    return _back_to_person(user_id)


@staff_pages.post("/staff/people/<user_id>/enable")
def enable(user_id):
    """Enable a disabled person, or unlock one locked out by wrong passwords."""
    try:
        person = rpc().identity.enable_user(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("%(name)s can log in again.", name=person_name(person)))
    return _back_to_person(user_id)


# --- posts ----------------------------------------------------------------------------------------


def _posts_page(form: dict | None = None, error: str | None = None, status: int = 200):
    me = actor()
    posts = rpc().identity.markable_posts(me)["items"]
    offices = rpc().identity.offices_under(me)["items"]
    staff = {p["id"]: p for p in rpc().identity.staff(me)["items"]}
    return (
        render_template(
            "staff/posts.html",
            posts=posts,
            offices=offices,
            office_by_code={o["code"]: o for o in offices},
            staff=staff,
            form=form or {},
            error=error,
        ),
        status,
    )


@staff_pages.get("/staff/posts")
def posts():
    return _posts_page()


@staff_pages.post("/staff/posts")
def create_post():
    fields = ("office_code", "abbreviation", "name_en", "name_hi", "reports_to")
    form = {f: request.form.get(f, "").strip() for f in fields}
    new = {
        **form,
        "abbreviation": form["abbreviation"].upper(),
        "reports_to": form["reports_to"] or None,
    }
    try:
        post = rpc().identity.create_post(actor(), new)
    except OfficeError as exc:
        return _posts_page(form, refused(exc), exc.status)
    flash(
        _(
            "Post %(abbreviation)s created: %(name)s.",
            abbreviation=post["abbreviation"],
            name=person_name(post),
        )
    )
    return back("staff.post", post_id=post["id"])


@staff_pages.get("/staff/posts/<post_id>")
def post(post_id):
    me = actor()
    the_post = rpc().identity.post(me, post_id)
    delegations = rpc().identity.delegations(me, post_id)
    staff = rpc().identity.staff(me)["items"]
    offices = rpc().identity.offices_under(me)["items"]
    now = datetime.now(IST)
    return render_template(
        "staff/post.html",
        post=the_post,
        office=next((o for o in offices if o["code"] == the_post["office_code"]), None),
        delegations=sorted(delegations, key=lambda d: d["starts"], reverse=True),
        staff=staff,
        people={p["id"]: p for p in staff},
        state_of=_delegation_state,
        default_start=now.strftime("%Y-%m-%dT%H:%M"),
        default_end=(now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    )


def _delegation_state(d: dict) -> str:
    """In force, upcoming, over, or ended early (the answer says only whether it is live)."""
    if d["live"]:
        return "live"
    now = iso(utcnow())
    if now < d["starts"]:
        return "upcoming"
    if now >= d["ends"]:
        return "over"
    return "ended"


@staff_pages.post("/staff/posts/<post_id>/assign")
def assign(post_id):
    charge = request.form.get("charge", "regular")
    try:
        the_post = rpc().identity.assign_post(
            actor(), post_id, {"user_id": request.form.get("user_id", ""), "charge": charge}
        )
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        message = (
            _("%(name)s now holds additional charge of %(post)s.")
            if charge == "additional"
            else _("%(name)s is posted to %(post)s.")
        )
        flash(message % {"name": the_post["holder_name"], "post": person_name(the_post)})
    return back("staff.post", post_id=post_id)


def _moment(value: str) -> str | None:
    """A ``datetime-local`` field (Indian time, no zone) as ISO 8601 with the IST offset."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return "not-a-time"  # the service names the field
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=IST)
    return moment.isoformat()


@staff_pages.post("/staff/posts/<post_id>/delegate")
def delegate(post_id):
    request_body = {
        "to_user_id": request.form.get("to_user_id", ""),
        "ends": _moment(request.form.get("ends", "")),
        "reason": request.form.get("reason", "").strip(),
    }
    starts = _moment(request.form.get("starts", ""))
    if starts:
        request_body["starts"] = starts
    try:
        delegation = rpc().identity.delegate_post(actor(), post_id, request_body)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(
            _(
                "%(post)s is delegated from %(starts)s until %(ends)s.",
                post=local_name(delegation["post_name"]),
                starts=when(delegation["starts"]),
                ends=when(delegation["ends"]),
            )
        )
    return back("staff.post", post_id=post_id)


@staff_pages.post("/staff/delegations/<delegation_id>/end")
def end_delegation(delegation_id):
    post_id = request.form.get("post_id", "")
    try:
        rpc().identity.end_delegation(actor(), delegation_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("The delegation has ended."))
    return back("staff.post", post_id=post_id) if post_id else back("staff.posts")


# --- activation (public) --------------------------------------------------------------------------


@staff_pages.route("/activate", methods=["GET", "POST"])
@limited("activation", activation_login, methods=["POST"])
def activate():
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
                return redirect(url_for("pages.login"))
    return render_template("staff/activate.html", error=error), 400 if error else 200
