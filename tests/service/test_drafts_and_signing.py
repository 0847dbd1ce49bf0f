"""Drafts for approval over the broker, signed on a real PKCS#11 token (SoftHSM2) by the
officer's command-line signer: the head clerk drafts a letter, the SP approves it, prepares his
signature (password again), signs on his token, and the letter is issued and dispatched by post
and by email (to a real SMTP server on loopback). Every signed PDF is checked by poppler's
pdfsig as well as by our verifier. And what must be refused: signing without approval, with the
wrong password, with another key, twice, too late; the paper fallback is sealed."""

import base64
import mailbox
import os
import time

import pyotp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from common.errors import Conflict, InvalidInput, NotFound, Refused, Unauthenticated
from common.trust import Principal
from tests.service.conftest import (
    PASSWORD,
    checked_by_pdfsig,
    eventually,
    revocable_dsc,
    sign_on_token,
)
from tests.service.desks import ASP, HC, READER, SP, refused
from tests.support.mailserver import MailServer
from tests.support.pdfs import pdf
from tests.support.token import nss_db, pdfsig

LETTER = {
    "kind": "letter",
    "subject": "आवास आवंटन के सम्बन्ध में",
    "addressee": "प्रतिसार निरीक्षक, पुलिस लाइन, हाथरस",
    "text": "आवास आवंटन की सूची संलग्न है।\n\nकृपया तदनुसार कार्यवाही करें।",
}


def approved_letter(desks, office, **file_fields) -> tuple[dict, dict]:
    """A letter drafted by the head clerk on a file, sent up, approved by the SP."""
    files, hc, sp = desks.files, desks[HC], desks[SP]
    file = desks.open_file(**file_fields)
    drafted = files.create_draft(hc, file["id"], LETTER)
    [draft] = drafted["drafts"]
    assert (draft["status"], draft["versions"][0]["source"]) == ("draft", "written")
    desks.send(HC, file, "SP-HTR")
    approved = files.approve_draft(sp, file["id"], draft["id"], {"version": 1})
    return file, approved["drafts"][0]


