"""The signer as the e-Office team hands it to officers: one wheel, built without the network
from what this machine already has (requirements.lock), needing only the packages the office
itself pins, and installing the ``eoffice-signer`` command."""

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIGNER = ROOT / "signer"


def test_the_signer_needs_only_packages_pinned_in_the_lock_at_the_same_versions():
    wanted = tomllib.loads((SIGNER / "pyproject.toml").read_text())["project"]["dependencies"]
    locked = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M)
    )

    assert wanted  # and every one of them pinned, to what the office runs
    for requirement in wanted:
        name, version = requirement.split("==")
        assert locked.get(name.lower()) == version, requirement


def test_one_wheel_is_built_offline_with_the_command_and_nothing_of_the_office(tmp_path):
    source = tmp_path / "signer"  # built in a copy: the build leaves files beside the source
    shutil.copytree(SIGNER, source, ignore=shutil.ignore_patterns("*.egg-info", "build"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["-q", str(source), "-w", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )

    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").iterdir()
    assert wheel.name == "eoffice_signer-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = archive.read("eoffice_signer-0.1.0.dist-info/METADATA").decode()
        entry_points = archive.read("eoffice_signer-0.1.0.dist-info/entry_points.txt").decode()
    code = {name for name in names if not name.startswith("eoffice_signer-0.1.0.dist-info/")}
    assert code == {f"eoffice_signer/{p.name}" for p in (SIGNER / "eoffice_signer").glob("*.py")}
    assert "eoffice-signer = eoffice_signer.cli:main" in entry_points
    assert set(re.findall(r"^Requires-Dist: (.+)$", meta, re.M)) == {
        "python-pkcs11==0.10.1",
        "asn1crypto==1.5.1",
    }
    assert "हस्ताक्षर" in meta  # the README, in Hindi too, is the package's description
