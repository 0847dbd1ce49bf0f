"""The record room's screens: upload a batch of scanned legacy files (a ZIP with its sheet; or
the sheet and its PDFs, which the browser sends one by one with a count of how many are done,
so choosing the same files again after closing the tab resumes), and a batch's report."""

from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response as Redirect

from gateway.api.records import explained_batch, record_upload
from gateway.auth import session_actor
from gateway.errors import wants_json
from gateway.limits import limited, person_calling
from gateway.rpc import long_rpc, rpc

pages = Blueprint("records", __name__, url_prefix="/records")


@pages.get("/")
def desk() -> str:
    return render_template("records/desk.html")


@pages.post("/batches")
@limited("records", person_calling)
def upload() -> Response | Redirect:
    """A ZIP from the form (then its report), or a sheet or one PDF sent by records.js (then
    the batch as data)."""
    batch = long_rpc().files.record_batch(session_actor(), record_upload())
    if wants_json():
        return jsonify(explained_batch(batch))
    return redirect(url_for("records.batch", batch_id=batch["id"]))


@pages.get("/batches/<batch_id>")
def batch(batch_id: str) -> str:
    report: dict[str, Any] = rpc().files.record_batch_report(session_actor(), batch_id)
    return render_template("records/batch.html", batch=explained_batch(report))
