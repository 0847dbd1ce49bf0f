"""Signing a draft on the officer's own token, sealing what the office issues, and checking any
signed PDF, judged by two independent validators: pyHanko's and poppler's ``pdfsig``.

The token is SoftHSM2 with its keys made on it; the officer's side is the ``eoffice-signer``
command run as its own process, as on the officer's machine. No mocks.
"""

import base64
import io
import json
import pickle
import subprocess
import sys
import textwrap
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from common.errors import Conflict, InvalidInput, Refused, UnsupportedMedia
from services.signing.domain import token_signing, validation_data, verification
from services.signing.domain.seal import Seal, SealKeyError
from services.signing.domain.token_signing import Prepared
from services.signing.render.stamp import Stamp, box
from tests.support import pdfs, pki
from tests.support.token import certificate_for, crl, nss_db, pdfsig, soft_token
from tests.support.tsa import time_stamp_authority

ROOT = Path(__file__).resolve().parents[2]
CHAIN = [pki.licensed_ca().der, pki.root_ca().der]
ROOTS = [pki.root_ca().der]
SEAL_PASSWORD = b"correct horse battery staple"


def stamp_for(name_en="Pooja Yadav", name_hi="पूजा यादव", **more) -> Stamp:
    values = {
        "name_en": name_en,
        "name_hi": name_hi,
        "designation_en": "Superintendent of Police",
        "designation_hi": "पुलिस अधीक्षक",
        "office_en": "District Police Office, Raipur",
        "office_hi": "ज़िला पुलिस कार्यालय, रायपुर",
        "signed_at": datetime.now(UTC),
        "extra_lines": ("Issue No. SP/RPR/17/2026",),
    }
    return Stamp(**{**values, **more})


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    return soft_token(tmp_path_factory.mktemp("token"))


@pytest.fixture(scope="module")
def nss(tmp_path_factory):
    return nss_db(tmp_path_factory.mktemp("nss"), pki.root_ca().der)


@pytest.fixture(scope="module")
def seal():
    ca = pki.licensed_ca()
    pem, cert_der = Seal.generate(
        "District Police Office Raipur (seal)", ca.key, ca.der, SEAL_PASSWORD
    )
    return Seal.load(pem, SEAL_PASSWORD, cert_der, CHAIN)


