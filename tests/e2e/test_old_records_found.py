"""The issue's whole journey in Chromium: a clerk uploads a ZIP of scanned legacy files at the
record room (image-only Hindi scans, no text layer), the files service reads them by OCR off the
request path, and the clerk, typing in Hindi with the phonetic keyboard, finds a word from inside
a scan on the search screen, the word marked. A clerk of her own: typing Hindi is remembered per
person, and the shared demo people type English in other tests."""

import random
import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_offline_desk import Clerk, new_clerk  # noqa: F401 (the fixture)
from tests.e2e.test_records_api import records_csv
from tests.support.browser import log_in, shot, size_of
from tests.unit.test_legacy_records import zipped
from tools.demo_scans import hindi_scan_pdf

WORD = "चौकीदार"


@pytest.fixture
def record_keeper(new_clerk) -> Clerk:  # noqa: F811 (the fixture imported above)
    return new_clerk("Record keeper")


def test_a_hindi_word_inside_an_uploaded_scan_is_found_typed_in_hindi(
    page: Page, record_keeper: Clerk, tmp_path
) -> None:
    tag = uuid.uuid4().hex[:6]
    # A year of its own, so the search below finds this upload and not other tests' scans.
    year = random.randint(1901, 1949)
    archive = tmp_path / "records.zip"
    archive.write_bytes(
        zipped(
            {
                "records.csv": records_csv(
                    [[f"OLD/{tag}", f"Old file {tag}", year, "ESTT", "B", "scan.pdf"]]
                ),
                "scan.pdf": hindi_scan_pdf([f"विषय: ग्राम {WORD} की नियुक्ति", "भूमि विवाद"]),
            }
        )
    )
    log_in(page, record_keeper.username, record_keeper.password)
    page.goto("/records/")
    page.locator("form.zip-upload input[type=file]").set_input_files(str(archive))
    page.locator("form.zip-upload button").click()
    expect(page.locator("tr.recorded")).to_contain_text(f"OLD/{tag}")

    # Read off the request path: the upload answered before its words were read.
    api = record_keeper.api
    batch_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    row = api.get(f"/api/v1/records/batches/{batch_id}").json()["rows"][0]
    record = api.get(f"/api/v1/files/{row['record_id']}").json()
    sha256 = record["legacy"]["sha256"]

    # The shared office's reader may have other tests' scans queued before this one.
    deadline = time.monotonic() + 300
    text = api.get(f"/api/v1/documents/{sha256}/text").json()
    while text["state"] in ("queued", "reading") and time.monotonic() < deadline:
        time.sleep(0.5)
        text = api.get(f"/api/v1/documents/{sha256}/text").json()
    assert (text["state"], text["method"]) == ("done", "ocr"), text
    assert WORD in text["text"]

    page.goto("/search")
    words = page.get_by_label("Words")
    words.click()
    while page.locator("header button.typing-mode").inner_text() != "Hindi typing: phonetic":
        with page.expect_response(re.compile(r"/account/typing$")):
            page.locator("header button.typing-mode").click()
    page.keyboard.type("chaukiidaar")
    expect(words).to_have_value(WORD)
    page.get_by_label("Kind").select_option("legacy")
    expect(words).to_have_value(WORD)
    page.get_by_label("Year").fill(str(year))
    page.get_by_role("button", name="Search", exact=True).click()
    hit = page.locator("ol.hits li", has_text=f"OLD/{tag}")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("Found in the words of its document")
    expect(hit.locator("mark").first).to_have_text(WORD)
    shot(page, f"old-record-found-{size_of(page)}")
