"""E-Leave screens: apply (with one's balance of each kind, and for the dates chosen the days
asked for and the working days by the state's holiday calendar), one's applications (cancel,
cut short, correct a returned one), what waits at one's posts for one's word, and the office's
calendar of who is away and its leave register. Every form works without script; a refusal is
said in the reader's language with the form as it was typed."""

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as Redirect

from common.clock import IST
from common.errors import OfficeError
from common.validation import whole_number
from common.workdays import Calendar
from gateway.api.leave_office import asked, office_calendar, office_register, register_csv
from gateway.auth import session_actor
from gateway.messages import message_for
from gateway.rpc import long_rpc, rpc
from gateway.uploads import download, pdf_response, uploaded_pdf_b64
from gateway.web.common import act, local_name
from services.leave.domain.applications import FIRST_YEAR, LAST_YEAR
from services.leave.domain.rules import DEPARTMENTS

pages = Blueprint("leave", __name__)

A = "/leave/applications/<application_id>"
STATUSES = {
    "applied": _l("Applied for"),
    "recommended": _l("Recommended"),
    "returned": _l("Returned for correction"),
    "sanctioned": _l("Sanctioned"),
    "rejected": _l("Rejected"),
    "cancelled": _l("Cancelled"),
    "curtailed": _l("Cut short"),
    "joined": _l("Joined back"),
}
# What a history entry says was done (beside the states above).
DONE = {
    **STATUSES,
    "applied": _l("Applied for leave"),
    "resubmitted": _l("Corrected and sent again"),
    "joined": _l("Joining report filed"),
}
# Why an officer up the chain was passed over.
PASSED_OVER = {
    "vacant": _l("post vacant"),
    "delegated": _l("post delegated"),
    "on_leave": _l("on leave"),
}
LEVELS = {
    "reporting": _l("reporting officer"),
    "controlling": _l("controlling officer"),
    "sanctioning": _l("sanctioning officer"),
}
# Every kind's names in both languages (a kind has the same names in every department).
KINDS = {k.code: k.model_dump() for d in DEPARTMENTS.values() for k in d.kinds}
HALVES = {"forenoon": _l("Forenoon"), "afternoon": _l("Afternoon")}
# An officer's word on an application: the leave service's call and what the page says after.
WORDS = {
    "recommend": ("recommend", _l("Recommended: it goes to the next officer.")),
    "return": ("return_for_correction", _l("Returned to the applicant for correction.")),
    "reject": ("reject", _l("Rejected.")),
    "sanction": ("sanction", _l("Sanctioned.")),
}


@pages.app_context_processor
def leave_labels() -> dict[str, Any]:
    return {
        "leave_status": lambda s: str(STATUSES.get(s, s)),
        "leave_level": lambda v: str(LEVELS.get(v, v or "")),
        "leave_half": lambda h: str(HALVES.get(h, h or "")),
        "leave_done": lambda a: str(DONE.get(a, a)),
        "leave_passed_over": lambda r: str(PASSED_OVER.get(r, r)),
        "leave_kind": lambda k: local_name(KINDS.get(k)) or k,
        "leave_kinds": KINDS,
    }


