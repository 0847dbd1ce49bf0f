"""The officers' desk: what waits at one's posts, and recommending it up the chain, returning
it for correction, rejecting it with a reason, or sanctioning it with its order (sealed or
signed on the officer's token: ``ordering``)."""

from collections.abc import Callable
from typing import Any

from common.actor import Actor
from common.clock import iso, utcnow
from common.events import LeaveRecommended, LeaveRejected, LeaveReturned
from common.rpc import rpc
from common.validation import parse
from services.leave import store
from services.leave.domain import applications
from services.leave.schemas import Decision, Sanction
from services.leave.service.base import view
from services.leave.service.ordering import OrderingDesk


class DecidingDesk(OrderingDesk):
    @rpc
    def to_act_on(self, actor: dict[str, Any]) -> dict[str, Any]:
        """Applications waiting at the actor's posts, oldest first."""
        who = self.trust.actor(actor)
        return {"items": [view(a) for a in store.waiting_at(self.storage.db, who.post_ids)]}

    @rpc
    def recommend(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Recommend it: it goes to the next level's officer (past any who is away)."""
        who, found, decision = self._turn(actor, application_id, request)
        applications.require_recommending(found)
        stop = self._stop(who, found, found["position"], found["level_index"] + 1)
        fields, entry = applications.recommend(
            found, stop, self._by(who, found), iso(utcnow()), decision.remark
        )
        return view(
            self._write(
                who,
                found,
                fields,
                entry,
                LeaveRecommended,
                by_post_id=found["at_post_id"],
                to_post_id=stop.post_id,
                level=stop.level,
            )
        )

    @rpc
    def sanction(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Sanction it at its sanctioning level, with its order: sealed by the office, the
        application sanctioned at once and its days debited from the balance; or (``sign``:
        ``token``) readied for the officer's DSC, answering what the token must sign (it is
        sanctioned when the signature is taken)."""
        who, found, decision = self._turn(actor, application_id, request, Sanction)
        assert isinstance(decision, Sanction)
        done = self._sanction_with_order(who, found, decision)
        return done if decision.sign == "token" else view(done)

    @rpc
    def return_for_correction(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Send it back to the applicant with what to correct."""
        return self._with_reason(
            actor, application_id, request, applications.return_for_correction, LeaveReturned
        )

    @rpc
    def reject(
        self, actor: dict[str, Any], application_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Reject it, saying why."""
        return self._with_reason(actor, application_id, request, applications.reject, LeaveRejected)

    def _with_reason(
        self,
        actor: dict[str, Any],
        application_id: str,
        request: dict[str, Any],
        transition: Callable[..., tuple[dict[str, Any], dict[str, Any]]],
        payload: Any,
    ) -> dict[str, Any]:
        """A word that ends the application's way up (returned or rejected), with its reason."""
        who, found, decision = self._turn(actor, application_id, request)
        fields, entry = transition(found, self._by(who, found), iso(utcnow()), decision.remark)
        changed = self._write(
            who,
            found,
            fields,
            entry,
            payload,
            by_post_id=found["at_post_id"],
            reason=entry["remark"],
        )
        return view(changed)

    def _turn(
        self,
        actor: dict[str, Any],
        application_id: str,
        request: dict[str, Any],
        asked: type[Decision] = Decision,
    ) -> tuple[Actor, dict[str, Any], Decision]:
        """The actor, the application waiting at their post (asked of identity at this moment:
        a transfer or an ended delegation takes effect at once), and their decision."""
        who = self.trust.actor(actor)
        decision = parse(asked, request)
        found = store.application(self.storage.db, application_id)
        at, decided = found.get("at_post_id"), found.get("decided_post_id")
        acting = None
        if at and who.holds(at) and self.identity.may_act(who.credential, at)["allowed"]:
            acting = at
        elif decided and who.holds(decided):
            acting = decided
        applications.require_turn(found, acting, decision.version)
        return who, found, decision

    def _by(self, who: Actor, application: dict[str, Any]) -> dict[str, Any]:
        return who.audit(application["at_post_id"])
