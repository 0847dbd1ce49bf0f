"""What every desk action shares: acting from a post (checked fresh with identity), and
recording a change with its history entry and event in one write."""

from collections.abc import Callable

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict
from common.events import Payload, new_event
from services.files import store
from services.files.domain import history


class Desk:
    """Mixed into FilesService, which provides ``storage`` and ``identity``."""

    def _require_acting(self, actor: Actor, post_id: str | None, code: str) -> None:
        """The actor holds the post now: by their token, and by identity at this moment (a
        transfer or an ended delegation takes effect at once)."""
        if not (actor.holds(post_id) and self.identity.may_act(actor.model_dump(), post_id)):
            raise Conflict(code)

    def _record(
        self,
        kind: str,
        doc: dict,
        action: str,
        actor: Actor,
        post_id: str | None,
        details: dict,
        ops: dict,
        payload: Callable[[int], Payload] | None = None,
    ) -> dict:
        """Apply ``ops`` to ``doc`` with a history entry (and the event ``payload(seq)`` makes)."""
        db = self.storage.db
        entry = history.entry(
            store.last_history_entry(db, kind, doc["_id"]),
            action,
            iso(utcnow()),
            actor,
            post_id,
            details,
        )
        event = new_event(payload(entry["seq"]), actor, doc["office_path"]) if payload else None
        return store.update(db, kind, doc, ops, entry, event)

    def _post(self, actor: Actor, post_id: str) -> dict:
        return self.identity.post(actor.model_dump(), post_id)
