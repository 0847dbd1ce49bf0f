"""Search through the gateway: ``GET /api/v1/search`` (its refusals in Hindi and English) and the
search screen in a real browser on a phone and a desktop: the CRU finds her letters a page at a
time, filtered by kind, the found words marked; a subject carrying ``<script>`` is shown as text;
the Reader, who was never marked them, finds nothing. Screenshots land in /tmp/shots/."""

import re
import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised
from tests.support.browser import fits_the_screen, header, log_in, on_phone_and_desktop, shot

CRU, READER = "cru.hathras", "reader.hathras"
PAGE = 20


def token() -> str:
    return "srch" + uuid.uuid4().hex[:10]


@pytest.fixture(scope="module")
def letters(office, login) -> dict:
    """Twenty-two letters diarised by the CRU with a word of their own in the subject, the first
    with markup in it."""
    cru, word = Desk(office.url, login(CRU)), token()
    made = [
        diarised(cru, subject=f"<script>window.pwned = 1</script> भूमि विवाद {word}"),
        *(diarised(cru, subject=f"भूमि विवाद संख्या {n} {word}") for n in range(PAGE + 1)),
    ]
    return {"word": word, "ids": [r["id"] for r in made], "script_id": made[0]["id"]}


def test_the_api_finds_with_snippets_and_refuses_bad_queries_in_both_languages(
    office, login, letters
):
    cru = Desk(office.url, login(CRU))
    r = cru.get("/api/v1/search", params={"q": f"विवाद {letters['word']}", "limit": 50})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert {i["id"] for i in items} == set(letters["ids"])
    first = next(i for i in items if i["id"] == letters["script_id"])
    assert first["matched_in"] == "fields" and first["what"] == "receipt"
    assert [s["text"] for s in first["snippet"] if s["hit"]] == ["विवाद", letters["word"]]
    assert cru.get("/api/v1/search", params={"q": letters["word"], "kind": "letter"}).json() == {
        "items": [],
        "next_cursor": None,
    }
    for query, code in (("a" * 1000, "SEARCH_QUERY_TOO_LONG"), ("?!… ।", "SEARCH_QUERY_EMPTY")):
        for lang, script in (("hi", "[\u0900-\u097f]"), ("en", "^[^\u0900-\u097f]*$")):
            r = cru.get("/api/v1/search", params={"q": query}, headers={"Accept-Language": lang})
            assert r.status_code == 422, r.text
            assert r.json()["error"]["code"] == code
            assert re.search(script, r.json()["error"]["message"]), r.text
    r = cru.get("/api/v1/search", params={"q": "भूमि", "year": "last year"})
    assert r.status_code == 400, r.text
    # Ten thousand characters never reach the office: gunicorn refuses so long a request line
    # (its limit, 4,094 bytes, is ~450 Hindi letters percent-encoded) as 414 URI Too Long.
    r = cru.get("/api/v1/search", params={"q": "चौकीदार" * 1500})
    assert r.status_code == 414, r.text


@on_phone_and_desktop
def test_the_clerk_finds_her_letters_a_page_at_a_time_with_the_words_marked(page: Page, letters):
    screen = "phone" if page.viewport_size["width"] < 500 else "desktop"
    log_in(page, CRU)
    header(page).get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Words").fill(f"विवाद {letters['word']}")
    page.get_by_label("Kind").select_option("receipt")
    page.get_by_role("button", name="Search", exact=True).click()
    hits = page.locator("ol.hits li")
    expect(hits).to_have_count(PAGE)
    expect(page.locator("ol.hits mark").first).to_have_text("विवाद")
    fits_the_screen(page, f"search results on a {screen}")
    shot(page, f"search-{screen}")

    # The subject with markup: shown as the text it is, nothing of it run or drawn.
    page.get_by_role("link", name="Next page").click()
    expect(hits).to_have_count(len(letters["ids"]) - PAGE)
    everything = page.get_by_text("<script>window.pwned = 1</script>", exact=False)
    expect(everything.first).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("ol.hits script").count() == 0
    page.get_by_role("link", name="First page").click()
    expect(hits).to_have_count(PAGE)


def test_the_search_screen_speaks_hindi_and_shows_others_nothing(page: Page, letters):
    log_in(page, READER)
    page.goto(f"/lang/hi?next={quote('/search', safe='/')}")
    expect(page.get_by_role("heading", name="खोजें")).to_be_visible()
    page.get_by_label("शब्द").fill(letters["word"])
    page.get_by_role("button", name="खोजें", exact=True).click()
    expect(page.get_by_text("आप जो देख सकते हैं उसमें ये शब्द नहीं हैं।")).to_be_visible()
    page.get_by_label("शब्द").fill("?!…")
    page.get_by_role("button", name="खोजें", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("खोजने के लिए कोई शब्द या संख्या लिखें।")
