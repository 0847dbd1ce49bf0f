"""A police station's link drops for minutes at a time: the desk in Chromium with its service
worker. The inbox and the pages of its items (and their PDFs) stay readable, saying when they
were saved; a note and a send made offline wait on the device, counted in the header, their
words kept across a reload, and go once when the link returns, even if sent twice. A send of
a file pulled back meanwhile, and a note of a person disabled meanwhile, are refused when they
arrive and shown with what was typed; nothing is applied. Each story has a clerk of its own
(a post and a person made for it), so no other test's work is in their inbox."""

import re
import time
import uuid
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import Page, expect

from common.trust import Verifier
from tests.e2e.test_api import Desk, diarised, unique_pdf, wait_for
from tests.e2e.test_desk_screens import choose_post
from tests.support.browser import log_in, shot

TIMEOUT = 30
PHONE = {"width": 360, "height": 740}
READER = re.compile(r"^Reader to SP, Hathras \(RDR-SP-HTR\)")
OFFLINE_BANNER = re.compile(r"^Offline — showing what was saved at \d\d:\d\d$")


@dataclass
class Clerk:
    username: str
    password: str
    post_id: str
    user_id: str
    api: Desk


@pytest.fixture
def new_clerk(office, login):
    """A clerk of the SP office at a post of their own, made by the nodal officer."""
    nodal = Desk(office.url, login("asp.hathras"))

    def made(name: str = "Offline clerk") -> Clerk:
        tag = uuid.uuid4().hex[:8]
        abbreviation = f"OFL-{tag.upper()}-SP-HTR"
        post = nodal.post(
            "/api/v1/posts",
            json={
                "office_code": "SP-HTR",
                "abbreviation": abbreviation,
                "name_en": f"{name} {tag}",
                "name_hi": f"ऑफ़लाइन लिपिक {tag}",
                "reports_to": "HC-ESTT-SP-HTR",
            },
        )
        assert post.status_code == 201, post.text
        username, password = f"offline.{tag}.hathras", f"Offline-{tag}"
        person = nodal.post(
            "/api/v1/users",
            json={
                "username": username,
                "name_en": f"{name} {tag}",
                "name_hi": f"ऑफ़लाइन लिपिक {tag}",
                "password": password,
                "office_code": "SP-HTR",
                "roles": ["dealing_hand"],
                "posts": [abbreviation],
            },
        )
        assert person.status_code == 201, person.text
        tokens = requests.post(
            f"{office.url}/api/v1/auth/login",
            json={"username": username, "password": password},
            timeout=TIMEOUT,
        )
        assert tokens.status_code == 200, tokens.text
        return Clerk(
            username,
            password,
            post.json()["id"],
            person.json()["id"],
            Desk(office.url, tokens.json()),
        )

    return made


def a_file(clerk: Clerk, subject: str) -> dict:
    r = clerk.api.post("/api/v1/files", json={"subject": subject})
    assert r.status_code == 201, r.text
    return r.json()


def notes_on(clerk: Clerk, file: dict) -> list[str]:
    r = clerk.api.get(f"/api/v1/files/{file['id']}")
    assert r.status_code == 200, r.text
    return [n["text"] for n in r.json()["notes"]]


