"""E-Leave: apply, follow one's applications and balance; the officers up the chain recommend,
return, reject or sanction what waits at their posts. The leave service judges every call (who
may see an application, whose turn it is); an application one may not see is 404, like one that
does not exist."""

from collections.abc import Callable

from flask import Response, jsonify, request
from pydantic import RootModel

from common.errors import InvalidInput
from common.validation import whole_number
from gateway.api import api
from gateway.api.common import caller, json_body, versioned_body
from gateway.limits import limited, person_calling
from gateway.openapi import Upload, View, documented
from gateway.rpc import long_rpc, rpc
from gateway.signer import ReadyToSign, ready_to_sign
from gateway.uploads import download, uploaded_pdf_b64
from services.leave.schemas import (
    Application,
    Applications,
    Balance,
    Cancellation,
    Correction,
    Decision,
    Joining,
    KeptCertificate,
    NewApplication,
    Sanction,
)

A = "/leave/applications/<application_id>"


@api.get("/leave/balance")
@documented(
    "My balance of each kind of leave my department has in a year (this year unless asked): "
    "what the ledger holds, what is asked for in applications not yet decided, what is left to "
    "ask for; with the ledger's credits, debits and refunds",
    response=Balance,
    query={"year": ("the year, 2000-2099", {"type": "integer", "minimum": 2000, "maximum": 2099})},
    errors=(400, 422),
)
def leave_balance() -> Response:
    actor = caller()
    raw = request.args.get("year")
    year = None if raw is None else whole_number(raw)
    if raw is not None and year is None:
        raise InvalidInput("LEAVE_YEAR_INVALID")
    return jsonify(rpc().leave.balance(actor, year))


@api.post("/leave/applications")
@documented(
    "Apply for leave from a post of my own. Checked by my department's rules (422: dates out of "
    "order, more days than the kind allows at once or than my balance, days already applied "
    "for, a medical certificate missing, ...) and sent to the first officer up my post chain "
    "who is not away",
    body=NewApplication,
    response=Application,
    headers={
        "Idempotency-Key": (
            "a key of your own for this application (1-200 visible ASCII characters): a retry "
            "with the same key answers with the application the first try made and applies "
            "for nothing new",
            {"type": "string", "pattern": "^[!-~]{1,200}$"},
        )
    },
    status=201,
    errors=(409, 422),
)
def apply_for_leave() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().leave.apply(actor, json_body())), 201


@api.get("/leave/applications")
@documented("My leave applications, with their history", response=Applications)
def my_leave_applications() -> Response:
    return jsonify(rpc().leave.my_applications(caller()))


@api.get("/leave/to-act-on")
@documented(
    "Leave applications waiting at my posts for my word, oldest first", response=Applications
)
def leave_to_act_on() -> Response:
    return jsonify(rpc().leave.to_act_on(caller()))


@api.get(A)
@documented(
    "A leave application with its history: for its applicant and the posts it passed",
    response=Application,
    errors=(404,),
)
def leave_application(application_id: str) -> Response:
    return jsonify(rpc().leave.application(caller(), application_id))


def _decision(summary: str) -> Callable[[View], View]:
    """An officer's word on an application waiting at their post: 404 for one that is not (or
    not any more), 409 for a stale version or one already decided, 422 where a rule says no."""
    return documented(summary, body=Decision, response=Application, errors=(404, 409, 422))


@api.post(f"{A}/recommend")
@_decision(
    "Recommend an application waiting at my post: it goes to the next level's officer (past any "
    "who is away). The sanctioning officer sanctions instead (422)"
)
def recommend_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.recommend(actor, application_id, versioned_body()))


@api.post(f"{A}/return")
@_decision(
    "Return an application waiting at my post to its applicant for correction (the remark says "
    "what to correct, 422 without one)"
)
def return_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.return_for_correction(actor, application_id, versioned_body()))


@api.post(f"{A}/reject")
@_decision("Reject an application waiting at my post (the remark says why, 422 without one)")
def reject_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.reject(actor, application_id, versioned_body()))