# --- the dates asked for, against the holiday calendar -------------------------------------------


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def dates_check(actor: dict[str, Any], form: Any) -> dict[str, Any] | None:
    """For the dates typed: the days asked for, the working days among them by the state's
    calendar, and each day off with why (a holiday by name, a Sunday, an off Saturday). None
    until both dates are given in order, within a year (a longer span is refused anyway) and
    within the years leave may be asked for."""
    first, last = _date(form.get("from_date")), _date(form.get("to_date"))
    if first is None or last is None or last < first or (last - first).days > 366:
        return None
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        return None  # refused when applied for; no calendar is kept for such years
    years = {
        y: rpc().identity.holiday_calendar(actor, None, y) for y in range(first.year, last.year + 1)
    }
    named = {d["date"]: d for c in years.values() for d in c["days"]}
    latest = years[last.year]
    calendar = Calendar.of(
        [d for d, h in named.items() if h["kind"] == "gazetted"],
        latest["second_saturday"],
        latest["fourth_saturday"],
    )
    off, day = [], first
    while day <= last:
        if not calendar.is_working_day(day):
            holiday = named.get(day.isoformat())
            weekly = _("Sunday") if day.weekday() == 6 else _("Saturday off")
            off.append({"date": day.isoformat(), "why": local_name(holiday) or weekly})
        day += timedelta(days=1)
    days = (last - first).days + 1
    half = bool(form.get("half")) and first == last
    working = days - len(off)
    return {
        "days": 0.5 if half else days,
        "working_days": working / 2 if half else working,
        "off": off,
        "restricted": [
            {"date": d, "why": local_name(h)}
            for d, h in sorted(named.items())
            if h["kind"] == "restricted" and first.isoformat() <= d <= last.isoformat()
        ],
    }


# --- apply ---------------------------------------------------------------------------------------


def _apply_page(form: Any, check: bool = True) -> str:
    actor = session_actor()
    year = (_date(form.get("from_date")) or datetime.now(IST).date()).year
    balance = rpc().leave.balance(actor, year if FIRST_YEAR <= year <= LAST_YEAR else None)
    return render_template(
        "leave/apply.html",
        balance=balance,
        form=form,
        check=dates_check(actor, form) if check else None,
    )


@pages.get("/leave")
def apply_page() -> str:
    return _apply_page(request.args)


@pages.post("/leave/check")
def check_dates() -> str:
    """The form again with the days and working days of the dates typed (nothing applied)."""
    return _apply_page(request.form)


def _certificate() -> str | None:
    """The medical certificate uploaded with the form, kept by the leave service as the
    applicant's: the SHA-256 the application names it by."""
    content = uploaded_pdf_b64("certificate")
    if content is None:
        return None
    return str(rpc().leave.keep_certificate(session_actor(), content)["sha256"])


@pages.get(f"{A}/certificate")
def certificate(application_id: str) -> Response:
    """An application's medical certificate, for whoever may see the application."""
    content = rpc().leave.certificate_document(session_actor(), application_id)
    return pdf_response(content, f"certificate-{application_id}")


@pages.post("/leave/apply")
def apply() -> Redirect:
    actor = session_actor()
    form = request.form

    def call() -> dict[str, Any]:
        new = {
            "kind": form.get("kind", ""),
            "from_date": form.get("from_date", ""),
            "to_date": form.get("to_date", ""),
            "reason": form.get("reason", ""),
            "address": form.get("address", ""),
        }
        if form.get("half"):
            new["half"] = form["half"]
        certificate = _certificate()
        if certificate:
            new["certificate_sha256"] = certificate
        return rpc().leave.apply(actor, new)

    def done(application: dict[str, Any]) -> tuple[str, str]:
        return _(
            "Applied. It waits with the %(level)s.",
            level=LEVELS.get(application["level"], application["level"]),
        ), url_for("leave.my_applications", _anchor=f"leave-{application['id']}")

    return act(call, url_for("leave.apply_page"), done, again=lambda: _apply_page(form))


# --- my applications -----------------------------------------------------------------------------


