"""Finding the token's driver without the officer knowing its path: the usual places of the DSC
tokens sold in India, on Linux and on Windows, looked at in a folder standing in for the disk;
``--module`` and ``EOFFICE_PKCS11_MODULE`` name one elsewhere."""

from pathlib import Path

import pytest
from eoffice_signer.errors import TOKEN_PROBLEM, UNUSABLE, SignerError
from eoffice_signer.modules import DRIVERS, ENVIRONMENT, Module, candidates, find_modules


def installed(root: Path, *paths: str) -> None:
    """Driver files as their installers leave them, under ``root``."""
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"\x7fELF")


def linux(root: Path, given: str | None = None, environ: dict | None = None) -> list[Module]:
    return find_modules(given, platform="linux", environ=environ or {}, root=root)


def windows(root: Path, given: str | None = None, **environ: str) -> list[Module]:
    folders = {
        "SystemRoot": str(root / "Windows"),
        "ProgramFiles": str(root / "Program Files"),
        "SystemDrive": str(root),
    }
    return find_modules(given, platform="win32", environ={**folders, **environ})


def test_the_usual_places_are_those_of_the_tokens_sold_in_india():
    names = " ".join(driver.name for driver in DRIVERS)
    files = {Path(m.path).name for m in candidates("linux") + candidates("win32", environ={})}

    for token in ("ePass2003", "SafeNet eToken", "Watchdata", "IDPrime", "SoftHSM2"):
        assert token in names
    assert {"libcastle.so.1.0.0", "libeTPkcs11.so", "libwdpkcs.so", "libIDPrimePKCS11.so"} < files
    assert {"eps2003csp11.dll", "eTPKCS11.dll", "wdpkcs.dll", "IDPrimePKCS11.dll"} < files
    assert {"libsofthsm2.so", "softhsm2-x64.dll"} < files


def test_on_linux_an_epass2003_driver_is_found_where_its_installer_puts_it(tmp_path):
    installed(tmp_path, "usr/lib/libcastle.so.1.0.0")

    assert linux(tmp_path) == [
        Module(
            "ePass2003 (Longmai / Feitian, eMudhra)", str(tmp_path / "usr/lib/libcastle.so.1.0.0")
        )
    ]


def test_every_driver_installed_is_found_in_the_order_of_the_table(tmp_path):
    installed(
        tmp_path,
        "usr/lib/softhsm/libsofthsm2.so",
        "usr/lib/libwdpkcs.so",
        "usr/lib64/libeTPkcs11.so",
        "usr/lib/libIDPrimePKCS11.so",
    )

    assert [Path(m.path).name for m in linux(tmp_path)] == [
        "libeTPkcs11.so",
        "libwdpkcs.so",
        "libIDPrimePKCS11.so",
        "libsofthsm2.so",
    ]


def test_one_library_under_two_names_is_loaded_once(tmp_path):
    installed(tmp_path, "usr/lib/libeTPkcs11.so")
    (tmp_path / "usr/lib/libeToken.so").symlink_to(tmp_path / "usr/lib/libeTPkcs11.so")

    assert linux(tmp_path) == [Module("SafeNet eToken", str(tmp_path / "usr/lib/libeTPkcs11.so"))]


def test_on_windows_the_drivers_are_found_under_the_system_folders(tmp_path):
    installed(
        tmp_path,
        "Windows/System32/eps2003csp11.dll",
        "Windows/System32/eTPKCS11.dll",
        "Program Files/Gemalto/Classic Client/BIN/gclib.dll",
    )

    assert [(m.driver.split()[0], Path(m.path).name) for m in windows(tmp_path)] == [
        ("ePass2003", "eps2003csp11.dll"),
        ("SafeNet", "eTPKCS11.dll"),
        ("Gemalto", "gclib.dll"),
    ]


def test_windows_folders_not_in_the_environment_are_where_windows_keeps_them():
    paths = [m.path for m in candidates("win32", environ={})]

    assert r"C:\Windows/System32/eps2003csp11.dll" in paths
    assert r"C:\Program Files/Gemalto/Classic Client/BIN/gclib.dll" in paths
    assert "C:/SoftHSM2/lib/softhsm2-x64.dll" in paths


def test_a_library_named_on_the_command_line_or_in_the_environment_comes_first(tmp_path):
    installed(tmp_path, "usr/lib/libcastle.so.1.0.0", "opt/vendor/libp11.so", "opt/env/libp11.so")
    named, environment = str(tmp_path / "opt/vendor/libp11.so"), str(tmp_path / "opt/env/libp11.so")

    assert linux(tmp_path, named, {ENVIRONMENT: environment}) == [Module("as named", named)]
    assert linux(tmp_path, None, {ENVIRONMENT: environment}) == [Module("as named", environment)]
    assert windows(tmp_path, None, **{ENVIRONMENT: environment}) == [
        Module("as named", environment)
    ]


@pytest.mark.parametrize("how", ["--module", ENVIRONMENT])
def test_a_named_library_that_is_not_there_is_told_and_not_looked_past(tmp_path, how):
    installed(tmp_path, "usr/lib/libcastle.so.1.0.0")
    missing = str(tmp_path / "opt/none/libp11.so")
    given, environ = (missing, {}) if how == "--module" else (None, {ENVIRONMENT: missing})

    with pytest.raises(SignerError) as error:
        linux(tmp_path, given, environ)

    assert str(error.value) == f"there is no PKCS#11 library at {missing} ({how})"
    assert error.value.exit_code == UNUSABLE


def test_with_no_driver_installed_it_says_what_it_looked_for_and_how_to_name_one(tmp_path):
    installed(tmp_path, "usr/lib/libsomethingelse.so")
    (tmp_path / "usr/lib/libcastle.so.1.0.0").mkdir()  # a folder of that name is no library

    for found in (lambda: linux(tmp_path), lambda: windows(tmp_path)):
        with pytest.raises(SignerError) as error:
            found()
        said = str(error.value)
        assert said.startswith("found no token driver at the usual places (ePass2003")
        assert said.endswith("name its PKCS#11 library with --module or EOFFICE_PKCS11_MODULE")
        assert error.value.exit_code == TOKEN_PROBLEM


def test_on_other_systems_the_library_must_be_named(tmp_path):
    assert candidates("darwin") == []
    with pytest.raises(SignerError):
        find_modules(None, platform="darwin", environ={})
