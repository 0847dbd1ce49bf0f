"""What every identity collection's records share: ids, what a sealed secret is bound to, and
storing a new record together with the event that announces it (common.outbox)."""

import uuid
from typing import Any

from common.outbox import with_first_events


def new_id() -> str:
    return uuid.uuid4().hex


def sealed_for(kind: str, owner_id: str) -> str:
    """What a sealed secret is bound to (common.secrets_at_rest): its kind ("signing_key",
    "totp", "vpn") and the record it belongs to, so it opens nowhere else."""
    return f"identity.{kind}:{owner_id}"


def insert_with_event(collection: Any, record: dict[str, Any], event: dict[str, Any]) -> None:
    """Insert ``record`` with ``event`` in its outbox, in one write (the relay publishes it)."""
    collection.insert_one(with_first_events(record, event))
