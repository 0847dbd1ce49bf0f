"""A draft's life without a broker: written, revised, approved, signed (on the token or on
paper), issued and dispatched, each as the change it makes to the file. And a draft takes the
signature of the signing last prepared for it, only while it is as it was when that signing was
prepared: what files checks before signing takes a signature, and again when the signed PDF
arrives."""

from datetime import UTC, datetime

import pytest

from common.actor import Actor, Grant
from common.errors import Conflict, InvalidInput
from common.events import DocumentSigned, DraftApproved, DraftDispatched, DraftIssued
from services.files.domain import drafts, signatures


def approved_draft() -> dict:
    draft = drafts.new_draft("letter", "Subject", "Addressee", "Text", {"user_id": "hc"}, "now")
    version = {"n": 1, "sha256": "v1"}
    return {**draft, "status": "approved", "versions": [version]}


def prepared(draft: dict, signing_id: str = "s1") -> dict:
    return {**draft, "pending_signing": signatures.pending_signing(draft, signing_id, "sp", "p-sp")}


def test_the_draft_awaits_the_signing_prepared_for_it_by_its_signer():
    draft = prepared(approved_draft())
    assert signatures.require_awaiting(draft, "s1", "sp")["post_id"] == "p-sp"
    for signing_id, user_id in (("s0", "sp"), ("s1", "someone-else")):
        with pytest.raises(Conflict) as caught:
            signatures.require_awaiting(draft, signing_id, user_id)
        assert caught.value.code == "SIGNING_NOT_CURRENT"


@pytest.mark.parametrize(
    "what_happened",
    [
        {"versions": [{"n": 1, "sha256": "v1"}, {"n": 2, "sha256": "v1"}]},  # the same PDF again
        {"status": "issued"},
        {"status": "discarded"},
        {"status": "signed", "signed_sha256": "on-paper", "signed_on_paper": True},
    ],
    ids=["revised", "issued", "discarded", "signed-on-paper"],
)
def test_a_draft_changed_since_the_signing_was_prepared_does_not_await_it(what_happened):
    draft = {**prepared(approved_draft()), **what_happened}
    with pytest.raises(Conflict) as caught:
        signatures.require_awaiting(draft, "s1", "sp")
    assert caught.value.code == "SIGNING_NOT_CURRENT"


def test_a_further_signature_is_awaited_over_the_signed_pdf_until_another_replaces_it():
    signed = {**approved_draft(), "status": "signed", "signed_sha256": "signed-once"}
    draft = prepared(signed, "s2")
    assert signatures.require_awaiting(draft, "s2", "sp")["base"] == "signed-once"
    with pytest.raises(Conflict):  # someone else's signature went on the PDF meanwhile
        signatures.require_awaiting({**draft, "signed_sha256": "signed-twice"}, "s2", "sp")


# --- each step of a draft, as the change it makes to the file ---------------------------------

CLERK = Actor(user_id="hc", name="Iqbal Khan", post_ids=("p-hc",))
SP = Actor(
    user_id="sp",
    name="Rajesh Singh",
    post_ids=("p-sp",),
    grants=(Grant(role="officer", scope=None),),
)
NOW = "2026-03-01T10:00:00.000000+00:00"
POST = {"id": "p-sp", "office_id": "o1", "office_code": "SP-HTR"}


def on_file(draft: dict, **overrides) -> dict:
    return {
        "_id": "f1",
        "number": "A-11011/3/2026-ESTT",
        "office_id": "o1",
        "drafts": [draft],
        "correspondence": [{"last_page": 4}],
        **overrides,
    }


def the_draft(step) -> dict:
    (draft,) = step.set["drafts"]
    return draft


def test_a_written_draft_goes_on_the_file_with_its_first_version():
    draft = drafts.new_draft("letter", "Transfer", "SP Aligarh", "Text", {"user_id": "hc"}, NOW)
    step = drafts.created(draft, {"n": 1, "sha256": "v1"}, CLERK, "p-hc", NOW)
    assert step.push == {"drafts": {**draft, "versions": [{"n": 1, "sha256": "v1"}]}}
    assert step.history.action == "draft_created"
    assert step.history.details == {"draft_id": draft["id"], "sha256": "v1"}


