"""The posts of an office: create one, post a person to it or give its additional charge,
delegate it for a period and end a delegation early."""

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, flash, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from common.clock import IST, iso, utcnow
from common.errors import OfficeError
from gateway.rpc import rpc
from gateway.web.common import local_name, when
from gateway.web.staff.common import actor, back, refused

pages = Blueprint("posts", __name__)


def _state() -> str | None:
    """The state, when the actor is its e-Office team (who sets up every district of it)."""
    state = g.actor.office_path[:1]
    return state[0] if state and g.actor.may("admin", state) else None


def _districts() -> list[dict[str, Any]]:
    """Every district of the state, for the state's team to choose from (a nodal officer sets
    up their own district only: no choice)."""
    state = _state()
    if state is None:
        return []
    offices = rpc().identity.offices_under(actor(), state)["items"]
    return sorted((o for o in offices if o["level"] == "district"), key=local_name)


def _posts_page(
    form: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The posts of the district chosen (the state's team), else of the actor's own."""
    me = actor()
    districts = _districts()
    chosen = request.values.get("district") or None
    if chosen not in {d["code"] for d in districts}:
        chosen = None
    identity = rpc().identity
    posts = identity.district_posts(me, chosen) if chosen else identity.markable_posts(me)
    offices = identity.offices_under(me, chosen)["items"]
    staff = {p["id"]: p for p in identity.staff(me, chosen)["items"]}
    return (
        render_template(
            "staff/posts.html",
            posts=posts["items"],
            districts=districts,
            chosen=chosen,
            offices=offices,
            office_by_code={o["code"]: o for o in offices},
            staff=staff,
            form=form or {},
            error=error,
        ),
        status,
    )


@pages.get("/staff/posts")
def posts() -> ResponseReturnValue:
    return _posts_page()


@pages.post("/staff/posts")
def create_post() -> ResponseReturnValue:
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
            name=local_name(post),
        )
    )
    return back("staff.posts.post", post_id=post["id"])


@pages.get("/staff/posts/<post_id>")
def post(post_id: str) -> str:
    me = actor()
    the_post = rpc().identity.post(me, post_id)
    delegations = rpc().identity.delegations(me, post_id)
    # The state's team opens posts of every district: that district's people and offices.
    district = the_post["district_id"] if _state() else None
    staff = rpc().identity.staff(me, district)["items"]
    offices = rpc().identity.offices_under(me, district)["items"]
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


def _delegation_state(d: dict[str, Any]) -> str:
    """In force, upcoming, over, or ended early (the answer says only whether it is live)."""
    if d["live"]:
        return "live"
    now = iso(utcnow())
    if now < d["starts"]:
        return "upcoming"
    if now >= d["ends"]:
        return "over"
    return "ended"


@pages.post("/staff/posts/<post_id>/assign")
def assign(post_id: str) -> Response:
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
        flash(message % {"name": the_post["holder_name"], "post": local_name(the_post)})
    return back("staff.posts.post", post_id=post_id)


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


@pages.post("/staff/posts/<post_id>/delegate")
def delegate(post_id: str) -> Response:
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
    return back("staff.posts.post", post_id=post_id)


@pages.post("/staff/delegations/<delegation_id>/end")
def end_delegation(delegation_id: str) -> Response:
    post_id = request.form.get("post_id", "")
    try:
        rpc().identity.end_delegation(actor(), delegation_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("The delegation has ended."))
    return back("staff.posts.post", post_id=post_id) if post_id else back("staff.posts.posts")
