"""People: the actor's own record and how they type Hindi, creating a person, the staff of
an office, disabling and enabling."""

from eventlet import tpool

from common.clock import iso, utcnow
from common.errors import Conflict, Forbidden, InvalidInput
from common.events import (
    Names,
    PersonDisabled,
    new_event,
)
from common.rpc import rpc
from common.validation import parse
from services.identity import store
from services.identity.domain import authority, hindi_typing, people
from services.identity.domain import tokens as domain
from services.identity.schemas import (
    NewUser,
    Typing,
    Users,
)
from services.identity.service.base import Desk
from services.identity.service.views import user_view

# The most names asked at once: every row of the largest sheet that names people.
MAX_NAMES = 20_000


def _codes(named: str | list[str]) -> list[str]:
    """One office code or several."""
    return [named] if isinstance(named, str) else named


class PeopleDesk(Desk):
    @rpc
    def me(self, actor: dict) -> dict:
        return self._view_of(self.trust.actor(actor).user_id)

    @rpc
    def typing_mode(self, actor: dict) -> dict:
        who = self.trust.actor(actor)
        person = store.user_by_id(self.storage.db, who.user_id)
        return Typing(mode=hindi_typing.mode_of(person)).model_dump()

    @rpc
    def choose_typing_mode(self, actor: dict, choice: dict) -> dict:
        """Remember how the actor types Hindi, for every browser they log in on."""
        who = self.trust.actor(actor)
        mode = hindi_typing.chosen_mode(parse(Typing, choice).mode)
        store.set_user(self.storage.db, who.user_id, {"typing": mode})
        return Typing(mode=mode).model_dump()

    @rpc
    def create_user(self, actor: dict, user: dict) -> dict:
        who = self.trust.actor(actor)
        new = parse(NewUser, user)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        authority.require_setup(who, office["path"])
        scopes: dict[str, list[dict]] = {
            role: [store.office_by_code(db, code) for code in _codes(named)]
            for role, named in new.role_scopes.items()
        }
        grants = authority.grants_for(
            list(new.roles), office, store.district_of(db, office), scopes
        )
        for grant in grants:  # nobody grants power over what they do not hold themselves
            authority.require_grantable(
                who, grant["role"], store.office_by_id(db, grant["scope"])["path"]
            )
        held = [store.post_by_abbreviation(db, abbr) for abbr in new.posts]
        for post in held:
            authority.require_setup(who, post["office_path"])
        created = people.new_person(
            store.new_id(),
            new.username,
            Names(en=new.name_en, hi=new.name_hi),
            office["_id"],
            grants,
            iso(utcnow()),
            password_hash=tpool.execute(domain.hash_password, new.password),
        )
        event = new_event(people.onboarded_event(created), who, office["path"])
        store.insert_user(db, created, event)
        for post in held:
            self._assign(who, post, created, "regular")
        return user_view(created, store.posts_held_by(db, created["_id"]))

    @rpc
    def staff(self, actor: dict, office_code: str | None = None) -> dict:
        """The people of an office and the offices under it, for its admin or nodal officer."""
        who = self.trust.actor(actor)
        offices = self._offices_under(who, office_code)
        authority.require_setup(who, offices[0]["path"])
        db = self.storage.db
        staff = sorted(
            store.users_of_offices(db, [o["_id"] for o in offices]), key=lambda u: u["name_en"]
        )
        addresses = store.live_vpn_addresses(db, [u["_id"] for u in staff])
        views = [
            user_view(u, store.posts_held_by(db, u["_id"]), addresses.get(u["_id"])) for u in staff
        ]
        return Users.model_validate({"items": views}).model_dump()

    @rpc
    def person(self, actor: dict, user_id: str) -> dict:
        """One person as the staff list shows them, for whoever sets up their office."""
        who = self.trust.actor(actor)
        person, _ = self._person(who, user_id)
        db = self.storage.db
        address = store.live_vpn_addresses(db, [user_id]).get(user_id)
        return user_view(person, store.posts_held_by(db, user_id), address)

    @rpc
    def disable_user(self, actor: dict, user_id: str) -> dict:
        """Disable a person: their logins end at once (refresh tokens revoked now; the gateway
        refuses their live access tokens)."""
        who = self.trust.actor(actor)
        db = self.storage.db
        _, office = self._person(who, user_id)
        if user_id == who.user_id:
            raise Conflict("CANNOT_DISABLE_YOURSELF")
        now = iso(utcnow())
        event = new_event(PersonDisabled(user_id=user_id), who, office["path"])
        store.set_user(db, user_id, {"disabled": True, "disabled_at": now}, event)
        store.revoke_all_of(db, user_id)
        return self._view_of(user_id)

    @rpc
    def enable_user(self, actor: dict, user_id: str) -> dict:
        """Enable a disabled person, or unlock one locked out by failed logins."""
        who = self.trust.actor(actor)
        self._person(who, user_id)
        store.set_user(
            self.storage.db,
            user_id,
            {"disabled": False, "disabled_at": None, "failed_logins": 0, "next_attempt_at": None},
        )
        return self._view_of(user_id)

    @rpc
    def people_named(self, actor: dict, names: list[str]) -> dict:
        """Whom each name stands for (a username, or a user id): their id and office, and
        whether the actor sets that office up; a name nobody has is left out. For an office's
        admin or nodal officer, who names people in a sheet (leave's opening balances)."""
        who = self.trust.actor(actor)
        if not any(g.role in ("admin", "nodal_officer") for g in who.grants):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        if not isinstance(names, list) or len(names) > MAX_NAMES:
            raise InvalidInput("BAD_QUERY")
        db = self.storage.db
        paths: dict[str, list[str]] = {}
        found = {}
        for name in {n for n in names if isinstance(n, str) and 0 < len(n) <= 200}:
            person = store.user_by_username(db, name.strip().lower()) or store.users_by_ids(
                db, [name]
            ).get(name)
            if person is None:
                continue
            office_id = person["office_id"]
            if office_id not in paths:
                paths[office_id] = store.office_by_id(db, office_id)["path"]
            yours = any(who.may(r, paths[office_id]) for r in ("admin", "nodal_officer"))
            found[name] = {"user_id": person["_id"], "office_id": office_id, "yours": yours}
        return found

    def _view_of(self, user_id: str) -> dict:
        db = self.storage.db
        return user_view(store.user_by_id(db, user_id), store.posts_held_by(db, user_id))