def test_a_letter_is_approved_signed_on_the_token_issued_and_dispatched(
    desks, signing_office, sp_token, smtp, tmp_path
):
    office, files, sp = signing_office, desks.files, desks[SP]
    file, draft = approved_letter(desks, office)
    assert draft["issue_number"].startswith("SP-HTR-")

    prepared = files.sign_draft(sp, file["id"], draft["id"], {"password": PASSWORD})
    assert prepared["algorithm"] == "sha256_rsa" and prepared["status"] == "prepared"
    # The token signer fetches the same thing the officer was shown.
    assert office.rpc.signing.prepared(sp, prepared["signing_id"]) == prepared
    signature = sign_on_token(sp_token, prepared, tmp_path)
    done = office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": signature})
    assert done["purpose"] == {"kind": "draft", "file_id": file["id"], "draft_id": draft["id"]}

    # A replayed completion changes nothing.
    replay = {"signature_b64": signature}
    assert (
        refused(Conflict, office.rpc.signing.complete, sp, prepared["signing_id"], replay)
        == "SIGNING_ALREADY_COMPLETED"
    )

    def signed():
        d = files.get_file(sp, file["id"])["drafts"][0]
        return d if d["status"] == "signed" else None

    signed_draft = eventually(signed)
    assert signed_draft, files.get_file(sp, file["id"])["drafts"]
    [sig] = signed_draft["signatures"]
    assert sig["by"]["name"] == "Rajesh Kumar Singh"
    signed_pdf = base64.b64decode(files.draft_document(sp, file["id"], draft["id"], "signed"))
    assert "Signature is Valid" in checked_by_pdfsig(signed_pdf, tmp_path, "signed.pdf")
    report = office.rpc.signing.verify(base64.b64encode(signed_pdf).decode())
    assert report["ok"] is True

    after_issue = files.issue_draft(sp, file["id"], draft["id"])
    issued = after_issue["drafts"][0]
    assert issued["status"] == "issued"
    # The issued letter is now on the correspondence side of the file, as its next pages.
    [letter_pages] = [c for c in after_issue["correspondence"] if c["kind"] == "issued"]
    assert (letter_pages["number"], letter_pages["first_page"]) == (draft["issue_number"], 1)
    public = files.issued_letter(draft["issue_number"], draft["verification_code"])
    assert base64.b64decode(public["pdf_b64"]) == signed_pdf
    wrong_code = refused(NotFound, files.issued_letter, draft["issue_number"], "WRONGCODE")
    assert wrong_code == "ISSUE_NOT_FOUND"

    by_post = {"mode": "post", "to": ["प्रतिसार निरीक्षक", "पुलिस लाइन, हाथरस"]}
    files.dispatch_draft(sp, file["id"], draft["id"], by_post)
    by_email = {"mode": "email", "to": ["ri.policelines@htr.up.gov.in"]}
    sent = files.dispatch_draft(sp, file["id"], draft["id"], by_email)["drafts"][0]
    assert sent["status"] == "dispatched" and len(sent["dispatches"]) == 2
    register = files.dispatch_register(sp)["items"]
    assert [(e["mode"], e["issue_number"]) for e in register] == [
        ("email", draft["issue_number"]),
        ("post", draft["issue_number"]),
    ]

    maildir = smtp[1]

    def delivered():
        return list(mailbox.Maildir(maildir, create=False)) if maildir.exists() else []

    [mail] = eventually(delivered)
    assert mail["To"] == "ri.policelines@htr.up.gov.in"
    assert draft["issue_number"] in mail["Subject"]
    [attachment] = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_payload(decode=True) == signed_pdf
    # The desk that dispatched it sees how the email went; one who never saw the file does not.
    notify = office.rpc.notify

    def sent_status():
        found = notify.dispatch_deliveries(sp, draft["issue_number"])["items"]
        return found if found and found[0]["status"] == "sent" else None

    [status] = eventually(sent_status)
    assert (status["to"], status["attempts"]) == ("ri.policelines@htr.up.gov.in", 1)
    assert notify.dispatch_deliveries(desks[READER], draft["issue_number"])["items"] == []


def test_a_signature_needs_approval_the_password_and_the_enrolled_key(
    desks, signing_office, sp_token, tmp_path
):
    office, files, sp, hc = signing_office, desks.files, desks[SP], desks[HC]
    file = desks.open_file()
    draft = files.create_draft(hc, file["id"], LETTER)["drafts"][0]
    desks.send(HC, file, "SP-HTR")
    ask = {"password": PASSWORD}
    assert (
        refused(Conflict, files.sign_draft, sp, file["id"], draft["id"], ask) == "DRAFT_WRONG_STATE"
    )
    files.approve_draft(sp, file["id"], draft["id"], {"version": 1})
    wrong = {"password": "not-his-password"}
    assert (
        refused(Unauthenticated, files.sign_draft, sp, file["id"], draft["id"], wrong)
        == "WRONG_PASSWORD"
    )

    prepared = files.sign_draft(sp, file["id"], draft["id"], ask)
    # A signature made with another key (his token's EC key, not the enrolled RSA one) is
    # refused, and the signing still waits for the right one.
    other = sign_on_token(sp_token, prepared, tmp_path, key="ec")
    with pytest.raises(Refused) as caught:
        office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": other})
    assert caught.value.code == "SIGNATURE_NOT_BY_YOUR_KEY"
    # ... and so is the right key's signature over other bytes (another letter's signing).
    other_file, other_draft = approved_letter(desks, office)
    elsewhere = files.sign_draft(sp, other_file["id"], other_draft["id"], ask)
    over_other = sign_on_token(sp_token, elsewhere, tmp_path)
    with pytest.raises(Refused) as caught:
        office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": over_other})
    assert caught.value.code == "SIGNATURE_NOT_BY_YOUR_KEY"
    # Nobody else completes (or even sees) the SP's signing.
    assert (
        refused(NotFound, office.rpc.signing.prepared, hc, prepared["signing_id"])
        == "SIGNING_NOT_FOUND"
    )
    # ... nor gets a token for it: identity makes one only for the one who prepared it.
    assert (
        refused(NotFound, office.rpc.identity.signing_token, hc, prepared["signing_id"])
        == "SIGNING_NOT_FOUND"
    )
    # An answer garbled with a character base64 never has is bad input, not a crash.
    garbled = {"signature_b64": "MEUCIQ\u00e9=="}
    assert (
        refused(InvalidInput, office.rpc.signing.complete, sp, prepared["signing_id"], garbled)
        == "SIGNATURE_NOT_BASE64"
    )
    good = sign_on_token(sp_token, prepared, tmp_path)
    assert office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": good})


