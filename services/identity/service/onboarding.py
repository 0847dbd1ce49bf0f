"""Onboarding from the master data sheet: the template, the dry run, applying it row by row,
and a newly onboarded person activating their login with the code from their slip."""

import base64
import hashlib
import hmac
import time
from datetime import timedelta

from eventlet import tpool

from common import uploads
from common.actor import Actor
from common.clock import iso, utcnow
from common.config import setting
from common.errors import Forbidden, NotFound, Unauthenticated
from common.events import (
    Names,
    new_event,
)
from common.rpc import rpc
from common.threads import cpu_bound
from common.validation import parse
from services.identity import store
from services.identity.domain import authority, departments, govid, people, sheets
from services.identity.domain import tokens as domain
from services.identity.domain.designations import Designations
from services.identity.schemas import (
    Activate,
    Activation,
    SheetUpload,
)
from services.identity.service.base import Desk
from services.identity.service.views import (
    sheet_view,
)

GOV_DOMAINS = "up.gov.in,uppolice.gov.in,bihar.gov.in,biharpolice.gov.in,gov.in,nic.in"
GOVID_PATTERN = "{first}.{last}{n}@{domain}"
SHEET_READ_SECONDS = 60  # the longest reading one master data sheet may take


def _read_sheet(content: bytes, filename: str) -> list[dict]:
    """Read an uploaded sheet in a real thread, so logins and ``may_act`` keep being answered,
    and give up (SHEET_TOO_SLOW) if it takes longer than a sheet ever should."""

    def read() -> list[dict]:
        give_up_at = time.monotonic() + SHEET_READ_SECONDS
        return sheets.read_sheet(content, filename, lambda: time.monotonic() > give_up_at)

    return cpu_bound(read)


def _new_activation() -> tuple[str, dict[str, str]]:
    """A one-time activation code for a slip, and what is kept of it: its hash and expiry."""
    code, code_hash = domain.new_activation_code()
    expires = iso(utcnow() + timedelta(days=domain.ACTIVATION_DAYS))
    return code, {"code_hash": code_hash, "expires_at": expires}


def _designations_by_office(
    offices: dict[str, dict], above: list[dict], fallback: tuple[str, ...]
) -> dict[str, Designations]:
    """Each office's department's designations (by office code), one table per department."""
    found = {o["_id"]: o for o in [*above, *offices.values()] if o["level"] == "department"}
    tables = {i: departments.designations_of(d, fallback) for i, d in found.items()}
    without = departments.designations_of(None, fallback)
    return {
        code: next((tables[i] for i in reversed(o["path"]) if i in tables), without)
        for code, o in offices.items()
    }


