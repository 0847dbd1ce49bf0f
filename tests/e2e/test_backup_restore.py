"""The embedded store's backup drill (deploy/RUNBOOK.md): an office with receipts and a noted
file is stopped, backed up with tools/backup.py, its data directory wiped and restored, and
started again: every receipt and file is back with its history chain intact, and people log in.

The office here is one of the test's own, on a data directory of its own: the drill wipes it.
"""

import hashlib
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.support.office import DEMO_PASSWORD, ROOT, Office
from tests.support.pdfs import pdf

TIMEOUT = 60


def logged_in(office: Office, username: str) -> dict[str, str]:
    r = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def diarise(office: Office, cru: dict[str, str], letter: bytes | None) -> dict:
    form = {"subject": f"Complaint about a road {uuid.uuid4().hex[:6]}", "sender": "Ram Lal"}
    if letter is None:
        form |= {"physical": "true", "pages": "2"}
    parts = [(k, (None, v)) for k, v in form.items()]
    if letter is not None:
        parts.append(("pdf", ("letter.pdf", letter, "application/pdf")))
    r = requests.post(
        f"{office.url}/api/v1/receipts",
        files=parts,
        headers={**cru, "Idempotency-Key": uuid.uuid4().hex},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    return r.json()


def noted_file(office: Office) -> dict:
    url = f"{office.url}/api/v1"
    r = requests.post(
        f"{url}/heads",
        headers=logged_in(office, "admin.up"),
        json={
            "basic": "A",
            "primary": 11,
            "secondary": 22,
            "section": "ESTT",
            "description": "Transfers and postings",
            "office_code": "SP-HTR",
        },
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    clerk = logged_in(office, "hc.estt.hathras")
    r = requests.post(
        f"{url}/files",
        headers=clerk,
        json={"subject": "स्थानांतरण नीति", "head": "A-11022"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    file = r.json()
    r = requests.post(
        f"{url}/files/{file['id']}/notes",
        headers=clerk,
        json={"text": "कृपया अवलोकन करें।"},
        timeout=TIMEOUT,
    )
    assert r.status_code in (200, 201), r.text
    note = r.json()["notes"][0]
    r = requests.post(
        f"{url}/files/{file['id']}/notes/{note['id']}/confirm", headers=clerk, timeout=TIMEOUT
    )
    assert r.status_code == 200, r.text
    return r.json()


def backup_tool(action: str, directory: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """``python -m tools.backup`` as the operator runs it (``make backup`` / ``make restore``)."""
    return subprocess.run(
        [sys.executable, "-m", "tools.backup", action, str(directory)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "EOFFICE_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def state(office: Office, receipts: list[dict], file: dict) -> dict:
    """What people see of the receipts and the file, and their history chains' checks, once
    their letters' words are read (a reading still under way goes on after a restart)."""
    cru, clerk = logged_in(office, "cru.hathras"), logged_in(office, "hc.estt.hathras")
    url = f"{office.url}/api/v1"
    seen: dict = {}
    for receipt in receipts:
        deadline = time.monotonic() + 120
        while True:
            got = requests.get(f"{url}/receipts/{receipt['id']}", headers=cru, timeout=TIMEOUT)
            assert got.status_code == 200, got.text
            text = got.json()["text"]
            if text is None or text["state"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        chain = requests.get(
            f"{url}/receipts/{receipt['id']}/history/verify", headers=cru, timeout=TIMEOUT
        )
        assert chain.status_code == 200 and chain.json()["intact"] is True, chain.text
        seen[receipt["id"]] = (got.json(), chain.json())
        digest = (receipt["document"] or {}).get("sha256")  # a paper letter has no scan
        if digest:
            doc = requests.get(f"{url}/documents/{digest}", headers=cru, timeout=TIMEOUT)
            assert doc.status_code == 200 and hashlib.sha256(doc.content).hexdigest() == digest
    got = requests.get(f"{url}/files/{file['id']}", headers=clerk, timeout=TIMEOUT)
    assert got.status_code == 200, got.text
    chain = requests.get(f"{url}/files/{file['id']}/history/verify", headers=clerk, timeout=TIMEOUT)
    assert chain.status_code == 200 and chain.json()["intact"] is True, chain.text
    seen[file["id"]] = (got.json(), chain.json())
    return seen


@pytest.mark.timeout(900)
def test_back_up_wipe_restore_and_the_office_comes_back_with_every_receipt_and_file(tmp_path):
    data, backup = tmp_path / "office", tmp_path / "backup"
    office = Office(data).start()
    try:
        cru = logged_in(office, "cru.hathras")
        receipts = [diarise(office, cru, pdf(text=f"Letter {uuid.uuid4().hex}")) for _ in range(2)]
        receipts.append(diarise(office, cru, None))
        file = noted_file(office)
        before = state(office, receipts, file)

        refused = backup_tool("create", tmp_path / "too-soon", data)
        assert refused.returncode == 1 and "stop the office first" in refused.stderr
    finally:
        office.stop()

    made = backup_tool("create", backup, data)
    assert made.returncode == 0, made.stderr
    shutil.rmtree(data)
    restored = backup_tool("restore", backup, data)
    assert restored.returncode == 0, restored.stderr
    assert "every one checked" in restored.stdout

    office = Office(data).start()
    try:
        after = state(office, receipts, file)
        assert after == before
        assert before[file["id"]][0]["notes"][0]["status"] == "green"
        assert all(check["entries"] >= 1 for _, check in after.values())
    finally:
        office.stop()
