"""Hindi typed in the office's own text boxes, in Chromium, with nothing installed: "namaste"
becomes नमस्ते in the diarise subject and a note; another spelling is picked from the
suggestions; InScript's keys give the standard's letters; the mode follows its person after a
reload, into another browser after login, and offline; a password is never touched. Each story
has a clerk of its own (a demo person typing in Hindi would surprise every other test)."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_offline_desk import (  # noqa: F401 (new_clerk: the fixture typist uses)
    Clerk,
    a_file,
    kept_on_the_device,
    new_clerk,
    under_the_service_worker,
)
from tests.support.browser import (
    DESKTOP,
    PHONE,
    header,
    log_in,
    on_phone_and_desktop,
    shot,
    size_of,
)

MODES = {
    "off": "Hindi typing: off",
    "phonetic": "Hindi typing: phonetic",
    "inscript": "Hindi typing: InScript",
}


@pytest.fixture
def typist(request) -> Clerk:
    """A clerk at a post of their own, made by the nodal officer."""
    return request.getfixturevalue("new_clerk")("Typing clerk")


def mode_shown(page: Page):
    return page.locator("header button.typing-mode")


def change_mode(page: Page, to: str, by_keyboard: bool = True) -> None:
    """Ctrl+Space (or a tap on the header's button) until the mode is ``to``; each change saved."""
    while mode_shown(page).inner_text() != MODES[to]:
        with page.expect_response(re.compile(r"/account/typing$")) as saved:
            if by_keyboard:
                page.keyboard.press("Control+Space")
            else:
                mode_shown(page).click()
        assert saved.value.ok
    expect(mode_shown(page)).to_have_text(MODES[to])


def suggestions(page: Page):
    return page.locator("ol.typing-suggestions li")


@on_phone_and_desktop
def test_namaste_becomes_devanagari_in_the_diarise_subject_and_in_a_note(page: Page, typist):
    file = a_file(typist, f"Typing note {uuid.uuid4().hex[:6]}")
    log_in(page, typist.username, typist.password)
    page.goto("/receipts/new")
    expect(mode_shown(page)).to_have_text(MODES["off"])
    subject = page.get_by_label("Subject")
    subject.click()
    on_phone = size_of(page) == "phone"
    change_mode(page, "phonetic", by_keyboard=not on_phone)  # a phone has no Ctrl: the button
    expect(page.locator(".typing-badge")).to_have_text(MODES["phonetic"])  # by the box
    page.keyboard.type("namaste")
    expect(subject).to_have_value("नमस्ते")  # as it is typed
    expect(suggestions(page).first).to_have_text("नमस्ते")
    page.keyboard.type(" thaanaa kotavaalii")
    expect(subject).to_have_value("नमस्ते थाना कोतवाली")
    shot(page, f"typing-diarise-{size_of(page)}")

    page.goto(f"/files/{file['id']}")
    note = page.get_by_label("Write a note")
    note.click()
    page.keyboard.type("namaste ")
    expect(note).to_have_value("नमस्ते ")
    page.keyboard.press("Backspace")
    page.keyboard.type("\nok")  # Enter outside a word is a new line, as ever
    expect(note).to_have_value("नमस्ते\nओक")


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_a_suggestion_is_picked_by_number_by_arrows_or_by_a_tap_and_esc_keeps_the_roman(
    page: Page, typist
):
    log_in(page, typist.username, typist.password)
    page.goto("/receipts/new")
    subject = page.get_by_label("Subject")
    subject.click()
    change_mode(page, "phonetic")
    page.keyboard.type("hindi")
    expect(suggestions(page)).to_have_text(
        ["हिन्दि", "हिन्दी", "हीन्दि", "हीन्दी", "हिंदि", "हिंदी", "hindi"]
    )
    page.keyboard.press("6")  # the number picks it, and is not typed
    expect(subject).to_have_value("हिंदी")
    expect(page.locator("ol.typing-suggestions")).to_be_hidden()

    page.keyboard.type(" bhumi")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the word is chosen; the form is not sent
    expect(subject).to_have_value("हिंदी भूमि")
    expect(page).to_have_url(re.compile(r"/receipts/new$"))

    page.keyboard.type(" vivad")
    suggestions(page).filter(has_text="विवाद").click()  # a tap
    expect(subject).to_have_value("हिंदी भूमि विवाद")
    expect(subject).to_be_focused()

    page.keyboard.type(" SP")
    page.keyboard.press("Escape")  # an English word stays English
    expect(subject).to_have_value("हिंदी भूमि विवाद SP")


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_inscript_keys_give_the_standard_letters(page: Page, typist):
    file = a_file(typist, f"InScript note {uuid.uuid4().hex[:6]}")
    log_in(page, typist.username, typist.password)
    page.goto(f"/files/{file['id']}")
    note = page.get_by_label("Write a note")
    note.click()
    change_mode(page, "inscript")
    page.keyboard.type("vcmdls ufxor")  # न म स ् त े, ह ि ं द ी
    expect(note).to_have_value("नमस्ते हिंदी")
    note.fill("")
    # Each row of the standard's table, unshifted and shifted.
    rows = {
        "qwertyuiop[]": "ौैाीूबहगदजड़",
        "QWERTYUIOP{}": "औऐआईऊभङघधझढञ",
        "asdfghjkl;'": "ोे्िुपरकतचट",
        'ASDFGHJKL:"': "ओएअइउफऱखथछठ",
        "zxcvbnm,./": "ॆंमनवलस,.य",
        "ZXCVBNM<>": "ऎँणऩऴळशष।",
        "%^&*": "ज्ञत्रक्षश्र",
    }
    for keys, letters in rows.items():
        note.fill("")
        page.keyboard.type(keys)
        expect(note).to_have_value(letters)


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_the_mode_is_remembered_after_a_reload_and_in_another_browser_after_login(
    page: Page, browser, office, typist
):
    log_in(page, typist.username, typist.password)
    page.goto("/receipts/new")
    change_mode(page, "inscript")
    page.reload()
    expect(mode_shown(page)).to_have_text(MODES["inscript"])
    page.get_by_label("Subject").click()
    page.keyboard.type("k")
    expect(page.get_by_label("Subject")).to_have_value("क")

    elsewhere = browser.new_context(base_url=office.url, locale="en-IN", viewport=PHONE)
    try:
        other = elsewhere.new_page()
        log_in(other, typist.username, typist.password)
        expect(mode_shown(other)).to_have_text(MODES["inscript"])
        other.goto("/receipts/new")
        other.get_by_label("Subject").click()
        other.keyboard.type("k")
        expect(other.get_by_label("Subject")).to_have_value("क")
    finally:
        elsewhere.close()


@pytest.mark.parametrize("page", [DESKTOP], indirect=True)
def test_a_password_and_the_login_are_never_transliterated(page: Page, typist):
    log_in(page, typist.username, typist.password)
    page.goto("/account/two-step")
    change_mode(page, "phonetic")
    password = page.locator("input[type=password]").first
    password.click()
    page.keyboard.type("namaste")
    expect(password).to_have_value("namaste")
    expect(page.locator(".typing-badge")).to_be_hidden()

    header(page).get_by_role("button", name="Log out").click()
    expect(mode_shown(page)).to_have_text(MODES["phonetic"])  # this device's, before login
    page.get_by_label("Username").click()
    page.keyboard.type(typist.username)
    page.get_by_label("Password").click()
    page.keyboard.type(typist.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_offline_the_saved_page_types_hindi_and_a_change_made_there_is_saved_later(
    page: Page, typist
):
    file = a_file(typist, f"Offline typing {uuid.uuid4().hex[:6]}")
    log_in(page, typist.username, typist.password)
    under_the_service_worker(page)
    page.goto(f"/files/{file['id']}")
    change_mode(page, "phonetic", by_keyboard=False)
    kept_on_the_device(page, f"/files/{file['id']}")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".offline-banner")).to_be_visible()
    expect(mode_shown(page)).to_have_text(MODES["phonetic"])
    note = page.get_by_label("Write a note")
    note.click()
    page.keyboard.type("namaste")
    expect(note).to_have_value("नमस्ते")
    mode_shown(page).click()  # to InScript, offline: kept on the device
    expect(mode_shown(page)).to_have_text(MODES["inscript"])

    with page.expect_response(re.compile(r"/account/typing$")) as saved:
        page.context.set_offline(False)  # the link returns: the change is saved
    assert saved.value.ok
    assert typist.api.get("/api/v1/me/typing").json() == {"mode": "inscript"}
    page.goto(f"/files/{file['id']}")
    expect(mode_shown(page)).to_have_text(MODES["inscript"])
