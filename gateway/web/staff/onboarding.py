"""Onboarding from the master data sheet: its template, a dry run that reports row by row,
and applying it, which shows the new people's activation slips once."""

import base64

from flask import Blueprint, Response, flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as Redirect

from common.errors import OfficeError
from gateway.limits import limited, person_calling
from gateway.messages import message_for
from gateway.rpc import long_rpc, rpc
from gateway.web.common import local_name
from gateway.web.staff.common import ROW_ACTIONS, XLSX, actor, back, column_label, refused

pages = Blueprint("onboarding", __name__)


@pages.get("/staff/onboarding")
def onboarding() -> str:
    return render_template("staff/onboarding.html")


@pages.get("/staff/onboarding/template.xlsx")
def onboarding_template() -> Response:
    return Response(
        base64.b64decode(rpc().identity.onboarding_template()),
        mimetype=XLSX,
        headers={"Content-Disposition": 'attachment; filename="employee-master-data.xlsx"'},
    )


@pages.post("/staff/onboarding/sheets")
@limited("upload", person_calling)
def upload_sheet() -> Redirect:
    upload = request.files.get("sheet")
    content = upload.read() if upload else b""
    if not upload or not content:
        flash(message_for("SHEET_NOT_SPREADSHEET"), "error")
        return back("staff.onboarding.onboarding")
    sheet = {"filename": upload.filename or "", "content_b64": base64.b64encode(content).decode()}
    try:
        report = long_rpc().identity.onboarding_dry_run(actor(), sheet)
    except OfficeError as exc:
        message = refused(exc)
        missing = (exc.details or {}).get("missing") or (exc.details or {}).get("columns")
        if missing:
            message += " (" + ", ".join(column_label(f) for f in missing) + ")"
        flash(message, "error")
        return back("staff.onboarding.onboarding")
    return back("staff.onboarding.sheet", sheet_id=report["id"])


@pages.get("/staff/onboarding/sheets/<sheet_id>")
def sheet(sheet_id: str) -> str:
    report = rpc().identity.onboarding_sheet(actor(), sheet_id)
    show = request.args.get("show", "all")
    if show not in ROW_ACTIONS:
        show = "all"
    rows = [r for r in report["rows"] if show == "all" or r["action"] == show]
    return render_template("staff/sheet.html", report=report, rows=rows, show=show)


@pages.post("/staff/onboarding/sheets/<sheet_id>/apply")
def apply_sheet(sheet_id: str) -> ResponseReturnValue:
    """Applies the sheet and shows the new people's activation codes: only in this answer,
    never stored in the browser (no redirect through the session, no caching)."""
    try:
        report = long_rpc().identity.onboarding_apply(actor(), sheet_id)
    except OfficeError as exc:
        flash(refused(exc), "error")
        return back("staff.onboarding.onboarding")
    names = {row["employee_code"]: row["values"] for row in report["rows"]}
    offices = {o["code"]: o for o in rpc().identity.offices_under(actor())["items"]}
    slips = []
    for activation in report["activations"]:
        values = names.get(activation["employee_code"], {})
        slips.append(
            {
                **activation,
                "name": local_name(values),
                "post": values.get("post"),
                "office": local_name(offices.get(values.get("office_code"))),
            }
        )
    page = render_template(
        "staff/activations.html",
        report=report,
        slips=slips,
        activate_url=url_for("account.activate", _external=True),
    )
    return page, 200, {"Cache-Control": "no-store"}


@pages.get("/staff/onboarding/sheets/<sheet_id>/apply")
def applied_sheet(sheet_id: str) -> Redirect:
    """Reloading or switching language after applying lands on the report (the codes were
    shown once)."""
    return back("staff.onboarding.sheet", sheet_id=sheet_id)
