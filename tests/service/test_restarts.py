"""The office keeps what it was given across restarts, and one data directory has one owner."""

import base64
import os
import subprocess
import sys
from pathlib import Path

from tests.support.pdfs import pdf

ROOT = Path(__file__).resolve().parents[2]
LETTER = {"subject": "Leave application", "sender": "Constable 1234"}


def test_receipts_and_the_diary_count_survive_a_restart_of_everything(office):
    cru = office.actor("cru.hathras")
    first = office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())
    for name in list(office.containers):
        office.kill(name)
    office.start()
    cru = office.actor("cru.hathras")  # logins, keys and people survived too
    assert office.rpc.files.get_receipt(cru, first["id"])["subject"] == LETTER["subject"]
    second = office.rpc.files.diarise(cru, LETTER, base64.b64encode(pdf()).decode())
    assert int(second["number"].split("/")[0]) == int(first["number"].split("/")[0]) + 1


def test_a_second_process_on_the_same_data_directory_refuses_to_start(office, config):
    env = {
        **os.environ,
        "EOFFICE_DATA_DIR": config["EOFFICE_DATA_DIR"],
        "AMQP_URI": config["AMQP_URI"],
    }
    result = subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        [
            str(Path(sys.executable).parent / "nameko"),
            "run",
            "--config",
            "config.yaml",
            "services.files.service",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "is already in use by another process" in result.stderr
