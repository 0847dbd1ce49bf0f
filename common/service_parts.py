"""What every service has besides its desks: a ``health`` answer and, for those that write
events, the outbox relay. A service class inherits them next to its desks.

Import this module, not its classes: ``nameko run`` starts every class with entrypoints it
finds in a service's module.
"""

from typing import Any, ClassVar

from nameko.timer import timer

from common import outbox
from common.profile import ProductionCheck
from common.rpc import rpc

RELAY_SECONDS = 0.2


class Health:
    """``health``: the service is up and answering on the bus (the supervisor and probes ask)."""

    name: ClassVar[str]
    production_check = ProductionCheck()  # EOFFICE_PROFILE=production: refuse unsafe settings

    @rpc
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "ok": True}


class Outbox:
    """Relays the events written into ``outbox_collections`` (see :mod:`common.outbox`)."""

    outbox_collections: ClassVar[tuple[str, ...]]
    storage: Any  # common.storage.Database
    dispatch: Any  # nameko.events.EventDispatcher
    trust: Any  # common.trust.Trust
    config: Any  # nameko.dependency_providers.Config

    @timer(interval=RELAY_SECONDS)  # type: ignore[untyped-decorator]  # nameko ships no types
    def relay_events(self) -> None:
        # Off only in tests that stop a service between a write and its relay.
        if self.config.get("OUTBOX_RELAY", True) is not False:
            outbox.relay(
                self.storage.db, self.dispatch, self.trust.seal_event, list(self.outbox_collections)
            )
