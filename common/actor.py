"""Who is acting: the gateway builds this from a verified token and passes it, explicitly, as
the first argument of every service call. Services authorise from it; they never trust a bare
user id from a request body."""

from pydantic import BaseModel, ConfigDict

from common.errors import Unauthenticated


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str
    name: str
    roles: tuple[str, ...] = ()
    post_ids: tuple[str, ...] = ()
    office_id: str | None = None
    office_path: tuple[str, ...] = ()  # office ids from the root down to the actor's own office
    on_behalf_of: str | None = None  # the user whose delegated post is being worked, if any
    lang: str = "en"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def holds(self, post_id: str | None) -> bool:
        return post_id is not None and post_id in self.post_ids

    @classmethod
    def parse(cls, raw) -> "Actor":
        """Accept the dict form that crosses the bus; refuse anything else."""
        if isinstance(raw, Actor):
            return raw
        if not isinstance(raw, dict):
            raise Unauthenticated("NO_ACTOR")
        try:
            return cls.model_validate(raw)
        except ValueError as exc:
            raise Unauthenticated("BAD_ACTOR", {"reason": str(exc)[:200]}) from None

    def audit(self) -> dict:
        """The part of the actor that goes into history entries and events."""
        return {"user_id": self.user_id, "name": self.name, "on_behalf_of": self.on_behalf_of}


# The office's own machinery (seeding, migrations) acts as this, never a person.
SYSTEM = Actor(user_id="system", name="System", roles=("admin", "system"))
