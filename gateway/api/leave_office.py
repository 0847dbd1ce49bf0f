"""An office's leave: who of it (and the offices below) is away in a month, and its leave
register, as JSON or CSV. For the office's officers, and nodal officers and admins within
their scope; to anyone else the office does not exist (404), as in reports."""

from datetime import datetime
from typing import Any

from flask import Response, jsonify, request

from common.clock import IST
from gateway.api import api
from gateway.api.common import caller
from gateway.api.reports import CSV, Query, table_csv
from gateway.openapi import documented
from gateway.rpc import rpc
from services.leave.schemas import MONTH, LeaveRegister, OfficeCalendar

OFFICE: tuple[str, dict[str, Any]] = (
    "the office's code (default: your own); one whose leave you may not see does not exist (404)",
    {"type": "string", "maxLength": 60},
)
MONTH_QUERY: tuple[str, dict[str, Any]] = (
    "the month, YYYY-MM",
    {"type": "string", "pattern": MONTH},
)
REGISTER: Query = {
    "office": OFFICE,
    "month": ("only applications with a day in this month, YYYY-MM", MONTH_QUERY[1]),
    "kind": (
        "only this kind of leave (casual, earned, medical ...)",
        {"type": "string", "maxLength": 40},
    ),
    "status": (
        "only applications in this state (applied, recommended, returned, sanctioned, "
        "rejected, cancelled, curtailed, joined)",
        {"type": "string", "maxLength": 20},
    ),
}
# The register's CSV: one row an application, these columns in this order.
COLUMNS = (
    "id",
    "applicant_name",
    "post_id",
    "kind",
    "from_date",
    "to_date",
    "half",
    "days",
    "status",
    "at_post_id",
    "sanctioned_on",
    "curtailed_to",
    "applied_at",
)


def asked(*names: str) -> dict[str, str]:
    """The query's values of these names, leaving out those not given."""
    return {n: request.args[n] for n in names if request.args.get(n)}


def this_month() -> str:
    return datetime.now(IST).strftime("%Y-%m")


def office_calendar(actor: dict[str, Any], office: str | None, month: str) -> dict[str, Any]:
    query = {"month": month, **({"office": office} if office else {})}
    answer: dict[str, Any] = rpc().leave.office_calendar(actor, query)
    return answer


def office_register(actor: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    answer: dict[str, Any] = rpc().leave.office_register(actor, query)
    return answer


def register_csv(register: dict[str, Any]) -> Response:
    rows = [{c: a.get(c) for c in COLUMNS} for a in register["items"]]
    return Response(
        table_csv(rows) if rows else ",".join(COLUMNS) + "\r\n",
        mimetype=CSV,
        headers={
            "Content-Disposition": (
                f'attachment; filename="leave-register-{register["office"]["code"]}.csv"'
            )
        },
    )


@api.get("/leave/calendar")
@documented(
    "Who of an office and the offices below it is away in a month: their sanctioned leave "
    "(cut short: to the last day taken) and each day someone is away",
    response=OfficeCalendar,
    query={"office": OFFICE, "month": ("the month, YYYY-MM (default: this month)", MONTH_QUERY[1])},
    errors=(400, 404),
)
def leave_calendar() -> Response:
    actor = caller()
    return jsonify(
        office_calendar(
            actor, request.args.get("office"), request.args.get("month") or this_month()
        )
    )


@api.get("/leave/register")
@documented(
    "An office's leave register: the applications of its people and of the offices below, "
    "newest first, in every state unless a status, kind or month is asked for",
    response=LeaveRegister,
    query=REGISTER,
    errors=(400, 404),
)
def leave_register() -> Response:
    actor = caller()
    return jsonify(office_register(actor, asked("office", "month", "kind", "status")))


@api.get("/leave/register.csv")
@documented(
    "The office's leave register as CSV (the same filters)",
    binary=CSV,
    query=REGISTER,
    errors=(400, 404),
)
def leave_register_export() -> Response:
    actor = caller()
    return register_csv(office_register(actor, asked("office", "month", "kind", "status")))
