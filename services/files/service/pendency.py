"""The seven-working-day rule at the desk: how long an item has been held (by its holder's
state calendar and office thresholds), the explanation its holder records, the refusal to move
what is late and unexplained, a timer that tells the office of each stage reached (and shows an
escalated item to the post above), and an office's thresholds."""

from datetime import datetime, timedelta
from typing import Any

from nameko.timer import timer

from common.actor import Actor
from common.clock import iso
from common.errors import Conflict, Forbidden
from common.rpc import rpc
from common.validation import parse
from services.files import store
from services.files.domain import pendency_rule
from services.files.domain import receipts as receipt_rules
from services.files.domain.change import Item, Post
from services.files.domain.pendency_rule import Thresholds
from services.files.schemas import DelayExplanation, PendencyRule, PendencyThresholds
from services.files.service.base import moment, now
from services.files.service.held import HeldDesk
from services.files.service.views import file_view, receipt_view

PENDENCY_CHECK_SECONDS = 15 * 60


class PendencyDesk(HeldDesk):
    # --- the explanation ----------------------------------------------------------------------

    def _explain(self, actor: Actor, kind: str, doc: Item, text: str) -> Item:
        post_id = str(doc["holder_post_id"])
        days, _ = self._held(self._post(actor, post_id), doc, moment())
        step = pendency_rule.explained(kind, doc, actor, post_id, now(), text, days)
        return self._apply(actor, kind, doc, step)

    @rpc
    def explain_receipt_delay(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The holder records why a receipt has been with them long (one line in its history)."""
        who, given = self.trust.actor(actor), parse(DelayExplanation, request)
        doc = self._visible(who, "receipts", receipt_id)
        post_id = receipt_rules.require_holder(who, doc)
        self._require_acting(who, post_id, "RECEIPT_NOT_WITH_YOU")
        receipt_rules.require_version(doc, given.version)
        receipt_rules.require_open(doc)
        explained = self._explain(who, "receipts", doc, given.text)
        return receipt_view(self._with_pendency(who, explained))

    @rpc
    def explain_file_delay(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """The holder records why a file has been with them long (one line in its history,
        shown on the note side)."""
        who, given = self.trust.actor(actor), parse(DelayExplanation, request)
        doc, _ = self._holding(who, file_id, given.version)
        explained = self._explain(who, "files", doc, given.text)
        return file_view(self._with_pendency(who, explained), who)

    # --- the timer ----------------------------------------------------------------------------

    @timer(interval=PENDENCY_CHECK_SECONDS)
    def raise_overdue(self) -> None:
        self._raise_overdue(moment())

    @rpc
    def check_pendency(self, actor: dict[str, Any]) -> int:
        """The timer's check, run now by an admin; how many stages it told. Never "as if it
        were" another moment: an escalation told early cannot be taken back."""
        who = self.trust.actor(actor)
        if not who.has_role("admin"):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        return self._raise_overdue(moment())

    def _raise_overdue(self, at: datetime) -> int:
        """Tell each stage reached and not yet told, once, of everything open on a desk."""
        db, me = self.storage.db, self.trust.own_actor()
        # Working days never outrun calendar days: what arrived since is not yet warned.
        earliest = store.smallest_warning(db, Thresholds().warning)
        cutoff = iso(at - timedelta(days=max(earliest - 2, 0)))
        posts: dict[str, Post] = {}
        chains: dict[str, list[str]] = {}
        told = 0
        for kind in store.KINDS:
            for doc in store.held_since_before(db, kind, cutoff):
                holder_id = doc["holder_post_id"]
                holder = posts.get(holder_id) or posts.setdefault(
                    holder_id, self._post(me, holder_id)
                )
                days, thresholds = self._held(holder, doc, at)
                if pendency_rule.escalation_level(days, thresholds) and holder_id not in chains:
                    chains[holder_id] = self._chain(me, holder_id)
                reached = pendency_rule.due(doc, days, thresholds, chains.get(holder_id, []))
                told += self._tell(kind, doc, reached, days, me, iso(at))
        return told

    def _tell(
        self,
        kind: str,
        doc: Item,
        reached: list[pendency_rule.Overdue],
        days: int,
        me: Actor,
        at: str,
    ) -> int:
        """Each stage in its own change; an item moved meanwhile waits for the next check."""
        for n, stage in enumerate(reached):
            try:
                doc = store.apply(
                    self.storage.db,
                    kind,
                    doc,
                    pendency_rule.overdue_told(kind, doc, stage, days, me, at),
                )
            except Conflict:
                return n
        return len(reached)

    # --- an office's thresholds ---------------------------------------------------------------

    def _office(self, actor: Actor, office_code: str | None) -> dict[str, Any]:
        if office_code:
            return self._office_by_code(actor, office_code)
        return {"id": actor.office_id, "path": list(actor.office_path)}

    @rpc
    def pendency_thresholds(
        self, actor: dict[str, Any], office_code: str | None = None
    ) -> dict[str, Any]:
        """The thresholds the rule counts by in an office (default: the actor's own)."""
        who = self.trust.actor(actor)
        office = self._office(who, office_code)
        thresholds, set_at = self._thresholds(list(office["path"]))
        return PendencyRule(
            office_id=office["id"], set_here=set_at == office["id"], **thresholds.as_dict()
        ).model_dump()

    @rpc
    def set_pendency_thresholds(
        self, actor: dict[str, Any], request: dict[str, Any]
    ) -> dict[str, Any]:
        """An admin or nodal officer sets the thresholds of an office in their scope (and of the
        offices below it that set none of their own)."""
        who, asked = self.trust.actor(actor), parse(PendencyThresholds, request)
        office = self._office(who, asked.office_code)
        if not (who.may("admin", office["path"]) or who.may("nodal_officer", office["path"])):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        thresholds = Thresholds(
            asked.warning, asked.explanation, asked.escalation, asked.every
        ).checked()
        rule = {**thresholds.as_dict(), "set_by": who.audit(), "at": now()}
        store.set_pendency_rule(self.storage.db, office["id"], rule)
        return PendencyRule(
            office_id=office["id"], set_here=True, **thresholds.as_dict()
        ).model_dump()
