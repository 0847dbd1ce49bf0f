"""What the desks share: the dependencies the service class gives them, and the few steps more
than one desk takes (finding a person one may set up, posting someone, reading configured lists)."""

from datetime import datetime
from typing import Any

from common.actor import Actor
from common.clock import iso
from common.config import setting
from common.events import DelegationEnded, Names, PostAssigned, PostDelegated, new_event
from common.secrets_at_rest import SecretBox
from common.storage import Storage
from common.trust import Trusted
from services.identity import store
from services.identity.domain import authority, posts, sheets


class Desk:
    """Mixed into IdentityService, which provides these (declared here, not given: a value would
    make a second Nameko dependency)."""

    storage: Storage  # Database()
    secrets: SecretBox  # SecretsAtRest()
    signing: Any  # RpcProxy("signing")
    config: dict[str, Any]  # Config()
    trust: Trusted  # Trust(local=...)

    def _person(
        self, actor: Actor, user_id: str, self_may: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A person and their office, for whoever sets up that office (or the person themself,
        where ``self_may``)."""
        db = self.storage.db
        person = store.user_by_id(db, user_id)
        office = store.office_by_id(db, person["office_id"])
        if not (self_may and actor.user_id == user_id):
            authority.require_setup(actor, office["path"])
        return person, office

    def _require_state_admin(self, actor: Actor) -> None:
        """Only the admin of the whole state (every root of the tree) may do this."""
        for root in store.roots(self.storage.db):
            authority.require_admin(actor, root["path"])

    def _offices_under(self, actor: Actor, code: str | None) -> list[dict[str, Any]]:
        """An office (by code or id; default: the actor's own) and everything below it, top
        first. By id too because reports name offices by id."""
        db = self.storage.db
        if code:
            top = store.office_or_none(db, code) or store.office_by_code(db, code)
        else:
            top = store.office_by_id(db, actor.office_id)
        return sorted(store.subtree(db, top), key=lambda o: len(o["path"]))

    def _assign(
        self, actor: Actor, post: dict[str, Any], person: dict[str, Any], charge: str
    ) -> None:
        event = new_event(
            PostAssigned(
                post_id=post["_id"],
                post_name=Names.of(post),
                user_id=person["_id"],
                user_name=person["name_en"],
                previous_user_id=post.get("holder_user_id"),
                charge=charge,
            ),
            actor,
            post["office_path"],
        )
        store.assign_post(self.storage.db, post, person["_id"], charge, event)

    def _delegate(
        self,
        actor: Actor,
        post: dict[str, Any],
        delegate: dict[str, Any],
        starts: datetime,
        ends: datetime,
        reason: str,
        now: datetime,
        delegation_id: str | None = None,
    ) -> dict[str, Any]:
        """Delegate a post to a person for a period, with its event (by a person at the
        delegate desk, or by identity itself for leave sanctioned)."""
        posts.check_delegation(starts, ends, now, post.get("holder_user_id"), delegate["_id"])
        delegation = {
            "_id": delegation_id or store.new_id(),
            "post_id": post["_id"],
            "post_name": Names.of(post).model_dump(),
            "holder_user_id": post["holder_user_id"],
            "delegate_user_id": delegate["_id"],
            "starts": iso(starts),
            "ends": iso(ends),
            "reason": reason,
            "created_by": actor.audit(),
            "ended_at": None,
        }
        event = new_event(
            PostDelegated(
                delegation_id=delegation["_id"],
                post_id=post["_id"],
                post_name=Names.of(post),
                holder_user_id=post["holder_user_id"],
                delegate_user_id=delegate["_id"],
                starts=delegation["starts"],
                ends=delegation["ends"],
            ),
            actor,
            post["office_path"],
        )
        store.insert_delegation(self.storage.db, delegation, event)
        return delegation

    def _end_delegation(
        self, actor: Actor, found: dict[str, Any], now: str
    ) -> dict[str, Any] | None:
        """End a delegation now, with its event (by a person at the delegate desk, or by
        identity itself for leave cut short or cancelled); answers it ended, or None if it had
        ended already."""
        db = self.storage.db
        event = new_event(
            DelegationEnded(
                **{k: found[k] for k in ("post_id", "holder_user_id", "delegate_user_id")},
                delegation_id=found["_id"],
                post_name=Names.model_validate(found["post_name"]),
                ended_at=now,
            ),
            actor,
            store.post_by_id(db, found["post_id"])["office_path"],
        )
        ended: dict[str, Any] | None = store.end_delegation(db, found["_id"], now, event)
        return ended

    def _govid_domain(self) -> str:
        return setting(self.config, "EOFFICE_GOVID_DOMAIN", "up.gov.in")

    def _designations(self) -> tuple[str, ...]:
        """The designations a sheet may use: configured, or the police list."""
        configured = setting(self.config, "EOFFICE_DESIGNATIONS")
        return tuple(configured.split(",")) if configured else sheets.DESIGNATIONS
