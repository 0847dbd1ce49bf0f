"""How long an item has been held at its desk, by the seven-working-day rule: working days of
its holder's state calendar (asked of identity, kept a few minutes) against the thresholds of
the holder's office; and the refusal to move what is late and unexplained."""

import threading
import time
from datetime import datetime
from typing import Any

from common.actor import Actor
from common.workdays import Calendar
from services.files import store
from services.files.domain import pendency_rule
from services.files.domain.change import Item, Post
from services.files.domain.pendency_rule import Thresholds
from services.files.service.base import Desk, moment

CALENDAR_SECONDS = 10 * 60  # a newly uploaded holiday list counts within minutes


class Calendars:
    """States' calendars as identity answers them, kept a few minutes: every send asks."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def year(self, identity: Any, state_id: str, year: int) -> dict[str, Any]:
        key = (state_id, year)
        with self._lock:
            kept = self._kept.get(key)
        if kept and time.monotonic() - kept[0] < CALENDAR_SECONDS:
            return kept[1]
        answer: dict[str, Any] = identity.working_calendar(state_id, year)
        with self._lock:
            self._kept[key] = (time.monotonic(), answer)
        return answer

    def between(self, identity: Any, state_id: str, since: datetime, until: datetime) -> Calendar:
        """One calendar for the years from ``since`` to ``until`` (an item held over the new
        year counts the holidays of both); Saturdays as the latest year has them."""
        years = [self.year(identity, state_id, y) for y in range(since.year, until.year + 1)]
        holidays = [day for year in years for day in year["holidays"]]
        return Calendar.of(holidays, years[-1]["second_saturday"], years[-1]["fourth_saturday"])

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


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
