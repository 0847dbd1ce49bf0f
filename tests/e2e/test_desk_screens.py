"""The desk's screens in a real browser: a paper letter diarised and marked to the Reader with a
copy to the head clerk, both found with the send dialog's post search; the Reader receives it,
drafts a reply, is refused closing it (in Hindi) until the draft is discarded; the head clerk
writes a note on a file, confirms it and sends the file up; the file's history page says the
chain is intact. Screenshots land in /tmp/shots/."""

import re
import uuid

import requests
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, shot

TIMEOUT = 60


def log_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Log out|लॉग आउट")).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def choose_post(page: Page, search: str, option: re.Pattern) -> None:
    """Type in the post search and pick the one post it leaves."""
    page.get_by_label("Find a post").fill(search)
    choices = page.locator("#to_post_id option:not([hidden])")
    expect(choices).to_have_count(2)  # "Choose a post" and the match
    page.locator("#to_post_id").select_option(label=choices.nth(1).inner_text())
    expect(page.locator("#to_post_id option:checked")).to_have_text(option)


def test_a_paper_letter_is_marked_with_a_copy_received_replied_and_closed(page: Page):
    subject = f"पुलिस लाइन में आवास आवंटन {uuid.uuid4().hex[:6]}"
    log_in(page, "cru.hathras")
    page.get_by_role("link", name="Diarise a receipt").click()
    page.get_by_label("Subject").fill(subject)
    page.get_by_label("Sender").fill("प्रतिसार निरीक्षक, पुलिस लाइन")
    page.get_by_label("Delivery mode").select_option("hand")
    page.get_by_label(re.compile("A physical letter")).check()
    page.get_by_label("Pages of the paper letter").fill("3")
    page.get_by_role("button", name="Diarise", exact=True).click()
    expect(page.get_by_text("A physical letter without a scan")).to_be_visible()

    choose_post(page, "वाचक", re.compile(r"^Reader to SP, Hathras \(RDR-SP-HTR\)"))
    page.get_by_label("Copies to").select_option(label="HC-ESTT-SP-HTR · Mohd. Iqbal Khan")
    shot(page, "desk-send-dialog")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Sent")
    log_out(page)

    # The head clerk has a copy of his own; the Reader has the original, waiting for the paper.
    log_in(page, "hc.estt.hathras")
    row = page.get_by_role("row").filter(has_text=subject)
    expect(row.get_by_text("Copy", exact=True)).to_be_visible()
    expect(row.get_by_text("To receive")).to_be_visible()
    log_out(page)

    log_in(page, "reader.hathras")
    page.get_by_role("row").filter(has_text=subject).get_by_role("link").click()
    expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text("Received at your desk.")

    page.get_by_text("Reply", exact=True).click()
    page.get_by_label(re.compile("^Reply to")).fill("आवास आवंटन की सूची संलग्न है। <b>तत्काल</b>")
    page.get_by_role("button", name="Save the draft reply").click()
    expect(page.locator(".draft-reply .text")).to_have_text(
        "आवास आवंटन की सूची संलग्न है। <b>तत्काल</b>"
    )  # shown as text, never as markup

    page.goto(page.url.split("?")[0].replace("/receipts/", "/lang/hi?next=/receipts/"))
    page.get_by_text("बंद करें", exact=True).click()
    page.get_by_role("button", name="आवती बंद करें").click()
    expect(page.locator(".flash.error")).to_have_text(
        "इस आवती का एक उत्तर अभी प्रेषित नहीं हुआ है: पहले उसे प्रेषित करें या निरस्त करें।"
    )
    shot(page, "desk-close-refused-hi")
    page.get_by_role("button", name="मसौदा निरस्त करें").click()
    page.get_by_text("बंद करें", exact=True).click()
    page.get_by_role("button", name="आवती बंद करें").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("बंद")
    expect(page.locator("details.action")).to_have_count(0)


def test_a_note_is_written_confirmed_and_the_file_sent_up_with_its_history(
    page: Page, office, login
):
    clerk = login("hc.estt.hathras")
    subject = f"वार्षिक निरीक्षण {uuid.uuid4().hex[:6]}"
    r = requests.post(
        f"{office.url}/api/v1/files",
        headers={"Authorization": f"Bearer {clerk['access_token']}"},
        json={"subject": subject},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    file = r.json()

    log_in(page, "hc.estt.hathras")
    page.goto(f"/files/{file['id']}")
    page.get_by_label("Write a note").fill("निरीक्षण की तिथि निर्धारित करें।\n\nआदेशार्थ प्रस्तुत।")
    page.get_by_role("button", name="Save draft note").click()
    expect(page.locator(".note.yellow")).to_have_count(1)
    page.get_by_role("button", name="Confirm note").click()
    expect(page.locator(".note.green .paras")).to_have_text("1–2")

    # Straight up to the SP: the ASP in between is named as a skipped level.
    choose_post(page, "rajesh", re.compile(r"^Superintendent of Police, Hathras"))
    page.get_by_label("Priority").select_option("immediate")
    page.get_by_role("button", name="Send", exact=True).click()
    sent = page.get_by_role("status").first
    expect(sent).to_contain_text(file["number"])
    expect(sent).to_contain_text(
        "It went past Additional Superintendent of Police, Hathras on the way up"
    )

    page.goto(f"/files/{file['id']}")  # the sender may still pull it back, while unopened
    expect(page.get_by_role("button", name="Pull back")).to_be_visible()
    page.get_by_role("link", name="Full history").click()
    expect(page.locator(".chain")).to_have_text(re.compile("The chain of 4 entries is intact."))
    whats = page.locator("table.history-table tbody tr td:nth-child(3)")
    expect(whats).to_have_text(
        [
            "File opened",
            "Note written",
            "Note confirmed",
            re.compile("^Sent → Superintendent of Police, Hathras"),
        ]
    )
    shot(page, "desk-history")
    csv = page.request.get(page.url + ".csv")
    assert csv.status == 200 and "note_confirmed" in csv.text()