def test_a_signing_prepared_before_the_draft_changed_is_refused_and_changes_nothing(
    desks, signing_office, sp_token, tmp_path
):
    """The SP prepares his signature, then revises the letter, approves the new version and
    signs that. The first signing, completed late, must not put the old letter back as the
    signed one; nor may a further signature prepared before the letter was issued bring an
    issued letter back to "signed"."""
    office, files, sp = signing_office, desks.files, desks[SP]
    file, draft = approved_letter(desks, office)
    ask = {"password": PASSWORD}
    old = files.sign_draft(sp, file["id"], draft["id"], ask)
    old_signature = {"signature_b64": sign_on_token(sp_token, old, tmp_path)}
    files.add_draft_version(sp, file["id"], draft["id"], {"text": "संशोधित पाठ।"})
    files.approve_draft(sp, file["id"], draft["id"], {"version": 2})
    new = files.sign_draft(sp, file["id"], draft["id"], ask)

    def the_draft():
        return files.get_file(sp, file["id"])["drafts"][0]

    before = the_draft()
    late = refused(Conflict, office.rpc.signing.complete, sp, old["signing_id"], old_signature)
    assert late == "SIGNING_NOT_CURRENT"
    assert the_draft() == before  # still approved at version 2, waiting for the new signing

    # The signing of the current version is taken, and it is the one the draft shows.
    current = {"signature_b64": sign_on_token(sp_token, new, tmp_path)}
    office.rpc.signing.complete(sp, new["signing_id"], current)
    signed = eventually(lambda: (d := the_draft())["status"] == "signed" and d)
    assert [s["signing_id"] for s in signed["signatures"]] == [new["signing_id"]]
    assert refused(Conflict, office.rpc.signing.complete, sp, old["signing_id"], old_signature)

    # A further signature prepared, then the letter issued: its completion is refused.
    further = files.sign_draft(sp, file["id"], draft["id"], ask)
    issued = files.issue_draft(sp, file["id"], draft["id"])["drafts"][0]
    answer = {"signature_b64": sign_on_token(sp_token, further, tmp_path)}
    assert (
        refused(Conflict, office.rpc.signing.complete, sp, further["signing_id"], answer)
        == "SIGNING_NOT_CURRENT"
    )
    after = the_draft()
    assert after["status"] == "issued" and after["signatures"] == issued["signatures"]
    assert after["signed_sha256"] == signed["signed_sha256"]


def test_a_prepared_signing_expires(desks, signing_office, sp_token, tmp_path):
    office = signing_office
    office.kill("signing")
    office.start("signing", EOFFICE_SIGNING_TTL_SECONDS="1", **office.signing_config)
    files, sp = desks.files, desks[SP]
    file, draft = approved_letter(desks, office)
    prepared = files.sign_draft(sp, file["id"], draft["id"], {"password": PASSWORD})
    signature = sign_on_token(sp_token, prepared, tmp_path)
    time.sleep(1.5)
    answer = {"signature_b64": signature}
    assert (
        refused(Conflict, office.rpc.signing.complete, sp, prepared["signing_id"], answer)
        == "SIGNING_EXPIRED"
    )


