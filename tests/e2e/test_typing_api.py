"""A person's way of typing Hindi through the API: off until chosen, then theirs wherever they
log in; a mode that does not exist is refused by name, in the caller's language. Each story
has a person of its own (the office is shared: a demo person typing in Hindi would surprise
every other test)."""

import pytest
import requests

from tests.e2e.test_api import TIMEOUT, assert_error
from tests.e2e.test_offline_desk import Clerk, new_clerk  # noqa: F401 (the fixture typist uses)


@pytest.fixture
def typist(request) -> Clerk:
    """A clerk at a post of their own, made by the nodal officer."""
    return request.getfixturevalue("new_clerk")("Typing clerk")


def put_mode(clerk: Clerk, mode: object, lang: str = "en") -> requests.Response:
    return requests.put(
        f"{clerk.api.url}/api/v1/me/typing",
        json={"mode": mode},
        headers=clerk.api.headers({"Accept-Language": lang}),
        timeout=TIMEOUT,
    )


def test_a_person_chooses_inscript_and_logging_in_again_brings_it_back(office, typist):
    assert typist.api.get("/api/v1/me/typing").json() == {"mode": "off"}
    assert typist.api.user["typing"] == "off"
    chosen = put_mode(typist, "inscript")
    assert chosen.status_code == 200, chosen.text
    assert chosen.json() == {"mode": "inscript"}
    assert typist.api.get("/api/v1/me/typing").json() == {"mode": "inscript"}
    assert typist.api.get("/api/v1/me").json()["typing"] == "inscript"
    again = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": typist.username, "password": typist.password},
        timeout=TIMEOUT,
    )
    assert again.json()["user"]["typing"] == "inscript"


def test_a_mode_that_does_not_exist_is_refused_in_english_and_hindi(typist):
    for lang in ("en", "hi"):
        error = assert_error(
            put_mode(typist, "devanagari", lang), 422, "TYPING_MODE_UNKNOWN", lang=lang
        )
        assert error["details"] == {"modes": ["off", "phonetic", "inscript"]}
    assert_error(put_mode(typist, 7), 400, "INVALID_FIELDS")
    assert typist.api.get("/api/v1/me/typing").json() == {"mode": "off"}


def test_without_a_login_the_mode_is_neither_read_nor_written(office):
    assert requests.get(f"{office.url}/api/v1/me/typing", timeout=TIMEOUT).status_code == 401
    r = requests.put(f"{office.url}/api/v1/me/typing", json={"mode": "off"}, timeout=TIMEOUT)
    assert_error(r, 401, "NO_TOKEN")
