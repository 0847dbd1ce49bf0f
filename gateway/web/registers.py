"""The registers a section keeps every day, as screens with filters and CSV/XLSX downloads: the
diary register (receipts), the file register, closed files (from reports, by month and office)
and the recorded files due for review (from files, by review dates and section)."""

from typing import Any

from flask import Blueprint, Response, render_template

from common.errors import Forbidden, NotFound
from gateway.api.reports import export_table, report_args
from gateway.auth import session_actor
from gateway.rpc import rpc

pages = Blueprint("registers", __name__, url_prefix="/registers")
REGISTERS = ("diary", "files", "closed")


def _register(name: str) -> dict[str, Any]:
    if name not in REGISTERS:
        raise NotFound("REGISTER_NOT_FOUND", {"register": name[:20], "registers": list(REGISTERS)})
    a = report_args("office", "month")
    return rpc().reports.register(session_actor(), name, a["office"], a["month"])


def _due() -> dict[str, Any]:
    return rpc().files.records_due(session_actor(), report_args("from", "to", "section"))


@pages.get("/due-for-review")
def due() -> str:
    query = report_args("from", "to", "section")
    args = {k: v for k, v in query.items() if v}
    return render_template("registers/due.html", items=_due()["items"], query=query, args=args)


@pages.get("/due-for-review.<fmt>")
def due_export(fmt: str) -> Response:
    return export_table(fmt, "records-due-for-review", lambda: _due()["items"])


@pages.get("/<name>")
def register(name: str) -> str:
    """An office's register; a desk that sees no office's reports (a clerk) is told whose
    registers they are rather than shown an error."""
    query = {k: v for k, v in report_args("office", "month").items() if v}
    try:
        answer: dict[str, Any] | None = _register(name)
    except (NotFound, Forbidden) as refused:
        if refused.code == "REGISTER_NOT_FOUND":
            raise
        answer = None
    return render_template("registers/register.html", name=name, register=answer, query=query)


@pages.get("/<name>.<fmt>")
def register_export(name: str, fmt: str) -> Response:
    return export_table(fmt, f"register-{name}", lambda: _register(name)["lines"])