def test_without_a_dsc_a_paper_signed_scan_is_issued_under_the_office_seal(
    desks, signing_office, tmp_path
):
    office, files, sp = signing_office, desks.files, desks[SP]
    file, draft = approved_letter(desks, office)
    scan = pdf(pages=1)
    signed = files.sign_on_paper(sp, file["id"], draft["id"], base64.b64encode(scan).decode())
    assert signed["drafts"][0]["signed_on_paper"] is True
    issued = files.issue_draft(sp, file["id"], draft["id"])["drafts"][0]
    sealed = base64.b64decode(files.draft_document(sp, file["id"], draft["id"], "issued"))
    assert sealed.startswith(scan)  # the scan, untouched, with the seal appended
    roots = tmp_path / "seal-root"
    roots.mkdir()
    seal_root = x509.load_pem_x509_certificate((tmp_path / "pki" / "demo-root.pem").read_bytes())
    nss = nss_db(roots, seal_root.public_bytes(Encoding.DER), nickname="e-Office demo root")
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    assert "Signature is Valid" in pdfsig(path, nss)
    report = office.rpc.signing.verify(base64.b64encode(sealed).decode())
    assert report["ok"] is True
    assert issued["issued"]["sha256"] != issued["signed_sha256"]
    actions = [e["action"] for e in files.file_history(sp, file["id"])["items"]]
    assert actions[-2:] == ["signed_on_paper", "draft_issued"]
    assert os.environ.get("EOFFICE_SEAL_PASSWORD")  # from the environment only


def test_a_letter_the_mail_server_refuses_is_told_to_the_desk_that_dispatched_it(
    desks, signing_office
):
    """The drafting desk hears its draft approved and issued; the approver got it as a draft
    for approval; a dispatch by email that the mail server refuses is not reported as gone: the
    dispatching desk is told, and the delivery says why."""
    office, files, sp, notify = signing_office, desks.files, desks[SP], signing_office.rpc.notify
    with MailServer(refuse_recipients={"wrong@htr.up.gov.in"}) as mail:
        office.kill("notify")
        office.start("notify", **mail.settings(), EOFFICE_MAIL_FROM="dak@htr.up.gov.in")
        file, draft = approved_letter(desks, office)
        scan = base64.b64encode(pdf(pages=1)).decode()
        files.sign_on_paper(sp, file["id"], draft["id"], scan)
        files.issue_draft(sp, file["id"], draft["id"])
        out = {"mode": "email", "to": ["wrong@htr.up.gov.in"]}
        files.dispatch_draft(sp, file["id"], draft["id"], out)
        number = draft["issue_number"]

        def failed():
            kinds = {n["kind"]: n for n in notify.notices(sp)["items"]}
            return kinds.get("dispatch_failed")

        told = eventually(failed)
        assert told, notify.notices(sp)["items"]
        assert told["params"]["issue_number"] == number
        assert told["params"]["reason"] == "RECIPIENT_REFUSED"
        [status] = notify.dispatch_deliveries(sp, number)["items"]
        assert (status["status"], status["attempts"]) == ("dead", 1)  # refused: not retried
        assert mail.messages == []

    by_kind = {n["kind"]: n for n in notify.notices(sp)["items"]}
    assert by_kind["draft_for_approval"]["params"]["item_id"] == file["id"]

    def drafter_told():
        kinds = {n["kind"] for n in notify.notices(desks[HC])["items"]}
        return kinds if {"draft_approved", "draft_issued"} <= kinds else None

    assert eventually(drafter_told)


