"""Secrets kept in a database, encrypted with a key that is not in it.

A copy of a database (a backup, a disk sent for repair, a dump handed over for a bug report)
must not yield the keys that sign access tokens, people's TOTP secrets or their VPN keys. Such
values are stored sealed with AES-256-GCM under a key held outside the database:

- ``EOFFICE_SECRETS_KEY``: the key itself, 32 random bytes in base64 (a Kubernetes secret);
- ``EOFFICE_SECRETS_KEY_FILE``: a file holding it (a mounted secret);
- neither, on one machine (the embedded store): ``EOFFICE_DATA_DIR/secrets.key`` is made on the
  first start, mode 0600. With ``MONGODB_URI`` set one of the two settings is required: every
  replica must share the key, and a key made on one pod's disk would die with the pod.

Each sealed value is bound to what it is (its ``context``, e.g. ``identity.totp:<user id>``),
so a sealed value copied into another record does not open there. Values stored before sealing
was introduced (plain text) are read as they are until they are sealed.
"""

import base64
import binascii
import os
from pathlib import Path
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nameko.extensions import DependencyProvider

from common.config import Settings, data_dir, kept_once, mongodb_uri, private_directory, setting

SEALED = "sealed:v1:"
KEY_FILE_NAME = "secrets.key"


class SecretsKeyError(RuntimeError):
    """The key is missing, malformed, or not the one the secrets were sealed with."""


class SecretBox:
    """Seals and opens text with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise SecretsKeyError("The secrets key must be 32 bytes (base64 of 32 random bytes).")
        self._aead = AESGCM(key)

    def seal(self, plain: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), context.encode())
        return SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str | None, context: str) -> str | None:
        """The plain text of a sealed value; a value from before sealing comes back as it is."""
        if not is_sealed(stored):
            return stored
        raw = base64.urlsafe_b64decode(stored[len(SEALED) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
        except InvalidTag:
            raise SecretsKeyError(
                f"A stored secret ({context}) does not open with this key: was "
                "EOFFICE_SECRETS_KEY changed, or the record copied from elsewhere?"
            ) from None


def is_sealed(value: object) -> TypeGuard[str]:
    """Whether a stored value is sealed (else it is plain text from before sealing)."""
    return isinstance(value, str) and value.startswith(SEALED)


def secrets_key(config: Settings | None = None) -> bytes:
    """The key from the settings, or on one machine the one kept under the data directory."""
    configured = setting(config, "EOFFICE_SECRETS_KEY")
    if configured:
        return _decoded(configured, "EOFFICE_SECRETS_KEY")
    key_file = setting(config, "EOFFICE_SECRETS_KEY_FILE")
    if key_file:
        return _decoded(Path(key_file).read_text(), key_file)
    if mongodb_uri(config):
        raise SecretsKeyError(
            "MONGODB_URI is set but neither EOFFICE_SECRETS_KEY nor EOFFICE_SECRETS_KEY_FILE: "
            "every replica must share one key (make one with "
            "`python -c 'import os,base64; print(base64.b64encode(os.urandom(32)).decode())'`)."
        )
    path = private_directory(data_dir(config)) / KEY_FILE_NAME
    kept = kept_once(path, lambda: base64.b64encode(os.urandom(32)) + b"\n")
    return _decoded(kept.decode(), str(path))


def _decoded(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip().replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise SecretsKeyError(f"{where}: the secrets key must be base64 of 32 random bytes.")
    return key


class SecretsAtRest(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """A service's SecretBox, with the key read once at start."""

    def setup(self) -> None:
        self.box = SecretBox(secrets_key(self.container.config))

    def get_dependency(self, worker_ctx: Any) -> SecretBox:
        return self.box
