"""What every notify desk shares: raising notices (each stored once) and planning their
deliveries by email and SMS for the people they reach, as each chose."""

from typing import Any

import structlog
from pydantic import ValidationError

from common.clock import iso, utcnow
from common.config import setting
from common.errors import Unauthenticated
from common.events import Event
from common.storage import Storage
from common.trust import Trusted
from services.notify import store
from services.notify.channels import sms
from services.notify.domain import delivery
from services.notify.domain.delivery import Preferences

log = structlog.get_logger()
# The envelope's version notify reads; a newer one is kept aside until notify learns it.
EVENT_VERSION = 1


def preferences_of(person: dict[str, Any] | None) -> Preferences:
    """A person's stored choices (the defaults where they chose nothing)."""
    fields = Preferences.model_fields
    return Preferences.model_validate({k: v for k, v in (person or {}).items() if k in fields})


class Desk:
    storage: Storage
    trust: Trusted
    config: dict[str, Any]
    files: Any
    identity: Any

    def _setting(self, key: str, default: str) -> str:
        return setting(self.config, key, default)

    def _public_url(self) -> str:
        return self._setting("EOFFICE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

    def _channels(self) -> tuple[str, ...]:
        """The channels this office can send by (SMS only with a gateway configured)."""
        return delivery.CHANNELS if sms.SmsGateway.from_config(self.config) else ("email",)

    def _event(self, raw: object) -> Event | None:
        """The event, its proof checked (a forged one is refused: the error propagates). One
        notify cannot read — a newer version, a payload it does not know — is kept aside with
        the reason, never lost and never fatal to the handler; None then."""
        reason = None
        try:
            event = self.trust.event(raw)
            if event.v != EVENT_VERSION:
                reason = "version_unknown"
            else:
                event.body()
        except Unauthenticated as exc:
            if exc.code != "EVENT_MALFORMED":
                raise
            reason = "malformed"
        except ValidationError:
            reason = "payload_unknown"
        if reason is None:
            return event
        assert isinstance(raw, dict)  # its proof was read from it
        store.keep_unread(self.storage.db, raw, reason, iso(utcnow()))
        log.warning("event.kept_unread", reason=reason, event_type=raw.get("type"))
        return None

    def _raise(self, notices: list[dict[str, Any]], holders: dict[str, str] | None = None) -> None:
        """Store each notice once and plan its deliveries. ``holders`` (post -> person) when
        the caller already knows them (a circular); else notify's own record of who holds
        each post (kept from identity's events)."""
        db = self.storage.db
        if len(notices) == 1:
            store.add_notice(db, notices[0])
        else:
            store.add_notices(db, notices)
        self._plan(notices, holders)

    def _plan(self, notices: list[dict[str, Any]], holders: dict[str, str] | None) -> None:
        db = self.storage.db
        wanted: dict[str, bool] = {}
        for n in notices:
            if n["kind"] not in wanted:
                wanted[n["kind"]] = n["kind"] in delivery.EMAILED_BY_DEFAULT or store.anyone_wants(
                    db, n["kind"]
                )
        outgoing = [n for n in notices if wanted[n["kind"]]]
        if not outgoing:
            return
        posts = {n["post_id"] for n in outgoing if n["post_id"]}
        held = holders if holders is not None else store.holders(db, posts)
        to = {n["_id"]: n["user_id"] or held.get(n["post_id"]) for n in outgoing}
        people = store.people(db, {u for u in to.values() if u})
        channels, now = self._channels(), utcnow()
        planned = []
        for n in outgoing:
            user = to[n["_id"]]
            if not user:
                continue  # a vacant post: the notice waits in the office for its next holder
            person = people.get(user)
            prefs = preferences_of(person)
            for channel in delivery.channels_for(prefs, n["kind"], n["post_id"] is not None):
                address = prefs.email if channel == "email" else prefs.mobile
                if channel in channels and address:
                    planned.append(delivery.planned(n, user, channel, prefs, now))
        store.plan(db, planned)
