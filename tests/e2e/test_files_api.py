"""E-files through the gateway: open, note, send, print the note sheet, export the history."""

import contextlib
import http.client
import subprocess
import sys
import time

import requests
from playwright.sync_api import expect

from tests.support.browser import log_in
from tests.support.office import ROOT

TIMEOUT = 60
NOTE = "कृपया संलग्न पत्र का अवलोकन करें। निरीक्षक की रिपोर्ट प्रस्तुत है।"


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_a_file_is_opened_noted_sent_printed_and_its_history_exported(office, login, tmp_path):
    admin, clerk, asp = login("admin.up"), login("hc.estt.hathras"), login("asp.hathras")
    url = f"{office.url}/api/v1"
    r = requests.post(
        f"{url}/heads",
        headers=bearer(admin),
        timeout=TIMEOUT,
        json={
            "basic": "A",
            "primary": 11,
            "secondary": 22,
            "section": "ESTT",
            "description": "Transfers and postings",
            "office_code": "SP-HTR",
        },
    )
    assert r.status_code in (201, 409), r.text  # 409: another test of this office made it

    r = requests.post(
        f"{url}/files",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"subject": "ज़िला स्तरीय स्थानांतरण नीति", "head": "A-11022"},
    )
    assert r.status_code == 201, r.text
    file = r.json()
    assert file["number"].startswith("A-11022/") and file["number"].endswith("-ESTT")

    r = requests.post(
        f"{url}/files/{file['id']}/notes",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"text": NOTE},
    )
    note = r.json()["notes"][0]
    r = requests.post(
        f"{url}/files/{file['id']}/notes/{note['id']}/confirm",
        headers=bearer(clerk),
        timeout=TIMEOUT,
    )
    assert r.json()["notes"][0]["status"] == "green"
    r = requests.patch(
        f"{url}/files/{file['id']}/notes/{note['id']}",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"text": "changed"},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "NOTE_IS_GREEN"

    asp_post = asp["user"]["posts"][0]["id"]
    r = requests.post(
        f"{url}/files/{file['id']}/send",
        headers={**bearer(clerk), "If-Match": "1"},
        timeout=TIMEOUT,
        json={"to_post_id": asp_post},
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "VERSION_CONFLICT"
    r = requests.post(
        f"{url}/files/{file['id']}/send",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"to_post_id": asp_post, "priority": "immediate", "remark": "for orders"},
    )
    assert r.status_code == 200, r.text
    inbox = requests.get(f"{url}/inbox", headers=bearer(asp), timeout=TIMEOUT).json()["items"]
    assert [(i["kind"], i["priority"]) for i in inbox if i["id"] == file["id"]] == [
        ("file", "immediate")
    ]

    found = requests.get(
        f"{url}/search", params={"q": "जिला स्थानांतरण"}, headers=bearer(asp), timeout=TIMEOUT
    )
    assert file["id"] in [i["id"] for i in found.json()["items"]]
    nobody = requests.get(
        f"{url}/search",
        params={"q": "जिला स्थानांतरण"},
        headers=bearer(login("cru.hathras")),
        timeout=TIMEOUT,
    )
    assert file["id"] not in [i["id"] for i in nobody.json()["items"]]

    sheet = requests.get(
        f"{url}/files/{file['id']}/notesheet.pdf", headers=bearer(asp), timeout=TIMEOUT
    )
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    (tmp_path / "sheet.pdf").write_bytes(sheet.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(NOTE.split()) in " ".join(text.split())

    exported = requests.get(
        f"{url}/files/{file['id']}/history.csv", headers=bearer(asp), timeout=TIMEOUT
    )
    assert exported.status_code == 200
    (tmp_path / "history.csv").write_bytes(exported.content)
    check = subprocess.run(
        [sys.executable, "-m", "tools.verify_history", str(tmp_path / "history.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0 and "intact" in check.stdout, check.stdout + check.stderr

    sho = login("sho.kotwali.hathras")
    for path in (
        f"/files/{file['id']}",
        f"/files/{file['id']}/history.csv",
        f"/files/{file['id']}/notesheet.pdf",
    ):
        assert requests.get(url + path, headers=bearer(sho), timeout=TIMEOUT).status_code == 404

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        notices = requests.get(f"{url}/notices", headers=bearer(asp), timeout=TIMEOUT).json()[
            "items"
        ]
        if any(n["params"]["item_id"] == file["id"] for n in notices):
            break
        time.sleep(0.3)
    assert any(
        n["kind"] == "file_received" and n["params"]["item_id"] == file["id"] for n in notices
    )


def test_the_holder_reads_the_file_in_two_panes_in_the_browser(office, login, page):
    clerk, asp = login("hc.estt.hathras"), login("asp.hathras")
    url = f"{office.url}/api/v1"
    file = requests.post(
        f"{url}/files",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"subject": "पुलिस लाइन में आवास आवंटन"},
    ).json()
    note = requests.post(
        f"{url}/files/{file['id']}/notes",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"text": "<script>alert(1)</script> " + NOTE},
    ).json()["notes"][0]
    requests.post(
        f"{url}/files/{file['id']}/notes/{note['id']}/confirm",
        headers=bearer(clerk),
        timeout=TIMEOUT,
    )
    requests.post(
        f"{url}/files/{file['id']}/send",
        headers=bearer(clerk),
        timeout=TIMEOUT,
        json={"to_post_id": asp["user"]["posts"][0]["id"]},
    )

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, "asp.hathras")
    page.get_by_role("link", name=file["number"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"File {file['number']}")
    expect(page.locator("section.notes article.note.green .text")).to_have_text(
        "<script>alert(1)</script> " + NOTE
    )
    expect(page.locator("section.notes .paras")).to_have_text("1")
    expect(page.locator("ol.history li")).to_have_count(
        5
    )  # created, written, confirmed, sent, opened
    page.get_by_role("link", name="हिन्दी").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"नस्ती {file['number']}")
    assert dialogs == []  # the script in the note was shown, never run


def test_dak_over_http_physical_copies_fixed_fields_and_the_post_search(office, login):
    """The mobile app's view of the same rules: a paper letter without a scan, a correction of
    a fixed field refused (422, in Hindi), copies, and the send dialog's post search."""
    url = f"{office.url}/api/v1"
    cru, hc = bearer(login("cru.hathras")), bearer(login("hc.estt.hathras"))

    found = requests.get(f"{url}/posts", params={"q": "वाचक"}, headers=cru, timeout=TIMEOUT)
    assert [p["abbreviation"] for p in found.json()["items"]] == ["RDR-SP-HTR"]
    by_holder = requests.get(f"{url}/posts", params={"q": "iqbal"}, headers=cru, timeout=TIMEOUT)
    [hc_post] = by_holder.json()["items"]
    assert hc_post["abbreviation"] == "HC-ESTT-SP-HTR"
    everyone = requests.get(f"{url}/posts", headers=cru, timeout=TIMEOUT).json()["items"]
    reader_post = next(p for p in everyone if p["abbreviation"] == "RDR-SP-HTR")

    r = requests.post(
        f"{url}/receipts",
        headers=cru,
        data={"subject": "भूमि विवाद", "sender": "ग्राम प्रधान", "physical": "true", "pages": "2"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    letter = r.json()
    assert (letter["kind"], letter["document"]) == (
        "physical",
        {"sha256": None, "size": 0, "pages": 2},
    )

    r = requests.patch(
        f"{url}/receipts/{letter['id']}",
        headers={**cru, "Accept-Language": "hi"},
        json={"letter_date": "2026-01-01"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "RECEIPT_FIELD_FIXED"
    assert r.json()["error"]["message"].startswith("प्राप्ति तिथि")

    r = requests.post(
        f"{url}/receipts/{letter['id']}/send",
        headers={**cru, "If-Match": str(letter["version"])},
        json={"to_post_id": reader_post["id"], "copy_to": [hc_post["id"]]},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    [copy] = [
        i
        for i in requests.get(f"{url}/inbox", headers=hc, timeout=TIMEOUT).json()["items"]
        if i["number"] == letter["number"]
    ]
    assert (copy["is_copy"], copy["awaiting_receipt"]) == (True, True)
    r = requests.post(f"{url}/receipts/{copy['id']}/close", headers=hc, timeout=TIMEOUT)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "RECEIPT_NOT_RECEIVED")
    r = requests.post(f"{url}/receipts/{copy['id']}/receive", headers=hc, timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["awaiting_receipt"] is False
    r = requests.post(f"{url}/receipts/{copy['id']}/close", headers=hc, timeout=TIMEOUT)
    assert (r.status_code, r.json()["status"]) == (200, "closed")


def test_printouts_asked_for_at_once_all_come(office, login):
    """Four note sheets and history PDFs at the same moment: each is made in turn, none hangs
    (rendering threads once deadlocked on green locks under eventlet)."""
    from concurrent.futures import ThreadPoolExecutor

    clerk = bearer(login("hc.estt.hathras"))
    url = f"{office.url}/api/v1"
    file = requests.post(
        f"{url}/files", headers=clerk, json={"subject": "मुद्रण परीक्षण"}, timeout=TIMEOUT
    ).json()
    paths = [f"files/{file['id']}/notesheet.pdf", f"files/{file['id']}/history.pdf"] * 2
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda p: requests.get(f"{url}/{p}", headers=clerk, timeout=TIMEOUT), paths)
        )
    assert [(a.status_code, a.content[:5]) for a in answers] == [(200, b"%PDF-")] * 4, [
        a.text[:300] for a in answers
    ]


def test_a_200_mb_upload_is_refused_before_it_is_read(office):
    """Someone sends 200 MB to the public verification form: refused from its declared size
    (413) after the first megabyte, not read into memory."""
    size = 200 * 1024 * 1024
    conn = http.client.HTTPConnection("127.0.0.1", office.port, timeout=TIMEOUT)
    conn.putrequest("POST", "/api/v1/verify")
    conn.putheader("Content-Type", "application/pdf")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    # The office may stop listening before the first megabyte is through.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        conn.send(b"%PDF-1.7\n" + b"\0" * (1024 * 1024))
    answer = conn.getresponse()
    assert answer.status == 413
    assert b"REQUEST_TOO_LARGE" in answer.read()
    conn.close()
