"""Posts: creating them, posting people to them, delegating them for a period, and the
fresh reads files asks for (who holds a post, who may act from it, the chain above it)."""

from datetime import datetime
from typing import Any

from common.clock import IST, iso, utcnow
from common.errors import Conflict, InvalidInput
from common.fold import normalise
from common.rpc import rpc
from common.validation import parse
from services.identity import store
from services.identity.domain import authority, govid, posts
from services.identity.schemas import (
    AssignPost,
    MayAct,
    NewDelegation,
    NewPost,
    Posts,
)
from services.identity.service.base import Desk
from services.identity.service.views import delegation_view, post_view


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput(
            "INVALID_FIELDS", {"fields": [{"field": "starts/ends", "problem": "timezone_missing"}]}
        )
    return moment


def _leave_today(db: Any, found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The holders' leave covering today in the office's time, by post id."""
    return store.leave_on(db, found, utcnow().astimezone(IST).date().isoformat())


class PostDesk(Desk):
    @rpc
    def create_post(self, actor: dict, post: dict) -> dict:
        who = self.trust.actor(actor)
        new = parse(NewPost, post)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        authority.require_setup(who, office["path"])
        reports_to = (
            store.post_by_abbreviation(db, new.reports_to)["_id"] if new.reports_to else None
        )
        return post_view(
            store.insert_post(
                db,
                {
                    "_id": store.new_id(),
                    "abbreviation": new.abbreviation,
                    "name_en": new.name_en,
                    "name_hi": new.name_hi,
                    "office_id": office["_id"],
                    "office_code": office["code"],
                    "office_path": office["path"],
                    "district_id": store.district_of(db, office),
                    "reports_to": reports_to,
                    "email": govid.post_address(new.abbreviation, self._govid_domain()),
                    "holder_user_id": None,
                    "charge": None,
                },
            )
        )

    @rpc
    def assign_post(self, actor: dict, post_id: str, request: dict) -> dict:
        """Post a person to a post (its previous holder leaves it: a transfer) or give them
        its additional charge. Work pending with the post stays there for the new holder."""
        who = self.trust.actor(actor)
        assign = parse(AssignPost, request)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        authority.require_setup(who, post["office_path"])
        person, _ = self._person(who, assign.user_id)
        self._assign(who, post, person, assign.charge)
        return post_view(store.post_by_id(db, post_id), person)

    @rpc
    def delegate_post(self, actor: dict, post_id: str, request: dict) -> dict:
        """The holder (or the office's admin or nodal officer) delegates a post for a period;
        it ends by itself. Everything the delegate does from it is recorded "on behalf of"."""
        who = self.trust.actor(actor)
        new = parse(NewDelegation, request)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        if post.get("holder_user_id") != who.user_id:
            authority.require_setup(who, post["office_path"])
        delegate = store.user_by_id(db, new.to_user_id)
        now = utcnow()
        delegation = self._delegate(
            who, post, delegate, _utc(new.starts or now), _utc(new.ends), new.reason, now
        )
        return delegation_view(delegation, iso(now))

    @rpc
    def end_delegation(self, actor: dict, delegation_id: str) -> dict:
        who = self.trust.actor(actor)
        db = self.storage.db
        found = store.delegation(db, delegation_id)
        if found is None:
            raise Conflict("DELEGATION_NOT_FOUND")
        if who.user_id not in (found["holder_user_id"], found["delegate_user_id"]):
            authority.require_setup(who, store.post_by_id(db, found["post_id"])["office_path"])
        now = iso(utcnow())
        ended = self._end_delegation(who, found, now)
        return delegation_view(ended or found, now)

    @rpc
    def delegations(self, actor: dict, post_id: str) -> list[dict]:
        who = self.trust.actor(actor)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        if not who.holds(post_id):
            authority.require_setup(who, post["office_path"])
        now = iso(utcnow())
        return [delegation_view(d, now) for d in store.delegations_of_post(db, post_id)]

    @rpc
    def post(self, actor: dict, post_id: str) -> dict:
        """A fresh read of one post and who holds it now (files asks before marking)."""
        self.trust.actor(actor)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        holder = store.users_by_ids(db, [post["holder_user_id"]]).get(post["holder_user_id"])
        return post_view(post, holder, _leave_today(db, [post]).get(post_id))

    @rpc
    def may_act(self, actor: dict, post_id: str) -> dict:
        """Whether the actor may act from this post now: they hold it, or it is delegated to
        them for this moment, and they are not disabled. Files asks before every move, so a
        transfer, an ended delegation or a disabling takes effect at once, whatever the actor's
        token still says (revocations reach token checks a second later). The answer carries
        the tree's version too: files keeps posts, chains and offices while it holds."""
        who = self.trust.actor(actor)
        db = self.storage.db
        post = store.post_or_none(db, post_id)
        allowed = (
            post is not None
            and (
                post.get("holder_user_id") == who.user_id
                or any(
                    d["post_id"] == post_id and posts.is_live(d, iso(utcnow()))
                    for d in store.delegations_to(db, who.user_id)
                )
            )
            # Read last: a holder or delegate is always a person on record.
            and not store.user_by_id(db, who.user_id).get("disabled")
        )
        return MayAct(allowed=allowed, tree_version=store.tree_version(db)).model_dump()

    @rpc
    def chain(self, actor: dict, post_id: str) -> list[str]:
        """The posts above this one in the chain of command, nearest first (files asks, to know
        who supervises a file and which levels a send up the chain skips)."""
        self.trust.actor(actor)
        db = self.storage.db
        above: list[str] = []
        current = store.post_by_id(db, post_id)
        while current.get("reports_to") and current["reports_to"] not in above and len(above) < 20:
            above.append(current["reports_to"])
            current = store.post_by_id(db, current["reports_to"])
        return above

    @rpc
    def markable_posts(self, actor: dict, query: str = "") -> dict:
        """Posts the actor can mark work to: every post of the actor's district (those whose
        abbreviation, name or holder has every word of ``query``, Hindi folded as in search)."""
        who = self.trust.actor(actor)
        if not isinstance(query, str) or len(query) > 200:
            raise InvalidInput("BAD_QUERY")
        db = self.storage.db
        office = store.office_or_none(db, who.office_id)
        if office is None:
            return Posts(items=[]).model_dump()
        found = store.posts_in_district(db, store.district_of(db, office))
        return self._listed(found, normalise(query).split())

    @rpc
    def district_posts(self, actor: dict, code: str) -> dict:
        """Every post of the district an office (by code) belongs to, with its holder: for
        whoever sets that district up (the state's team chooses among all its districts)."""
        who = self.trust.actor(actor)
        db = self.storage.db
        district_id = store.district_of(db, store.office_by_code(db, code))
        authority.require_setup(who, store.office_by_id(db, district_id)["path"])
        return self._listed(store.posts_in_district(db, district_id))

    def _listed(self, found: list[dict], words: list[str] | None = None) -> dict:
        """Posts with their holders, by abbreviation; with ``words``, only those whose
        abbreviation, name or holder has every word."""
        db = self.storage.db
        holders = store.users_by_ids(
            db, [p["holder_user_id"] for p in found if p["holder_user_id"]]
        )
        away = _leave_today(db, found)
        views = [post_view(p, holders.get(p["holder_user_id"]), away.get(p["_id"])) for p in found]
        if words:
            views = [v for v in views if posts.matches(v, holders.get(v["holder_user_id"]), words)]
        ordered = sorted(views, key=lambda p: p["abbreviation"])
        return Posts.model_validate({"items": ordered}).model_dump()
