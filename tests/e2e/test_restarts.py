"""A service that dies is started again by `make run`'s supervisor, and the office serves on:
what was written before is still there, and the restarted service holds its data directory."""

import os
import signal
import time
import uuid

import requests

TIMEOUT = 30
PATIENCE_SECONDS = 60


def until(what: str, probe):
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not (found := probe()):
        assert time.monotonic() < deadline, f"{what} did not happen within {PATIENCE_SECONDS} s"
        time.sleep(0.3)
    return found


def test_the_files_service_killed_outright_comes_back_and_serves(office, login):
    cru = {"Authorization": f"Bearer {login('cru.hathras')['access_token']}"}

    def diarise(key: str) -> requests.Response:
        letter = {
            "subject": f"Complaint about a road {key}",
            "sender": "Ram Lal, Sasni",
            "physical": "true",
            "pages": "1",
        }
        return requests.post(
            f"{office.url}/api/v1/receipts",
            files=[(k, (None, v)) for k, v in letter.items()],
            headers={**cru, "Idempotency-Key": key},
            timeout=TIMEOUT,
        )

    before = diarise(uuid.uuid4().hex)
    assert before.status_code == 201, before.text
    (files_pid,) = office.pids("files")[-1:]

    os.kill(files_pid, signal.SIGKILL)

    until("a new files process", lambda: office.pids("files")[-1] != files_pid)
    assert "[office] files exited with -9; restarting in 0.5 s (restart 1)" in office.log()
    new_pid = office.pids("files")[-1]

    # What was diarised before is there; the clerk's next letter takes the next number.
    def opened():
        r = requests.get(
            f"{office.url}/api/v1/receipts/{before.json()['id']}", headers=cru, timeout=TIMEOUT
        )
        return r if r.status_code == 200 else None

    assert (
        until("the receipt from before the crash", opened).json()["number"]
        == (before.json()["number"])
    )
    after = diarise(uuid.uuid4().hex)
    assert after.status_code == 201, after.text
    running = int(before.json()["number"].split("/")[0])
    assert int(after.json()["number"].split("/")[0]) > running

    # The new process holds the embedded store's lock on the data directory (the kernel let
    # go of the dead one's).
    assert (office.data_dir / "files" / "LOCK").read_text().strip() == str(new_pid)
    assert "crash-looping" not in office.log()
