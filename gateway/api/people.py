"""The office tree, posts, people and their accounts: what admins and nodal officers set up."""

import base64

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller, json_body
from gateway.limits import activation_login, limited, person_calling
from gateway.messages import message_for
from gateway.openapi import Upload, documented
from gateway.rpc import long_rpc, rpc
from gateway.uploads import uploaded_certificate, uploaded_sheet
from services.identity.schemas import (
    Activate,
    Activation,
    AssignPost,
    Delegation,
    Dsc,
    NewDelegation,
    NewOffice,
    NewPost,
    NewUser,
    Office,
    OfficeChange,
    Offices,
    Post,
    SheetReport,
    TotpChange,
    TotpCode,
    TotpEnrolment,
    TotpStatus,
    Typing,
    User,
    Users,
    VpnAccount,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@api.get("/offices")
@documented(
    "An office and all offices under it (default: yours)",
    response=Offices,
    query={"under": "office code"},
    errors=(404,),
)
def offices() -> Response:
    return jsonify(rpc().identity.offices_under(caller(), request.args.get("under") or None))


@api.post("/offices")
@documented(
    "Create an office (admin)",
    body=NewOffice,
    response=Office,
    status=201,
    errors=(403, 404, 409, 422),
)
def create_office() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().identity.create_office(actor, json_body())), 201


@api.get("/offices/<code>")
@documented("One office, with its history of renames and moves", response=Office, errors=(404,))
def office(code: str) -> Response:
    return jsonify(rpc().identity.office_by_code(caller(), code))


@api.patch("/offices/<code>")
@documented(
    "Rename, move, mark live or give a VPN pool (admin); kept in the office's history",
    body=OfficeChange,
    response=Office,
    errors=(403, 404, 422),
)
def change_office(code: str) -> Response:
    actor = caller()
    return jsonify(rpc().identity.change_office(actor, code, json_body()))


@api.post("/posts")
@documented(
    "Create a post (admin or the district's nodal officer)",
    body=NewPost,
    response=Post,
    status=201,
    errors=(403, 404, 409),
)
def create_post() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().identity.create_post(actor, json_body())), 201


@api.post("/posts/<post_id>/assign")
@documented(
    "Post a person to a post (a transfer) or give its additional charge",
    body=AssignPost,
    response=Post,
    errors=(403, 404),
)
def assign_post(post_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().identity.assign_post(actor, post_id, json_body()))


@api.post("/posts/<post_id>/delegate")
@documented(
    "Delegate a post for a period; it ends by itself",
    body=NewDelegation,
    response=Delegation,
    status=201,
    errors=(403, 404, 422),
)
def delegate_post(post_id: str) -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().identity.delegate_post(actor, post_id, json_body())), 201


@api.post("/delegations/<delegation_id>/end")
@documented("End a delegation early", response=Delegation, errors=(403, 409))
def end_delegation(delegation_id: str) -> Response:
    return jsonify(rpc().identity.end_delegation(caller(), delegation_id))


@api.get("/users")
@documented(
    "The staff of an office and the offices under it, with Gov ID, VPN and DSC status",
    response=Users,
    query={"office": "office code (default: yours)"},
    errors=(403, 404),
)
def staff() -> Response:
    return jsonify(rpc().identity.staff(caller(), request.args.get("office") or None))


@api.post("/users")
@documented(
    "Create a person (admin or nodal officer)",
    body=NewUser,
    response=User,
    status=201,
    errors=(403, 404, 409),
)
def create_user() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().identity.create_user(actor, json_body())), 201


@api.get("/users/<user_id>")
@documented(
    "One person, with Gov ID, VPN, DSC and two-step login status (their office's admin or "
    "nodal officer)",
    response=User,
    errors=(403, 404),
)
def person(user_id: str) -> Response:
    return jsonify(rpc().identity.person(caller(), user_id))


@api.post("/users/<user_id>/disable")
@documented(
    "Disable a person: every session of theirs ends at once",
    response=User,
    errors=(403, 404, 409),
)
def disable_user(user_id: str) -> Response:
    return jsonify(rpc().identity.disable_user(caller(), user_id))


@api.post("/users/<user_id>/enable")
@documented("Enable a disabled person or unlock a locked-out one", response=User, errors=(403, 404))
def enable_user(user_id: str) -> Response:
    return jsonify(rpc().identity.enable_user(caller(), user_id))


@api.post("/users/<user_id>/activation")
@documented(
    "A fresh activation code for someone who lost their slip or forgot their password: the "
    "code before it stops working; shown only in this answer",
    response=Activation,
    status=201,
    errors=(403, 404),
)
def reissue_activation(user_id: str) -> tuple[Response, int]:
    return jsonify(rpc().identity.reissue_activation(caller(), user_id)), 201


@api.post("/users/<user_id>/vpn")
@documented("Issue a VPN account", response=VpnAccount, status=201, errors=(403, 404, 409))
def issue_vpn(user_id: str) -> tuple[Response, int]:
    return jsonify(rpc().identity.issue_vpn(caller(), user_id)), 201


@api.delete("/users/<user_id>/vpn")
@documented("Revoke a VPN account", response=VpnAccount, errors=(403, 404))
def revoke_vpn(user_id: str) -> Response:
    return jsonify(rpc().identity.revoke_vpn(caller(), user_id))


