"""RPC from the gateway's threads to the services.

gunicorn's gthread worker serves each request on a thread of its own; a Nameko standalone proxy
is not thread-safe (shared, it hangs and raises ``UnexpectedFrame``), so each thread keeps its
own long-lived proxy (a fresh one per call would cost ~30 ms of connection setup).
"""

import contextlib
import threading
from typing import Any

from flask import current_app
from nameko.standalone.rpc import ClusterRpcProxy

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
            self._local.context = ClusterRpcProxy(self._config, timeout=self._timeout)
            proxy = self._local.proxy = self._local.context.start()
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
