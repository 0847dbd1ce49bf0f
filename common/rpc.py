"""The ``@rpc`` entrypoint every service uses: Nameko's, dropping a request nobody can answer.

Nameko answers every request on its ``reply_to``; a message published without one (anything
that can publish on the RPC exchange can send it) made the answer fail inside the container,
which then stopped, and the unanswered message was delivered again to the restarted service:
one publish kept a service down. Such a message is now dropped, and said so in the log.
"""

from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from nameko.rpc import Rpc, RpcConsumer

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
    """Make a service method an RPC entrypoint (Nameko's ``@rpc``, answering as above)."""
    entrypoint: F = AnsweringRpc.decorator(method)
    return entrypoint
