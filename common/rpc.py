"""The ``@rpc`` entrypoint every service uses: Nameko's, dropping a request nobody can answer.

Nameko answers every request on its ``reply_to``; a message published without one (anything
that can publish on the RPC exchange can send it) made the answer fail inside the container,
which then stopped, and the unanswered message was delivered again to the restarted service:
one publish kept a service down. Such a message is now dropped, and said so in the log.

Every entrypoint also honours an idempotency key the gateway put in the caller's credential
(:mod:`common.idempotency`): the call is applied once per person, method and key.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from nameko.exceptions import IncorrectSignature
from nameko.rpc import Rpc, RpcConsumer

from common import idempotency

log = structlog.get_logger()
F = TypeVar("F", bound=Callable[..., Any])


class AnsweringRpcConsumer(RpcConsumer):  # type: ignore[misc]  # nameko ships no types
    def handle_message(self, body: Any, message: Any) -> None:
        properties = message.properties
        if not properties.get("reply_to") or not properties.get("correlation_id"):
            log.warning(
                "rpc.unanswerable_request_dropped",
                routing_key=message.delivery_info.get("routing_key"),
            )
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)


class AnsweringRpc(Rpc):  # type: ignore[misc]  # nameko ships no types
    rpc_consumer = AnsweringRpcConsumer()


def rpc(method: F) -> F:
    """Make a service method an RPC entrypoint (Nameko's ``@rpc``, answering as above), applied
    once per idempotency key."""

    # Nameko checks a call against the method it runs: this one's, not the wrapper's. Its
    # signature is read once here, not at every call (inspect.getcallargs did: ~3x the time).
    signature = inspect.signature(method)

    @functools.wraps(method)
    def applied_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None
        asked = idempotency.requested(args[0] if args else kwargs.get("actor"))
        if asked is None:
            return method(self, *args, **kwargs)
        who = self.trust.actor(args[0] if args else kwargs["actor"])
        record = f"{who.user_id}:{self.name}.{method.__name__}:{asked['key']}"
        # The credential itself (a token that is renewed) is not part of what is compared.
        others = {k: v for k, v in kwargs.items() if k != "actor"}
        same = idempotency.fingerprint(asked["request"], args[1:], others)
        return idempotency.once(
            self.storage.db, record, same, lambda: method(self, *args, **kwargs)
        )

    entrypoint: F = AnsweringRpc.decorator(applied_once)
    return entrypoint
