"""RPC from the gateway's threads to the services.

gunicorn's gthread worker serves each request on a thread of its own; a Nameko standalone proxy
is not thread-safe (shared, it hangs and raises ``UnexpectedFrame``), so each thread keeps its
own long-lived proxy (a fresh one per call would cost ~30 ms of connection setup).
"""

import contextlib
import threading

from nameko.standalone.rpc import ClusterRpcProxy


class Rpc:
    def __init__(self, amqp_uri: str, timeout: float):
        self._config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self._timeout = timeout
        self._local = threading.local()

    def __getattr__(self, service: str):
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