def test_a_revised_draft_is_a_draft_again_and_its_approval_and_signing_lapse():
    draft = {**prepared(approved_draft()), "approved": {"version": 1}, "issue_number": "N-1"}
    file = on_file(draft)
    to_write = drafts.revisable(file, draft["id"], "A better text")
    step = drafts.revised(file, to_write, {"n": 2, "sha256": "v2"}, CLERK, "p-hc", NOW)
    revised = the_draft(step)
    assert revised["status"] == "draft" and revised["text"] == "A better text"
    assert revised["approved"] is None and revised["pending_signing"] is None
    assert revised["issue_number"] == "N-1"  # approved again, it keeps its number
    assert [v["n"] for v in revised["versions"]] == [1, 2]
    assert step.history.details == {"draft_id": draft["id"], "version": 2, "sha256": "v2"}


def test_a_signed_draft_is_not_revised():
    draft = {**approved_draft(), "status": "signed"}
    with pytest.raises(Conflict) as refused:
        drafts.revisable(on_file(draft), draft["id"], None)
    assert refused.value.code == "DRAFT_WRONG_STATE"


def test_only_an_officer_approves_and_only_the_version_they_read():
    draft = {**approved_draft(), "status": "draft"}
    with pytest.raises(Conflict) as clerk:
        drafts.approvable(CLERK, on_file(draft), draft["id"], 1)
    assert clerk.value.code == "DRAFT_APPROVAL_NEEDS_OFFICER"
    with pytest.raises(Conflict) as stale:
        drafts.approvable(SP, on_file(draft), draft["id"], 0)
    assert stale.value.details == {"current_version": 1}
    assert drafts.approvable(SP, on_file(draft), draft["id"], 1) == draft


def test_an_approved_draft_gets_its_issue_number_and_code_and_the_office_is_told():
    draft = {**approved_draft(), "status": "draft"}
    step = drafts.approved(on_file(draft), draft, SP, "p-sp", NOW, 1, "SP-HTR-2026-000042")
    approved = the_draft(step)
    assert approved["status"] == "approved" and approved["issue_number"] == "SP-HTR-2026-000042"
    assert approved["approved"] == {"version": 1, "by": SP.audit("p-sp"), "at": NOW}
    assert len(approved["verification_code"]) == 8
    assert step.history.details == {
        "draft_id": draft["id"],
        "version": 1,
        "issue_number": "SP-HTR-2026-000042",
    }
    (told,) = step.events
    assert told.payload is DraftApproved and told.fields["file_id"] == "f1"


def test_a_draft_approved_again_keeps_its_number_and_code():
    draft = {**approved_draft(), "status": "draft", "issue_number": "N-1", "verification_code": "C"}
    again = the_draft(drafts.approved(on_file(draft), draft, SP, "p-sp", NOW, 1, "N-2"))
    assert (again["issue_number"], again["verification_code"]) == ("N-1", "C")


def test_a_letter_is_dispatched_only_once_issued_and_to_real_addresses():
    issued = {**approved_draft(), "status": "issued", "issue_number": "N-1"}
    with pytest.raises(Conflict):
        drafts.dispatchable(on_file({**issued, "status": "signed"}), issued["id"], "post", ["x"])
    with pytest.raises(InvalidInput) as bad:
        drafts.dispatchable(on_file(issued), issued["id"], "email", ["not an address"])
    assert bad.value.code == "DISPATCH_BAD_EMAIL"
    assert drafts.dispatchable(on_file(issued), issued["id"], "post", [" DM Office "]) == (
        issued,
        ["DM Office"],
    )


