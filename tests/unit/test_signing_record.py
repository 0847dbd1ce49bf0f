"""A signing as signing keeps it, without a broker: prepared for one officer until it expires,
then completed with the event that hands the signed PDF to the service it was for."""

import base64
from datetime import UTC, datetime, timedelta

from common.actor import Actor
from services.signing.domain import signing_record
from services.signing.domain.token_signing import Prepared

SP = Actor(user_id="sp", name="Rajesh Singh", office_path=("up", "htr"))
NOW = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
CERTIFICATE = {"certificate_b64": "Y2VydA==", "chain_b64": ["Y2E="], "sha256": "cert-sha"}
PURPOSE = {"kind": "draft", "file_id": "f1", "draft_id": "d1"}


def prepared() -> Prepared:
    return Prepared(
        prepared_pdf=b"%PDF-1.7",
        signed_attrs=b"attrs",
        document_digest=b"digest",
        reserved_start=10,
        reserved_end=20,
        field_name="Signature-1",
        algorithm="sha256_rsa",
        signer_cert_sha256="cert-sha",
    )


def test_a_prepared_signing_is_the_officers_own_until_it_expires():
    signing = signing_record.new_signing(
        "s1", SP, PURPOSE, CERTIFICATE, prepared(), NOW, timedelta(minutes=10)
    )
    assert (signing["_id"], signing["user_id"], signing["status"]) == ("s1", "sp", "prepared")
    assert signing["created_at"] == "2026-03-01T10:00:00.000000+00:00"
    assert signing["expires_at"] == "2026-03-01T10:10:00.000000+00:00"
    assert signing["certificate"] == {"der_b64": "Y2VydA==", "chain_b64": ["Y2E="]}
    assert base64.b64decode(signing["to_sign_b64"]) == b"attrs"  # what the token signs
    assert Prepared.from_json(signing["prepared"]) == prepared()


def test_a_completed_signing_tells_the_service_it_was_for_where_its_signed_pdf_is():
    signing = signing_record.new_signing(
        "s1", SP, PURPOSE, CERTIFICATE, prepared(), NOW, timedelta(minutes=10)
    )
    done = NOW + timedelta(minutes=2)
    assert signing_record.completion("signed-pdf", "B-T", done) == {
        "sha256": "signed-pdf",
        "signed_at": "2026-03-01T10:02:00.000000+00:00",
        "level": "B-T",
    }
    event = signing_record.signed_event(signing, SP, "signed-pdf", done)
    assert event["type"] == "document.signed"
    assert event["office_path"] == ["up", "htr"]
    assert event["payload"] == {
        "signing_id": "s1",
        "purpose": PURPOSE,
        "sha256": "signed-pdf",
        "signer_user_id": "sp",
        "signer_name": "Rajesh Singh",
        "certificate_sha256": "cert-sha",
        "signed_at": "2026-03-01T10:02:00.000000+00:00",
    }