@api.get("/users/<user_id>/vpn/config")
@documented(
    "The person's WireGuard client config (wg-quick)", binary="text/plain", errors=(403, 404)
)
def vpn_config(user_id: str) -> Response:
    config = rpc().identity.vpn_config(caller(), user_id)
    return Response(
        config["config"],
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{config["filename"]}"'},
    )


@api.get("/vpn/peers")
@documented(
    "The VPN server's peer list for a district",
    binary="text/plain",
    query={"district": "district office code"},
    errors=(403, 404),
)
def vpn_peers() -> Response:
    return Response(
        rpc().identity.vpn_peers(caller(), request.args.get("district", "")), mimetype="text/plain"
    )


@api.post("/users/<user_id>/dsc")
@documented(
    "Enrol a DSC certificate (multipart file field 'certificate', PEM or DER)",
    upload=Upload("certificate", "application/pkix-cert, application/x-pem-file"),
    response=Dsc,
    status=201,
    errors=(403, 404, 409, 422),
)
def enrol_dsc(user_id: str) -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().identity.enrol_dsc(actor, user_id, uploaded_certificate())), 201


@api.delete("/users/<user_id>/dsc")
@documented("Revoke the enrolled DSC", errors=(403, 404))
def revoke_dsc(user_id: str) -> Response:
    return jsonify(rpc().identity.revoke_dsc(caller(), user_id))


@api.post("/me/totp")
@documented(
    "Begin TOTP enrolment (or move it to a new phone): a secret and its QR code. Needs the "
    "password and, when already enrolled, a current code",
    body=TotpChange,
    response=TotpEnrolment,
    errors=(401,),
)
def begin_totp() -> Response:
    actor = caller()
    return jsonify(rpc().identity.begin_totp(actor, json_body()))


@api.post("/me/totp/confirm")
@documented(
    "Confirm TOTP enrolment with a code from the app",
    body=TotpCode,
    response=TotpStatus,
    errors=(409,),
)
def confirm_totp() -> Response:
    actor = caller()
    return jsonify(rpc().identity.confirm_totp(actor, json_body()))


@api.post("/me/totp/remove")
@documented(
    "Stop using TOTP: needs the password and a current code",
    body=TotpChange,
    response=TotpStatus,
    errors=(401,),
)
def remove_totp() -> Response:
    actor = caller()
    return jsonify(rpc().identity.remove_totp(actor, json_body()))


@api.get("/me/typing")
@documented("How I type Hindi in the office's text boxes (off until chosen)", response=Typing)
def typing_mode() -> Response:
    return jsonify(rpc().identity.typing_mode(caller()))


@api.put("/me/typing")
@documented(
    "Choose how I type Hindi: off, phonetic or inscript; kept for every browser I log in on. "
    "Any other is 422 TYPING_MODE_UNKNOWN",
    body=Typing,
    response=Typing,
    errors=(400, 422),
)
def choose_typing_mode() -> Response:
    actor = caller()
    return jsonify(rpc().identity.choose_typing_mode(actor, json_body()))


@api.post("/auth/keys/rotate")
@documented(
    "Rotate the token-signing key (admin); old tokens verify until they expire", errors=(403,)
)
def rotate_key() -> Response:
    return jsonify(rpc().identity.rotate_signing_key(caller()))


@api.get("/onboarding/template")
@documented(
    "The master data sheet template (XLSX, headers in Hindi and English)",
    binary=XLSX,
)
def onboarding_template() -> Response:
    caller()
    return Response(
        base64.b64decode(rpc().identity.onboarding_template()),
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="employee-master-data.xlsx"'},
    )


def explained(report: dict) -> dict:
    """Each row's reasons with a message in the uploader's language."""
    for row in report["rows"]:
        for reason in row["reasons"]:
            reason["message"] = message_for(reason["code"])
    return report


@api.post("/onboarding/sheets")
@limited("upload", person_calling)
@documented(
    "Upload a master data sheet (multipart file field 'sheet', XLSX or CSV): a dry run "
    "that reports row by row what applying it would do",
    upload=Upload("sheet", f"{XLSX}, text/csv"),
    response=SheetReport,
    status=201,
    errors=(403, 413, 429),
)
def onboarding_upload() -> tuple[Response, int]:
    actor = caller()
    sheet = uploaded_sheet()
    return jsonify(explained(long_rpc().identity.onboarding_dry_run(actor, sheet))), 201


@api.get("/onboarding/sheets/<sheet_id>")
@documented("A sheet's report, row by row", response=SheetReport, errors=(404,))
def onboarding_report(sheet_id: str) -> Response:
    return jsonify(explained(rpc().identity.onboarding_sheet(caller(), sheet_id)))


@api.post("/onboarding/sheets/<sheet_id>/apply")
@documented(
    "Apply a dry-run sheet: creates and updates exactly what the report says, rechecked "
    "now; the activation codes of new people are shown only in this answer",
    response=SheetReport,
    errors=(403, 404),
)
def onboarding_apply(sheet_id: str) -> Response:
    return jsonify(explained(long_rpc().identity.onboarding_apply(caller(), sheet_id)))


@api.post("/auth/activate")
@limited("activation", activation_login)
@documented(
    "A new person sets their password with the activation code from their slip",
    body=Activate,
    public=True,
    errors=(401, 429),
)
def activate() -> Response:
    return jsonify(rpc().identity.activate(json_body()))