def test_a_dispatched_letter_is_entered_in_the_register_and_remembers_each_send():
    issued = {
        **approved_draft(),
        "status": "issued",
        "issue_number": "N-1",
        "issued": {"sha256": "issued-pdf"},
    }
    file = on_file(issued)
    moment = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    sending = {"mode": "email", "to": ["sp.aligarh@up.gov.in"], "remark": "urgent"}
    entry = drafts.register_entry(file, issued, SP, POST, moment, 7, sending)
    assert entry["register_number"] == "7/2026/SP-HTR" and entry["at"] == NOW
    assert (entry["file_number"], entry["issue_number"]) == ("A-11011/3/2026-ESTT", "N-1")
    step = drafts.dispatched(file, issued, entry, SP, "p-sp")
    sent = {
        "register_number": "7/2026/SP-HTR",
        "mode": "email",
        "to": ["sp.aligarh@up.gov.in"],
        "at": NOW,
        "remark": "urgent",
    }
    assert the_draft(step)["status"] == "dispatched"
    assert the_draft(step)["dispatches"] == [sent]
    assert step.history.details == {"draft_id": issued["id"], **sent}
    (told,) = step.events
    assert told.payload is DraftDispatched and told.fields["sha256"] == "issued-pdf"


def test_a_draft_signed_on_paper_is_not_signed_on_a_token():
    draft = {**approved_draft(), "status": "signed", "signed_on_paper": True}
    with pytest.raises(Conflict) as refused:
        signatures.signable(on_file(draft), draft["id"])
    assert refused.value.code == "DRAFT_SIGNED_ON_PAPER"


def test_a_prepared_signature_makes_the_draft_wait_for_that_signing():
    draft = approved_draft()
    step = signatures.signature_prepared(on_file(draft), draft, SP, "p-sp", NOW, "s1")
    waiting = the_draft(step)
    assert signatures.require_awaiting(waiting, "s1", "sp")["post_id"] == "p-sp"
    assert step.history.details == {"draft_id": draft["id"], "signing_id": "s1"}


def test_a_completed_signing_makes_the_draft_signed_with_its_signature_on_it():
    draft = prepared(approved_draft())
    completed = DocumentSigned(
        signing_id="s1",
        purpose={"kind": "draft", "file_id": "f1", "draft_id": draft["id"]},
        sha256="signed-pdf",
        signer_user_id="sp",
        signer_name="Rajesh Singh",
        certificate_sha256="cert",
        signed_at=NOW,
    )
    step = signatures.signed(on_file(draft), draft, SP, NOW, completed, "signed-pdf")
    signed = the_draft(step)
    assert (signed["status"], signed["signed_sha256"]) == ("signed", "signed-pdf")
    assert signed["pending_signing"] is None
    assert signatures.has_signature(signed, "s1") and not signatures.has_signature(draft, "s1")
    assert signed["signatures"][0]["certificate_sha256"] == "cert"
    assert step.history.post_id == "p-sp"  # the post it was prepared at


def test_a_scan_signed_in_ink_is_the_signed_letter():
    draft = approved_draft()
    assert signatures.signable_on_paper(on_file(draft), draft["id"]) == draft
    step = signatures.signed_on_paper(on_file(draft), draft, SP, "p-sp", NOW, "scan")
    assert the_draft(step) == {
        **draft,
        "status": "signed",
        "signed_sha256": "scan",
        "signed_on_paper": True,
    }
    with pytest.raises(Conflict):
        signatures.signable_on_paper(on_file(the_draft(step)), draft["id"])


def test_an_issued_letter_joins_the_correspondence_as_the_next_pages():
    draft = {
        **approved_draft(),
        "status": "signed",
        "issue_number": "N-1",
        "verification_code": "CODE2345",
    }
    file = on_file(draft)
    assert signatures.issue(file, draft, NOW, "final") == {
        "_id": "N-1",
        "code": "CODE2345",
        "file_id": "f1",
        "draft_id": draft["id"],
        "office_id": "o1",
        "sha256": "final",
        "issued_at": NOW,
    }
    step = signatures.issued(file, draft, SP, "p-sp", NOW, "final", 2)
    assert the_draft(step)["issued"] == {"at": NOW, "by": SP.audit("p-sp"), "sha256": "final"}
    letter = step.push["correspondence"]
    assert (letter["kind"], letter["first_page"], letter["last_page"]) == ("issued", 5, 6)
    (told,) = step.events
    assert told.payload is DraftIssued and told.fields["issue_number"] == "N-1"
