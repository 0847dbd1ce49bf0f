"""A person's record: one builder for everyone who joins, whether an admin creates them or a
master data sheet onboards them, and the event that announces them."""

from typing import Any

from common.events import Names, PersonOnboarded


def new_person(
    person_id: str,
    username: str,
    names: Names,
    office_id: str,
    grants: list[dict[str, Any]],
    created_at: str,
    password_hash: str | None = None,
    activation: dict[str, str] | None = None,
    employee_code: str | None = None,
    sheet_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The record of a new person, enabled and with no failed logins. Created by an admin they
    come with a password hash; onboarded from a sheet, with a pending ``activation`` (the hash
    of the one-time code on their slip), their employee code and the sheet's values."""
    sheet = (
        {"employee_code": employee_code, "sheet_values": sheet_values}
        if employee_code is not None
        else {}
    )
    return {
        "_id": person_id,
        "username": username,
        "name_en": names.en,
        "name_hi": names.hi,
        "password_hash": password_hash,
        **({"activation": activation} if activation is not None else {}),
        "grants": grants,
        "office_id": office_id,
        **sheet,
        "disabled": False,
        "disabled_at": None,
        "failed_logins": 0,
        "created_at": created_at,
    }


def onboarded_event(person: dict[str, Any]) -> PersonOnboarded:
    """The event payload that announces a new person (from their record)."""
    return PersonOnboarded(
        user_id=person["_id"],
        username=person["username"],
        name=Names.of(person),
        office_id=person["office_id"],
        employee_code=person.get("employee_code"),
        email=(person.get("sheet_values") or {}).get("email"),
        mobile=(person.get("sheet_values") or {}).get("mobile"),
    )
