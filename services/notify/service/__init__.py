"""Notify: notices in the office (work reaching a desk, the seven-working-day rule's stages,
reminders, what concerns a person), their delivery by email and SMS as each person chose, the
daily digest, a circular's fan-out, and issued letters dispatched by email. This class only
gathers the desks and declares what they use."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from common import service_parts
from common.storage import Database
from common.trust import Trust
from services.notify import store

# Modules, not their classes: `nameko run` takes every class with entrypoints it finds here.
from services.notify.service import circulars, deliveries, notices, preferences


class NotifyService(
    notices.NoticeDesk,
    deliveries.DeliveryDesk,
    preferences.PreferenceDesk,
    circulars.CircularDesk,
    service_parts.Health,
    service_parts.Idempotency,
):
    name = "notify"

    storage = Database(indexes=store.ensure_indexes)
    files = RpcProxy("files")
    identity = RpcProxy("identity")
    trust = Trust()
    config = Config()
