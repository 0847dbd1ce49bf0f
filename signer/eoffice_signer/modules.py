"""Where the token's driver is: the PKCS#11 library (``.so`` on Linux, ``.dll`` on Windows) the
token's maker installs. The officer should not have to know its path, so the usual places of the
DSC tokens sold in India are looked at; ``--module`` or ``EOFFICE_PKCS11_MODULE`` name it when
it is elsewhere."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eoffice_signer.errors import UNUSABLE, SignerError

ENVIRONMENT = "EOFFICE_PKCS11_MODULE"

# Windows folders as the environment names them, and where they are when it does not.
WINDOWS_FOLDERS = {
    "SystemRoot": r"C:\Windows",
    "ProgramFiles": r"C:\Program Files",
    "SystemDrive": "C:",
}


@dataclass(frozen=True)
class Driver:
    """A token's driver and where its installer puts the PKCS#11 library: absolute Linux
    paths, and Windows paths under one of ``WINDOWS_FOLDERS`` (folder, path inside it)."""

    name: str
    linux: tuple[str, ...]
    windows: tuple[tuple[str, str], ...]


DRIVERS = (
    Driver(
        "ePass2003 (Longmai / Feitian, eMudhra)",
        linux=(
            "/usr/lib/libcastle.so.1.0.0",
            "/usr/local/lib/libcastle.so.1.0.0",
            "/usr/lib64/libcastle.so.1.0.0",
            "/usr/lib/x86_64-linux-gnu/libcastle.so.1.0.0",
        ),
        windows=(("SystemRoot", "System32/eps2003csp11.dll"),),
    ),
    Driver(
        "SafeNet eToken",
        linux=("/usr/lib/libeTPkcs11.so", "/usr/lib64/libeTPkcs11.so", "/usr/lib/libeToken.so"),
        windows=(("SystemRoot", "System32/eTPKCS11.dll"),),
    ),
    Driver(
        "Watchdata ProxKey",
        linux=(
            "/usr/lib/WatchData/ProxKey/lib/libwdpkcs_SignatureP11.so",
            "/usr/lib/watchdata/lib/libwdpkcs.so",
            "/usr/lib/libwdpkcs.so",
            "/usr/local/lib/libwdpkcs.so",
        ),
        windows=(
            ("SystemRoot", "System32/SignatureP11.dll"),
            ("SystemRoot", "System32/wdpkcs.dll"),
        ),
    ),
    Driver(
        "Gemalto / Thales IDPrime",
        linux=(
            "/usr/lib/libIDPrimePKCS11.so",
            "/usr/lib64/libIDPrimePKCS11.so",
            "/usr/lib/pkcs11/libIDPrimePKCS11.so",
        ),
        windows=(
            ("SystemRoot", "System32/IDPrimePKCS11.dll"),
            ("ProgramFiles", "Gemalto/Classic Client/BIN/gclib.dll"),
        ),
    ),
    Driver(
        "SoftHSM2 (a software token, for trying things out)",
        linux=(
            "/usr/lib/softhsm/libsofthsm2.so",
            "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            "/usr/lib64/pkcs11/libsofthsm2.so",
            "/usr/local/lib/softhsm/libsofthsm2.so",
        ),
        windows=(("SystemDrive", "SoftHSM2/lib/softhsm2-x64.dll"),),
    ),
)


@dataclass(frozen=True)
class Module:
    """A PKCS#11 library to load, and whose it is."""

    driver: str
    path: str


def candidates(
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    root: Path = Path("/"),
) -> list[Module]:
    """Every usual place of every driver on this kind of system, in the order looked at.
    ``root`` stands for Linux's ``/`` (a test gives a folder of its own)."""
    if platform == "win32":
        return [
            Module(driver.name, f"{environ.get(folder, WINDOWS_FOLDERS[folder])}/{inside}")
            for driver in DRIVERS
            for folder, inside in driver.windows
        ]
    if platform.startswith("linux"):
        return [
            Module(driver.name, str(root / path.lstrip("/")))
            for driver in DRIVERS
            for path in driver.linux
        ]
    return []


def find_modules(
    given: str | None = None,
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    root: Path = Path("/"),
) -> list[Module]:
    """The library named by ``--module`` (``given``) or by ``EOFFICE_PKCS11_MODULE``, else
    every one found at the usual places (one file each, however many names lead to it)."""
    named = given or environ.get(ENVIRONMENT, "").strip()
    if named:
        if not Path(named).is_file():
            how = "--module" if given else ENVIRONMENT
            raise SignerError(f"there is no PKCS#11 library at {named} ({how})", UNUSABLE)
        return [Module("as named", named)]
    found: dict[str, Module] = {}
    for module in candidates(platform, environ, root):
        if Path(module.path).is_file():
            found.setdefault(os.path.realpath(module.path), module)
    if not found:
        raise SignerError(
            "found no token driver at the usual places "
            f"({', '.join(driver.name for driver in DRIVERS)}): install your token's driver, "
            f"or name its PKCS#11 library with --module or {ENVIRONMENT}"
        )
    return list(found.values())
