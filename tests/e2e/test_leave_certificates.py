"""Medical certificates over the API and on the screens: the SHO of Kotwali uploads his
certificate, applies for medical leave naming it, and he and the circle officer it waits with
read back the very PDF; a stranger does not know of it; a file that is no PDF, a certificate
uploaded by someone else or a made-up hash are refused. On the screen, the apply form's
certificate is kept the same way and shown to the circle officer.

The office is the shared one of tests/e2e: the days asked for are in 2033, which no other test
uses (the API in April, the screen in October)."""

import hashlib

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, assert_error
from tests.e2e.test_leave_api import CO, LEAVE, SHO, STRANGER, apply, earned, ok
from tests.support.browser import log_in
from tests.support.pdfs import pdf


@pytest.fixture
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


def upload(person, content: bytes, name: str = "certificate.pdf"):
    return person.post(f"{LEAVE}/certificates", files={"pdf": (name, content, "application/pdf")})


def medical(from_date: str, to_date: str, sha256: str) -> dict:
    return {**earned(from_date, to_date), "kind": "medical", "certificate_sha256": sha256}


def test_medical_leave_names_a_certificate_its_applicant_uploaded_and_the_chain_reads_it(desk):
    sho, co, stranger = desk(SHO), desk(CO), desk(STRANGER)
    content = pdf(text="Certificate of sickness, rest for two days")
    sha256 = hashlib.sha256(content).hexdigest()
    assert ok(upload(sho, content), 201) == {"sha256": sha256}
    assert ok(upload(sho, content), 201) == {"sha256": sha256}  # again: the same, kept once

    # Only the uploader may name it; nobody may name a made-up hash.
    for person, named in ((co, sha256), (sho, "a" * 64)):
        assert_error(
            person.post(f"{LEAVE}/applications", json=medical("2033-04-11", "2033-04-12", named)),
            422,
            "LEAVE_CERTIFICATE_NOT_UPLOADED",
        )
    app = apply(sho, medical("2033-04-11", "2033-04-12", sha256))
    assert (app["kind"], app["certificate"]) == ("medical", sha256)

    path = f"{LEAVE}/applications/{app['id']}/certificate"
    for reader in (sho, co):  # the applicant, and the officer it waits with
        answer = reader.get(path)
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.content == content
    assert_error(stranger.get(path), 404, "LEAVE_APPLICATION_NOT_FOUND")
    assert_error(
        sho.get(f"{LEAVE}/applications/nope/certificate"), 404, "LEAVE_APPLICATION_NOT_FOUND"
    )

    # An application without a certificate has none to read.
    plain = apply(sho, earned("2033-04-20", "2033-04-20", kind="casual"))
    assert_error(
        sho.get(f"{LEAVE}/applications/{plain['id']}/certificate"), 404, "DOCUMENT_NOT_FOUND"
    )


def test_a_certificate_that_is_no_pdf_or_missing_is_refused(desk):
    sho = desk(SHO)
    assert_error(upload(sho, b"GIF89a not a certificate", "scan.pdf"), 415, "NOT_A_PDF")
    assert_error(upload(sho, b"%PDF-1.7\nbroken inside"), 400, "PDF_UNREADABLE")
    for files in ({"other": ("c.pdf", pdf())}, {"pdf": ("c.pdf", b"")}):
        assert_error(sho.post(f"{LEAVE}/certificates", files=files), 400, "PDF_MISSING")


def test_the_apply_screen_keeps_the_certificate_and_the_officer_opens_it(page: Page, desk):
    content = pdf(text="Certificate uploaded on the screen")
    log_in(page, SHO)
    page.goto("/leave")
    page.get_by_label("Kind of leave").select_option("medical")
    page.get_by_label("First day of leave").fill("2033-10-10")
    page.get_by_label("Last day of leave").fill("2033-10-11")
    page.get_by_label("Reason").fill("ज्वर")
    page.get_by_label("Medical certificate").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator("p.flash").first).to_have_text(
        "Applied. It waits with the reporting officer."
    )
    mine = [
        a
        for a in ok(desk(SHO).get(f"{LEAVE}/applications"))["items"]
        if a["from_date"] == "2033-10-10"
    ]
    assert len(mine) == 1 and mine[0]["certificate"] == hashlib.sha256(content).hexdigest()
    path = f"/leave/applications/{mine[0]['id']}/certificate"
    link = page.locator(f"section#leave-{mine[0]['id']} dd.certificate a")
    expect(link).to_have_attribute("href", path)
    answer = page.request.get(path)
    assert answer.status == 200 and answer.body() == content
    assert answer.headers["content-type"] == "application/pdf"

    # The circle officer it waits with opens it on his screens too; a stranger finds nothing.
    page.context.clear_cookies()
    log_in(page, CO)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/leave/to-act-on")
    waiting = page.locator(f"section#leave-{mine[0]['id']}")
    expect(waiting.locator("dd.certificate a")).to_have_attribute("href", path)
    assert page.request.get(path).body() == content
    page.context.clear_cookies()
    log_in(page, STRANGER)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.request.get(path).status == 404