def test_the_dispatch_register_lists_letters_only_to_those_who_may_see_their_file(
    desks, signing_office
):
    """The ASP supervises the head clerk: she may see his Normal file, not his Secret one (it
    was never marked to her). The register shows her the one letter and nothing of the other;
    the SP, who held both, sees both. No entry carries the store's own ``_id``."""
    files, sp = desks.files, desks[SP]
    dispatched = {}
    for grading in ("normal", "secret"):
        file, draft = approved_letter(desks, signing_office, grading=grading)
        scan = base64.b64encode(pdf(pages=1)).decode()
        files.sign_on_paper(sp, file["id"], draft["id"], scan)
        files.issue_draft(sp, file["id"], draft["id"])
        out = {"mode": "post", "to": [f"{grading} addressee"]}
        files.dispatch_draft(sp, file["id"], draft["id"], out)
        dispatched[grading] = draft["issue_number"]

    def register(username: str) -> list[dict]:
        return files.dispatch_register(desks[username])["items"]

    assert [e["issue_number"] for e in register(SP)] == [
        dispatched["secret"],
        dispatched["normal"],
    ]
    [seen] = register(ASP)
    assert (seen["issue_number"], seen["to"]) == (dispatched["normal"], ["normal addressee"])
    assert register(READER) == []  # in the office, but neither file passed their way
    assert not any("_id" in e for e in register(SP) + register(ASP))
    assert [e["issue_number"] for e in files.dispatch_register(sp, 1)["items"]] == [
        dispatched["secret"]
    ]


def test_with_a_time_stamp_authority_and_a_crl_a_signature_is_long_term_until_revoked(
    desks, signing_office, tmp_path
):
    """PAdES B-LT: time-stamped by a TSA on loopback, with the CA's current CRL embedded. Once
    the CA revokes the officer's certificate, his next signature is refused."""
    office, files, sp = signing_office, desks.files, desks[SP]
    with revocable_dsc(office, sp, tmp_path) as (token, cert, revoked):
        file, draft = approved_letter(desks, office)
        prepared = files.sign_draft(sp, file["id"], draft["id"], {"password": PASSWORD})
        signature = sign_on_token(token, prepared, tmp_path)
        done = office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": signature})
        assert done["level"] == "B-LT"
        files_service = Principal.load("files", office.config).credential()
        signed_b64 = office.rpc.signing.signed_document(files_service, prepared["signing_id"])
        signed = base64.b64decode(signed_b64)
        report = office.rpc.signing.verify(base64.b64encode(signed).decode())
        assert report["ok"] and report["validation_data"] is True
        [only] = report["signatures"]
        assert only["timestamp_trusted"] is True
        assert "Signature is Valid" in checked_by_pdfsig(signed, tmp_path, "b-lt.pdf")

        revoked.append(cert)
        other_file, other_draft = approved_letter(desks, office)
        again = files.sign_draft(sp, other_file["id"], other_draft["id"], {"password": PASSWORD})
        late = {"signature_b64": sign_on_token(token, again, tmp_path)}
        assert (
            refused(Refused, office.rpc.signing.complete, sp, again["signing_id"], late)
            == "DSC_REVOKED"
        )


def test_with_totp_enrolled_signing_needs_a_fresh_code_and_the_password_alone_is_refused(
    desks, signing_office, sp_token
):
    files, sp, identity = desks.files, desks[SP], signing_office.rpc.identity
    totp = pyotp.TOTP(identity.begin_totp(sp, {"password": PASSWORD})["secret"])
    used = totp.now()
    identity.confirm_totp(sp, {"code": used})
    file, draft = approved_letter(desks, signing_office)
    near = {totp.at(time.time() + d * totp.interval) for d in range(-3, 4)}
    wrong = next(c for c in ("000000", "123456", "999999", "314159") if c not in near)
    for code in (wrong, used):  # a wrong code, and the one already spent on enrolment
        with pytest.raises(Unauthenticated) as caught:
            files.sign_draft(sp, file["id"], draft["id"], {"otp": code})
        assert caught.value.code == "OTP_WRONG"
    nothing = refused(InvalidInput, files.sign_draft, sp, file["id"], draft["id"], {})
    assert nothing == "REAUTH_NEEDED"
    # The password alone no longer does: whoever enrolled signs with the code from the phone.
    with pytest.raises(Unauthenticated) as caught:
        files.sign_draft(sp, file["id"], draft["id"], {"password": PASSWORD})
    assert caught.value.code == "OTP_REQUIRED"
    fresh = totp.at(time.time() + totp.interval)
    prepared = files.sign_draft(sp, file["id"], draft["id"], {"otp": fresh})
    assert prepared["status"] == "prepared"
