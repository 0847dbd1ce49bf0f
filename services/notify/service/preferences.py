"""Preferences: which notices reach a person by email or SMS, their addresses and language,
quiet hours and the daily digest. A new person's addresses come from their onboarding sheet."""

from typing import Any

from nameko.events import SERVICE_POOL, event_handler

from common.errors import Refused
from common.events import PersonOnboarded
from common.rpc import rpc
from common.validation import parse
from services.notify import store
from services.notify.domain import delivery
from services.notify.domain.delivery import Preferences
from services.notify.domain.notices import KINDS
from services.notify.schemas import PreferencesAnswer
from services.notify.service.base import Desk, preferences_of


class PreferenceDesk(Desk):
    @event_handler(
        "identity", "person.onboarded", handler_type=SERVICE_POOL, reliable_delivery=True
    )
    def on_person_onboarded(self, raw: dict[str, Any]) -> None:
        event = self._event(raw)
        if event is None:
            return
        body = event.body()
        assert isinstance(body, PersonOnboarded)
        store.first_contacts(self.storage.db, body.user_id, body.email, body.mobile)

    @rpc
    def preferences(self, actor: dict[str, Any]) -> dict[str, Any]:
        """The actor's choices, every kind's channels spelt out (defaults included)."""
        who = self.trust.actor(actor)
        return self._answer(preferences_of(store.person(self.storage.db, who.user_id)))

    @rpc
    def set_preferences(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """Save the actor's choices. An address that cannot be written to is refused here, so
        it never reaches a delivery."""
        who = self.trust.actor(actor)
        prefs = parse(Preferences, request)
        for channel, address in (("email", prefs.email), ("sms", prefs.mobile)):
            problem = address and delivery.address_problem(channel, address)
            if problem:
                raise Refused(problem, {"address": address})
        if "sms" in {c for chosen in prefs.channels.values() for c in chosen} and (
            "sms" not in self._channels()
        ):
            raise Refused("SMS_NOT_CONFIGURED")
        kept = prefs.model_dump(mode="json")
        store.save_person(self.storage.db, who.user_id, kept, delivery.wanted(prefs))
        return self._answer(prefs)

    def _answer(self, prefs: Preferences) -> dict[str, Any]:
        return PreferencesAnswer.model_validate(
            {
                **prefs.model_dump(mode="json"),
                "channels": {kind: delivery.channels_for(prefs, kind, False) for kind in KINDS},
                "kinds": list(KINDS),
                "available_channels": list(self._channels()),
            }
        ).model_dump(mode="json")
