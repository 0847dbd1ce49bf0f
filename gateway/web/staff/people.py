"""The staff of an office and the offices under it, with their Gov ID, VPN and DSC: issue and
revoke a VPN account, download its config, disable a person or let them in again; on a
person's own page, enrol, replace or revoke their DSC and give them a fresh activation code."""

from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as Redirect

from common.errors import OfficeError
from gateway.rpc import rpc
from gateway.uploads import uploaded_certificate
from gateway.web.common import local_name, when
from gateway.web.staff.common import actor, back, refused

pages = Blueprint("people", __name__)


@pages.get("/staff/people")
def people() -> str:
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


def _back_to_person(user_id: str) -> Redirect:
    """To the person's row of the staff list, with the office filter the list had."""
    office = request.form.get("office") or None
    return redirect(url_for("staff.people.people", office=office) + f"#person-{user_id}")


@pages.post("/staff/people/<user_id>/vpn")
def issue_vpn(user_id: str) -> Redirect:
    try:
        account = rpc().identity.issue_vpn(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("VPN account issued: address %(address)s.", address=account["address"]))
    return _back_to_person(user_id)


@pages.post("/staff/people/<user_id>/vpn/revoke")
def revoke_vpn(user_id: str) -> Redirect:
    try:
        account = rpc().identity.revoke_vpn(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("VPN account %(address)s revoked.", address=account["address"]))
    return _back_to_person(user_id)


@pages.get("/staff/people/<user_id>/vpn.conf")
def vpn_config(user_id: str) -> Redirect:
    try:
        config = rpc().identity.vpn_config(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.people.people")
    return Response(
        config["config"],
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{config["filename"]}"',
            "Cache-Control": "no-store",  # it holds the person's private key
        },
    )


@pages.post("/staff/people/<user_id>/disable")
def disable(user_id: str) -> Redirect:
    try:
        person = rpc().identity.disable_user(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("%(name)s is disabled and logged out everywhere.", name=local_name(person)))
    return _back_to_person(user_id)


@pages.post("/staff/people/<user_id>/enable")
def enable(user_id: str) -> Redirect:
    """Enable a disabled person, or unlock one locked out by wrong passwords."""
    try:
        person = rpc().identity.enable_user(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("%(name)s can log in again.", name=local_name(person)))
    return _back_to_person(user_id)


def _office_of(person: dict[str, Any]) -> dict[str, Any]:
    """The person's office (``offices_under`` lists it first, then those below it)."""
    office: dict[str, Any] = rpc().identity.offices_under(actor(), person["office_id"])["items"][0]
    return office


@pages.get("/staff/people/<user_id>")
def person(user_id: str) -> str:
    someone = rpc().identity.person(actor(), user_id)
    return render_template("staff/person.html", person=someone, office=_office_of(someone))


@pages.post("/staff/people/<user_id>/dsc")
def enrol_dsc(user_id: str) -> Redirect:
    """The person's DSC certificate, uploaded as the CA issued it (PEM or DER)."""
    try:
        dsc = rpc().identity.enrol_dsc(actor(), user_id, uploaded_certificate())
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(
            _(
                "DSC enrolled: %(subject)s, issued by %(issuer)s, valid until %(date)s.",
                subject=dsc["subject_cn"],
                issuer=dsc["issuer_cn"],
                date=when(dsc["not_after"], with_time=False),
            )
        )
    return back("staff.people.person", user_id=user_id)


@pages.post("/staff/people/<user_id>/dsc/revoke")
def revoke_dsc(user_id: str) -> Redirect:
    try:
        rpc().identity.revoke_dsc(actor(), user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
    else:
        flash(_("The DSC is revoked: it can no longer sign here."))
    return back("staff.people.person", user_id=user_id)


@pages.post("/staff/people/<user_id>/activation")
def reissue_activation(user_id: str) -> ResponseReturnValue:
    """A fresh activation code with its slip, shown once: only in this answer, never stored in
    the browser (no redirect through the session, no caching)."""
    me = actor()
    try:
        activation = rpc().identity.reissue_activation(me, user_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.people.person", user_id=user_id)
    someone = rpc().identity.person(me, user_id)
    slip = {
        **activation,
        "name": local_name(someone),
        "post": ", ".join(p["abbreviation"] for p in someone["posts"]),
        "office": local_name(_office_of(someone)),
    }
    page = render_template(
        "staff/activation.html",
        person=someone,
        slip=slip,
        activate_url=url_for("account.activate", _external=True),
    )
    return page, 200, {"Cache-Control": "no-store"}


@pages.get("/staff/people/<user_id>/activation")
def reissued_activation(user_id: str) -> Redirect:
    """Switching language after a fresh code lands on the person (the code was shown once)."""
    return back("staff.people.person", user_id=user_id)
