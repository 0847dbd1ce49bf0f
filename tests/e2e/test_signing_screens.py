"""A letter from draft to dispatch in a real browser, signed on the officer's own DSC token with
no plug-in: the head clerk writes a draft on a file and sends the file to the SP; the SP
approves the version shown, says it is him again (a wrong password first), and the sign screen
shows the line for his signer beside the token. The test then plays the officer at his desk: it
runs ``eoffice-signer`` in a terminal against a SoftHSM2 token, pastes that very line and types
the PIN when asked, and the page shows the signature by itself. The SP issues and dispatches
the letter by post; the dispatch register lists it. Logged out, anyone verifies the letter at
the address printed on it (in Hindi too), or by uploading the signed PDF; a PDF changed after
signing, or one that is not a PDF at all, is called what it is. poppler's pdfsig checks the
signed PDF independently. The sign screen is used on a phone (360 px) as on a desktop: its line,
command and link are on the screen whatever the letter's subject, and it shows the signature.

Screenshots land in /tmp/shots/."""

import re
import shlex
import subprocess
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from playwright.sync_api import Page, expect

from tests.e2e.test_phone_layout import one_word
from tests.support import pki
from tests.support.browser import (
    fits_the_screen,
    log_in,
    on_phone_and_desktop,
    shot,
    size_of,
    within_the_screen,
)
from tests.support.office import DEMO_PASSWORD
from tests.support.pdfs import pdf
from tests.support.terminal import on_a_terminal
from tests.support.token import SIGNER, nss_db, pdfsig, soft_token
from tools import demo_pki

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60
HC, SP = "hc.estt.hathras", "sp.hathras"
SP_NAME = "Rajesh Kumar Singh"
ADDRESSEE = "प्रतिसार निरीक्षक,\nपुलिस लाइन, हाथरस"
TEXT = "आवास आवंटन की सूची संलग्न है। <b>तत्काल</b>\n\nकृपया तदनुसार कार्यवाही करें।"
POSTAL_ADDRESS = ["प्रतिसार निरीक्षक", "पुलिस लाइन", "हाथरस 204101"]


