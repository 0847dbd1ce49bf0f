"""Circulars: a notice from an office to every post of it and below (a state's circular
reaches every post of the state), written in batches, never one call per post."""

from typing import Any

from common.clock import utcnow
from common.events import Event
from common.rpc import rpc
from common.validation import parse
from services.notify.domain.notices import for_post
from services.notify.schemas import CircularSent, NewCircular
from services.notify.service.base import Desk

BATCH = 1000


class CircularDesk(Desk):
    @rpc
    def circulate(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """An admin's circular to every post under their office; how many posts it reached.
        Identity names the posts and checks the admin's scope with the admin's own credential."""
        who = self.trust.actor(actor)
        new = parse(NewCircular, request)
        under = self.identity.posts_under(who.credential, new.office_code)
        office = under["office"]
        # The circular itself, as an event would carry it: one id its notices derive theirs from.
        circular = Event(
            event_id=f"circular-{utcnow().strftime('%Y%m%d%H%M%S%f')}-{who.user_id}",
            type="circular",
            occurred_at=utcnow(),
            actor=who.audit(),
            office_path=office["path"],
            payload={},
        )
        params = {
            "title": new.title,
            "text": new.text,
            "from_office": {"en": office["name_en"], "hi": office["name_hi"]},
        }
        posts = under["items"]
        holders = {p["id"]: p["holder_user_id"] for p in posts if p["holder_user_id"]}
        for start in range(0, len(posts), BATCH):
            batch = posts[start : start + BATCH]
            self._raise([for_post(circular, p["id"], "circular", params) for p in batch], holders)
        return CircularSent(id=circular.event_id, posts=len(posts)).model_dump()
