"""The reports' XLSX exports and the monthly district report PDF, over HTTP, as the demo
district's SP fetches them from the whole office started as `make run` starts it."""

import io
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from gateway.api.reports import _flat
from tests.e2e.test_api import EVENT_WAIT_SECONDS, TIMEOUT, Desk, assert_error, diarised


@pytest.fixture()
def sp(office, login) -> Desk:
    return Desk(office.url, login("sp.hathras"))


def _waiting(sp: Desk) -> dict:
    """The SP's pendency by desk once the receipt just diarised is counted."""
    deadline = time.monotonic() + EVENT_WAIT_SECONDS
    while True:
        r = sp.get("/api/v1/reports/pendency/ages", params={"level": "post"})
        assert r.status_code == 200, r.text
        if r.json()["rows"][0]["total"] > 0 or time.monotonic() > deadline:
            return r.json()
        time.sleep(0.2)


def test_the_sp_gets_each_report_as_xlsx_with_the_json_rows(sp: Desk, office, login) -> None:
    diarised(Desk(office.url, login("cru.hathras")))
    report = _waiting(sp)
    assert report["rows"][0]["total"] > 0

    # The office is shared: other tests' events may move the counts between two requests. The
    # sheet is compared with the rows asked for just before it, when the same rows are answered
    # just after it too (nothing moved in between).
    for _ in range(20):
        r = sp.get("/api/v1/reports/pendency/ages.xlsx", params={"level": "post"})
        after = _waiting(sp)
        if after["rows"] == report["rows"]:
            break
        report = after
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="pendency.xlsx"' in r.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in lines[0]]
    got = [{h: v for h, v in zip(header, line, strict=True) if v is not None} for line in lines[1:]]
    want = [{k: v for k, v in _flat(row).items() if v is not None} for row in report["rows"]]
    assert got == want
    assert sheet.freeze_panes == "A2"

    for route in ("adoption", "monthly", "registers/diary"):
        r = sp.get(f"/api/v1/reports/{route}.xlsx")
        assert r.status_code == 200, (route, r.text)
        assert load_workbook(io.BytesIO(r.content)).active is not None
    assert_error(sp.get("/api/v1/reports/monthly.ods"), 404, "UNKNOWN_FORMAT")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_the_sp_gets_the_monthly_district_report_in_hindi(sp: Desk, tmp_path: Path) -> None:
    month = time.strftime("%Y-%m")
    r = sp.get("/api/v1/reports/monthly-report.pdf", params={"month": month, "lang": "hi"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pdf"
    (tmp_path / "report.pdf").write_bytes(r.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "मासिक ज़िला प्रतिवेदन" in lines
    assert "ई-ऑफ़िस अंगीकरण" in lines
    assert f"माह: {month}" in lines

    english = sp.get("/api/v1/reports/monthly-report.pdf", params={"lang": "en"})
    assert english.status_code == 200 and english.content.startswith(b"%PDF")
    assert_error(
        sp.get("/api/v1/reports/monthly-report.pdf", params={"month": "2026-13"}),
        400,
        "MONTH_INVALID",
        lang=sp.user.get("lang", "en"),
    )
    other = requests.get(
        f"{sp.url}/api/v1/reports/monthly-report.pdf",
        params={"office": "no-such-office"},
        headers=sp.headers(),
        timeout=TIMEOUT,
    )
    assert_error(other, 404, "OFFICE_NOT_FOUND", lang=sp.user.get("lang", "en"))