def api(office, token: dict, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    return requests.request(
        method, f"{office.url}/api/v1{path}", headers=headers, timeout=TIMEOUT, **kwargs
    )


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Log out|लॉग आउट")).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def flash(page: Page):
    return page.locator("p.flash").first


def in_hindi(page: Page) -> None:
    page.get_by_role("link", name="हिन्दी").click()


def in_english(page: Page) -> None:
    page.get_by_role("link", name="English").click()


def choose_post(page: Page, search: str, option: re.Pattern) -> None:
    """Type in the send dialog's post search and pick the one post it leaves."""
    page.get_by_label("Find a post").fill(search)
    choices = page.locator("#to_post_id option:not([hidden])")
    expect(choices).to_have_count(2)  # "Choose a post" and the match
    page.locator("#to_post_id").select_option(label=choices.nth(1).inner_text())
    expect(page.locator("#to_post_id option:checked")).to_have_text(option)


def enrol_dsc(office, sp: dict, certificate_der: bytes) -> None:
    """The SP's certificate (from his token's key) enrolled as his DSC, as he would upload it."""
    me = api(office, sp, "GET", "/me").json()
    enrolled = api(
        office, sp, "POST", f"/users/{me['id']}/dsc", files={"certificate": certificate_der}
    )
    assert enrolled.status_code == 201, enrolled.text


def changed_inside_signed_range(signed: bytes) -> bytes:
    """One byte of the signed revision's page content flipped (inside /ByteRange)."""
    at = signed.index(b"stream\n") + len(b"stream\n") + 5
    ranges = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", signed)
    first, length, second, _ = (int(n) for n in ranges.groups())
    assert first <= at < first + length < second  # before the signature's own /Contents
    changed = bytearray(signed)
    changed[at] ^= 0x01
    return bytes(changed)


def upload_for_check(page: Page, name: str, content: bytes, mime: str = "application/pdf"):
    page.get_by_label("The signed letter (PDF)").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    page.get_by_role("button", name="Check the signatures").click()


def test_a_letter_is_drafted_approved_signed_on_the_token_issued_dispatched_and_verified(
    page: Page, office, login, tmp_path
):
    clerk, sp = login(HC), login(SP)
    subject = f"आवास आवंटन के सम्बन्ध में {uuid.uuid4().hex[:6]}"
    opened = api(office, clerk, "POST", "/files", json={"subject": f"आवास आवंटन {subject[-6:]}"})
    assert opened.status_code == 201, opened.text
    file = opened.json()
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner=SP_NAME, key_types=("rsa",))
    enrol_dsc(office, sp, token.keys["rsa"].der)

    # The head clerk writes the draft on the file, and sends the file up to the SP.
    log_in(page, HC)
    page.goto(f"/files/{file['id']}")
    page.get_by_label("Subject of the letter").fill(subject)
    page.get_by_label("Addressee").fill(ADDRESSEE)
    page.get_by_label("Text", exact=True).fill(TEXT)
    page.get_by_role("button", name="Save the draft").click()
    expect(flash(page)).to_have_text("Draft saved as version 1. Send the file up for approval.")
    draft = page.locator("article.dfa")
    expect(draft.locator(".subject")).to_have_text(subject)
    expect(draft.locator(".text")).to_have_text(TEXT)  # shown as text, never as markup
    expect(draft.locator(".badge.status")).to_have_text("Draft")
    expect(draft.get_by_role("button", name=re.compile("Approve"))).to_have_count(0)  # a clerk
    draft_id = draft.get_attribute("id").removeprefix("draft-")
    version_pdf = page.request.get(
        draft.get_by_role("link", name="Version 1 (PDF)").get_attribute("href")
    )
    assert version_pdf.status == 200 and version_pdf.body().startswith(b"%PDF")
    shot(page, "dfa-written")
    choose_post(page, "Rajesh", re.compile(r"^Superintendent of Police, Hathras \(SP-HTR\)"))
    page.get_by_role("button", name="Send", exact=True).click()
    expect(flash(page)).to_contain_text(file["number"])
    log_out(page)

    # The SP approves the version he is shown, and asks to sign: his password first.
    log_in(page, SP)
    page.goto(f"/files/{file['id']}")
    page.get_by_role("button", name="Approve version 1").click()
    expect(flash(page)).to_have_text(
        re.compile(r"^Version 1 approved\. It will be issued as SP-HTR-\d{4}-\d{6}\.$")
    )
    issue_number = draft.locator(".issue-number").inner_text()
    expect(draft.locator(".badge.status")).to_have_text("Approved")
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Prepare my signature").click()
    expect(page.locator(".flash.error")).to_have_text("That is not your password.")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prepare my signature").click()

    # The sign screen: what to do, in his language, until when, and the line for his signer.
    expect(
        page.get_by_role("heading", name="Waiting for the signature from your token")
    ).to_be_visible()
    expect(page.locator(".expiry")).to_contain_text("Sign before")
    signing_id = page.url.rsplit("/", 1)[-1]
    in_hindi(page)
    expect(page.get_by_role("heading", level=2)).to_have_text("आपके टोकन से हस्ताक्षर की प्रतीक्षा है")
    expect(page.locator(".how-to-sign li").first).to_have_text("अपना DSC टोकन इस कंप्यूटर में लगाएँ।")
    expect(page.get_by_label("इस हस्ताक्षर की पंक्ति")).to_be_visible()
    shot(page, "dfa-sign-screen-hi")
    in_english(page)
    line = page.get_by_label("The line for this signing").input_value()
    assert line.startswith(f"eoffice-sign://sign?office={office.url}&signing={signing_id}&token=")
    assert shlex.split(page.locator("code.signer-command").inner_text()) == ["eoffice-signer", line]
    assert page.locator("a.signing-link").get_attribute("href") == line
    expect(page.locator(".how-to-sign .hint").first).to_contain_text("this one signing only")
    digest = page.locator("code.digest").inner_text()
    shot(page, "dfa-sign-screen")

    # The token in the line is made for this signing only: not the SP's session.
    signing_token = parse_qs(urlsplit(line).query)["token"][0]
    assert signing_token != sp["access_token"]
    assert jwt.decode(signing_token, options={"verify_signature": False})["aud"] == (
        f"eoffice-signing:{signing_id}"
    )

    # The officer runs his signer beside his token, in a terminal, pastes the line when asked
    # and types his PIN; it finds the token's driver and the certificate by itself.
    env = token.env()
    env.pop("TOKEN_PIN")
    code, said = on_a_terminal(
        [SIGNER], env, [("Paste the line", line), ("PIN for token", token.pin)], cwd=ROOT
    )
    assert code == 0, said
    assert f"document digest {digest}" in said and "signed and accepted" in said
    assert f"with {SP_NAME} - RSA key" in said
    assert token.pin not in said  # typed with echo off

    # ... and the page, still open, shows the signature by itself.
    verdict = page.locator("h2.verdict")
    expect(verdict).to_have_text("Signed. The signature is valid.", timeout=30_000)
    expect(page.locator("dd.signer")).to_have_text(SP_NAME)
    expect(page.locator("dd.valid")).to_have_text("Yes")
    shot(page, "dfa-signed")

    # Issue, then dispatch by post; the dispatch register has it.
    page.get_by_role("link", name="Back to the file to issue it").click()
    page.get_by_role("button", name="Issue the letter").click()
    expect(flash(page)).to_have_text(f"Issued as {issue_number}.")
    expect(draft.locator(".badge.status")).to_have_text("Issued")
    code_shown = draft.locator(".verification-code").inner_text()
    printed = draft.get_by_role("link", name="Its public verification page").get_attribute("href")
    assert printed == f"{office.url}/verify/{issue_number}?code={code_shown}"
    draft.get_by_label("Address (by post) or email addresses").fill("\n".join(POSTAL_ADDRESS))
    draft.get_by_label("Remark").fill("रजिस्टर्ड डाक")
    page.get_by_role("button", name="Dispatch", exact=True).click()
    expect(flash(page)).to_have_text(
        re.compile(r"^Dispatched\. Entered in the dispatch register as \d+/\d{4}/SP-HTR\.$")
    )
    register_number = flash(page).inner_text().rsplit(" ", 1)[-1].rstrip(".")
    expect(draft.locator(".badge.status")).to_have_text("Dispatched")
    shot(page, "dfa-dispatched")
    page.get_by_role("link", name="Dispatch register").click()
    row = page.get_by_role("row").filter(has_text=issue_number)
    expect(row.locator(".register-number")).to_have_text(register_number)
    expect(row.locator(".mode")).to_have_text("By post")
    for line in POSTAL_ADDRESS:
        expect(row.locator(".recipients")).to_contain_text(line)
    expect(row).to_contain_text(subject)
    shot(page, "dfa-dispatch-register")

    # The signed PDF, as any PDF reader checks it.
    signed = api(office, sp, "GET", f"/files/{file['id']}/drafts/{draft_id}/pdf?which=signed")
    assert signed.status_code == 200 and signed.content.startswith(b"%PDF")
    (tmp_path / "signed.pdf").write_bytes(signed.content)
    checked = pdfsig(tmp_path / "signed.pdf", nss_db(tmp_path, pki.root_ca().der))
    assert "Signature is Valid" in checked, checked
    assert SP_NAME in checked
    log_out(page)

    # Anyone, logged out, at the address printed on the letter.
    page.goto(printed)
    expect(page.locator("p.verdict")).to_have_text(
        "Genuine: the signatures are valid and the letter has not been changed since it was signed."
    )
    signature = page.locator("article.signature")
    expect(signature.locator(".signer")).to_have_text(SP_NAME)
    expect(signature.locator(".valid-word")).to_have_text("valid")
    expect(signature.locator("ol.chain-of-trust li")).to_have_text(
        [SP_NAME, pki.LICENSED_CA_NAME, pki.ROOT_NAME]
    )
    shot(page, "verify-issued")
    in_hindi(page)
    expect(page.locator("p.verdict")).to_have_text(
        "असली: हस्ताक्षर वैध हैं और हस्ताक्षर के बाद से पत्र में कोई बदलाव नहीं हुआ है।"
    )
    expect(signature.locator(".signer")).to_have_text(SP_NAME)
    expect(signature.locator(".valid-word")).to_have_text("वैध")
    shot(page, "verify-issued-hi")
    in_english(page)

    # Their copy is the very file issued under the number.
    upload_for_check(page, "letter.pdf", signed.content)
    expect(page.locator("p.verdict.compared")).to_have_text(
        f"This is exactly the file the office issued as {issue_number}."
    )

    # Anyone uploads the signed PDF at "Verify a letter".
    page.get_by_role("link", name="Verify a letter").click()
    upload_for_check(page, "letter.pdf", signed.content)
    expect(page.locator("p.verdict")).to_contain_text("Genuine")
    expect(page.locator("article.signature .signer")).to_have_text(SP_NAME)

    # Bytes added after signing, or one changed inside what was signed, are told plainly.
    upload_for_check(page, "appended.pdf", signed.content + b"\n% a line added later\n")
    expect(page.locator("p.verdict")).to_have_text("Do not rely on this letter as it is.")
    expect(page.locator("ul.reasons")).to_contain_text(
        "Something was added to the file after it was signed."
    )
    shot(page, "verify-appended")
    upload_for_check(page, "changed.pdf", changed_inside_signed_range(signed.content))
    expect(page.locator("p.verdict")).to_have_text("Do not rely on this letter as it is.")
    expect(page.locator("ul.reasons")).to_contain_text(
        "The letter was changed after it was signed: what you have is not what was signed."
    )
    expect(page.locator("article.signature dd.no").first).to_have_text(
        "No: the signed content was changed after signing."
    )
    expect(page.locator("ul.reasons")).not_to_contain_text("trusted")  # not judged, not blamed
    shot(page, "verify-changed")

    # Something that is not a PDF at all.
    upload_for_check(page, "letter.docx", b"PK\x03\x04 not a pdf", "application/pdf")
    expect(page.locator(".flash.error")).to_have_text(
        "The file is not a PDF. Upload the PDF file of the letter as you received it."
    )
    shot(page, "verify-not-a-pdf")


