"""When the caller stops waiting for an RPC's answer, so that work nobody waits for stops.

The gateway waits ``EOFFICE_RPC_TIMEOUT`` for an answer and then tells the person the office is
busy; the service would otherwise go on with a long read for no one. So each call carries, in
Nameko's context data next to the request id, the moment its caller gives up (:func:`stamp`),
and a long read asks between its chunks whether that moment has passed (``self.deadline.check()``
in an entrypoint of a service with the :class:`Deadline` dependency). Calls without one (events,
timers) never give up.

The moment is wall-clock milliseconds since the epoch: the gateway and the services share a
clock (one machine, or hosts kept in time by NTP, where a few milliseconds do not matter here).
"""

import math
import time
from collections.abc import Mapping, MutableMapping
from typing import Any

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc

from common.errors import Unavailable

DEADLINE = "deadline"


def _now_ms() -> float:
    return time.time() * 1000


def stamp(data: MutableMapping[str, Any], seconds: float) -> None:
    """Mark a call's context ``data``: its caller waits ``seconds`` from now, no longer."""
    data[DEADLINE] = math.ceil(_now_ms() + seconds * 1000)


class Until:
    """The moment (epoch milliseconds) after which no one waits for this call; None: never."""

    def __init__(self, at_ms: float | None) -> None:
        self.at_ms = at_ms

    def passed(self) -> bool:
        return self.at_ms is not None and _now_ms() >= self.at_ms

    def check(self) -> None:
        """Refuse (``DEADLINE_PASSED``, 503) once the caller has stopped waiting."""
        if self.passed():
            raise Unavailable("DEADLINE_PASSED")


def of(data: Mapping[str, Any]) -> Until:
    """The deadline carried in a call's context ``data``; anything but a finite number is none
    (the headers come from whoever can publish on the broker)."""
    at = data.get(DEADLINE)
    valid = isinstance(at, int | float) and not isinstance(at, bool) and math.isfinite(at)
    return Until(at if valid else None)


class Deadline(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """``self.deadline``: the current call's :class:`Until`. Only an RPC has one: an event
    published by a worker carries that worker's context data, deadline included, to handlers
    no one waits on."""

    def get_dependency(self, worker_ctx: WorkerContext) -> Until:
        return of(worker_ctx.data) if isinstance(worker_ctx.entrypoint, Rpc) else Until(None)
