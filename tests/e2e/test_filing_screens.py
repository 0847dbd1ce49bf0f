"""A file's life beyond noting and moving, in a real browser, on a phone (360 px) and on a
desktop: the head clerk opens a physical file from his inbox under the Establishment head, is
refused closing it on his own paragraph and closes it on the Addl SP's, reopens it, closes it
again and sends it to the record room under category B; links two files and de-links them from
the other side; merges two physical files of his section, after being told in Hindi that a
Secret one cannot join a Normal one. What was typed survives every refusal, and no screen
scrolls sideways on the phone. Screenshots land in /tmp/shots/."""

import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk
from tests.support.browser import log_in, shot

HC, ASP = "hc.estt.hathras", "asp.hathras"
ESTABLISHMENT = "A-11011"  # the police department's standard head, section ESTT
VIEWPORTS = [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]
on_phone_and_desktop = pytest.mark.parametrize(
    "page", VIEWPORTS, indirect=True, ids=["phone", "desktop"]
)


def fits_the_screen(page: Page) -> None:
    """The page never scrolls sideways (on a phone, the width of the screen)."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def viewport_name(page: Page) -> str:
    return "phone" if page.viewport_size["width"] < 500 else "desktop"


def opened(desk: Desk, physical: bool = False, grading: str = "normal") -> dict:
    """A file opened at the desk over the API, under the Establishment head."""
    r = desk.post(
        "/api/v1/files",
        json={
            "subject": f"सेवा अभिलेख {uuid.uuid4().hex[:6]}",
            "head": ESTABLISHMENT,
            "physical": physical,
            "grading": grading,
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def flashed(page: Page) -> object:
    return expect(page.locator("p.flash").first)


def in_language(page: Page, code: str, path: str) -> None:
    page.goto(f"/lang/{code}?next={quote(path, safe='/')}")


def approved_by_the_addl_sp(office, login, file: dict) -> int:
    """The file goes up to the Addl SP, who approves closing it in a green note and sends it
    back; the paragraph of her approval."""
    hc, asp = Desk(office.url, login(HC)), Desk(office.url, login(ASP))
    path = f"/api/v1/files/{file['id']}"
    r = hc.post(f"{path}/send", json={"to_post_id": asp.post_ids[0], "remark": "अवलोकनार्थ"})
    assert r.status_code == 200, r.text
    assert asp.get(path).status_code == 200
    r = asp.post(f"{path}/notes", json={"text": "नस्ती बंद करने का अनुमोदन किया जाता है।"})
    assert r.status_code == 201, r.text
    note = next(n for n in r.json()["notes"] if n["status"] == "yellow")
    r = asp.post(f"{path}/notes/{note['id']}/confirm")
    assert r.status_code == 200, r.text
    paragraph = next(n for n in r.json()["notes"] if n["id"] == note["id"])["first_paragraph"]
    assert asp.post(f"{path}/send-back", json={}).status_code == 200
    return int(paragraph)


@on_phone_and_desktop
def test_a_file_opened_from_the_inbox_is_closed_reopened_and_recorded(page: Page, office, login):
    subject = f"आरक्षी का सेवा अभिलेख {uuid.uuid4().hex[:6]}"
    log_in(page, HC)
    page.get_by_role("link", name="Open a new file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a new file")
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Head of the filing scheme").select_option(ESTABLISHMENT)
    page.get_by_label("Security grading").select_option("normal")
    page.get_by_label(re.compile("A physical file")).check()
    fits_the_screen(page)
    shot(page, f"filing-new-file-{viewport_name(page)}")
    page.get_by_role("button", name="Open the file").click()
    flashed(page).to_have_text(re.compile(rf"^File {ESTABLISHMENT}/\d+/\d{{4}}-ESTT opened\."))
    number = page.get_by_role("heading", level=1).inner_text().split()[1]
    file = {"id": page.url.rstrip("/").split("/")[-1], "number": number}
    expect(page.locator(".subject")).to_contain_text(subject)

    # His own note cannot approve closing: told so, and the paragraph he typed stays.
    page.get_by_label("Write a note").fill("अभिलेख पूर्ण है। नस्ती बंद करने हेतु प्रस्तुत।")
    page.get_by_role("button", name="Save draft note").click()
    page.get_by_role("button", name="Confirm note").click()
    page.get_by_text("Close", exact=True).click()
    page.get_by_label("Approval in paragraph").fill("1")
    page.get_by_role("button", name="Close the file").click()
    expect(page.locator("p.flash.error")).to_have_text(
        "That paragraph is not by a Section Officer or above."
    )
    expect(page.get_by_label("Approval in paragraph")).to_have_value("1")
    fits_the_screen(page)

    paragraph = approved_by_the_addl_sp(office, login, file)
    page.goto(f"/files/{file['id']}")
    page.get_by_text("Close", exact=True).click()
    page.get_by_label("Approval in paragraph").fill(str(paragraph))
    page.get_by_role("button", name="Close the file").click()
    flashed(page).to_have_text(
        "File closed. Only your post may reopen it or send it to the record room."
    )
    expect(page.locator("h1 .status")).to_have_text("Closed")
    expect(page.get_by_role("button", name="Close the file")).to_have_count(0)
    expect(page.get_by_text("Link", exact=True)).to_have_count(0)

    page.get_by_text("Reopen", exact=True).click()
    page.get_by_label("Approval in paragraph").fill(str(paragraph))
    page.get_by_role("button", name="Reopen the file").click()
    flashed(page).to_have_text("File reopened.")
    expect(page.locator("h1 .status")).to_have_count(0)

    page.get_by_text("Close", exact=True).click()
    page.get_by_label("Approval in paragraph").fill(str(paragraph))
    page.get_by_role("button", name="Close the file").click()
    # The filing section's "Record room" (the header has a link of the same name).
    page.get_by_role("region", name="Filing").get_by_text("Record room", exact=True).click()
    page.get_by_label("B: kept, reviewed after 25 years").check()
    fits_the_screen(page)
    page.get_by_role("button", name="Send to the record room").click()
    today = datetime.now(UTC).date()  # the record room's day is the service's
    review = today.replace(year=today.year + 25).strftime("%d-%m-%Y")
    flashed(page).to_have_text(
        f"Sent to the record room under category B, to be reviewed on {review}."
    )
    expect(page.locator("h1 .status")).to_have_text("Recorded")
    expect(page.locator("p.record")).to_contain_text(f"category B since {today:%d-%m-%Y}")
    expect(page.locator("#filing form")).to_have_count(0)  # nothing more to do at the desk
    fits_the_screen(page)
    shot(page, f"filing-recorded-{viewport_name(page)}")


@on_phone_and_desktop
def test_two_files_are_linked_and_the_link_removed_from_the_other_side(page: Page, office, login):
    hc = Desk(office.url, login(HC))
    first, second = opened(hc), opened(hc)
    log_in(page, HC)
    page.goto(f"/files/{first['id']}")

    # A number nobody has: told so, and the number typed stays to be corrected.
    page.get_by_text("Link", exact=True).click()
    wrong = second["number"].replace("-ESTT", "-ACCTS")
    page.get_by_label("Number of the other file").fill(wrong)
    page.get_by_role("button", name="Link the files").click()
    expect(page.locator("p.flash.error")).to_have_text(
        "No file you may see has that number. Check the number typed."
    )
    expect(page.get_by_label("Number of the other file")).to_have_value(wrong)

    page.get_by_label("Number of the other file").fill(second["number"].lower())
    page.get_by_role("button", name="Link the files").click()
    flashed(page).to_have_text(f"Linked to file {second['number']}.")  # as numbered
    links = page.locator("ul.linked-files li a")
    expect(links).to_have_text([second["number"]])
    fits_the_screen(page)
    shot(page, f"filing-linked-{viewport_name(page)}")

    links.first.click()  # the other file shows the link too, and removes it
    expect(page.get_by_role("heading", level=1)).to_contain_text(second["number"])
    expect(page.locator("ul.linked-files li a")).to_have_text([first["number"]])
    page.get_by_role("button", name=f"Remove the link to {first['number']}").click()
    flashed(page).to_have_text(f"The link to file {first['number']} is removed.")
    expect(page.locator("ul.linked-files")).to_have_count(0)
    page.goto(f"/files/{first['id']}")
    expect(page.locator("ul.linked-files")).to_have_count(0)


@on_phone_and_desktop
def test_physical_files_of_one_section_and_grading_merge_and_a_secret_one_is_refused_in_hindi(
    page: Page, office, login
):
    hc = Desk(office.url, login(HC))
    kept, merged = opened(hc, physical=True), opened(hc, physical=True)
    secret = opened(hc, physical=True, grading="secret")
    log_in(page, HC)
    in_language(page, "hi", f"/files/{kept['id']}")
    page.get_by_text("विलय", exact=True).click()
    page.get_by_label("विलय की जाने वाली नस्ती की संख्या").fill(secret["number"])
    page.get_by_role("textbox", name="कारण", exact=True).fill("एक ही आरक्षी का सेवा अभिलेख")
    page.get_by_role("button", name="इस नस्ती में विलय करें").click()
    expect(page.locator("p.flash.error")).to_have_text(
        "भिन्न सुरक्षा श्रेणी की फ़ाइलों का विलय नहीं हो सकता।"
    )
    expect(page.get_by_label("विलय की जाने वाली नस्ती की संख्या")).to_have_value(secret["number"])
    expect(page.get_by_role("textbox", name="कारण", exact=True)).to_have_value(
        "एक ही आरक्षी का सेवा अभिलेख"
    )
    fits_the_screen(page)
    shot(page, f"filing-merge-refused-hi-{viewport_name(page)}")

    page.get_by_label("विलय की जाने वाली नस्ती की संख्या").fill(merged["number"])
    page.get_by_role("button", name="इस नस्ती में विलय करें").click()
    flashed(page).to_have_text(f"नस्ती {merged['number']} का इस नस्ती में विलय हुआ।")
    expect(page.locator("ul.linked-files li a")).to_have_text([merged["number"]])

    in_language(page, "en", f"/files/{merged['id']}")
    expect(page.locator("h1 .status")).to_have_text("Merged")
    expect(page.locator("p.merged-into a")).to_have_text(kept["number"])
    expect(page.locator("#filing form")).to_have_count(0)
    fits_the_screen(page)
