"""Who is acting. Services authorise every call from an Actor; they build it only from a
credential they verified themselves (``common.trust``), never from a dict that came over the
bus, and never from a user id in a request body."""

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class Grant(BaseModel):
    """A role held within a part of the office tree: a nodal officer of one district, an HQ
    viewer of a range. ``scope`` is the office id at the top of that part (None: everywhere)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str
    scope: str | None


class Behalf(BaseModel):
    """Whose post a delegate is working: recorded as "X on behalf of Y"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str
    name: str


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str
    name: str
    grants: tuple[Grant, ...] = ()
    post_ids: tuple[str, ...] = ()  # own posts, additional charges and live delegations
    office_id: str | None = None
    office_path: tuple[str, ...] = ()  # office ids from the root down to the actor's own office
    on_behalf_of: dict[str, Behalf] = {}  # delegated post id -> the holder it is worked for
    lang: str = "en"
    # The verified credential this actor was read from, to pass on when the service asks
    # another on the actor's behalf.
    _credential: dict[str, Any] | None = PrivateAttr(default=None)

    def with_credential(self, raw: dict[str, Any]) -> "Actor":
        actor = self.model_copy()
        actor._credential = raw
        return actor

    @property
    def credential(self) -> dict[str, Any]:
        if self._credential is None:
            raise RuntimeError("this actor was not read from a credential")
        return self._credential

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(g.role for g in self.grants)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def may(self, role: str, office_path: Collection[str]) -> bool:
        """Whether the actor holds ``role`` over the office whose path (root first) is given."""
        return any(
            g.role == role and (g.scope is None or g.scope in office_path) for g in self.grants
        )

    def holds(self, post_id: str | None) -> bool:
        return post_id is not None and post_id in self.post_ids

    def audit(self, post_id: str | None = None) -> dict[str, Any]:
        """The part of the actor that goes into history entries and events; acting from a
        delegated post names the person it is done for."""
        behalf = self.on_behalf_of.get(post_id) if post_id else None
        return {
            "user_id": self.user_id,
            "name": self.name,
            "on_behalf_of": behalf.model_dump() if behalf else None,
        }