def _posts(actor: dict[str, Any], post_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The posts an application waits at or passed, by id, to name them."""
    return {p: rpc().identity.post(actor, p) for p in post_ids if p}


@pages.get("/leave/mine")
def my_applications() -> str:
    actor = session_actor()
    items = [
        rpc().leave.application(actor, a["id"]) for a in rpc().leave.my_applications(actor)["items"]
    ]
    posts = _posts(actor, {a["at_post_id"] for a in items})
    today = datetime.now(IST).date().isoformat()
    return render_template("leave/mine.html", items=items, posts=posts, today=today)


def _version() -> int:
    return whole_number(request.form.get("version", "")) or 0


@pages.post(f"{A}/cancel")
def cancel(application_id: str) -> Redirect:
    actor = session_actor()
    body: dict[str, Any] = {"version": _version()}
    if request.form.get("last_day"):
        body["last_day"] = request.form["last_day"]
    back = url_for("leave.my_applications", _anchor=f"leave-{application_id}")
    return act(
        lambda: rpc().leave.cancel(actor, application_id, body),
        back,
        lambda a: (_("%(status)s.", status=STATUSES.get(a["status"], a["status"])), back),
    )


@pages.post(f"{A}/resubmit")
def resubmit(application_id: str) -> Redirect:
    actor = session_actor()
    form = request.form
    back = url_for("leave.my_applications", _anchor=f"leave-{application_id}")

    def call() -> dict[str, Any]:
        body: dict[str, Any] = {
            "version": _version(),
            "from_date": form.get("from_date", ""),
            "to_date": form.get("to_date", ""),
        }
        if form.get("half"):
            body["half"] = form["half"]
        certificate = _certificate()
        if certificate:
            body["certificate_sha256"] = certificate
        return rpc().leave.resubmit(actor, application_id, body)

    return act(call, back, lambda a: (_("Sent up again."), back))


@pages.post(f"{A}/joining")
def joining(application_id: str) -> Redirect:
    """The joining report: the day one joined back (before the last day: the leave is cut
    short and the days not taken given back)."""
    actor = session_actor()
    body = {"version": _version(), "joined_on": request.form.get("joined_on", "")}
    back = url_for("leave.my_applications", _anchor=f"leave-{application_id}")
    return act(
        lambda: rpc().leave.join(actor, application_id, body),
        back,
        lambda a: (_("Joining report filed."), back),
    )


@pages.get(f"{A}/order.pdf")
def order_pdf(application_id: str) -> Response:
    """The sanction order, for its applicant and the officers who acted on the application."""
    content = long_rpc().leave.order_document(session_actor(), application_id)
    return download(content, "application/pdf", f"leave-order-{application_id[:8]}.pdf")


# --- to act on -----------------------------------------------------------------------------------


@pages.get("/leave/to-act-on")
def to_act_on() -> str:
    actor = session_actor()
    items = [rpc().leave.application(actor, a["id"]) for a in rpc().leave.to_act_on(actor)["items"]]
    return render_template("leave/to_act_on.html", items=items)


@pages.post(f"{A}/<any(recommend, return, reject, sanction):word>")
def decide(application_id: str, word: str) -> Redirect:
    actor = session_actor()
    method, said = WORDS[word]
    body = {"version": _version(), "remark": request.form.get("remark") or None}
    back = url_for("leave.to_act_on")
    return act(
        lambda: getattr(rpc().leave, method)(actor, application_id, body),
        back,
        lambda a: (str(said), back),
    )


# --- the office's calendar and register ----------------------------------------------------------


def _office_page(template: str, answer: Any, **more: Any) -> tuple[str, int]:
    """The page with the office's data, or with the refusal said and no data (a mistyped
    office code or month, an office one may not see)."""
    try:
        data = answer()
    except OfficeError as exc:
        if exc.status >= 500:
            raise
        return render_template(template, data=None, refusal=message_for(exc.code), **more), 200
    return render_template(template, data=data, refusal=None, **more), 200


@pages.get("/leave/calendar")
def calendar_page() -> tuple[str, int]:
    actor = session_actor()
    month = request.args.get("month") or datetime.now(IST).strftime("%Y-%m")
    office = request.args.get("office") or None
    return _office_page(
        "leave/calendar.html",
        lambda: office_calendar(actor, office, month),
        month=month,
        office=office or "",
    )


@pages.get("/leave/register")
def register_page() -> tuple[str, int]:
    actor = session_actor()
    query = asked("office", "month", "kind", "status")
    return _office_page(
        "leave/register.html",
        lambda: office_register(actor, query),
        query=query,
        statuses=STATUSES,
    )


@pages.get("/leave/register.csv")
def register_export() -> Response:
    return register_csv(
        office_register(session_actor(), asked("office", "month", "kind", "status"))
    )