def under_the_service_worker(page: Page) -> None:
    """Once its service worker is ready, the page is loaded again under it."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def kept_on_the_device(page: Page, *paths: str) -> None:
    """Wait until the service worker has saved these pages (in the background)."""
    for path in paths:
        page.wait_for_function(
            """path => caches.open("eoffice-pages")
                .then(c => c.match(new URL(path, location.href).href)).then(Boolean)""",
            arg=path,
            timeout=TIMEOUT * 1000,
        )


def waiting_badge(page: Page):
    return page.locator("a.offline-badge.waiting")


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_offline_the_inbox_and_its_items_stay_readable_and_a_note_and_a_send_go_once_after(
    page: Page, office, login, new_clerk
):
    clerk = new_clerk()
    cru = Desk(office.url, login("cru.hathras"))
    file = a_file(clerk, f"थाना भवन की मरम्मत {uuid.uuid4().hex[:6]}")
    letter = unique_pdf()
    receipt = diarised(cru, letter, subject=f"Road repair at Sasni {uuid.uuid4().hex[:6]}")
    assert cru.send(receipt["id"], clerk.post_id).status_code == 200
    context = page.context
    # Online: the inbox, then the file. The inbox saves its items' pages in the background.
    log_in(page, clerk.username, clerk.password)
    under_the_service_worker(page)
    expect(page.get_by_role("row").filter(has_text=receipt["subject"])).to_be_visible()
    page.get_by_role("link", name=file["number"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(file["number"])
    page.go_back()
    pdf = f"/documents/{receipt['document']['sha256']}"
    kept_on_the_device(page, "/inbox", f"/files/{file['id']}", f"/receipts/{receipt['id']}", pdf)

    # The link drops: what was saved is shown, and says so.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("status").first).to_have_text(OFFLINE_BANNER)
    expect(page.get_by_role("row").filter(has_text=receipt["subject"])).to_be_visible()
    page.get_by_role("link", name=file["number"], exact=True).click()
    expect(page.locator(".offline-banner")).to_have_text(OFFLINE_BANNER)
    note = f"निरीक्षण की तिथि निर्धारित करें। {uuid.uuid4().hex[:6]}\n\nआदेशार्थ प्रस्तुत।"
    page.get_by_label("Write a note").fill(note)
    page.get_by_role("button", name="Save draft note").click()
    expect(page.locator("p.flash")).to_contain_text("kept on this device")
    expect(waiting_badge(page)).to_have_text("Waiting to send (1)")

    page.goto(f"/receipts/{receipt['id']}")  # saved ahead, never opened online
    expect(page.locator(".offline-banner")).to_be_visible()
    fetched = page.evaluate(
        "url => fetch(url).then(r => [r.status, r.headers.get('Content-Type')])", pdf
    )
    assert fetched == [200, "application/pdf"]  # its letter too
    choose_post(page, "RDR-SP-HTR", READER)
    page.locator("form.send").get_by_label("Remark").fill("कृपया देखें")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(waiting_badge(page)).to_have_text("Waiting to send (2)")

    page.reload()  # still offline: the note's words are kept on the device
    expect(waiting_badge(page)).to_have_text("Waiting to send (2)")
    waiting = page.locator("#offline-actions li.offline-action.waiting")
    expect(waiting).to_have_count(2)
    expect(waiting.first.locator(".typed")).to_have_text(note)
    expect(waiting.nth(1)).to_contain_text(receipt["number"])
    shot(page, "offline-waiting-phone")
    assert notes_on(clerk, file) == []  # nothing has reached the office

    # The link returns: both go, once each, and the count clears.
    context.set_offline(False)
    expect(page.locator("p.flash").first).to_have_text("Sent what was waiting on this device: 2.")
    expect(page.locator("a.offline-badge")).to_have_count(0)
    expect(page.locator("#offline-actions")).to_have_count(0)
    assert notes_on(clerk, file) == [note.replace("\n", "\r\n")]  # as a form posts a textarea
    history = cru.get(f"/api/v1/receipts/{receipt['id']}/history").json()["items"]
    sent_by_clerk = [h for h in history if h["action"] == "sent" and h["post_id"] == clerk.post_id]
    assert len(sent_by_clerk) == 1, history

    # Logging out throws away the pages kept for this login.
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert page.evaluate("caches.has('eoffice-pages')") is False


def queue_offline_note(page: Page, file: dict, text: str) -> None:
    page.goto(f"/files/{file['id']}")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".offline-banner")).to_be_visible()
    page.get_by_label("Write a note").fill(text)
    page.get_by_role("button", name="Save draft note").click()
    expect(waiting_badge(page)).to_have_text("Waiting to send (1)")


def test_a_send_of_a_file_pulled_back_meanwhile_is_refused_and_shown_with_its_remark(
    page: Page, new_clerk
):
    sender, clerk = new_clerk("Sender"), new_clerk()
    file = a_file(sender, f"Arms licence renewal {uuid.uuid4().hex[:6]}")
    sent = sender.api.post(
        f"/api/v1/files/{file['id']}/send", json={"to_post_id": clerk.post_id, "remark": "Pl. see"}
    )
    assert sent.status_code == 200, sent.text

    log_in(page, clerk.username, clerk.password)
    under_the_service_worker(page)
    kept_on_the_device(page, f"/files/{file['id']}")  # saved ahead: not opened
    page.context.set_offline(True)
    page.get_by_role("link", name=file["number"], exact=True).click()
    expect(page.locator(".offline-banner")).to_be_visible()
    choose_post(page, "RDR-SP-HTR", READER)
    page.locator("form.send").get_by_label("Remark").fill("आदेश हेतु प्रस्तुत")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(waiting_badge(page)).to_have_text("Waiting to send (1)")

    # Meanwhile its sender takes it back: it was never opened.
    pulled = sender.api.post(f"/api/v1/files/{file['id']}/pull-back", json={})
    assert pulled.status_code == 200, pulled.text

    page.context.set_offline(False)
    attention = page.locator("#offline-actions li.offline-action.attention")
    expect(attention).to_have_count(1)
    expect(page.locator("a.offline-badge.attention")).to_have_text("Needs your attention (1)")
    expect(attention.locator(".flash.error")).to_have_text(
        re.compile("^Not done: (This file is not with you|Someone changed this)")
    )
    expect(attention.locator(".typed").last).to_have_text("आदेश हेतु प्रस्तुत")
    shot(page, "offline-refused")
    held = sender.api.get(f"/api/v1/files/{file['id']}").json()
    assert held["holder_post_id"] == sender.post_id
    history = sender.api.get(f"/api/v1/files/{file['id']}/history").json()["items"]
    assert [h["action"] for h in history if h["post_id"] == clerk.post_id] == []

    attention.get_by_role("button", name="Discard").click()  # the clerk has copied it
    expect(page.locator("#offline-actions")).to_have_count(0)
    expect(page.locator("a.offline-badge")).to_have_count(0)


def test_an_action_sent_twice_with_its_key_is_applied_once_even_with_a_stale_token(
    page: Page, new_clerk
):
    clerk = new_clerk()
    file = a_file(clerk, f"Duty roster {uuid.uuid4().hex[:6]}")
    log_in(page, clerk.username, clerk.password)
    under_the_service_worker(page)
    note = f"Roster approved. {uuid.uuid4().hex[:6]}"
    queue_offline_note(page, file, note)
    stored = page.evaluate(
        """() => new Promise(resolve => {
            indexedDB.open("eoffice-desk").onsuccess = e => {
              e.target.result.transaction("actions").objectStore("actions").getAll()
                .onsuccess = r => resolve(r.target.result);
            };
        })"""
    )
    assert len(stored) == 1 and stored[0]["key"]

    page.context.set_offline(False)
    expect(page.locator("a.offline-badge")).to_have_count(0)
    assert notes_on(clerk, file) == [note]

    # The same stored action again, as if the first answer had been lost on the way back; and
    # its form's CSRF token expired meanwhile (a fresh one is fetched, the key stays).
    again = {
        **stored[0],
        "fields": [[n, "expired" if n == "csrf_token" else v] for n, v in stored[0]["fields"]],
    }
    page.evaluate(
        """action => new Promise(resolve => {
            indexedDB.open("eoffice-desk").onsuccess = e => {
              const done = e.target.result.transaction("actions", "readwrite");
              done.objectStore("actions").put(action);
              done.oncomplete = resolve;
            };
        })""",
        again,
    )
    page.reload()
    expect(page.locator("p.flash").first).to_have_text("Sent what was waiting on this device: 1.")
    expect(page.locator("a.offline-badge")).to_have_count(0)
    assert notes_on(clerk, file) == [note]


def test_a_note_of_a_person_disabled_meanwhile_is_refused_and_kept(
    page: Page, office, login, new_clerk
):
    clerk = new_clerk()
    nodal = Desk(office.url, login("asp.hathras"))
    file = a_file(clerk, f"Leave of constables {uuid.uuid4().hex[:6]}")
    log_in(page, clerk.username, clerk.password)
    under_the_service_worker(page)
    note = f"Put up for orders. {uuid.uuid4().hex[:6]}"
    queue_offline_note(page, file, note)
    assert nodal.post(f"/api/v1/users/{clerk.user_id}/disable").status_code == 200
    # Every gateway worker and service hears of it within a second (common.trust); a note that
    # arrives before that is still the clerk's.
    time.sleep(Verifier.REVOCATIONS_SECONDS + 0.5)

    page.context.set_offline(False)
    attention = page.locator("#offline-actions li.offline-action.attention")
    expect(attention.locator(".flash.error")).to_have_text(
        "Not done: This account has been disabled."
    )
    expect(attention.locator(".typed")).to_have_text(note)
    expect(page.locator("a.offline-badge.attention")).to_have_text("Needs your attention (1)")

    assert nodal.post(f"/api/v1/users/{clerk.user_id}/enable").status_code == 200
    again = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": clerk.username, "password": clerk.password},
        timeout=TIMEOUT,
    )
    assert again.status_code == 200, again.text
    clerk.api = Desk(office.url, again.json())
    believed = f"/api/v1/files/{file['id']}"  # once the gateway has heard of the enabling (~1 s)
    wait_for("the clerk enabled again", lambda: clerk.api.get(believed).status_code == 200)
    assert notes_on(clerk, file) == []  # nothing was applied
