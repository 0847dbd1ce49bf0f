"""The desk: the inbox with the person's latest notices (all of them, and the header's unread
count: ``gateway.web.notices``), the history of a receipt or a file with the check of its chain
and the RTI exports, and the stored PDFs the pages show."""

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_locale
from werkzeug.wrappers import Response

from gateway.auth import session_actor
from gateway.rpc import long_rpc, rpc
from gateway.uploads import download, pdf_response

pages = Blueprint("desk", __name__)


@pages.get("/")
def home() -> Response:
    return redirect(url_for("desk.inbox"))


@pages.get("/inbox")
def inbox() -> str:
    actor = session_actor()
    items = rpc().files.inbox(actor, 200)["items"]
    notices = rpc().notify.notices(actor, 20)
    return render_template("inbox.html", items=items, notices=notices)


@pages.get("/documents/<sha256>")
def document(sha256: str) -> Response:
    return pdf_response(rpc().files.document(session_actor(), sha256), sha256)


@pages.get("/<any(receipts, files):kind>/<item_id>/history")
def history(kind: str, item_id: str) -> str:
    """Every entry of the chain, with the check of the chain and the RTI exports."""
    actor = session_actor()
    files = rpc().files
    if kind == "receipts":
        item = files.get_receipt(actor, item_id)
        entries = files.receipt_history(actor, item_id)["items"]
        check = files.verify_receipt_history(actor, item_id)
    else:
        item = files.get_file(actor, item_id)
        entries = files.file_history(actor, item_id)["items"]
        check = files.verify_file_history(actor, item_id)
    return render_template("history.html", kind=kind, item=item, entries=entries, check=check)


@pages.get("/<any(receipts, files):kind>/<item_id>/history.<any(csv, pdf):fmt>")
def history_export(kind: str, item_id: str, fmt: str) -> Response:
    content = long_rpc().files.history_export(
        session_actor(), kind, item_id, fmt, str(get_locale())
    )
    mimetype = "text/csv" if fmt == "csv" else "application/pdf"
    return download(content, mimetype, f"history-{kind[:-1]}-{item_id[:8]}.{fmt}")
