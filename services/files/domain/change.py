"""What a desk action does to a receipt or file, as data: the fields it sets (and pushes, adds,
pulls), the history entry it appends and the events it causes. The domain decides a change;
``store.apply`` writes it in one atomic, version-checked update. Nothing here reads a database,
a bus or a clock: the moment of a change is given to it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from common.actor import Actor
from common.events import Payload

# A stored receipt or file (see schemas.Receipt and schemas.EFile for what it carries), and a
# post as identity answers it (``id``, ``name_en``, ``name_hi``, ``office_id``, ``office_path``,
# ``office_code``): plain documents, as the store and identity hand them over.
Item = dict[str, Any]
Post = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """The history entry a change appends (linked to the one before it when written)."""

    action: str
    at: str
    actor: Actor
    post_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class Event:
    """An event a change causes: its payload's type and fields, less ``seq`` (the position of
    the change's history entry, known once the entry is linked)."""

    payload: type[Payload]
    fields: Mapping[str, Any]

    def at(self, seq: int) -> Payload:
        # Every payload a change tells of carries ``seq`` (common.events); Payload itself not.
        return self.payload(**self.fields, seq=seq)  # type: ignore[call-arg]


@dataclass(frozen=True)
class Change:
    """One change of one document: applied in a single write, or not at all."""

    history: Entry
    set: dict[str, Any] = field(default_factory=dict)
    push: dict[str, Any] = field(default_factory=dict)
    add_to_set: dict[str, Any] = field(default_factory=dict)
    pull: dict[str, Any] = field(default_factory=dict)
    events: tuple[Event, ...] = ()

    def update(self) -> dict[str, dict[str, Any]]:
        """The change as update operators (without the history, version and outbox parts)."""
        operators = {
            "$set": self.set,
            "$push": self.push,
            "$addToSet": self.add_to_set,
            "$pull": self.pull,
        }
        return {op: dict(fields) for op, fields in operators.items() if fields}


def change(
    action: str,
    actor: Actor,
    post_id: str | None,
    now: str,
    details: dict[str, Any] | None = None,
    **update: Any,
) -> Change:
    """A change recorded as ``action`` done by ``actor`` from ``post_id`` at ``now``."""
    return Change(Entry(action, now, actor, post_id, details or {}), **update)


@dataclass(frozen=True)
class NewItem:
    """A new receipt or file, with its first history entry inside, and the event it causes."""

    doc: Item
    event: Payload