def on_token(token, key: str, prepared: Prepared, workdir: Path) -> bytes:
    """The officer's side: the request as the office would serve it, signed by eoffice-signer."""
    request = workdir / "request.json"
    response = workdir / "response.json"
    request.write_text(
        json.dumps(
            {
                "signing_id": "sg-1",
                "to_sign_b64": base64.b64encode(prepared.signed_attrs).decode(),
                "algorithm": prepared.algorithm,
            }
        )
    )
    done = subprocess.run(
        token.signer_args(key) + ["--in", str(request), "--out", str(response)],
        env=token.env(),
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(response.read_text())
    assert answer["signing_id"] == "sg-1"
    return base64.b64decode(answer["signature_b64"])


def officer_signs(token, key, pdf, workdir, field="Sig1", stamp=None) -> bytes:
    cert = token.keys[key].der
    prepared = token_signing.prepare(pdf, cert, CHAIN, stamp or stamp_for(), field)
    # kept in the office's database between the two calls
    stored = json.loads(json.dumps(prepared.to_json()))
    signature = on_token(token, key, prepared, workdir)
    return token_signing.finish(Prepared.from_json(stored), cert, CHAIN, signature)


def poppler(pdf: bytes, nss: Path, workdir: Path) -> str:
    path = workdir / "checked.pdf"
    path.write_bytes(pdf)
    return pdfsig(path, nss)


def page_text(pdf: bytes, workdir: Path, page: int = -1) -> str:
    path = workdir / "text.pdf"
    path.write_bytes(pdf)
    count = int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])
    number = str(count if page == -1 else page)
    done = subprocess.run(
        ["pdftotext", "-f", number, "-l", number, "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


# An officer signs on her token


@pytest.mark.parametrize("key", ["rsa", "ec"])
def test_an_officer_signs_a_draft_on_her_token_and_both_validators_accept_it(
    token, nss, tmp_path, key
):
    draft = pdfs.pdf(pages=2, text="Draft letter")

    signed = officer_signs(token, key, draft, tmp_path)

    assert signed.startswith(draft)  # an incremental update: the draft's bytes are untouched
    report = verification.verify(signed, ROOTS)
    assert report["ok"] is True
    (only,) = report["signatures"]
    assert only["field"] == "Sig1"
    assert only["signer"] == "Pooja Yadav"
    assert only["chain"] == ["Pooja Yadav", pki.LICENSED_CA_NAME, pki.ROOT_NAME]
    assert only["intact"] and only["trusted"] and only["valid"]
    assert only["covers_whole_file"] and not only["modified_after_signing"]
    assert only["revision"] == 2 and report["revisions"] == 2
    signed_at = datetime.fromisoformat(only["signed_at"])
    assert abs(signed_at - datetime.now(UTC)) < timedelta(minutes=1)

    checked = poppler(signed, nss, tmp_path)
    assert "Signature is Valid" in checked
    assert "Certificate is Trusted" in checked
    assert "Total document signed" in checked


def test_the_stamp_reads_in_hindi_and_english_on_the_last_page(token, tmp_path):
    signed = officer_signs(token, "rsa", pdfs.pdf(pages=2), tmp_path)

    text = page_text(signed, tmp_path)

    for words in [
        "पूजा यादव, पुलिस अधीक्षक",
        "Pooja Yadav, Superintendent of Police",
        "ज़िला पुलिस कार्यालय, रायपुर",
        "District Police Office, Raipur",
        "दिनांक / Date:",
        "Issue No. SP/RPR/17/2026",
    ]:
        assert unicodedata.normalize("NFC", words) in text
    assert "पूजा" not in page_text(signed, tmp_path, page=1)


def test_a_second_officer_signs_after_the_first_and_the_first_signature_stays_valid(
    token, nss, tmp_path
):
    first = officer_signs(token, "rsa", pdfs.pdf(), tmp_path, field="Sig1")
    stamp = stamp_for("Ravi Kumar", "रवि कुमार", designation_en="Collector")
    second = officer_signs(token, "ec", first, tmp_path, field="Sig2", stamp=stamp)

    assert second.startswith(first)
    report = verification.verify(second, ROOTS)
    assert report["ok"] is True
    before, after = report["signatures"]
    assert (before["field"], after["field"]) == ("Sig1", "Sig2")
    assert before["valid"] and after["valid"]
    assert before["modified_after_signing"] and before["changes_after"] == "form_filling"
    assert before["later_revisions"] == 1 and before["changes_permitted"] is True
    assert after["covers_whole_file"] and after["changes_after"] == "none"

    checked = poppler(second, nss, tmp_path)
    assert checked.count("Signature is Valid") == 2
    assert "Not total document signed" in checked  # the first, honestly reported

    rects = [_widget_rect(second, name) for name in ("Sig1", "Sig2")]
    assert not _overlap(*rects)


def test_a_stamp_time_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        stamp_for(signed_at=datetime.now())


def test_stamps_take_their_places_bottom_right_first_and_never_overlap():
    a4 = (0, 0, 595, 842)
    boxes = [box(a4, slot) for slot in range(12)]

    assert boxes[0][2] > boxes[1][2]  # the first at the right
    assert boxes[0][1] < boxes[3][1]  # a row up once a row is full
    for i, one in enumerate(boxes):
        assert one[0] >= 0 and one[1] >= 0 and one[2] <= 595 and one[3] <= 842
        for other in boxes[i + 1 :]:
            assert not _overlap(one, other)
    with pytest.raises(Refused) as caught:
        box(a4, 200)
    assert caught.value.code == "NO_ROOM_FOR_STAMP"


# The office's seal


def test_the_office_seals_what_it_issues_and_both_validators_accept_it(seal, nss, tmp_path):
    stamp = stamp_for(
        "District Police Office, Raipur",
        "ज़िला पुलिस कार्यालय, रायपुर",
        designation_en="Issued by the e-Office",
        designation_hi="ई-ऑफ़िस द्वारा जारी",
        extra_lines=("Verify: EO-7F3K-2026",),
    )

    sealed = seal.sign(pdfs.pdf(), stamp, "Seal")

    report = verification.verify(sealed, ROOTS)
    assert report["ok"] is True
    assert report["signatures"][0]["signer"] == "District Police Office Raipur (seal)"
    checked = poppler(sealed, nss, tmp_path)
    assert "Signature is Valid" in checked and "Certificate is Trusted" in checked
    assert "EO-7F3K-2026" in page_text(sealed, tmp_path)


def test_a_seal_after_the_officers_signature_keeps_hers_valid(token, seal, nss, tmp_path):
    signed = officer_signs(token, "rsa", pdfs.pdf(), tmp_path)

    sealed = seal.sign(signed, stamp_for(), "Seal")

    report = verification.verify(sealed, ROOTS)
    assert report["ok"] is True and [s["valid"] for s in report["signatures"]] == [True, True]
    assert poppler(sealed, nss, tmp_path).count("Signature is Valid") == 2


def test_the_seal_key_is_kept_encrypted_and_never_shown(seal):
    ca = pki.licensed_ca()
    pem, cert_der = Seal.generate("Seal", ca.key, ca.der, b"pw")

    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    shown = repr(seal) + str(seal)
    assert "PRIVATE" not in shown and "Seal(subject=" in shown
    with pytest.raises(TypeError):
        pickle.dumps(seal)  # never carried off in a message or a cache
    with pytest.raises(SealKeyError) as wrong:
        Seal.load(pem, b"not the password", cert_der, CHAIN)
    assert "pw" not in str(wrong.value)
    with pytest.raises(SealKeyError):
        Seal.load(pki.officer("Seal").key_pem(), b"pw", cert_der, CHAIN)  # not encrypted
    with pytest.raises(SealKeyError):
        Seal.load(pem, b"pw", seal.certificate_der, CHAIN)  # another key's certificate


def test_a_rotated_seal_signs_with_its_new_key_and_the_old_seal_stays_valid(seal, tmp_path):
    ca = pki.licensed_ca()
    old_sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    pem, cert_der = Seal.generate("Seal 2027", ca.key, ca.der, b"new", key_type="ec")
    rotated = Seal.load(Seal.reencrypt(pem, b"new", b"newer"), b"newer", cert_der, CHAIN)

    resealed = rotated.sign(old_sealed, stamp_for(), "Seal2")

    report = verification.verify(resealed, ROOTS)
    assert [s["signer"] for s in report["signatures"]] == [
        "District Police Office Raipur (seal)",
        "Seal 2027",
    ]
    assert report["ok"] is True


# Time-stamped signatures (PAdES B-T)


@pytest.fixture(scope="module")
def tsa():
    """A time-stamp authority on loopback, its certificate from the test PKI."""
    with time_stamp_authority() as url:
        yield url


def test_with_a_time_stamp_authority_the_signature_carries_a_trusted_time(
    token, nss, tsa, tmp_path
):
    cert = token.keys["rsa"].der
    prepared = token_signing.prepare(
        pdfs.pdf(), cert, CHAIN, stamp_for(), "Sig1", timestamp_url=tsa
    )
    signature = on_token(token, "rsa", prepared, tmp_path)

    signed = token_signing.finish(prepared, cert, CHAIN, signature, timestamp_url=tsa)

    report = verification.verify(signed, ROOTS)
    assert report["ok"] is True
    (only,) = report["signatures"]
    assert only["timestamp_trusted"] is True
    stamped_at = datetime.fromisoformat(only["timestamp"])
    assert abs(stamped_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert "Signature is Valid" in poppler(signed, nss, tmp_path)


def test_a_seal_can_be_time_stamped_too(seal, tsa):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal", timestamp_url=tsa)

    (only,) = verification.verify(sealed, ROOTS)["signatures"]
    assert only["valid"] is True and only["timestamp_trusted"] is True


# Validation data for the years ahead (PAdES B-LT)


def test_a_time_stamped_signature_gets_its_revocation_data_embedded_for_later(
    token, nss, tsa, tmp_path
):
    enrolled = certificate_for(
        token.keys["rsa"].cert.public_key(), "Pooja Yadav", crl_url="http://crl.test/ca.crl"
    )
    cert = enrolled.public_bytes(Encoding.DER)
    prepared = token_signing.prepare(
        pdfs.pdf(), cert, CHAIN, stamp_for(), "Sig1", timestamp_url=tsa
    )
    signed = token_signing.finish(
        prepared, cert, CHAIN, on_token(token, "rsa", prepared, tmp_path), tsa
    )

    with pytest.raises(Refused) as caught:  # the CRL is needed and nobody has it
        validation_data.add_validation_data(signed, ROOTS)
    assert caught.value.code == "VALIDATION_DATA_UNAVAILABLE"

    kept = validation_data.add_validation_data(signed, ROOTS, crls_der=[crl()])

    assert kept.startswith(signed)
    assert len(PdfFileReader(io.BytesIO(kept)).root["/DSS"]["/CRLs"]) == 1
    report = verification.verify(kept, ROOTS)
    assert report["ok"] is True and report["validation_data"] is True
    (only,) = report["signatures"]
    assert only["valid"] and only["changes_after"] == "lta_updates"
    assert "Signature is Valid" in poppler(kept, nss, tmp_path)


def test_a_revoked_certificate_gets_no_validation_data(token, tsa, tmp_path):
    enrolled = certificate_for(
        token.keys["ec"].cert.public_key(), "Pooja Yadav", crl_url="http://crl.test/ca.crl"
    )
    cert = enrolled.public_bytes(Encoding.DER)
    prepared = token_signing.prepare(
        pdfs.pdf(), cert, CHAIN, stamp_for(), "Sig1", timestamp_url=tsa
    )
    signed = token_signing.finish(
        prepared, cert, CHAIN, on_token(token, "ec", prepared, tmp_path), tsa
    )

    with pytest.raises(Refused) as caught:
        validation_data.add_validation_data(signed, ROOTS, crls_der=[crl(revoked=(enrolled,))])
    assert caught.value.code == "VALIDATION_DATA_UNAVAILABLE"
    assert caught.value.details == {"reason": "RevokedError"}


# What is refused


def test_a_signature_made_by_another_key_is_refused_before_it_reaches_the_pdf(token):
    cert = token.keys["rsa"].der
    prepared = token_signing.prepare(pdfs.pdf(), cert, CHAIN, stamp_for(), "Sig1")
    someone_else = pki.officer("Pooja Yadav").key  # same name, not her token's key
    wrong = someone_else.sign(prepared.signed_attrs, padding.PKCS1v15(), hashes.SHA256())

    for signature in (wrong, b"\x00" * 256, b""):
        with pytest.raises(Refused) as caught:
            token_signing.finish(prepared, cert, CHAIN, signature)
        assert caught.value.code == "SIGNATURE_NOT_BY_YOUR_KEY"


def test_an_ec_signature_from_another_ec_key_is_refused(token):
    cert = token.keys["ec"].der
    prepared = token_signing.prepare(pdfs.pdf(), cert, CHAIN, stamp_for(), "Sig1")
    wrong = pki.private_key("ec", "stranger").sign(prepared.signed_attrs, ec.ECDSA(hashes.SHA256()))

    with pytest.raises(Refused) as caught:
        token_signing.check_token_signature(cert, prepared.signed_attrs, wrong)
    assert caught.value.code == "SIGNATURE_NOT_BY_YOUR_KEY"


def test_a_signing_prepared_for_one_certificate_cannot_be_finished_with_another(token, tmp_path):
    prepared = token_signing.prepare(pdfs.pdf(), token.keys["rsa"].der, CHAIN, stamp_for(), "Sig1")
    other = pki.officer("Pooja Yadav")
    signature = other.key.sign(prepared.signed_attrs, padding.PKCS1v15(), hashes.SHA256())

    with pytest.raises(Refused) as caught:
        token_signing.finish(prepared, other.der, CHAIN, signature)
    assert caught.value.code == "SIGNATURE_NOT_BY_YOUR_KEY"


def test_an_expired_certificate_cannot_start_a_signing(token):
    expired = pki.officer(
        "Pooja Yadav",
        not_before=datetime.now(UTC) - timedelta(days=800),
        not_after=datetime.now(UTC) - timedelta(days=1),
    )
    with pytest.raises(Refused) as caught:
        token_signing.prepare(pdfs.pdf(), expired.der, CHAIN, stamp_for(), "Sig1")
    assert caught.value.code == "DSC_EXPIRED"


def test_a_field_already_signed_cannot_be_signed_again(seal):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    with pytest.raises(Conflict) as caught:
        seal.sign(sealed, stamp_for(), "Seal")
    assert caught.value.code == "SIGNATURE_FIELD_TAKEN"


def test_only_pdfs_are_prepared_for_signing(token):
    cert = token.keys["rsa"].der
    with pytest.raises(UnsupportedMedia):
        token_signing.prepare(b"GIF89a not a pdf", cert, CHAIN, stamp_for(), "Sig1")
    with pytest.raises(InvalidInput) as caught:
        token_signing.prepare(pdfs.broken_pdf(), cert, CHAIN, stamp_for(), "Sig1")
    assert caught.value.code == "PDF_UNREADABLE"


# Verification of what others bring


def test_one_byte_changed_inside_the_signed_range_is_caught_by_both(seal, nss, tmp_path):
    sealed = seal.sign(pdfs.pdf(text="Pay Rs 1000"), stamp_for(), "Seal")
    at = sealed.index(b"Pay Rs 1000")
    forged = sealed[:at] + b"Pay Rs 9000" + sealed[at + len(b"Pay Rs 1000") :]

    report = verification.verify(forged, ROOTS)

    assert report["ok"] is False
    (only,) = report["signatures"]
    assert only["intact"] is False and only["valid"] is False
    # The signature over its attributes still checks out, but it is not a valid signature of
    # this document, and the report says plainly why.
    assert only["signature_valid"] is False
    assert only["problem"] == "DOCUMENT_CHANGED_AFTER_SIGNING"
    # ... and it says which bytes the signature covered: the changed one is among them.
    first_start, first_length, second_start, second_length = only["byte_range"]
    assert first_start == 0 and at < first_length and second_start + second_length == len(forged)
    assert "Digest Mismatch" in poppler(forged, nss, tmp_path)


def test_bytes_appended_after_the_last_revision_are_reported_as_a_change(seal, nss, tmp_path):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    extended = sealed + b"\n% added later\n1 0 obj (x) endobj\n"

    report = verification.verify(extended, ROOTS)

    assert report["ok"] is False and report["appended_data"] is True
    (only,) = report["signatures"]
    assert only["intact"] is True  # the signed bytes themselves are untouched ...
    assert only["modified_after_signing"] is True  # ... but the file is not what was signed
    assert only["changes_after"] == "appended_data" and not only["covers_whole_file"]
    # poppler sees a valid signature that does not cover the whole file
    checked = poppler(extended, nss, tmp_path)
    assert "Signature is Valid" in checked and "Not total document signed" in checked


def test_a_garbled_signature_is_reported_as_unreadable_not_left_out(seal, nss, tmp_path):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    at = sealed.index(b"/Contents <") + len(b"/Contents <")
    garbled = sealed[:at] + b"0" * 40 + sealed[at + 40 :]  # the container's head zeroed

    report = verification.verify(garbled, ROOTS)

    assert report["ok"] is False
    (only,) = report["signatures"]
    assert only["field"] == "Seal" and only["problem"] == "SIGNATURE_UNREADABLE"
    assert only["valid"] is False
    assert "Signature is Valid" not in poppler(garbled, nss, tmp_path)


def test_a_changed_signature_value_is_caught_by_both(seal, nss, tmp_path):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    (signature,) = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
    value = signature.signer_info["signature"].native.hex().encode()
    at = sealed.lower().index(value) + 10
    other = b"1" if sealed[at : at + 1] != b"1" else b"2"
    forged = sealed[:at] + other + sealed[at + 1 :]

    report = verification.verify(forged, ROOTS)

    (only,) = report["signatures"]
    assert report["ok"] is False
    assert only["intact"] is True and only["signature_valid"] is False and not only["valid"]
    assert only["problem"] == "SIGNATURE_INVALID"
    assert "Signature is Invalid" in poppler(forged, nss, tmp_path)


def test_a_signature_from_an_expired_certificate_does_not_verify(nss, tmp_path):
    expired = pki.officer(
        "Old Officer",
        not_before=datetime.now(UTC) - timedelta(days=800),
        not_after=datetime.now(UTC) - timedelta(days=1),
    )
    signed = _signed_by_pyhanko(pdfs.pdf(), expired)  # pyHanko itself does not refuse it

    report = verification.verify(signed, ROOTS)

    assert report["ok"] is False
    (only,) = report["signatures"]
    assert only["intact"] is True and only["trusted"] is False and only["valid"] is False
    assert only["problem"] == "OUT_OF_BOUNDS_NO_POE"  # expired, no proof it was signed before
    checked = poppler(signed, nss, tmp_path)
    assert "Signature is Valid" in checked and "Certificate has Expired" in checked


def test_a_signature_from_outside_our_trust_roots_is_intact_but_not_trusted(seal):
    sealed = seal.sign(pdfs.pdf(), stamp_for(), "Seal")
    stranger_root = pki.ca("Some Other Root", path_length=1)

    report = verification.verify(sealed, [stranger_root.der])

    (only,) = report["signatures"]
    assert only["intact"] is True and only["trusted"] is False and report["ok"] is False


def test_one_upload_cannot_make_the_server_check_more_than_twenty_signatures():
    signer = pki.officer("Many Hands")
    signed = pdfs.pdf()
    for n in range(verification.MAX_SIGNATURES_CHECKED):
        signed = _signed_by_pyhanko(signed, signer, field=f"Sig{n}")
    assert len(verification.verify(signed, ROOTS)["signatures"]) == 20  # twenty are checked

    one_more = _signed_by_pyhanko(signed, signer, field="Sig20")
    with pytest.raises(Refused) as refused:
        verification.verify(one_more, ROOTS)
    assert refused.value.code == "TOO_MANY_SIGNATURES"
    assert refused.value.details == {"limit": 20, "found": 21}


def test_a_pdf_without_signatures_is_not_ok():
    report = verification.verify(pdfs.pdf(), ROOTS)
    assert report == {
        "ok": False,
        "revisions": 1,
        "appended_data": False,
        "validation_data": False,
        "signatures": [],
    }


def test_only_a_pdf_can_be_verified():
    with pytest.raises(UnsupportedMedia) as caught:
        verification.verify(b"<html>not a pdf</html>", ROOTS)
    assert caught.value.code == "NOT_A_PDF"
    with pytest.raises(InvalidInput) as caught:
        verification.verify(pdfs.broken_pdf(), ROOTS)
    assert caught.value.code == "PDF_UNREADABLE"


# helpers


def _signed_by_pyhanko(pdf: bytes, issued: pki.Issued, field: str = "Sig1") -> bytes:
    signer = signers.SimpleSigner(
        signing_cert=issued.asn1,
        signing_key=asn1_keys.PrivateKeyInfo.load(issued.key_der()),
        cert_registry=SimpleCertificateStore.from_certs([link.asn1 for link in issued.chain[1:]]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def _widget_rect(pdf: bytes, field: str) -> tuple[float, float, float, float]:
    reader = PdfFileReader(io.BytesIO(pdf))
    for ref in reader.root["/AcroForm"]["/Fields"]:
        widget = ref.get_object()
        if widget["/T"] == field:
            return tuple(float(v) for v in widget["/Rect"])
    raise AssertionError(f"no field {field}")


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_under_eventlet_green_threads_and_tpool_threads_can_sign_and_verify_at_once():
    """The services run under eventlet: two green threads in ``asyncio.run`` at once would clash
    ("cannot be called from a running event loop"), and a green lock would break when taken from
    ``tpool`` threads; the domain lets green threads take turns, whatever the real threads do."""
    code = textwrap.dedent(
        """
        import eventlet
        eventlet.monkey_patch()
        from datetime import UTC, datetime
        from common.threads import cpu_bound
        from services.signing.domain import verification
        from services.signing.domain.seal import Seal
        from services.signing.render.stamp import Stamp
        from tests.support import pdfs, pki

        ca = pki.licensed_ca()
        pem, cert = Seal.generate("Seal", ca.key, ca.der, b"pw")
        seal = Seal.load(pem, b"pw", cert, [ca.der, pki.root_ca().der])
        stamp = Stamp("A", "अ", "B", "ब", "C", "क", datetime.now(UTC))
        roots = [pki.root_ca().der]

        def in_green_thread(n):
            return verification.verify(seal.sign(pdfs.pdf(), stamp, f"Seal{n}"), roots)["ok"]

        def in_tpool(n):  # as the service runs it: a real thread, one job at a time
            sealed = cpu_bound(seal.sign, pdfs.pdf(), stamp, f"Seal{n}")
            return cpu_bound(verification.verify, sealed, roots)["ok"]

        ticks = eventlet.spawn(lambda: [eventlet.sleep(0.001) for _ in range(50)])
        jobs = [in_green_thread, in_tpool] * 2
        print(list(eventlet.GreenPool().imap(lambda n: jobs[n](n), range(len(jobs)))))
        ticks.wait()
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str([True] * 4)