def approved_by_the_sp(office, clerk: dict, sp: dict, subject: str) -> tuple[dict, dict]:
    """Through the API: the head clerk writes a letter on a new file and sends it up; the SP
    approves it."""
    file = api(office, clerk, "POST", "/files", json={"subject": subject}).json()
    letter = {"kind": "letter", "subject": subject, "addressee": "RI", "text": "पाठ।"}
    drafted = api(office, clerk, "POST", f"/files/{file['id']}/drafts", json=letter)
    assert drafted.status_code == 201, drafted.text
    file, draft = drafted.json(), drafted.json()["drafts"][0]
    sent = api(
        office,
        clerk,
        "POST",
        f"/files/{file['id']}/send",
        json={"to_post_id": sp["user"]["posts"][0]["id"], "version": file["version"]},
    )
    assert sent.status_code == 200, sent.text
    path = f"/files/{file['id']}/drafts/{draft['id']}"
    approved = api(office, sp, "POST", f"{path}/approve", json={"version": 1})
    assert approved.status_code == 200, approved.text
    return file, draft


def test_the_signer_gets_a_token_for_its_one_signing_and_nothing_else(office, login, tmp_path):
    clerk, sp = login(HC), login(SP)
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner=SP_NAME, key_types=("rsa",))
    enrol_dsc(office, sp, token.keys["rsa"].der)
    ready = []
    for n in (1, 2):
        file, draft = approved_by_the_sp(
            office, clerk, sp, f"एकल हस्ताक्षर {n} {uuid.uuid4().hex[:6]}"
        )
        path = f"/files/{file['id']}/drafts/{draft['id']}/sign"
        answer = api(office, sp, "POST", path, json={"password": DEMO_PASSWORD})
        assert answer.status_code == 200, answer.text
        ready.append(answer.json())
    first, second = ready
    claims = jwt.decode(first["signing_token"], options={"verify_signature": False})
    session = jwt.decode(sp["access_token"], options={"verify_signature": False})
    assert claims["aud"] == f"eoffice-signing:{first['signing_id']}"
    assert (claims["sub"], claims["name"]) == (session["sub"], SP_NAME)
    assert claims["exp"] <= datetime.fromisoformat(first["expires_at"]).timestamp()
    assert first["signing_token_expires_at"] <= first["expires_at"]
    url = f"{office.url}/api/v1/signing/{first['signing_id']}"
    assert first["command"] == f"eoffice-signer --url {url} --token-env EOFFICE_TOKEN"
    assert parse_qs(urlsplit(first["link"]).query) == {
        "office": [office.url],
        "signing": [first["signing_id"]],
        "token": [first["signing_token"]],
    }

    def status(token: str, method: str, path: str, **kwargs) -> int:
        return api(office, {"access_token": token}, method, path, **kwargs).status_code

    # Anywhere but its own signing, the token is refused as no token of the office's.
    for method, path in (("GET", "/me"), ("GET", "/inbox"), ("GET", "/notices")):
        assert status(first["signing_token"], method, path) == 401, path
    other = f"/signing/{second['signing_id']}"
    assert status(first["signing_token"], "GET", other) == 401
    nothing = {"signature_b64": "AAAA"}
    assert status(first["signing_token"], "POST", f"{other}/complete", json=nothing) == 401
    # ... and the session's own token does not serve the signer's routes.
    assert status(sp["access_token"], "GET", f"/signing/{first['signing_id']}") == 401
    assert status(second["signing_token"], "GET", other) == 200

    # The answer's link signs the first and is accepted; its command (for scripts, the token
    # in EOFFICE_TOKEN) the second.
    pin = ["--pin-env", "TOKEN_PIN"]
    for argv, env in (
        ([first["link"], *pin], token.env()),
        (
            [*shlex.split(second["command"])[1:], *pin],
            {**token.env(), "EOFFICE_TOKEN": second["signing_token"]},
        ),
    ):
        done = subprocess.run(
            [SIGNER, *argv],
            check=False,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and "signed and accepted" in done.stderr, done.stderr


@on_phone_and_desktop
def test_the_sign_screen_fits_the_screen_and_shows_the_signature_made_with_its_line(
    page: Page, office, login, tmp_path
):
    clerk, sp = login(HC), login(SP)
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner=SP_NAME, key_types=("rsa",))
    enrol_dsc(office, sp, token.keys["rsa"].der)
    file, _ = approved_by_the_sp(office, clerk, sp, one_word(300))  # a subject of one word

    log_in(page, SP)
    page.goto(f"/files/{file['id']}")
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prepare my signature").click()
    expect(
        page.get_by_role("heading", name="Waiting for the signature from your token")
    ).to_be_visible()
    fits_the_screen(page, "the sign screen")
    line = page.get_by_label("The line for this signing")
    for control in (
        line,
        page.locator("pre.command"),
        page.locator("a.signing-link"),
        page.locator("code.digest"),
        page.get_by_role("button", name="Check again"),
        page.get_by_role("link", name="Read the letter (PDF)"),
    ):
        within_the_screen(control)
    link = line.input_value()
    assert page.locator("a.signing-link").get_attribute("href") == link
    assert shlex.split(page.locator("code.signer-command").inner_text()) == ["eoffice-signer", link]
    shot(page, f"dfa-sign-screen-{size_of(page)}")

    # The line, pasted into the signer beside the token, signs; the page shows it by itself.
    token.sign_link(link)
    expect(page.locator("h2.verdict")).to_have_text(
        "Signed. The signature is valid.", timeout=30_000
    )
    expect(page.locator("dd.signer")).to_have_text(SP_NAME)
    fits_the_screen(page, "the signed screen")
    within_the_screen(page.get_by_role("link", name="Back to the file to issue it"))
    shot(page, f"dfa-signed-{size_of(page)}")


