"""The SP sanctions the SHO's earned leave with the order signed on his own DSC token, over the
API and from "Leave to act on" in a real browser (on a phone and on a desktop): a wrong password
is refused before anything is readied; then ``eoffice-signer`` signs on a SoftHSM2 token with
the line the office gives, leave takes the signed order in and the application is sanctioned
with it. The order's PDF passes poppler's pdfsig, and anyone with its number and code verifies
it. Screenshots land in /tmp/shots/.

The office is the shared one of tests/e2e: the days asked for (2035) are this file's own."""

import hashlib
import re
import shlex

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, assert_error, wait_for
from tests.e2e.test_leave_api import LEAVE, act, apply, earned, ok
from tests.e2e.test_signing_screens import SP_NAME, enrol_dsc
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
from tests.support.token import nss_db, pdfsig, soft_token

SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"
# Each test's own days of 2035.
DAYS = {
    "api": ("2035-02-05", "2035-02-06"),
    "phone": ("2035-04-02", "2035-04-03"),
    "desktop": ("2035-06-04", "2035-06-05"),
}


@pytest.fixture
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


@pytest.fixture
def sp_token(office, login, tmp_path):
    """The SP's DSC on a SoftHSM2 token, its certificate enrolled as his DSC."""
    token = soft_token(tmp_path / "sp-token", label="SP DSC", owner=SP_NAME, key_types=("rsa",))
    enrol_dsc(office, login(SP), token.keys["rsa"].der)
    return token


def up_to_the_sp(desk, days: tuple[str, str]) -> dict:
    """The SHO's earned leave, recommended by the circle officer and the ASP: it waits with
    the SP, its sanctioning officer."""
    app = apply(desk(SHO), earned(*days))
    for who in (CO, ASP):
        app = act(desk(who), app, "recommend")
    assert (app["level"], app["status"]) == ("sanctioning", "recommended")
    return app


def signed_order_checks_out(office, sp: Desk, app: dict, tmp_path) -> None:
    """The order signed on the token: its PDF is the one recorded, pdfsig finds the SP's valid
    signature, and the public verification with its code says it is genuine."""
    order = app["order"]
    pdf = sp.get(f"{LEAVE}/applications/{app['id']}/order")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == order["sha256"]
    (tmp_path / "order.pdf").write_bytes(pdf.content)
    checked = pdfsig(tmp_path / "order.pdf", nss_db(tmp_path, pki.root_ca().der))
    assert "Signature is Valid" in checked and SP_NAME in checked, checked
    verify = f"{office.url}/api/v1/verify/{order['number']}"
    report = ok(requests.get(verify, params={"code": order["code"]}, timeout=60))
    assert (report["issue_number"], report["sha256"]) == (order["number"], order["sha256"])
    assert report["report"]["ok"] is True
    assert_error(
        requests.get(verify, params={"code": "WRONG234"}, timeout=60), 404, "ISSUE_NOT_FOUND"
    )


def sanctioned(sp: Desk, app: dict) -> dict:
    """Leave takes the signed order in when signing says so (an event): wait for it."""
    path = f"{LEAVE}/applications/{app['id']}"
    return wait_for(
        "the sanction with the signed order",
        lambda: (found := ok(sp.get(path)))["status"] == "sanctioned" and found,
    )


def test_the_sp_sanctions_with_the_order_signed_on_his_token(desk, office, sp_token, tmp_path):
    app = up_to_the_sp(desk, DAYS["api"])
    sp = desk(SP)
    path = f"{LEAVE}/applications/{app['id']}"

    # A wrong password: refused, and nothing readied (the application waits as it was).
    wrong = {"version": app["version"], "sign": "token", "password": "not-my-password"}
    assert_error(sp.post(f"{path}/sanction", json=wrong), 401, "WRONG_PASSWORD")
    still = ok(sp.get(path))
    assert (still["status"], still["version"], still["signing_id"], still["order"]) == (
        "recommended",
        app["version"],
        None,
        None,
    )

    # His password: the signing readied for his signer; the application waits for it.
    right = {**wrong, "password": DEMO_PASSWORD}
    ready = ok(sp.post(f"{path}/sanction", json=right))
    assert ready["to_sign_b64"] and ready["link"].startswith("eoffice-sign://sign?")
    waiting = ok(sp.get(path))
    assert (waiting["status"], waiting["signing_id"]) == ("recommended", ready["signing_id"])

    said = sp_token.sign_link(ready["link"])
    assert SP_NAME in said
    done = sanctioned(sp, app)
    assert (done["order"]["signed"], done["signing_id"]) == ("token", None)
    assert done["order"]["number"].startswith("LV.SP-HTR-")
    signed_order_checks_out(office, sp, done, tmp_path)
    # Sanctioned once: the readied signing cannot sanction it again.
    assert_error(sp.post(f"{path}/sanction", json=right), 409, "LEAVE_ALREADY_DECIDED")


