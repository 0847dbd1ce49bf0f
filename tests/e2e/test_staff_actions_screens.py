"""What nodal officers, the state team and each person could do only over the API, done on the
screens, in a real browser on a phone (360 × 740) and on a desktop (1280 × 800).

Hathras's nodal officer (the Addl SP) enrols a person's DSC and sees it (an expired, untrusted
or encryption-only certificate is refused with the service's reason, in Hindi for a Hindi
reader) and revokes it; gives someone who lost their activation slip a fresh code on a printed
slip, with which they activate; a person turns two-step login on by typing the key the page
shows into an authenticator app, logs in needing its code, and turns it off; the state team
picks the revenue district and sees its posts. On a phone no screen scrolls sideways.

Each test works on people made for it, so nothing another test relies on changes. Screenshots
land in /tmp/shots/staff-actions-*.png for a human to look at.
"""

import random
import re
import string
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from common.clock import IST
from tests.support import pki
from tests.support.browser import header, log_in, shot
from tests.support.sheets import csv_sheet, person

pytestmark = pytest.mark.slow

NODAL = "asp.hathras"
TIMEOUT = 60
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, office):
    """A fresh browser profile in English, as a phone and as a desktop; like the shared
    fixture, it fails a test whose page broke the office's Content-Security-Policy."""
    context = browser.new_context(
        base_url=office.url, locale="en-IN", viewport=VIEWPORTS[request.param]
    )
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    try:
        yield page
    finally:
        context.close()
    assert refused == [], "the page broke the office's Content-Security-Policy"


def letters() -> str:
    """Different on every run, letters only (names allow no digits)."""
    return "".join(random.choices(string.ascii_lowercase, k=5))


