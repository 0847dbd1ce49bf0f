"""Settings every process reads, from the environment (see the README's configuration table).

Nameko services also get them through ``config.yaml``, which substitutes the same variables, so
a test can point one container at its own data directory without touching the environment.
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, overload

# Nameko's config (config.yaml with the environment substituted): free-form YAML values.
Settings = Mapping[str, Any]


@overload
def setting(config: Settings | None, key: str, default: str) -> str: ...
@overload
def setting(config: Settings | None, key: str, default: None = None) -> str | None: ...
def setting(config: Settings | None, key: str, default: str | None = None) -> str | None:
    """A setting from Nameko's config if present there, else from the environment."""
    value: str | None = (config or {}).get(key)
    if value in (None, ""):
        value = os.environ.get(key, default)
    return value


def data_dir(config: Settings | None = None) -> Path:
    """Where the embedded store, the documents and the keys of one machine are kept."""
    return Path(setting(config, "EOFFICE_DATA_DIR", "./var")).resolve()


def mongodb_uri(config: Settings | None = None) -> str | None:
    """The shared MongoDB to use, or None for the embedded store."""
    return setting(config, "MONGODB_URI") or None


def private_directory(path: Path) -> Path:
    """A directory only this user may enter (0700), made if missing: the embedded store's
    data and the keys kept beside it are nobody else's business on a shared machine."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # also when it was made earlier, or by someone with a looser umask
    return path


def kept_once(path: Path, make: Callable[[], bytes], mode: int = 0o600) -> bytes:
    """The contents of ``path``, made by ``make()`` if there is no such file yet: written beside
    it and linked into place, so whichever process starts first wins and everyone (a second
    worker starting at the same moment too) reads one whole file, never half of one."""
    if not path.exists():
        spare = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(make())
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(spare, path)
        except FileExistsError:
            pass  # another process made it first: theirs it is
        finally:
            spare.unlink()
    path.chmod(mode)
    return path.read_bytes()
