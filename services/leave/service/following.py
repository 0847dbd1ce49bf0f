"""What leave follows of identity: delegations of posts, so an application passes over an
officer whose post is delegated for the day."""

from typing import Any

from nameko.events import SERVICE_POOL, event_handler

from common.events import DelegationEnded, PostDelegated
from services.leave import store
from services.leave.service.base import Desk


def _told(event_type: str) -> Any:
    return event_handler("identity", event_type, handler_type=SERVICE_POOL, reliable_delivery=True)


class FollowingDesk(Desk):
    @_told("post.delegated")
    def on_post_delegated(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)  # a forged one is refused
        body = event.body()
        assert isinstance(body, PostDelegated)
        store.delegation_made(
            self.storage.db,
            {
                "_id": body.delegation_id,
                "post_id": body.post_id,
                "starts": body.starts,
                "ends": body.ends,
            },
            event.event_id,
        )

    @_told("post.delegation_ended")
    def on_delegation_ended(self, raw: dict[str, Any]) -> None:
        event = self.trust.event(raw)
        body = event.body()
        assert isinstance(body, DelegationEnded)
        store.delegation_ended(
            self.storage.db, body.delegation_id, body.post_id, body.ended_at, event.event_id
        )
