"""Each service's own database and document store, as Nameko dependencies.

With ``MONGODB_URI`` set: a real MongoDB (database ``eoffice_<service>``) and GridFS for
documents. Without it: the embedded engine (litemongo, with common/embedded.py's lean indexes)
under ``EOFFICE_DATA_DIR/<service>`` and a content-addressed directory for documents. The
embedded engine is only safe for one process per directory (its counters and indexes are not
shared across processes), so the service takes an exclusive lock on its directory and a second
process refuses to start.
"""

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import structlog
from gridfs import GridFS
from gridfs.errors import FileExists
from nameko.extensions import DependencyProvider
from pymongo import MongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

from common import embedded
from common.config import Settings, data_dir, mongodb_uri, private_directory

log = structlog.get_logger()

# A service's database: pymongo's, or the embedded engine's, which answers the same calls but
# has no types of its own; and one of its collections.
Db = Any
Collection = Any


class DataDirLocked(RuntimeError):
    """Another process already runs this service on the same data directory."""


class DirectoryLock:
    """An exclusive lock on a data directory, held by this process while it runs."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "LOCK"
        self._fd: int | None = None

    def acquire(self) -> None:
        private_directory(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise DataDirLocked(
                f"The data directory {self.path.parent} is already in use by another process "
                f"(pid {holder}). Only one process may run this service on the embedded store: "
                "stop the other one, or give this one its own EOFFICE_DATA_DIR, or set "
                "MONGODB_URI to share a real MongoDB."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class BlobStore:
    """Documents kept by the SHA-256 of their bytes, verified when read back."""

    def __init__(self, directory: Path | None = None, gridfs_db: Db | None = None) -> None:
        self._dir = directory
        self._gridfs: GridFS | None = None
        if gridfs_db is not None:
            self._gridfs = GridFS(gridfs_db, collection="documents")

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        if self._gridfs is not None:
            if not self._gridfs.exists(digest):
                # A concurrent writer may store it first: same bytes, same id. GridFS reports
                # the taken id as FileExists, never as the DuplicateKeyError beneath it.
                with contextlib.suppress(FileExists):
                    self._gridfs.put(content, _id=digest)
            return digest
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
                f.write(content)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # readers never see half a document
        return digest

    def get(self, digest: str) -> bytes | None:
        if not _is_sha256(digest):
            return None
        if self._gridfs is not None:
            if not self._gridfs.exists(digest):
                return None
            content = self._gridfs.get(digest).read()
        else:
            path = self._path(digest)
            if not path.exists():
                return None
            content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != digest:
            raise RuntimeError(f"stored document {digest} does not match its hash")
        return content

    def _path(self, digest: str) -> Path:
        assert self._dir is not None  # a store without GridFS was given its directory
        return self._dir / digest[:2] / digest


def _is_sha256(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


class Storage:
    """One service's database and blob store, opened once per process."""

    def __init__(self, service_name: str, config: Settings | None = None) -> None:
        uri = mongodb_uri(config)
        self._lock: DirectoryLock | None = None
        self._client: Any  # pymongo's MongoClient, or the embedded engine's
        self.db: Db
        if uri:
            self._client = MongoClient(uri)
            self.db = self._client[f"eoffice_{service_name}"]
            self.blobs = BlobStore(gridfs_db=self.db)
        else:
            # Only the office's own user may enter its data: 0700 from the top.
            directory = private_directory(data_dir(config)) / service_name
            self._lock = DirectoryLock(directory)
            self._lock.acquire()
            self._client = embedded.connect(str(directory / "db"))
            self.db = self._client[f"eoffice_{service_name}"]
            self.blobs = BlobStore(directory=directory / "blobs")
        log.info("storage.opened", service=service_name, engine="mongodb" if uri else "embedded")

    def load_indexes(self) -> None:
        """The embedded engine's in-memory indexes, built now rather than by the first query
        after a start (MongoDB keeps its own)."""
        if self._lock:
            embedded.build_indexes(self._client)

    def close(self) -> None:
        self._client.close()
        if self._lock:
            self._lock.release()


class Database(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """Gives the service its Storage; ``indexes(db)`` and then ``migrate(db, config)`` (bring
    records stored by an older version up to date) are run once at start."""

    def __init__(
        self,
        indexes: Callable[[Db], None] | None = None,
        migrate: Callable[[Db, dict[str, Any]], None] | None = None,
    ) -> None:
        self.indexes = indexes
        self.migrate = migrate
        self.storage: Storage | None = None

    def setup(self) -> None:
        self.storage = Storage(self.container.service_name, self.container.config)
        if self.indexes:
            self.indexes(self.storage.db)
        if self.migrate:
            self.migrate(self.storage.db, self.container.config)
        self.storage.load_indexes()

    def stop(self) -> None:
        if self.storage:
            self.storage.close()
            self.storage = None

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: Any) -> Storage | None:
        return self.storage


def ensure_index(coll: Collection, keys: str | list[tuple[str, int]], **options: Any) -> None:
    """``coll.create_index(keys, **options)`` unless it is there already: MongoDB answers a
    repeat at once, but the embedded engine checks a unique index against every document again
    (1.3 s a start with 50,000 files)."""
    spec = [(keys, 1)] if isinstance(keys, str) else keys
    unique = bool(options.get("unique"))
    for index in coll.index_information().values():
        if [tuple(k) for k in index["key"]] == spec and bool(index.get("unique")) == unique:
            return
    coll.create_index(keys, **options)


def next_counter(db: Any, key: str) -> int:
    """The next value of a counter (in the service's ``counters``): one atomic increment, so
    never repeated and never skipped."""
    counter = db.counters.find_one_and_update(
        {"_id": key}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    return int(counter["seq"])


def apply_once(
    coll: Collection,
    key: str,
    event_id: str,
    update: Mapping[str, Mapping[str, Any]],
    extra_filter: Mapping[str, Any] | None = None,
) -> bool:
    """Apply ``update`` to document ``key`` unless event ``event_id`` was already applied there.

    The check and the change are one atomic document update: the event id is recorded in the
    same write (the last 100 are kept), so a redelivered event changes nothing. Returns whether
    the update was applied.
    """
    changes = {op: dict(fields) for op, fields in update.items()}
    changes.setdefault("$push", {})["applied_events"] = {"$each": [event_id], "$slice": -100}
    query = {"_id": key, "applied_events": {"$ne": event_id}, **(extra_filter or {})}
    try:
        result = coll.update_one(query, changes, upsert=True)
    except DuplicateKeyError:
        # The document exists: it has seen this event (or a later one), or another consumer
        # made it between this query and this insert (MongoDB's documented upsert race).
        # Only as an update does the event apply then, and only if it is still wanted.
        result = coll.update_one(query, changes)
    return result.matched_count == 1 or result.upserted_id is not None
