"""The desk's forms as offline.js sends them (``Accept: application/json``: at once, or later
from the device when the link returns), without the services: the answer as data, a refusal in
the API's envelope in the reader's language with its status and nothing flashed for a later
page; the browser's own form post still goes on with a flash. And what the installable app
is served with: its manifest, its service worker at the root, a fresh CSRF token."""

import json
import re
from typing import Any

import pytest
from flask import g

import gateway.auth
from common.actor import Actor
from common.errors import Conflict, NotFound, Unauthenticated
from gateway.app import create_app

JSON = {"Accept": "application/json"}


class Files:
    def __init__(self) -> None:
        self.refusal: Exception | None = None
        self.notes: list[tuple[str, dict[str, Any]]] = []

    def add_note(self, actor: dict, file_id: str, request: dict[str, Any]) -> dict[str, Any]:
        if self.refusal:
            raise self.refusal
        self.notes.append((file_id, request))
        return {"id": file_id, "number": "A-11011/1/2026-ESTT"}

    def send_receipt(self, actor: dict, receipt_id: str, request: dict[str, Any]) -> dict:
        if self.refusal:
            raise self.refusal
        post = {"en": "Reader to SP, Hathras", "hi": "वाचक पुलिस अधीक्षक, हाथरस"}
        return {"id": receipt_id, "number": "12/2026/SP-HTR", "holder_post_name": post}


class Services:
    def __init__(self) -> None:
        self.files = Files()

    def reset(self) -> None:
        pass


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def services(app: Any, monkeypatch: pytest.MonkeyPatch) -> Services:
    stand_in = Services()
    monkeypatch.setitem(app.extensions, "rpc", stand_in)
    return stand_in


@pytest.fixture
def client(app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A browser logged in as a clerk (the token's check stood in for)."""

    def verified(token: str, audience: str = "") -> dict:
        g.actor = Actor(user_id="u1", name="Suresh", grants=(), post_ids=("p1",))
        return {"token": token}

    monkeypatch.setattr(gateway.auth, "_actor", verified)
    browser = app.test_client()
    with browser.session_transaction() as session:
        session.update(access_token="token", user_id="u1", user_name="Suresh")
        session["user_name_hi"] = "सुरेश"
    return browser


def flashed(client: Any) -> list:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def test_a_note_sent_by_script_is_answered_with_what_happened_and_where_to_go(client, services):
    answer = client.post("/files/f1/note", data={"text": "आदेशार्थ प्रस्तुत।"}, headers=JSON)
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.get_json() == {
        "ok": True,
        "message": "Draft note saved. Confirm it to make it part of the file.",
        "location": "/files/f1",
    }
    assert services.files.notes == [("f1", {"text": "आदेशार्थ प्रस्तुत।"})]
    assert flashed(client) == []  # said in the answer, not again on the next page


def test_a_send_sent_by_script_is_answered_in_the_readers_language(client, services):
    answer = client.post(
        "/receipts/r1/send",
        data={"to_post_id": "p2", "version": "3"},
        headers={**JSON, "Accept-Language": "hi"},
    )
    assert answer.get_json() == {
        "ok": True,
        "message": "12/2026/SP-HTR को वाचक पुलिस अधीक्षक, हाथरस के पास भेजा गया।",
        "location": "/inbox",
    }


@pytest.mark.parametrize(
    ("refusal", "status", "code"),
    [
        (Conflict("VERSION_CONFLICT"), 409, "VERSION_CONFLICT"),
        (NotFound("FILE_NOT_FOUND"), 404, "FILE_NOT_FOUND"),
    ],
)
def test_a_refusal_comes_back_in_the_apis_envelope_with_its_status(
    client, services, refusal, status, code
):
    services.files.refusal = refusal
    answer = client.post("/files/f1/note", data={"text": "x"}, headers=JSON)
    assert answer.status_code == status and answer.mimetype == "application/json"
    error = answer.get_json()["error"]
    assert error["code"] == code and error["details"] == {}
    assert error["message"] and flashed(client) == []


def test_a_person_disabled_meanwhile_is_refused_with_401_not_sent_to_the_login_page(
    app, services, monkeypatch
):
    def disabled(token: str, audience: str = "") -> dict:
        raise Unauthenticated("ACCOUNT_DISABLED")

    monkeypatch.setattr(gateway.auth, "_actor", disabled)
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["access_token"] = "token"
    answer = browser.post(
        "/files/f1/note", data={"text": "x"}, headers={**JSON, "Accept-Language": "hi"}
    )
    assert answer.status_code == 401
    assert answer.get_json()["error"] == {
        "code": "ACCOUNT_DISABLED",
        "message": "यह खाता निष्क्रिय कर दिया गया है।",
        "details": {},
    }


def test_the_browsers_own_form_post_still_flashes_and_goes_on(client, services):
    answer = client.post("/files/f1/note", data={"text": "x"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/files/f1"
    assert flashed(client) == [
        ("message", "Draft note saved. Confirm it to make it part of the file.")
    ]
    services.files.refusal = Conflict("VERSION_CONFLICT")
    answer = client.post("/files/f1/note", data={"text": "x"})
    assert answer.status_code == 302 and flashed(client)[-1][0] == "error"


def test_the_app_is_installable_and_its_service_worker_may_serve_every_page(app):
    browser = app.test_client()
    manifest = browser.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    described = json.loads(manifest.get_data())
    assert described["name"] == "e-Office · ई-ऑफ़िस" and described["start_url"] == "inbox"
    assert {i["sizes"] for i in described["icons"]} == {"192x192", "512x512"}
    for icon in described["icons"]:
        assert browser.get("/" + icon["src"]).mimetype == "image/png"

    worker = browser.get("/sw.js")
    assert worker.mimetype == "application/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    # The worker fetches pages: a document's sandbox (default-src 'none') would forbid it.
    assert worker.headers["Content-Security-Policy"].startswith("default-src 'self'")

    token = browser.get("/csrf-token")
    assert token.headers["Cache-Control"] == "no-store" and token.get_json()["csrf_token"]


def test_every_page_names_whose_actions_may_wait_on_the_device_and_its_words(client, app):
    def settings(page: str) -> dict:
        found = re.search(r"data-settings='([^']*)'", page)
        assert found, "offline.js is not on the page"
        return json.loads(found.group(1))

    logged_out = settings(app.test_client().get("/login").get_data(as_text=True))
    assert logged_out["person"] == "" and logged_out["worker"] == "/sw.js"
    with client.session_transaction() as session:
        session["lang"] = "hi"
    login = settings(client.get("/login").get_data(as_text=True))
    assert login["person"] == "u1" and login["token"] == "/csrf-token"
    assert login["texts"]["waiting"] == "भेजे जाने की प्रतीक्षा में (%(n)s)"
    assert login["texts"]["kinds"]["note"] == "टिप्पणी लिखें"