class OnboardingDesk(Desk):
    def _sheet_rules(self, actor: Actor) -> tuple[sheets.SheetRules, dict[str, dict]]:
        """What a sheet may contain for this actor: the offices (and their posts) under the
        parts of the tree they set up, and each office's department's designations. Returns
        the rules and those offices by code."""
        db = self.storage.db
        scopes = [g.scope for g in actor.grants if g.role in ("nodal_officer", "admin")]
        if not scopes:
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        offices: dict[str, dict] = {}
        above: list[dict] = []  # the departments over a scope sit above it
        for scope in scopes:
            roots = [store.office_by_id(db, scope)] if scope else store.roots(db)
            for root in roots:
                above += store.ancestors(db, root)
                offices.update({o["code"]: o for o in store.subtree(db, root)})
        fallback = self._designations()
        rules = sheets.SheetRules(
            email_domains=frozenset(
                setting(self.config, "EOFFICE_GOV_EMAIL_DOMAINS", GOV_DOMAINS).split(",")
            ),
            designations=fallback,
            roles=frozenset(authority.ROLES) - {"admin"},
            offices=frozenset(offices),
            posts=frozenset(
                p["abbreviation"]
                for o in offices.values()
                for p in store.posts_of_office(db, o["_id"])
            ),
            departments=_designations_by_office(offices, above, fallback),
        )
        return rules, offices

    def _plan(
        self, rows: list[dict], rules: sheets.SheetRules, offices: dict[str, dict]
    ) -> list[sheets.RowPlan]:
        # Checking and planning 20,000 rows takes seconds: in a real thread, off the hub.
        checks = cpu_bound(lambda: [sheets.validate_row(row, rules) for row in rows])
        existing = store.onboarded(
            self.storage.db,
            [c.employee_code for c in checks if c.employee_code],
            [c.values["email"] for c in checks if c.values.get("email")],
            [c.values["post"] for c in checks if c.values.get("post")],
        )
        mine = {o["_id"] for o in offices.values()}
        return cpu_bound(
            sheets.plan,
            checks,
            {code: user["sheet_values"] for code, user in existing.items()},
            outside_scope=[c for c, user in existing.items() if user["office_id"] not in mine],
        )

    @rpc
    def onboarding_template(self) -> str:
        """The master data sheet template (XLSX, base64), headers in Hindi and English."""
        return base64.b64encode(sheets.template_xlsx(list(self._designations()))).decode()

    @rpc
    def onboarding_dry_run(self, actor: dict, upload: dict) -> dict:
        """Read a master data sheet and say, row by row, what applying it would create,
        update, leave unchanged or reject, and why. Nothing about people changes."""
        who = self.trust.actor(actor)
        sheet_upload = parse(SheetUpload, upload)
        content = uploads.decode_base64(sheet_upload.content_b64, "SHEET_NOT_SPREADSHEET")
        rules, offices = self._sheet_rules(who)
        rows = _read_sheet(content, sheet_upload.filename)
        plans = self._plan(rows, rules, offices)
        report = {
            "_id": store.new_id(),
            "filename": sheet_upload.filename,
            "status": "dry_run",
            "uploaded_by": who.user_id,
            "uploaded_at": iso(utcnow()),
            "applied_at": None,
            "summary": sheets.summarise(plans),
            "rows": [p.as_dict() for p in plans],
            "raw_rows": rows,
        }
        store.insert_sheet(self.storage.db, report)
        return sheet_view(report)

    @rpc
    def onboarding_sheet(self, actor: dict, sheet_id: str) -> dict:
        return sheet_view(self._own_sheet(self.trust.actor(actor), sheet_id))

    def _own_sheet(self, actor: Actor, sheet_id: str) -> dict:
        """A sheet the actor uploaded (nobody else's, not even that it exists)."""
        found = store.sheet(self.storage.db, sheet_id)
        if found is None or found["uploaded_by"] != actor.user_id:
            raise NotFound("SHEET_NOT_FOUND")
        return found

    @rpc
    def onboarding_apply(self, actor: dict, sheet_id: str) -> dict:
        """Apply a dry-run sheet: planned again against what is stored now (someone may have
        changed things since), then each good row is created or updated; bad rows change
        nothing. Each row is applied on its own, keyed by employee code, so a run cut off
        half-way and run again ends where one clean run would have."""
        who = self.trust.actor(actor)
        db = self.storage.db
        found = self._own_sheet(who, sheet_id)
        rules, offices = self._sheet_rules(who)
        plans = self._plan(found["raw_rows"], rules, offices)
        taken = store.logins(db)
        activations = []
        for planned in plans:
            if planned.action == "create":
                activation = self._onboard(who, planned, offices, taken)
                if activation:
                    activations.append(activation)
            elif planned.action == "update":
                self._update_onboarded(who, planned, offices)
        applied = {
            "status": "applied",
            "applied_at": iso(utcnow()),
            "rows": [p.as_dict() for p in plans],
            "summary": sheets.summarise(plans),
        }
        store.update_sheet(db, sheet_id, applied)
        return sheet_view({**found, **applied, "activations": activations})

    def _onboard(
        self, actor: Actor, planned: sheets.RowPlan, offices: dict, taken: set[str]
    ) -> dict | None:
        db = self.storage.db
        values = dict(planned.values)
        office = offices[values["office_code"]]
        login_id = values.get("email") or govid.gov_id(
            values["name_en"],
            office["code"],
            setting(self.config, "EOFFICE_GOVID_PATTERN", GOVID_PATTERN),
            taken,
            domain=self._govid_domain(),
        )
        taken.add(login_id)
        code, activation = _new_activation()
        user = people.new_person(
            # From the employee code: a run cut off and run again cannot make them twice.
            "emp-" + hashlib.sha256(planned.employee_code.encode()).hexdigest()[:24],
            login_id,
            Names.of(values),
            office["_id"],
            self._sheet_grants(values, office),
            iso(utcnow()),
            activation=activation,
            employee_code=planned.employee_code,
            sheet_values={**values, "email": login_id},
        )
        event = new_event(people.onboarded_event(user), actor, office["path"])
        # The post first, then the person: a run cut off between the two does both again.
        if values.get("post"):
            self._assign(actor, store.post_by_abbreviation(db, values["post"]), user, "regular")
        if not store.insert_onboarded(db, user, event):
            return None  # made by an earlier, interrupted run: the next plan treats it as stored
        return Activation(
            employee_code=planned.employee_code,
            login=login_id,
            code=code,
            expires_at=activation["expires_at"],
        ).model_dump()

    def _update_onboarded(self, actor: Actor, planned: sheets.RowPlan, offices: dict) -> None:
        db = self.storage.db
        values = planned.values
        (person,) = store.onboarded(db, [planned.employee_code], [], []).values()
        office = offices[values["office_code"]]
        if "post" in planned.changes and values.get("post"):  # before the record that plans read
            self._assign(actor, store.post_by_abbreviation(db, values["post"]), person, "regular")
        store.set_user(
            db,
            person["_id"],
            {
                "name_en": values["name_en"],
                "name_hi": values["name_hi"],
                "office_id": office["_id"],
                "grants": self._sheet_grants(values, office),
                "sheet_values": {**person["sheet_values"], **values},
            },
        )

    def _sheet_grants(self, values: dict, office: dict) -> list[dict]:
        """The grants a sheet's roles give a person, within their office."""
        district = store.district_of(self.storage.db, office)
        return authority.grants_for(values.get("roles") or [], office, district, {})

    @rpc
    def reissue_activation(self, actor: dict, user_id: str) -> dict:
        """A fresh activation code for someone who lost their slip (or forgot their password),
        from whoever sets up their office: the code on the old slip stops working; a password
        they had set keeps working until they use the new code."""
        who = self.trust.actor(actor)
        person, _ = self._person(who, user_id)
        code, activation = _new_activation()
        store.set_user(self.storage.db, user_id, {"activation": activation})
        return Activation(
            employee_code=person.get("employee_code"),
            login=person["username"],
            code=code,
            expires_at=activation["expires_at"],
        ).model_dump()

    @rpc
    def activate(self, request: dict) -> dict:
        """A newly onboarded person sets their password with the one-time code from their slip."""
        new = parse(Activate, request)
        db = self.storage.db
        user = store.user_by_username(db, new.login.strip().lower())
        pending = (user or {}).get("activation")
        if (
            user is None
            or not pending
            or pending["expires_at"] < iso(utcnow())
            or not hmac.compare_digest(pending["code_hash"], domain.activation_code_hash(new.code))
        ):
            raise Unauthenticated("ACTIVATION_INVALID")
        store.set_user(
            db,
            user["_id"],
            {
                "password_hash": tpool.execute(domain.hash_password, new.password),
                "activation": None,
            },
        )
        return {"login": user["username"], "activated": True}
