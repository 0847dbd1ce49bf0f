"""The ``@rpc`` entrypoint every service uses: Nameko's, dropping a request nobody can answer.

Nameko answers every request on its ``reply_to``; a message published without one (anything
that can publish on the RPC exchange can send it) made the answer fail inside the container,
which then stopped, and the unanswered message was delivered again to the restarted service:
one publish kept a service down. Such a message is now dropped, and said so in the log.
"""

import structlog
from nameko.rpc import Rpc, RpcConsumer

log = structlog.get_logger()


class AnsweringRpcConsumer(RpcConsumer):
    def handle_message(self, body, message):
        properties = message.properties
        if not properties.get("reply_to") or not properties.get("correlation_id"):
            log.warning(
                "rpc.unanswerable_request_dropped",
                routing_key=message.delivery_info.get("routing_key"),
            )
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)


class AnsweringRpc(Rpc):
    rpc_consumer = AnsweringRpcConsumer()


rpc = AnsweringRpc.decorator
