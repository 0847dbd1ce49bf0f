"""RPC from the gateway's threads to the services.

gunicorn's gthread worker serves each request on a thread of its own; a Nameko standalone proxy
is not thread-safe (shared, it hangs and raises ``UnexpectedFrame``), so each thread keeps its
own long-lived proxy (a fresh one per call would cost ~30 ms of connection setup).

Each call carries the request id of the request it serves (:mod:`common.logs`) in Nameko's
context data, which the service's worker sees and passes on with its own calls, and the moment
the gateway stops waiting for the answer (:mod:`common.deadline`), so the service can stop too.
"""

import contextlib
import threading
from typing import Any

from flask import current_app
from nameko.standalone.rpc import ClusterRpcProxy

from common.deadline import stamp
from common.logs import REQUEST_ID, request_id

LONG_CALL_SECONDS = 300


class Rpc:
    """One RPC client per thread, made on first use."""

    def __init__(self, amqp_uri: str, timeout: float) -> None:
        self._config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self._timeout = timeout
        self._local = threading.local()

    def __getattr__(self, service: str) -> Any:
        if service.startswith("_"):
            raise AttributeError(service)
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            # The proxy reads this dict (its context data) at every call, so it is set per call.
            self._local.data = {}
            self._local.context = ClusterRpcProxy(
                self._config, context_data=self._local.data, timeout=self._timeout
            )
            proxy = self._local.proxy = self._local.context.start()
        self._local.data.pop(REQUEST_ID, None)
        action = request_id()
        if action:
            self._local.data[REQUEST_ID] = action
        stamp(self._local.data, self._timeout)
        return getattr(proxy, service)

    def reset(self) -> None:
        """Drop this thread's proxy (after a broken connection or a timeout, whose late reply
        would otherwise be read as the answer to the next call)."""
        context = getattr(self._local, "context", None)
        self._local.proxy = self._local.context = None
        if context is not None:
            # A broken connection may fail to close; it is dropped either way.
            with contextlib.suppress(Exception):
                context.stop()


def rpc() -> Rpc:
    """This thread's way to the services, for calls a person waits on."""
    return current_app.extensions["rpc"]


def long_rpc() -> Rpc:
    """For the few calls that may take minutes (reading or applying a 10,000-row sheet)."""
    return current_app.extensions["long_rpc"]
