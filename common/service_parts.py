"""What every service has besides its desks: a ``health`` answer, its metrics and log context
(:mod:`common.metrics`) and, for those that write events, the outbox relay. A service class
inherits them next to its desks.

Import this module, not its classes: ``nameko run`` starts every class with entrypoints it
finds in a service's module.
"""

import contextlib
import time
from typing import Any, ClassVar

from kombu import Connection
from nameko import events
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.containers import WorkerContext
from nameko.timer import timer

from common import idempotency, outbox
from common.logs import REQUEST_ID
from common.metrics import OUTBOX_EVENTS, OUTBOX_OLDEST_SECONDS, Metrics
from common.profile import ProductionCheck
from common.rpc import rpc

RELAY_SECONDS = 0.2
MEASURE_SECONDS = 5.0
# When each service last measured its outbox (Nameko makes a service instance per worker).
_measured_at: dict[str, float] = {}


IDEMPOTENCY_PURGE_SECONDS = 3600


class Idempotency:
    """Forgets, hourly, the answers kept for idempotency keys once no retry can come
    (:mod:`common.idempotency`)."""

    storage: Any

    @timer(interval=IDEMPOTENCY_PURGE_SECONDS, eager=True)  # type: ignore[untyped-decorator]
    def forget_old_idempotency_keys(self) -> None:
        idempotency.ensure_indexes(self.storage.db)
        idempotency.forget_old(self.storage.db)


class Health:
    """``health``: the service is up and answering on the bus (the supervisor and probes ask)."""

    name: ClassVar[str]
    production_check = ProductionCheck()  # EOFFICE_PROFILE=production: refuse unsafe settings
    metrics = Metrics()

    @rpc
    def health(self) -> dict[str, Any]:
        return {"service": self.name, "ok": True}


class EventBatches(events.EventDispatcher):  # type: ignore[misc]  # nameko ships no types
    """Publishes the relay's batches (:func:`common.outbox.relay`), each in one AMQP transaction
    (:func:`common.outbox.publish_batch`), as Nameko's ``EventDispatcher`` would publish each
    event: to this service's events exchange, with the container's serializer and the worker's
    headers, and the request id of the action that caused it as one more (Nameko gives it to
    the consumer as context data)."""

    def get_dependency(self, worker_ctx: WorkerContext) -> outbox.Publish:
        worker_headers: dict[str, Any] = self.get_message_headers(worker_ctx)
        request_id_header = self._get_header_name(REQUEST_ID)

        def headers(event: outbox.Outgoing) -> dict[str, Any]:
            if not event.request_id:
                return worker_headers
            return {**worker_headers, request_id_header: event.request_id}

        def publish(batch: list[outbox.Outgoing]) -> None:
            serializer = self.publisher.serializer  # Nameko's, made at setup
            try:
                outbox.publish_batch(self._own(), self.exchange, batch, headers, serializer)
            except BaseException:
                self._drop()  # cut off mid-transaction (a kill, a broken link): start afresh
                raise

        return publish

    # The relay has a connection of its own, not one of Nameko's pooled ones shared by every
    # container of the process: a batch cut off mid-transaction (its worker killed) must not
    # leave a half-closed connection in the pool for another container's publisher to pick up.
    # Relays of one container run one at a time (a timer waits for its worker), so one is enough.
    _connection: Connection | None = None

    def _own(self) -> Connection:
        if self._connection is None:
            core = self.publisher
            self._connection = Connection(  # type: ignore[no-untyped-call]
                core.amqp_uri,
                ssl=core.ssl,
                login_method=core.login_method,
                transport_options=DEFAULT_TRANSPORT_OPTIONS.copy(),
            )
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to release
                connection.release()  # type: ignore[no-untyped-call]

    def stop(self) -> None:
        self._drop()
        super().stop()

    def kill(self) -> None:
        self._drop()
        super().kill()


class Outbox:
    """Relays the events written into ``outbox_collections`` (see :mod:`common.outbox`) and
    measures what still waits."""

    name: ClassVar[str]
    outbox_collections: ClassVar[tuple[str, ...]]
    relay_publish = EventBatches()
    storage: Any  # common.storage.Database
    trust: Any  # common.trust.Trust
    config: Any  # nameko.dependency_providers.Config

    @timer(interval=RELAY_SECONDS)  # type: ignore[untyped-decorator]  # nameko ships no types
    def relay_events(self) -> None:
        collections = list(self.outbox_collections)
        # Off only in tests that stop a service between a write and its relay.
        if self.config.get("OUTBOX_RELAY", True) is not False:
            outbox.relay(self.storage.db, self.relay_publish, self.trust.seal_event, collections)
        # The depth is read back at most once every MEASURE_SECONDS, not after every relay:
        # that would double the relay's reads five times a second for a gauge scraped rarely.
        if time.monotonic() - _measured_at.get(self.name, 0.0) >= MEASURE_SECONDS:
            _measured_at[self.name] = time.monotonic()
            waiting, oldest = outbox.pending(self.storage.db, collections)
            OUTBOX_EVENTS.labels(self.name).set(waiting)
            OUTBOX_OLDEST_SECONDS.labels(self.name).set(oldest)
