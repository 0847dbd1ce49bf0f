"""The office tree: creating, renaming, moving and reading offices."""

from common.clock import iso, utcnow
from common.errors import Refused
from common.rpc import rpc
from common.validation import parse
from services.identity import store
from services.identity.domain import authority, departments, tree, vpn
from services.identity.schemas import (
    NewOffice,
    OfficeChange,
    Offices,
)
from services.identity.service.base import Desk
from services.identity.service.views import office_view


class OfficeDesk(Desk):
    @rpc
    def create_office(self, actor: dict, office: dict) -> dict:
        """A new office of the tree. A department of a ``kind`` (police, revenue, development,
        municipal) brings that kind's levels (unless given), designations and file heads."""
        who = self.trust.actor(actor)
        new = parse(NewOffice, office)
        if new.kind and new.level != "department":
            # Well-formed (the schema allows a kind), but only a department brings one.
            raise Refused("KIND_ONLY_FOR_A_DEPARTMENT", {"level": new.level})
        db = self.storage.db
        parent = store.office_by_code(db, new.parent_code) if new.parent_code else None
        authority.require_admin(who, parent["path"] if parent else ())
        lineage = store.ancestors(db, parent) if parent else []
        own = departments.department_fields(new.kind, new.levels) if new.kind else {}
        levels = own.get("levels", new.levels)
        tree.check_level(new.level, parent, lineage, levels)
        office_id = store.new_id()
        return office_view(
            store.insert_office(
                db,
                {
                    "_id": office_id,
                    "code": new.code,
                    "name_en": new.name_en,
                    "name_hi": new.name_hi,
                    "level": new.level,
                    **own,
                    "levels": levels,
                    "parent_id": parent["_id"] if parent else None,
                    "path": (parent["path"] if parent else []) + [office_id],
                    "live_since": new.live_since.isoformat() if new.live_since else None,
                    "vpn_pool": vpn.checked_pool(new.vpn_pool) if new.vpn_pool else None,
                    "created_at": iso(utcnow()),
                    "history": [],
                },
            )
        )

    @rpc
    def change_office(self, actor: dict, code: str, change: dict) -> dict:
        """Rename, move or mark live. The office keeps its id (and its receipts their numbers);
        what changed, when and by whom is appended to its history."""
        who = self.trust.actor(actor)
        wanted = parse(OfficeChange, change).model_dump(mode="json", exclude_unset=True)
        db = self.storage.db
        office = store.office_by_code(db, code)
        authority.require_admin(who, office["path"])
        new_parent_code = wanted.pop("parent_code", None)
        if wanted.get("vpn_pool"):
            vpn.checked_pool(wanted["vpn_pool"])
        diff = tree.changes(office, wanted)
        if new_parent_code:
            parent = store.office_by_code(db, new_parent_code)
            authority.require_admin(who, parent["path"])
            tree.check_move(office, parent)
            tree.check_level(
                office["level"], parent, store.ancestors(db, parent), office.get("levels", [])
            )
            if parent["_id"] != office["parent_id"]:
                diff["parent_id"] = [office["parent_id"], parent["_id"]]
                self._move_subtree(office, parent["path"] + [office["_id"]])
        if not diff:
            return office_view(office)
        entry = {"at": iso(utcnow()), "by": who.audit(), "changes": diff}
        return office_view(
            store.update_office(db, office["_id"], {k: v[1] for k, v in diff.items()}, entry)
        )

    def _move_subtree(self, office: dict, new_path: list[str]) -> None:
        db = self.storage.db
        old_path = office["path"]
        pending = [office]
        while pending:
            current = pending.pop()
            path = tree.moved_path(current["path"], old_path, new_path)
            store.set_office_path(db, current["_id"], path)
            moved = {**current, "path": path}
            district = store.district_of(db, moved)
            for post in store.posts_of_office(db, current["_id"]):
                store.set_post_path(db, post["_id"], path, district)
            pending.extend(store.children(db, current["_id"]))

    @rpc
    def office_by_code(self, actor: dict, code: str) -> dict:
        self.trust.actor(actor)
        return office_view(store.office_by_code(self.storage.db, code))

    @rpc
    def department_file_heads(self, actor: dict, office_id: str) -> dict:
        """The standard heads of the filing scheme of the department an office belongs to (the
        files service offers them to every office of it, beside the office's own)."""
        self.trust.actor(actor)
        db = self.storage.db
        path = store.office_by_id(db, office_id)["path"]
        department = store.office_or_none(db, path[1]) if len(path) > 1 else None
        return {"items": (department or {}).get("file_heads") or []}

    @rpc
    def department_kind(self, actor: dict, office_id: str) -> str | None:
        """The kind of the department an office belongs to (police, revenue ...): leave asks,
        as each kind brings its own leave rules."""
        self.trust.actor(actor)
        db = self.storage.db
        path = store.office_by_id(db, office_id)["path"]
        department = store.office_or_none(db, path[1]) if len(path) > 1 else None
        return (department or {}).get("kind")

    @rpc
    def posts_under(self, actor: dict, code: str) -> dict:
        """Every post of an office and below, with its holder (a circular to all of them): for
        the office's admins."""
        who = self.trust.actor(actor)
        db = self.storage.db
        office = store.office_by_code(db, code)
        authority.require_any(who, ("admin",), office["path"])
        posts = store.posts_under(db, office["_id"])
        return {
            "office": office_view(office),
            "items": [{"id": p["_id"], "holder_user_id": p.get("holder_user_id")} for p in posts],
        }

    @rpc
    def offices_under(self, actor: dict, code: str | None = None) -> dict:
        """An office and everything below it (default: the actor's own office)."""
        who = self.trust.actor(actor)
        views = [office_view(o) for o in self._offices_under(who, code)]
        return Offices.model_validate({"items": views}).model_dump()
