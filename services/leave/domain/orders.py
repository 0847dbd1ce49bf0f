"""The sanction order: what sanctioning leave issues. It is numbered in the office's own run of
leave orders (``LV.SP-HTR-2026-000042``), printed with a verification code, and either sealed by
the office at once or signed on the sanctioning officer's token (then the sanction waits for
that very signing, and a signing prepared before the application was returned or decided
otherwise is not taken). Pure rules: the service reads, renders, signs and writes."""

from typing import Any, Literal

from common.errors import Conflict, NotFound
from common.issued import verification_code
from services.leave.schemas import ORDER_PREFIX

Signed = Literal["seal", "token"]
# The actions an officer takes on an application (the others are its applicant's).
OFFICERS_ACTIONS = ("recommended", "returned", "rejected", "sanctioned")


def order_number(office_code: str, year: int, serial: int) -> str:
    """One run per office and year, like letters' issue numbers, told apart by its prefix."""
    return f"{ORDER_PREFIX}{office_code}-{year}-{serial:06d}"


def reserved(office_code: str, year: int, serial: int) -> dict[str, str]:
    """The number and code an application's order is issued under: fixed the first time its
    sanction is readied (sealed or signed), and kept for a later try, so a failed or refused
    signing uses no number of its own."""
    return {"number": order_number(office_code, year, serial), "code": verification_code()}


def stamp_lines(reservation: dict[str, str]) -> list[str]:
    """What the seal or the signature stamp prints beside the signature."""
    return [f"Order No. {reservation['number']}", f"Verification code {reservation['code']}"]


def issued(
    reservation: dict[str, str], at: str, sha256: str, signed: Signed, pages: int
) -> dict[str, Any]:
    """The order as the application keeps it (and as its number finds it)."""
    return {**reservation, "issued_at": at, "sha256": sha256, "signed": signed, "pages": pages}


def awaiting(signing_id: str, user_id: str, application: dict[str, Any]) -> dict[str, Any]:
    """The fields that make the application wait for a signing on the officer's token: it
    stays at its version, and any change to it (returned, rejected, sanctioned otherwise, read
    again and decided) leaves that signing stale."""
    return {
        "signing_id": signing_id,
        "signing_for": {
            "user_id": user_id,
            "post_id": application["at_post_id"],
            "version": application["version"],
        },
    }


def require_awaiting(application: dict[str, Any], signing_id: str, user_id: str) -> None:
    """The application still waits for this very signing, by this person, at the post and
    version it was prepared at; else 409 ``SIGNING_NOT_CURRENT`` and nothing is taken."""
    pending = application.get("signing_for") or {}
    current = (
        application.get("signing_id") == signing_id
        and application["status"] in ("applied", "recommended")
        and pending.get("user_id") == user_id
        and pending.get("post_id") == application.get("at_post_id")
        and pending.get("version") == application["version"]
    )
    if not current:
        raise Conflict("SIGNING_NOT_CURRENT", {"status": application["status"]})


def signed_with(application: dict[str, Any], signing_id: str) -> bool:
    """Whether the application was sanctioned with this signing already (a redelivered event)."""
    return bool(application.get("order")) and application.get("signed_by_signing") == signing_id


def require_reader(application: dict[str, Any], user_id: str, post_ids: list[str]) -> None:
    """The order is its applicant's, and the officers' who acted on the application."""
    acted = {h.get("post_id") for h in application["history"] if h["action"] in OFFICERS_ACTIONS}
    if application["user_id"] != user_id and not acted & set(post_ids):
        raise NotFound("LEAVE_APPLICATION_NOT_FOUND")
    if not application.get("order"):
        raise NotFound("DOCUMENT_NOT_FOUND")