@on_phone_and_desktop
def test_the_sp_sanctions_on_his_token_from_leave_to_act_on(
    page: Page, desk, office, sp_token, tmp_path
):
    size = size_of(page)
    app = up_to_the_sp(desk, DAYS[size])
    log_in(page, SP)
    page.goto("/leave/to-act-on")
    card = page.locator(f"#leave-{app['id']}")
    card.get_by_text("Sanction and sign on my DSC token").first.click()
    form = card.locator("details.sign form")

    # A wrong password first: said plainly, nothing sanctioned.
    form.get_by_label("Your password").fill("not-my-password")
    form.get_by_role("button", name="Sanction and sign on my DSC token").click()
    expect(page.locator(".flash.error")).to_have_text("That is not your password.")
    expect(card).to_be_visible()

    card.get_by_text("Sanction and sign on my DSC token").first.click()
    form.get_by_label("Your password").fill(DEMO_PASSWORD)
    fits_the_screen(page, "leave to act on, with the token's form")
    shot(page, f"leave-token-form-{size}")
    form.get_by_role("button", name="Sanction and sign on my DSC token").click()

    # The leave signing page: the line, the command, the digest, the time left, "check again".
    expect(page.locator("p.flash").first).to_have_text(
        "Ready to sign. Now sign on your token as shown below."
    )
    expect(
        page.get_by_role("heading", name="Waiting for the signature from your token")
    ).to_be_visible()
    expect(page.locator(".expiry")).to_contain_text("Sign before")
    line = page.get_by_label("The line for this signing")
    link = line.input_value()
    signing_id = re.search(r"/signing/([^/?#]+)$", page.url).group(1)
    assert link.startswith(f"eoffice-sign://sign?office={office.url}&signing={signing_id}&")
    assert shlex.split(page.locator("code.signer-command").inner_text()) == ["eoffice-signer", link]
    assert page.locator("a.signing-link").get_attribute("href") == link
    digest = page.locator("code.digest").inner_text()
    for control in (
        line,
        page.locator("code.digest"),
        page.get_by_role("button", name="Check again"),
    ):
        within_the_screen(control)
    fits_the_screen(page, "the leave signing page")
    shot(page, f"leave-token-sign-{size}")
    page.goto("/lang/hi?next=" + page.url.removeprefix(office.url))
    expect(page.get_by_role("heading", level=2)).to_have_text("आपके टोकन से हस्ताक्षर की प्रतीक्षा है")
    expect(page.get_by_role("heading", level=1)).to_contain_text("अवकाश आदेश पर हस्ताक्षर करें")
    page.goto("/lang/en?next=" + page.url.removeprefix(office.url))

    # The signer signs on the token; the page, still open, shows the order by itself.
    said = sp_token.sign_link(link)
    assert f"document digest {digest}" in said
    expect(page.locator("h2.verdict")).to_have_text(
        "Sanctioned. The order is signed on your token and the signature is valid.",
        timeout=30_000,
    )
    expect(page.locator("dd.signer")).to_have_text(SP_NAME)
    done = ok(desk(SP).get(f"{LEAVE}/applications/{app['id']}"))
    order = done["order"]
    assert (done["status"], order["signed"]) == ("sanctioned", "token")
    expect(page.locator("dd.order-number")).to_have_text(order["number"])
    expect(page.locator("dd.verification-code")).to_have_text(order["code"])
    fits_the_screen(page, "the signed leave order")
    shot(page, f"leave-token-signed-{size}")
    pdf = page.request.get(
        page.get_by_role("link", name="The sanction order (PDF)").get_attribute("href")
    )
    assert pdf.status == 200 and hashlib.sha256(pdf.body()).hexdigest() == order["sha256"]
    verify = page.get_by_role("link", name="Its public verification page").get_attribute("href")
    assert verify == f"/verify/{order['number']}?code={order['code']}"
    page.goto(verify)
    expect(page.locator("p.verdict")).to_contain_text("Genuine")
    expect(page.locator("article.signature .signer")).to_have_text(SP_NAME)