def fits(page: Page, name: str) -> None:
    """The page never scrolls sideways (a wide table scrolls in its own box); a screenshot."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is too wide"
    shot(page, f"staff-actions-{name}-{width}")


def bearer(office, login, username: str = NODAL) -> dict:
    return {"Authorization": f"Bearer {login(username)['access_token']}"}


def new_person(office, login, name_en: str, password: str = "Hathras-pass-1") -> dict:
    """A dealing hand of the SP's office, made by the nodal officer over the API."""
    username = name_en.lower().replace(" ", ".") + ".hathras"
    r = requests.post(
        f"{office.url}/api/v1/users",
        headers=bearer(office, login),
        json={
            "username": username,
            "name_en": name_en,
            "name_hi": "परीक्षण कर्मचारी",
            "password": password,
            "office_code": "SP-HTR",
            "roles": ["dealing_hand"],
        },
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    return r.json()


def menu_link(page: Page, name: str, exact: bool = True) -> Locator:
    return header(page).locator("nav").get_by_role("link", name=name, exact=exact)


def open_person(page: Page, username: str) -> None:
    """From the menu's Staff to the person's own page."""
    menu_link(page, "Staff").click()
    row = page.locator(f"table.staff tbody tr[data-login='{username}']")
    row.locator("td.name a").click()
    expect(page.locator("dd.login")).to_have_text(username)


def in_ist(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%d-%m-%Y")


def test_the_nodal_officer_enrols_a_dsc_a_bad_one_is_refused_in_hindi_and_revokes_it(
    page: Page, office, login, tmp_path
):
    name = f"Kamla Devi {letters().title()}"
    someone = new_person(office, login, name)
    good = pki.officer(name)
    certificates = {
        "good.pem": good.pem,  # as the CA sends it
        "expired.cer": pki.officer(
            name,
            not_before=datetime.now(UTC) - timedelta(days=400),
            not_after=datetime.now(UTC) - timedelta(days=1),
        ).der,
        "untrusted.cer": pki.officer(name, issuer=pki.ca("Unknown Private CA 2026")).der,
        "encryption-only.cer": pki.officer(name, key_usage={"key_encipherment"}).der,
    }
    for filename, content in certificates.items():
        (tmp_path / filename).write_bytes(content)

    log_in(page, NODAL)
    open_person(page, someone["username"])
    dsc = page.locator("section.dsc")
    expect(dsc).to_contain_text("No DSC is enrolled: this person cannot sign letters with a DSC")
    fits(page, "person")

    dsc.get_by_label("Certificate from the DSC token (PEM or DER)").set_input_files(
        tmp_path / "good.pem"
    )
    dsc.get_by_role("button", name="Enrol the certificate").click()
    until = in_ist(good.cert.not_valid_after_utc)
    expect(page.locator(".flash")).to_have_text(
        f"DSC enrolled: {name}, issued by {pki.LICENSED_CA_NAME}, valid until {until}."
    )
    expect(dsc.locator("dd.subject")).to_have_text(name)
    expect(dsc.locator("dd.issuer")).to_have_text(pki.LICENSED_CA_NAME)
    expect(dsc.locator("dd.until")).to_have_text(until)
    fits(page, "person-dsc")

    # The staff list shows it too.
    menu_link(page, "Staff").click()
    row = page.locator(f"table.staff tbody tr[data-login='{someone['username']}']")
    expect(row.locator("td.dsc")).to_contain_text(f"Enrolled: {name}")
    fits(page, "staff")

    # In Hindi, each bad certificate is refused with the service's reason; the DSC stays.
    row.locator("td.name a").click()
    header(page).get_by_role("link", name="हिन्दी").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    for filename, reason in (
        ("expired.cer", "प्रमाणपत्र की अवधि समाप्त हो चुकी है।"),
        ("untrusted.cer", "प्रमाणपत्र किसी विश्वसनीय प्रमाणन प्राधिकारी से नहीं जुड़ता।"),
        ("encryption-only.cer", "यह प्रमाणपत्र दस्तावेज़ों पर हस्ताक्षर के लिए नहीं है।"),
    ):
        dsc.get_by_label("DSC टोकन का प्रमाणपत्र (PEM या DER)").set_input_files(tmp_path / filename)
        dsc.get_by_role("button", name="प्रमाणपत्र पंजीकृत करें").click()
        expect(page.locator(".flash.error")).to_have_text(reason)
        expect(dsc.locator("dd.issuer")).to_have_text(pki.LICENSED_CA_NAME)
    fits(page, "person-refused-hi")

    header(page).get_by_role("link", name="English").click()
    dsc.get_by_role("button", name="Revoke the DSC").click()
    expect(page.locator(".flash")).to_have_text("The DSC is revoked: it can no longer sign here.")
    expect(dsc).to_contain_text("No DSC is enrolled")
    r = requests.get(
        f"{office.url}/api/v1/users/{someone['id']}",
        headers=bearer(office, login),
        timeout=TIMEOUT,
    )
    assert r.status_code == 200 and r.json()["dsc"] is None


def test_someone_who_lost_their_slip_activates_with_a_fresh_code(
    page: Page, browser, office, login
):
    run = letters()
    name = f"Ramesh Kumar {run.title()}"
    row = person(
        0,
        name_en=name,
        employee_code=f"E2E-SLIP-{run.upper()}",
        mobile=f"97{random.randrange(10**7, 10**8)}",
    )
    nodal = bearer(office, login)
    r = requests.post(
        f"{office.url}/api/v1/onboarding/sheets",
        headers=nodal,
        files={"sheet": ("staff.csv", csv_sheet([row]), "text/csv")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201 and r.json()["summary"]["create"] == 1, r.text
    applied = requests.post(
        f"{office.url}/api/v1/onboarding/sheets/{r.json()['id']}/apply",
        headers=nodal,
        timeout=TIMEOUT,
    ).json()
    (lost,) = applied["activations"]  # the slip that went missing

    log_in(page, NODAL)
    open_person(page, lost["login"])
    page.get_by_role("button", name="Issue a new activation code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A new activation code")
    expect(page.get_by_role("alert")).to_contain_text("This activation code is shown only once.")
    slip = page.locator("section.slip")
    expect(slip.locator("dd.name")).to_have_text(name)
    expect(slip.locator("dd.login")).to_have_text(lost["login"])
    expect(slip).to_contain_text(row["employee_code"])
    expect(slip).to_contain_text(f"{office.url}/activate")
    code = slip.locator("dd.code").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", code) and code != lost["code"]
    fits(page, "slip")

    # Switching language afterwards lands on the person: the code is not shown again.
    header(page).get_by_role("link", name="हिन्दी").click()
    expect(page.locator("dd.login")).to_have_text(lost["login"])
    expect(page.locator("main")).not_to_contain_text(code)

    # The old slip no longer works; the new one does.
    old = requests.post(
        f"{office.url}/api/v1/auth/activate",
        json={"login": lost["login"], "code": lost["code"], "password": "Lost-slip-2026"},
        timeout=TIMEOUT,
    )
    assert old.status_code == 401 and old.json()["error"]["code"] == "ACTIVATION_INVALID"
    newcomer = browser.new_context(base_url=office.url, locale="en-IN", viewport=page.viewport_size)
    try:
        fresh = newcomer.new_page()
        fresh.goto("/activate")
        fresh.get_by_label("Login (Gov ID)").fill(lost["login"])
        fresh.get_by_label("Activation code").fill(code)
        fresh.get_by_label("New password (at least 8 characters)").fill("Found-it-2026")
        fresh.get_by_label("New password again").fill("Found-it-2026")
        fresh.get_by_role("button", name="Set my password").click()
        expect(fresh).to_have_url(re.compile(r"/login$"))
        log_in(fresh, lost["login"], "Found-it-2026")
        expect(fresh).to_have_url(re.compile(r"/inbox$"))
        expect(fresh.locator("header .who")).to_have_text(name)
    finally:
        newcomer.close()


def steady(totp: pyotp.TOTP) -> None:
    """Wait out the last seconds of a code's 30, so a code is not read in one step and
    checked in the next."""
    left = totp.interval - time.time() % totp.interval
    if left < 4:
        time.sleep(left + 0.5)


def test_a_person_turns_two_step_login_on_logs_in_with_a_code_and_turns_it_off(
    page: Page, office, login
):
    password = "Two-step-2026"
    someone = new_person(office, login, f"Kavita Singh {letters().title()}", password)
    username = someone["username"]
    log_in(page, username, password)
    menu_link(page, "Notices", exact=False).click()
    page.get_by_role("link", name="Two-step login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step login")
    expect(page.locator("p.status")).to_have_text(
        "Two-step login is off: you log in with your password alone."
    )

    begin = page.locator("form.begin")
    begin.get_by_label("Your password").fill("not-my-password")
    begin.get_by_role("button", name="Show the QR code").click()
    expect(page.get_by_role("alert")).to_have_text("That is not your password.")
    page.locator("form.begin").get_by_label("Your password").fill(password)
    page.locator("form.begin").get_by_role("button", name="Show the QR code").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    fits(page, "two-step-scan")

    # The person types the key into their app instead of scanning (the test's pyotp).
    totp = pyotp.TOTP(page.locator("code.secret").inner_text().replace(" ", ""))
    confirm = page.locator("form.confirm")
    confirm.get_by_label("6-digit code").fill("000000" if totp.now() != "000000" else "111111")
    confirm.get_by_role("button", name="Turn two-step login on").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The code is wrong or was already used. Enter the current code from your app."
    )
    # Each code counts once: enrol with the one the app showed a moment ago, log in with
    # today's, and turn it off with the next one (the office allows a step of clock drift).
    steady(totp)
    confirm.get_by_label("6-digit code").fill(totp.at(time.time() - totp.interval))
    confirm.get_by_role("button", name="Turn two-step login on").click()
    expect(page.locator(".flash")).to_have_text(
        "Two-step login is on: from now on, log in with your password and your app's code."
    )
    expect(page.locator("p.status")).to_have_text(
        "Two-step login is on: you log in with your password and a code from your app."
    )
    fits(page, "two-step-on")
    header(page).get_by_role("link", name="हिन्दी").click()
    expect(page.locator("p.status")).to_have_text(
        "दो-चरणीय लॉगिन चालू है: आप अपने पासवर्ड और अपने ऐप के कोड से लॉग इन करते हैं।"
    )
    header(page).get_by_role("link", name="English").click()

    # Logging in now needs the code.
    header(page).get_by_role("button", name="Log out").click()
    log_in(page, username, password)
    expect(page.get_by_role("alert")).to_have_text(
        "Enter the 6-digit code from your authenticator app."
    )
    page.get_by_label("Password").fill(password)
    steady(totp)
    page.get_by_label("Code from your authenticator app (if you use one)").fill(totp.now())
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))

    # Turned off with the password and a current code; then the password alone is enough.
    page.goto("/account/two-step")
    remove = page.locator("form.remove")
    remove.get_by_label("Your password").fill(password)
    steady(totp)
    remove.get_by_label("Current code from your app").fill(totp.at(time.time() + totp.interval))
    remove.get_by_role("button", name="Turn it off").click()
    expect(page.locator(".flash")).to_have_text(
        "Two-step login is off: you log in with your password alone."
    )
    header(page).get_by_role("button", name="Log out").click()
    log_in(page, username, password)
    expect(page).to_have_url(re.compile(r"/inbox$"))


def test_the_state_team_picks_the_revenue_district_and_sees_its_posts(page: Page):
    log_in(page, "admin.up")
    menu_link(page, "Posts").click()
    chooser = page.locator("form.district")
    chooser.get_by_label("District").select_option("DM-HTR")
    chooser.get_by_role("button", name="Show").click()
    expect(chooser.get_by_label("District")).to_have_value("DM-HTR")
    for abbreviation, holder in (
        ("DM-HTR", "Sunita Agarwal"),
        ("ADM-E-HTR", "Prakash Narayan Tiwari"),
        ("TEH-SADAR-HTR", "Dinesh Chandra Pal"),
    ):
        # The holder's name first (another test may have him on leave today: a badge after it).
        expect(
            page.locator(f"table.posts tr[data-abbreviation='{abbreviation}'] td.holder")
        ).to_have_text(re.compile(f"^{holder}( |$)"))
    expect(page.locator("table.posts tr[data-abbreviation='SP-HTR']")).to_have_count(0)
    fits(page, "posts-revenue")

    # A revenue post opens with its own office and the revenue district's people to post.
    page.locator("table.posts tr[data-abbreviation='DM-HTR']").get_by_role(
        "link", name="DM-HTR"
    ).click()
    expect(page.locator("dl.fields")).to_contain_text("Collectorate Hathras")
    expect(page.locator("dd.holder")).to_have_text("Sunita Agarwal · Regular")
    people = page.locator("form.assign select[name=user_id] option")
    expect(people.filter(has_text="Neha Chauhan")).to_have_count(1)
    fits(page, "post-revenue")

    # In Hindi the district's posts have their Hindi names.
    header(page).get_by_role("link", name="हिन्दी").click()
    menu_link(page, "पद").click()
    page.locator("form.district select").select_option("DM-HTR")
    page.locator("form.district button").click()
    expect(page.locator("table.posts tr[data-abbreviation='DM-HTR'] td.holder")).to_have_text(
        "सुनीता अग्रवाल"
    )


def test_a_nodal_officer_sees_their_own_districts_posts_with_no_chooser(page: Page):
    log_in(page, NODAL)
    menu_link(page, "Posts").click()
    expect(page.locator("table.posts tr[data-abbreviation='ASP-HTR']")).to_have_count(1)
    expect(page.locator("table.posts tr[data-abbreviation='DM-HTR']")).to_have_count(0)
    expect(page.locator("form.district")).to_have_count(0)
    fits(page, "posts-nodal")
