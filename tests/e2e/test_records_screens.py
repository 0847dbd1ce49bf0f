"""The record room and the registers in a real browser, on a phone and on a desktop: the Head
Clerk uploads a ZIP of scans and reads its report row by row; chooses a sheet and its PDFs,
which go one by one with "n of 3" counted, and after a stop chooses them again without making
anything twice; finds the old files due for review and downloads them; reads the registers;
and the same pages in Hindi. Screenshots land in /tmp/shots/.

The office is the shared one of tests/e2e: old file numbers and sections are unique per run."""

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised
from tests.e2e.test_records_api import CLERK, records_csv, zipped
from tests.support.browser import fits_the_screen, log_in, on_phone_and_desktop, shot, size_of
from tests.support.pdfs import pdf


@on_phone_and_desktop
def test_a_clerk_records_old_files_and_finds_them_due_for_review(
    page: Page, office, login, tmp_path
):
    screen, tag = size_of(page), uuid.uuid4().hex[:6]
    section = f"R{tag}"
    log_in(page, CLERK)
    page.goto("/records/")
    expect(page.get_by_role("heading", name="Record room")).to_be_visible()

    # A ZIP: recorded row by row, a bad row refused with its reason, the rest kept.
    archive = tmp_path / "records.zip"
    archive.write_bytes(
        zipped(
            {
                "records.csv": records_csv(
                    [
                        [f"{tag}/1", f"Chowkidar {tag}", 1990, section, "C", "a.pdf"],
                        ["", "No number", 1990, section, "C", "b.pdf"],
                    ]
                ),
                "a.pdf": pdf(text=tag),
            }
        )
    )
    page.locator("form.zip-upload input[type=file]").set_input_files(str(archive))
    page.locator("form.zip-upload button").click()
    expect(page.get_by_role("heading", name="Batch report")).to_be_visible()
    expect(page.locator("tr.recorded")).to_contain_text(f"{tag}/1")
    expect(page.locator("tr.refused")).to_contain_text("The old file number is missing.")
    fits_the_screen(page, screen)
    shot(page, f"records-batch-{screen}")

    # A sheet and its PDFs, one by one; the first goes before a "stop", then all are chosen again.
    names = [f"{tag}-{n}.pdf" for n in range(3)]
    sheet = tmp_path / "records.csv"
    sheet.write_bytes(
        records_csv([[f"{tag}/s{n}", f"Old {n}", 1995, section, "A", names[n]] for n in range(3)])
    )
    paths = []
    for n, name in enumerate(names):
        (tmp_path / name).write_bytes(pdf(text=f"{tag} {n}"))
        paths.append(str(tmp_path / name))
    clerk = Desk(office.url, login(CLERK))
    batch = clerk.post(
        "/api/v1/records/batches", files={"file": ("records.csv", sheet.read_bytes())}
    ).json()
    clerk.post(
        "/api/v1/records/batches",
        files={"file": (names[0], (tmp_path / names[0]).read_bytes())},
        data={"batch_id": batch["id"]},
    )
    page.goto("/records/")
    many = page.locator("#one-by-one")
    many.locator("input[name=sheet]").set_input_files(str(sheet))
    many.locator("input[name=pdfs]").set_input_files(paths)
    many.locator("button").click()
    expect(many.locator(".count")).to_have_text("3 of 3")
    many.get_by_role("link", name="See the batch report").click()
    expect(page.locator("tr.recorded")).to_have_count(3)
    report = clerk.get(f"/api/v1/records/batches/{batch['id']}").json()
    assert len({r["record_id"] for r in report["rows"]}) == 3  # the first was not made twice

    # The register of what is due for review: the C file of 1990 (due 2000), not the A ones.
    page.goto(f"/registers/due-for-review?section={section}")
    rows = page.locator("table.due-for-review tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"Chowkidar {tag}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert f"{tag}/1" in open(download.value.path(), encoding="utf-8").read()
    fits_the_screen(page, screen)
    shot(page, f"records-due-{screen}")

    # The registers from reports; and the pages in Hindi.
    page.goto("/registers/files")  # an office's registers are its officers': the clerk is told
    expect(page.get_by_role("heading", name="File register")).to_be_visible()
    expect(page.locator(".own-desk")).to_be_visible()  # and shown the lines her posts wrote
    log_in(page, "sp.hathras")
    page.goto("/registers/diary")
    expect(page.get_by_role("heading", name="Diary register")).to_be_visible()
    expect(page.locator(".not-yours")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as XLSX").click()
    assert download.value.suggested_filename == "register-diary.xlsx"
    fits_the_screen(page, screen)
    page.goto("/lang/hi?next=/records/")
    expect(page.get_by_role("heading", name="अभिलेख कक्ष")).to_be_visible()
    page.goto(f"/registers/due-for-review?section={section}")
    expect(page.get_by_role("heading", name="समीक्षा हेतु देय अभिलेखित फ़ाइलें")).to_be_visible()
    fits_the_screen(page, screen)
    shot(page, f"records-due-hi-{screen}")


def test_a_clerk_sees_the_lines_her_desk_wrote_in_the_diary_register(page: Page, office, login):
    """The CRU keeps the diary at her desk: her office's diary register shows her the letters
    she diarised; the whole register, with every desk's letters, stays the officers'."""
    cru, tag = Desk(office.url, login("cru.hathras")), uuid.uuid4().hex[:8]
    receipt = diarised(cru, subject=f"Diary register line {tag}")
    log_in(page, "cru.hathras")
    page.goto("/registers/diary")
    expect(page.locator(".own-desk")).to_be_visible()
    line = page.locator("table.register tr", has_text=tag)
    for _ in range(40):  # reports takes the diarising from its event, a moment later
        if line.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(line).to_contain_text(receipt["number"])
    # Another desk's line is not hers to list: the Reader's register lacks it.
    reader = Desk(office.url, login("reader.hathras")).get("/api/v1/reports/registers/diary")
    assert reader.status_code == 200, reader.text
    assert reader.json()["whole"] is False
    assert tag not in reader.text
