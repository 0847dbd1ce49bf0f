"""Back up and restore one machine's office: everything under EOFFICE_DATA_DIR.

    python -m tools.backup create DIR     # make backup
    python -m tools.backup restore DIR    # make restore FROM=DIR

That is each service's embedded store (litemongo: one SQLite file per collection, in WAL mode,
beside its write-ahead log) and its documents, the principals' keys, the secrets key, the
gateway's session key and the demo PKI. A copy taken while a service writes could hold one
collection after a change and another before it (a file but not its outbox event), or a
database file without the log that completes it; so ``create`` refuses while any service runs
on the directory, and holds every service's lock on it while it copies, so none starts halfway
(stop the office first: Ctrl-C on ``make run``). The gateway may run: it only reads its key.

Every file is listed in ``manifest.json`` with its SHA-256, written last: a backup without a
manifest is unfinished. ``restore`` checks every file against it before touching anything,
restores into an empty (or missing) data directory only, and checks each file again as written.
With MONGODB_URI set the data is in MongoDB: back it up with mongodump (deploy/RUNBOOK.md).

Exit 0: done; 1: refused (a service running, a file that does not match, a data directory not
empty), with the reason.
"""

import argparse
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TypedDict

from common.clock import iso, utcnow
from common.config import data_dir
from common.storage import DataDirLocked, DirectoryLock

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024
# Left out: a running process's lock, SQLite's shared-memory index (rebuilt on open), and
# files half-written by a process that died (documents and keys are written beside and renamed).
SKIPPED_NAMES = ("LOCK",)
SKIPPED_SUFFIXES = ("-shm", ".tmp")


class Entry(TypedDict):
    """One file of a backup, as its manifest lists it."""

    sha256: str
    bytes: int
    mode: int


class Refused(Exception):
    """The backup or restore cannot go on; the message says why."""


def _copy(source: Path, target: Path) -> tuple[str, int]:
    """Copy one file (private to this user), returning its SHA-256 and size as read."""
    digest, size = hashlib.sha256(), 0
    missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)  # every folder of it private, as the services keep theirs
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest(), size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path, leave_out: Path) -> Iterator[Path]:
    """Every file under ``root`` worth keeping, in a stable order."""
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(leave_out) or not path.is_file() or path.is_symlink():
            continue
        if path.name in SKIPPED_NAMES or path.name.endswith(SKIPPED_SUFFIXES):
            continue
        if path.name.startswith(".") and path.name.rsplit(".", 1)[-1].isdigit():
            continue  # a key another process was making (common.config.kept_once)
        yield path


def _hold_service_locks(data: Path, stack: ExitStack) -> list[str]:
    """Take the lock of every service that keeps an embedded store here (refusing if one is
    running), held until ``stack`` closes. Returns the services' names."""
    services = sorted(p.parent.name for p in data.glob("*/LOCK"))
    for name in services:
        lock = DirectoryLock(data / name)
        try:
            lock.acquire()
        except DataDirLocked:
            raise Refused(
                f"the {name} service is running on {data}: stop the office first (Ctrl-C on "
                "`make run`), so that no collection is copied halfway through a change"
            ) from None
        stack.callback(lock.release)
    return services


def create(data: Path, target: Path) -> int:
    """Copy ``data`` into ``target`` (new or empty) with its manifest; returns the number of
    files copied."""
    if not data.is_dir():
        raise Refused(f"there is no data directory at {data}")
    if target.exists() and any(target.iterdir()):
        raise Refused(f"{target} is not empty: give a new directory for the backup")
    with ExitStack() as stack:
        services = _hold_service_locks(data, stack)
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        files: dict[str, Entry] = {}
        for path in _files(data, leave_out=target.resolve()):
            relative = path.relative_to(data).as_posix()
            sha256, size = _copy(path, target / "data" / relative)
            files[relative] = Entry(sha256=sha256, bytes=size, mode=path.stat().st_mode & 0o777)
    manifest: dict[str, object] = {
        "format": FORMAT,
        "created_at": iso(utcnow()),
        "data_dir": str(data),
        "services": services,
        "files": files,
    }
    spare = target / f".{MANIFEST}.tmp"
    spare.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    spare.replace(target / MANIFEST)  # the manifest last: its presence means a whole backup
    return len(files)


def _manifest(source: Path) -> dict[str, Entry]:
    """The backup's files as its manifest lists them, each checked against its SHA-256."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise Refused(f"{source} has no {MANIFEST}: not a backup, or an unfinished one") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{source}: unknown backup format {manifest.get('format')!r}")
    files: dict[str, Entry] = manifest["files"]
    wrong = [
        relative
        for relative, entry in files.items()
        if not (source / "data" / relative).is_file()
        or _sha256(source / "data" / relative) != entry["sha256"]
    ]
    if wrong:
        raise Refused(
            f"{len(wrong)} file(s) missing or not matching the manifest: " + ", ".join(wrong)
        )
    return files


def restore(source: Path, data: Path) -> int:
    """Restore the backup at ``source`` into ``data`` (missing or empty); returns the number
    of files restored. Built beside ``data`` and renamed into place: a restore that fails
    halfway leaves no half-restored office to start."""
    files = _manifest(source)
    if data.exists() and any(data.iterdir()):
        raise Refused(f"the data directory {data} is not empty: move it aside first")
    staging = data.with_name(f".{data.name}.restoring-{os.getpid()}")
    staging.mkdir(mode=0o700)  # nobody else's to enter, as the data directory itself
    try:
        for relative, entry in files.items():
            sha256, _ = _copy(source / "data" / relative, staging / relative)
            if sha256 != entry["sha256"] or _sha256(staging / relative) != sha256:
                raise Refused(f"{relative} changed while it was restored")
            (staging / relative).chmod(entry["mode"])
        if data.exists():
            data.rmdir()
        staging.rename(data)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.backup", description=__doc__.split("\n")[0]
    )
    parser.add_argument("action", choices=("create", "restore"))
    parser.add_argument("directory", type=Path, help="the backup's directory")
    args = parser.parse_args(argv)
    data = data_dir()
    try:
        if args.action == "create":
            count = create(data, args.directory.resolve())
            print(f"backed up {count} files from {data} to {args.directory}")
        else:
            count = restore(args.directory.resolve(), data)
            print(f"restored {count} files from {args.directory} to {data}, every one checked")
    except Refused as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
