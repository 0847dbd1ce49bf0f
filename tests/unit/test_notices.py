"""Whom each event tells, and of what: work reaching a desk (sent, sent back, pulled back), the
seven-working-day rule's stages, a delegation, a DSC expiring, a VPN account. A notice of a
post is for whoever holds it; a notice of a person is theirs alone."""

from datetime import UTC, datetime
from typing import Any

import pytest

from common.actor import Actor
from common.errors import NotFound
from common.events import (
    DscExpiring,
    Event,
    FileOverdue,
    FileSent,
    Names,
    PersonDisabled,
    PostDelegated,
    ReceiptOverdue,
    VpnIssued,
    VpnRevoked,
    new_event,
)
from services.notify.domain import notices as domain

ADMIN = Actor(user_id="admin", name="Admin", office_id="up")
HC, ASP = Names(en="Head Clerk", hi="प्रधान लिपिक"), Names(en="ASP", hi="अपर पुलिस अधीक्षक")


def told(payload: Any) -> list[tuple[str | None, str | None, str]]:
    event = Event.model_validate(
        new_event(payload, ADMIN, ["up", "sp"], datetime(2026, 1, 5, tzinfo=UTC))
    )
    notices = domain.notices_for(event)
    assert all(n["_id"].startswith(event.event_id) for n in notices)  # once per event
    return [(n["post_id"], n["user_id"], n["kind"]) for n in notices]


def file_sent(how: str) -> FileSent:
    return FileSent(
        file_id="f1",
        number="A-11011/1/2026-ESTT",
        subject="स्थानांतरण",
        how=how,
        from_post_id="hc",
        from_post_name=HC,
        to_post_id="asp",
        to_post_name=ASP,
        to_office_id="sp",
        to_office_path=["up", "sp"],
        seq=2,
    )


def test_a_file_sent_on_or_back_tells_the_desk_it_reached_and_pulled_back_the_one_it_left():
    assert told(file_sent("sent")) == [("asp", None, "file_received")]
    assert told(file_sent("sent_back")) == [("asp", None, "file_sent_back")]
    assert told(file_sent("pulled_back")) == [("hc", None, "file_pulled_back")]


def test_the_rules_stages_tell_the_holder_and_an_escalation_the_post_above():
    def stage(name: str, to: str | None = None) -> ReceiptOverdue:
        return ReceiptOverdue(
            receipt_id="r1",
            holder_post_id="hc",
            working_days=8,
            stage=name,
            escalated_to_post_id=to,
            seq=1,
        )

    assert told(stage("warning")) == [("hc", None, "overdue_warning")]
    assert told(stage("explanation_required")) == [("hc", None, "explanation_required")]
    assert told(stage("escalated", "asp")) == [("asp", None, "escalated_to_you")]
    file = FileOverdue(file_id="f1", holder_post_id="hc", working_days=5, stage="warning", seq=1)
    event = Event.model_validate(new_event(file, ADMIN, ["up", "sp"]))
    (notice,) = domain.notices_for(event)
    assert notice["item_id"] == "f1"
    assert notice["params"] == {"item_id": "f1", "item_kind": "file", "working_days": 5}


def test_what_concerns_a_person_is_theirs_alone():
    delegated = PostDelegated(
        delegation_id="d1",
        post_id="sp",
        post_name=Names(en="SP", hi="पुलिस अधीक्षक"),
        holder_user_id="rajesh",
        delegate_user_id="anita",
        starts="2026-01-05",
        ends="2026-01-09",
    )
    assert told(delegated) == [(None, "anita", "delegation_started")]
    expiring = DscExpiring(user_id="rajesh", sha256="ab", not_after="2026-02-04", days=30)
    assert told(expiring) == [(None, "rajesh", "dsc_expiring")]
    vpn = {"user_id": "suresh", "district_id": "sp", "address": "10.61.0.2"}
    assert told(VpnIssued(**vpn)) == [(None, "suresh", "vpn_issued")]
    assert told(VpnRevoked(**vpn)) == [(None, "suresh", "vpn_revoked")]
    # They can no longer log in to read it: it goes by email (on by default for this kind).
    assert told(PersonDisabled(user_id="suresh")) == [(None, "suresh", "account_disabled")]


def test_a_persons_notice_is_not_found_by_anyone_else_holding_any_post():
    notice = {"_id": "n1", "post_id": None, "user_id": "anita"}
    anita = Actor(user_id="anita", name="Anita", post_ids=("asp",), office_id="sp")
    rajesh = Actor(user_id="rajesh", name="Rajesh", post_ids=("sp",), office_id="sp")
    assert domain.require_own(anita, notice) is notice
    with pytest.raises(NotFound):
        domain.require_own(rajesh, notice)
    with pytest.raises(NotFound):
        domain.require_own(rajesh, {"_id": "n2", "post_id": "asp", "user_id": None})
