"""Identity: offices, posts, people, login and tokens."""

from datetime import timedelta

from nameko.rpc import rpc

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Unauthenticated
from common.storage import Database
from common.tokens import ACCESS_TOKEN_SECONDS
from common.validation import parse
from services.identity import store
from services.identity.domain import tokens as domain
from services.identity.schemas import (
    Credentials,
    NewOffice,
    NewPost,
    NewUser,
    Office,
    Post,
    Posts,
    RefreshRequest,
    Tokens,
    User,
)


def _office_view(office: dict) -> dict:
    return Office(
        id=office["_id"], **{k: office[k] for k in Office.model_fields if k != "id"}
    ).model_dump()


def _post_view(post: dict, holder: dict | None = None) -> dict:
    return Post(
        id=post["_id"],
        abbreviation=post["abbreviation"],
        name_en=post["name_en"],
        name_hi=post["name_hi"],
        office_id=post["office_id"],
        office_code=post["office_code"],
        office_path=post["office_path"],
        holder_user_id=post.get("holder_user_id"),
        holder_name=holder["name_en"] if holder else None,
    ).model_dump()


class IdentityService:
    name = "identity"

    storage = Database(indexes=store.ensure_indexes)

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "ok": True}

    # --- login and tokens ---------------------------------------------------------------------

    @rpc
    def login(self, credentials: dict) -> dict:
        creds = parse(Credentials, credentials)
        db = self.storage.db
        user = store.user_by_username(db, creds.username)
        if not domain.password_matches(user and user["password_hash"], creds.password):
            raise Unauthenticated("BAD_CREDENTIALS")
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        return self._tokens_for(user, family=None)

    @rpc
    def refresh(self, request: dict) -> dict:
        """Rotate a refresh token. A token presented twice means it was stolen (or the client
        is confused): the whole family of tokens descended from that login is revoked."""
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        db = self.storage.db
        used, stored = store.use_refresh_token(db, token_id)
        if stored is None:
            raise Unauthenticated("REFRESH_TOKEN_INVALID")
        if used is None:
            store.revoke_family(db, stored["family"])
            raise Unauthenticated("REFRESH_TOKEN_REUSED")
        if used["expires_at"] < iso(utcnow()):
            raise Unauthenticated("REFRESH_TOKEN_EXPIRED")
        user = store.user_by_id(db, used["user_id"])
        if user.get("disabled"):
            raise Unauthenticated("ACCOUNT_DISABLED")
        return self._tokens_for(user, family=used["family"])

    @rpc
    def logout(self, request: dict) -> dict:
        token_id = domain.refresh_token_id(parse(RefreshRequest, request).refresh_token)
        stored = self.storage.db.refresh_tokens.find_one({"_id": token_id})
        if stored:
            store.revoke_family(self.storage.db, stored["family"])
        return {"ok": True}

    @rpc
    def public_keys(self) -> dict[str, str]:
        """Key id -> PEM public key, for everyone who verifies access tokens."""
        self._signing_key()  # a fresh office has a key before anyone asks to verify
        return store.public_keys(self.storage.db)

    def _signing_key(self) -> dict:
        db = self.storage.db
        return store.active_signing_key(db) or store.insert_signing_key(
            db, *domain.new_signing_key()
        )

    def _tokens_for(self, user: dict, family: str | None) -> dict:
        db = self.storage.db
        now = utcnow()
        posts = store.posts_held_by(db, user["_id"])
        office = db.offices.find_one({"_id": user["office_id"]})
        key = self._signing_key()
        access = domain.sign_access_token(
            domain.access_token_claims(user, posts, office["path"], now),
            key["_id"],
            key["private_pem"],
        )
        refresh, refresh_id = domain.new_refresh_token()
        store.insert_refresh_token(
            db,
            refresh_id,
            family or refresh_id,
            user["_id"],
            iso(now + timedelta(days=domain.REFRESH_TOKEN_DAYS)),
        )
        return Tokens(
            access_token=access,
            refresh_token=refresh,
            expires_in=ACCESS_TOKEN_SECONDS,
            user=User(**self._user_view(user, posts)),
        ).model_dump()

    # --- people, posts, offices ---------------------------------------------------------------

    @rpc
    def me(self, actor: dict) -> dict:
        actor = Actor.parse(actor)
        user = store.user_by_id(self.storage.db, actor.user_id)
        return self._user_view(user, store.posts_held_by(self.storage.db, user["_id"]))

    def _user_view(self, user: dict, posts: list[dict]) -> dict:
        return User(
            id=user["_id"],
            username=user["username"],
            name_en=user["name_en"],
            name_hi=user["name_hi"],
            roles=user["roles"],
            office_id=user["office_id"],
            posts=[_post_view(p, user) for p in posts],
        ).model_dump()

    @rpc
    def create_office(self, actor: dict, office: dict) -> dict:
        domain.require_admin(Actor.parse(actor))
        new = parse(NewOffice, office)
        db = self.storage.db
        parent = store.office_by_code(db, new.parent_code) if new.parent_code else None
        return _office_view(
            store.insert_office(db, new.code, new.name_en, new.name_hi, new.level, parent)
        )

    @rpc
    def office_by_code(self, actor: dict, code: str) -> dict:
        Actor.parse(actor)
        return _office_view(store.office_by_code(self.storage.db, code))

    @rpc
    def create_post(self, actor: dict, post: dict) -> dict:
        domain.require_admin(Actor.parse(actor))
        new = parse(NewPost, post)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        reports_to = (
            store.post_by_abbreviation(db, new.reports_to)["_id"] if new.reports_to else None
        )
        return _post_view(
            store.insert_post(db, office, new.abbreviation, new.name_en, new.name_hi, reports_to)
        )

    @rpc
    def create_user(self, actor: dict, user: dict) -> dict:
        domain.require_admin(Actor.parse(actor))
        new = parse(NewUser, user)
        db = self.storage.db
        office = store.office_by_code(db, new.office_code)
        posts = [store.post_by_abbreviation(db, abbr) for abbr in new.posts]
        created = store.insert_user(
            db,
            new.username,
            new.name_en,
            new.name_hi,
            domain.hash_password(new.password),
            list(new.roles),
            office,
        )
        for post in posts:
            store.set_post_holder(db, post["_id"], created["_id"])
        return self._user_view(created, store.posts_held_by(db, created["_id"]))

    @rpc
    def post(self, actor: dict, post_id: str) -> dict:
        """A fresh read of one post and who holds it now (files asks before marking)."""
        Actor.parse(actor)
        db = self.storage.db
        post = store.post_by_id(db, post_id)
        holder = store.users_by_ids(db, [post["holder_user_id"]]).get(post["holder_user_id"])
        return _post_view(post, holder)

    @rpc
    def markable_posts(self, actor: dict) -> dict:
        """Posts the actor can mark work to: every post of the actor's district."""
        actor = Actor.parse(actor)
        db = self.storage.db
        office = db.offices.find_one({"_id": actor.office_id})
        if office is None:
            return Posts(items=[]).model_dump()
        posts = store.posts_in_district(db, store.district_of(db, office))
        holders = store.users_by_ids(
            db, [p["holder_user_id"] for p in posts if p["holder_user_id"]]
        )
        views = [_post_view(p, holders.get(p["holder_user_id"])) for p in posts]
        return Posts(items=sorted(views, key=lambda p: p["abbreviation"])).model_dump()
