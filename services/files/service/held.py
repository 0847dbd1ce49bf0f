"""How long an item has been held at its desk, by the seven-working-day rule: working days of
its holder's state calendar (asked of identity, kept a few minutes) against the thresholds of
the holder's office; and the refusal to move what is late and unexplained."""

from datetime import datetime
from typing import Any

from common.actor import Actor
from common.workdays import Calendars
from services.files import store
from services.files.domain import pendency_rule
from services.files.domain.change import Item, Post
from services.files.domain.pendency_rule import Thresholds
from services.files.service.base import Desk, moment

CALENDARS = Calendars()


class HeldDesk(Desk):
    """What every desk action that moves or shows an item needs of the rule."""

    # --- how long an item has been held ---------------------------------------------------------

    def _thresholds(self, office_path: list[str]) -> tuple[Thresholds, str | None]:
        """The thresholds of the nearest office up the path that set them (else the defaults),
        and that office."""
        rules = store.pendency_rules(self.storage.db, office_path)
        for office_id in reversed(office_path):
            if office_id in rules:
                return Thresholds.of(rules[office_id]), office_id
        return Thresholds(), None

    def _held(self, holder: Post, doc: Item, at: datetime) -> tuple[int, Thresholds]:
        """Working days ``doc`` has been with ``holder`` at ``at``, and the thresholds there."""
        since = datetime.fromisoformat(doc["holder_since"])
        path = list(holder["office_path"])
        calendar = CALENDARS.between(self.identity, path[0], since, at)
        return pendency_rule.working_days(doc, calendar, at), self._thresholds(path)[0]

    def _pendency(self, actor: Actor, doc: Item) -> dict[str, Any]:
        """The item's place under the rule, as its page shows it."""
        days, thresholds = self._held(self._post(actor, doc["holder_post_id"]), doc, moment())
        given = doc.get("delay_explanation") if pendency_rule.is_explained(doc) else None
        return {
            "working_days": days,
            "stage": pendency_rule.stage(days, thresholds),
            "explanation_needed": pendency_rule.needs_explanation(doc, days, thresholds),
            "explanation": given["text"] if given else None,
            "escalated_to_post_ids": doc.get("escalated_to_post_ids", []),
        }

    def _with_pendency(self, actor: Actor, doc: Item) -> Item:
        """``doc`` with its place under the rule, while it waits open on a desk."""
        if doc.get("status", "open") != "open":
            return doc
        return {**doc, "pendency": self._pendency(actor, doc)}

    def _require_delay_explained(self, actor: Actor, doc: Item) -> None:
        """What has been held ``explanation`` working days or more moves on only once its
        holder has explained the delay (a pull back is the sender's, and is not held back)."""
        holder = self._post(actor, doc["holder_post_id"])
        days, thresholds = self._held(holder, doc, moment())
        pendency_rule.require_explained(doc, days, thresholds)