def test_without_a_dsc_a_letter_is_signed_on_paper_sealed_at_issue_and_dispatched_by_email(
    page: Page, office, login
):
    clerk = login(HC)
    subject = f"वार्षिक निरीक्षण का कार्यक्रम {uuid.uuid4().hex[:6]}"
    opened = api(office, clerk, "POST", "/files", json={"subject": subject})
    assert opened.status_code == 201, opened.text
    file = opened.json()

    # The head clerk uploads a letter typed elsewhere, then writes a second version here.
    log_in(page, HC)
    page.goto(f"/files/{file['id']}")
    page.get_by_label("Kind").select_option("order")
    page.get_by_label("Subject of the letter").fill(subject)
    page.get_by_label("Addressee").fill("समस्त थानाध्यक्ष, जनपद हाथरस")
    page.get_by_label("or upload the letter as a PDF").set_input_files(
        {"name": "order.pdf", "mimeType": "application/pdf", "buffer": pdf(text="Typed order")}
    )
    page.get_by_role("button", name="Save the draft").click()
    draft = page.locator("article.dfa")
    expect(draft.locator(".kind")).to_have_text("Order:")
    draft.get_by_text("Add a version").click()
    draft.get_by_label("Changed text").fill("वार्षिक निरीक्षण दिनांक 15 को होगा।")
    draft.get_by_role("button", name="Save the new version").click()
    expect(flash(page)).to_have_text("Version 2 saved.")
    draft.get_by_text("Versions (2)").click()
    expect(draft.locator(".versions li")).to_have_text(
        [re.compile(r"^Version 1 · uploaded PDF · "), re.compile(r"^Version 2 · written here · ")]
    )
    choose_post(page, "Rajesh", re.compile(r"^Superintendent of Police, Hathras \(SP-HTR\)"))
    page.get_by_role("button", name="Send", exact=True).click()
    expect(flash(page)).to_contain_text(file["number"])  # sent before logging out
    log_out(page)

    # The SP approves version 2, signs it in ink and uploads the scan.
    log_in(page, SP)
    page.goto(f"/files/{file['id']}")
    page.get_by_role("button", name="Approve version 2").click()
    draft.get_by_text("No DSC? Sign on paper and upload the scan").click()
    draft.get_by_label("Scan of the letter signed on paper (PDF)").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": pdf(text="Signed in ink")}
    )
    draft.get_by_role("button", name="Upload the signed scan").click()
    expect(flash(page)).to_have_text("The scan of the letter signed on paper is recorded.")
    expect(draft.locator(".badge.status")).to_have_text("Signed")
    expect(draft.locator(".signed-by")).to_contain_text("Signed on paper")
    page.get_by_role("button", name="Issue the letter").click()
    expect(draft.locator(".badge.status")).to_have_text("Issued")
    printed = draft.get_by_role("link", name="Its public verification page").get_attribute("href")

    # Dispatched by email: a wrong address is refused, the right ones are entered.
    draft.get_by_label("By email").check()
    to = draft.get_by_label("Address (by post) or email addresses")
    to.fill("sho.kotwali@htr.up.gov.in\nnot-an-address")
    draft.get_by_role("button", name="Dispatch", exact=True).click()
    expect(page.locator(".flash.error")).to_have_text("One of the email addresses is not valid.")
    draft.get_by_label("By email").check()
    to.fill("sho.kotwali@htr.up.gov.in, co.sadar@htr.up.gov.in")
    draft.get_by_role("button", name="Dispatch", exact=True).click()
    expect(draft.locator(".dispatched")).to_contain_text("by email on", use_inner_text=True)
    expect(draft.locator(".dispatched .recipients")).to_have_text(
        "sho.kotwali@htr.up.gov.in, co.sadar@htr.up.gov.in"
    )
    shot(page, "dfa-paper-dispatched")
    log_out(page)

    # The office's seal vouches for the scan.
    page.goto(printed)
    expect(page.locator("p.verdict")).to_contain_text("Genuine")
    expect(page.locator("article.signature .signer")).to_have_text(demo_pki.SEAL_NAME)


def test_verification_needs_the_code_and_says_when_nothing_is_signed(page: Page):
    page.goto("/verify")
    expect(page.get_by_role("link", name="Verify a letter")).to_be_visible()  # logged out
    page.get_by_label("Issue number").fill("SP-HTR-2026-999999")
    page.get_by_label("Verification code").fill("ABCD2345")
    page.get_by_role("button", name="Verify", exact=True).click()
    expect(page.locator(".flash.error")).to_have_text(
        "No letter or order was issued under this number (or the code does not match)."
    )
    answer = page.goto("/verify/SP-HTR-2026-999999")  # the number alone is not enough
    assert answer.status == 200
    expect(page.get_by_label("Verification code")).to_be_visible()
    expect(page.locator("p.verdict")).to_have_count(0)

    page.goto("/verify")
    upload_for_check(page, "unsigned.pdf", pdf(text="An unsigned letter"))
    expect(page.locator("p.verdict")).to_have_text("Do not rely on this letter as it is.")
    expect(page.locator("ul.reasons")).to_have_text("This PDF carries no digital signature.")