class Sanctioned(RootModel[Application | ReadyToSign]):
    """Sealed: the application, sanctioned with its order. On the token: the signing readied
    for eoffice-signer (the application is sanctioned when the signature is taken)."""


@api.post(f"{A}/sanction")
@documented(
    "Sanction an application waiting at my post at its sanctioning level, with its order (in "
    "Hindi and English, numbered in my office's run of leave orders). sign=seal (default): the "
    "office seals the order and the application is sanctioned at once, its days debited from "
    "the applicant's balance. sign=token (with my password or TOTP again): answers what my DSC "
    "token must sign, like a draft's signing; eoffice-signer completes it at "
    "/signing/{id}/complete and the application is sanctioned then, unless it was returned or "
    "decided otherwise since (409 SIGNING_NOT_CURRENT). Once decided, 409 LEAVE_ALREADY_DECIDED",
    body=Sanction,
    response=Sanctioned,
    errors=(401, 404, 409, 422),
)
def sanction_leave(application_id: str) -> Response:
    actor = caller()
    done = long_rpc().leave.sanction(actor, application_id, versioned_body())
    return jsonify(ready_to_sign(actor, done) if "to_sign_b64" in done else done)


@api.get(f"{A}/order")
@documented(
    "The sanction order's PDF (sealed or signed), for the applicant and the officers who acted "
    "on the application (404 before it is issued)",
    binary="application/pdf",
    errors=(404,),
)
def leave_order(application_id: str) -> Response:
    content = long_rpc().leave.order_document(caller(), application_id)
    return download(content, "application/pdf", f"leave-order-{application_id[:8]}.pdf")


@api.post(f"{A}/resubmit")
@documented(
    "Correct my application returned to me (its dates and certificate again): checked as a new "
    "one and sent up the chain again",
    body=Correction,
    response=Application,
    errors=(404, 409, 422),
)
def resubmit_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.resubmit(actor, application_id, versioned_body()))


@api.post(f"{A}/cancel")
@documented(
    "Withdraw my application, or cut short leave already begun (last_day: the last day taken); "
    "sanctioned days not taken go back to my balance",
    body=Cancellation,
    response=Application,
    errors=(404, 409, 422),
)
def cancel_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.cancel(actor, application_id, versioned_body()))


@api.post(f"{A}/joining")
@documented(
    "My joining report after my sanctioned leave: the day I joined back (after the leave "
    "began, not after today). Joining before its last day cuts it short and the days not taken "
    "go back to my balance. 409 once joined, or for leave not sanctioned",
    body=Joining,
    response=Application,
    errors=(404, 409, 422),
)
def join_after_leave(application_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().leave.join(actor, application_id, versioned_body()))


# --- medical certificates ------------------------------------------------------------------------


@api.post("/leave/certificates")
@limited("upload", person_calling)
@documented(
    "Upload my medical certificate (multipart file field 'pdf'): kept as mine, and answered by "
    "the SHA-256 my application (or its correction) names it by as certificate_sha256. An "
    "application naming a certificate I did not upload is refused (422 "
    "LEAVE_CERTIFICATE_NOT_UPLOADED). The same PDF again is kept once",
    upload=Upload("pdf", "application/pdf"),
    response=KeptCertificate,
    status=201,
    errors=(400, 413, 415, 422, 429),
)
def upload_leave_certificate() -> tuple[Response, int]:
    actor = caller()
    content = uploaded_pdf_b64()
    if content is None:
        raise InvalidInput("PDF_MISSING")
    return jsonify(rpc().leave.keep_certificate(actor, content)), 201


@api.get(f"{A}/certificate")
@documented(
    "An application's medical certificate (PDF): for its applicant and the posts it waits at "
    "or passed (404 otherwise, and for an application without one)",
    binary="application/pdf",
    errors=(404,),
)
def leave_certificate(application_id: str) -> Response:
    content = rpc().leave.certificate_document(caller(), application_id)
    return download(content, "application/pdf", f"leave-certificate-{application_id[:8]}.pdf")
