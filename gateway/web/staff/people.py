"""The staff of an office and the offices under it, with their Gov ID, VPN and DSC: issue and
revoke a VPN account, download its config, disable a person or let them in again."""

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as Redirect

from common.errors import OfficeError
from gateway.rpc import rpc
from gateway.web.common import local_name
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
