"""What every desk action shares: acting from a post (checked fresh with identity), and
recording a change with its history entry and event in one write."""

from collections.abc import Callable

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, NotFound
from common.events import Payload, new_event
from services.files import store
from services.files.domain import history, visibility


class Desk:
    """Mixed into FilesService, which provides ``storage`` and ``identity``."""

    def _require_acting(self, actor: Actor, post_id: str | None, code: str) -> None:
        """The actor holds the post now: by their token, and by identity at this moment (a
        transfer or an ended delegation takes effect at once)."""
        if not (actor.holds(post_id) and self.identity.may_act(actor.credential, post_id)):
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

    def _visible_receipt(self, actor: Actor, receipt_id: str, with_history: bool = False) -> dict:
        doc = store.item(self.storage.db, "receipts", receipt_id, with_history)
        if doc is None or not self._may_see_receipt(actor, doc):
            raise NotFound("RECEIPT_NOT_FOUND")
        return doc

    def _may_see_receipt(self, actor: Actor, receipt: dict) -> bool:
        """A receipt that passed the actor's way, or one in a file they may see (a letter
        travels with its file)."""
        if visibility.may_see(actor, receipt):
            return True
        in_file = (
            store.item(self.storage.db, "files", receipt["file_id"])
            if receipt.get("file_id")
            else None
        )
        return bool(in_file) and visibility.may_see(actor, in_file)

    def _post(self, actor: Actor, post_id: str) -> dict:
        return self.identity.post(actor.credential, post_id)
