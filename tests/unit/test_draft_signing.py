"""A draft takes the signature of the signing last prepared for it, and only while it is as it
was when that signing was prepared: what files checks before signing takes a signature, and
again when the signed PDF arrives."""

import pytest

from common.errors import Conflict
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
