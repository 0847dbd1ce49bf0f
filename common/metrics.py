"""What an operator watches: Prometheus metrics on ``/metrics`` and a liveness answer on
``/healthz``, served on ``EOFFICE_METRICS_PORT`` (bound to ``EOFFICE_METRICS_HOST``, default
127.0.0.1) by every process; unset, no metrics server. The gateway's public port never serves
them.

Every service has :class:`Metrics` (through ``common.service_parts.Health``): it sees each
entrypoint call, counts and times RPCs by method and events consumed or failed by type, and
gives the call's log lines its request id (from Nameko's context data, which the gateway sets
and Nameko passes on with nested RPCs and our relay with events).
"""

import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import make_server

import structlog
from nameko.containers import WorkerContext
from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST, ThreadingWSGIServer, _SilentHandler
from prometheus_client.registry import Collector

from common import logs
from common.config import Settings, setting

log = structlog.get_logger()

# Seconds: a health answer takes milliseconds, a signature or a note sheet seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

RPC_CALLS = Counter(
    "eoffice_rpc_calls", "RPC calls a service answered", ["service", "method", "outcome"]
)
RPC_SECONDS = Histogram(
    "eoffice_rpc_seconds", "Time a service took to answer an RPC", ["service", "method"],
    buckets=LATENCY_BUCKETS,
)  # fmt: skip
EVENTS_CONSUMED = Counter(
    "eoffice_events_consumed", "Events a service handled", ["service", "event"]
)
EVENTS_FAILED = Counter(
    "eoffice_events_failed",
    "Events whose handler failed (delivered again: the broker keeps them)",
    ["service", "event"],
)
OUTBOX_EVENTS = Gauge(
    "eoffice_outbox_events", "Events written but not yet relayed to the broker", ["service"]
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "eoffice_outbox_oldest_seconds", "How long the oldest unrelayed event has waited", ["service"]
)
LOGIN_FAILURES = Counter(
    "eoffice_login_failures", "Logins and re-authentications refused", ["reason"]
)
SIGNING_SECONDS = Histogram(
    "eoffice_signing_seconds", "Time taken by a signing step", ["step"], buckets=LATENCY_BUCKETS
)
HTTP_REQUESTS = Counter(
    "eoffice_http_requests", "Requests the gateway answered", ["route", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "eoffice_http_request_seconds", "Time the gateway took to answer", ["route", "method"],
    buckets=LATENCY_BUCKETS,
)  # fmt: skip

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def metrics_app(registry: Collector, alive: Callable[[], bool]) -> WsgiApp:
    """``/metrics`` from ``registry``, ``/healthz`` (200 while ``alive()``), nothing else."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            body, status = generate_latest(registry), "200 OK"
            start_response(status, [("Content-Type", CONTENT_TYPE_LATEST)])
            return [body]
        if path == "/healthz":
            up = alive()
            start_response(
                "200 OK" if up else "503 Service Unavailable",
                [("Content-Type", "application/json")],
            )
            return [b'{"ok": true}' if up else b'{"ok": false}']
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return app


class MetricsServer:
    """The metrics port: a small threaded HTTP server (green threads under Nameko)."""

    def __init__(
        self,
        host: str,
        port: int,
        registry: Collector = REGISTRY,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self._server = make_server(
            host,
            port,
            metrics_app(registry, alive or (lambda: True)),
            ThreadingWSGIServer,
            handler_class=_SilentHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def metrics_address(config: Settings | None = None) -> tuple[str, int] | None:
    """Where this process serves its metrics (``EOFFICE_METRICS_HOST``, ``EOFFICE_METRICS_PORT``),
    or None if it does not."""
    port = str(setting(config, "EOFFICE_METRICS_PORT") or "").strip()
    if not port:
        return None
    return str(setting(config, "EOFFICE_METRICS_HOST", "127.0.0.1")), int(port)


class Metrics(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """Counts and times every entrypoint call of its service, binds the call's request id for
    its log lines, and serves the metrics port while the service runs."""

    def __init__(self) -> None:
        self._started: weakref.WeakKeyDictionary[WorkerContext, float] = weakref.WeakKeyDictionary()
        self._server: MetricsServer | None = None

    def setup(self) -> None:
        logs.configure()

    def start(self) -> None:
        address = metrics_address(self.container.config)
        if address and self._server is None:
            self._server = MetricsServer(*address, alive=lambda: bool(self.container.started))

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def kill(self) -> None:
        self.stop()

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        logs.bind_request_id(logs.valid_request_id(worker_ctx.data.get(logs.REQUEST_ID)))
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(
        self, worker_ctx: WorkerContext, result: object = None, exc_info: object = None
    ) -> None:
        """Count and time an RPC or an event handled (timers, such as the relay every 0.2 s,
        are neither), with a log line that follows the request id."""
        seconds = time.perf_counter() - self._started.pop(worker_ctx, time.perf_counter())
        service, entrypoint = self.container.service_name, worker_ctx.entrypoint
        outcome, ms = ("error" if exc_info else "ok"), round(seconds * 1000, 1)
        if isinstance(entrypoint, Rpc):
            method = entrypoint.method_name
            RPC_CALLS.labels(service, method, outcome).inc()
            RPC_SECONDS.labels(service, method).observe(seconds)
            log.info("rpc.answered", service=service, method=method, outcome=outcome, ms=ms)
        elif isinstance(entrypoint, EventHandler):
            event = f"{entrypoint.source_service}.{entrypoint.event_type}"
            (EVENTS_FAILED if exc_info else EVENTS_CONSUMED).labels(service, event).inc()
            log.info("event.handled", service=service, type=event, outcome=outcome, ms=ms)

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        logs.bind_request_id(None)
