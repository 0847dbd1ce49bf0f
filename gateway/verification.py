"""The verification of a signed letter, alike on the API and the public page: the verifier's
report with each problem in the reader's language, and the report on an issued letter (or leave
order) for whoever has it in hand."""

from typing import Any

from common.errors import NotFound
from gateway.labels import signature_problem
from gateway.rpc import long_rpc
from services.leave.schemas import is_order_number


def explained_report(report: dict[str, Any]) -> dict[str, Any]:
    """Each signature's problem, if it has one, also in the reader's language."""
    for signature in report["signatures"]:
        signature["problem_message"] = signature_problem(signature["problem"])
    return report


def issued_document(number: str, code: str) -> dict[str, Any]:
    """What was issued under a number, asked of the service whose run it is in: a leave
    order's number has its own prefix, any other is a letter's issue number."""
    if is_order_number(number):
        order: dict[str, Any] = long_rpc().leave.issued_order(number, code)
        return order
    letter: dict[str, Any] = long_rpc().files.issued_letter(number, code)
    return letter


def verify_issued(issue_number: str, code: str | None) -> dict[str, Any]:
    """The report on a letter for whoever has it in hand: the number and the code printed
    beside it. Without the code the answer is the one for a number never issued, so the
    register cannot be walked through number by number."""
    code = (code or "").strip()
    if not code:
        raise NotFound("ISSUE_NOT_FOUND")
    issued = issued_document(issue_number, code)
    report = explained_report(long_rpc().signing.verify(issued.pop("pdf_b64")))
    return {**issued, "report": report}
