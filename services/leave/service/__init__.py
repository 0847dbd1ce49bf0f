"""Leave: applications by kind and department's rules, routed up the applicant's post chain,
recommended, returned, rejected or sanctioned, cancelled or cut short; each person's balance
from their ledger; the medical certificates applicants upload; an office's calendar of who is
away and its leave register. This class only gathers the desks and declares what they use."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from common import service_parts
from common.storage import Database
from common.trust import Trust
from services.leave import store

# Modules, not their classes: `nameko run` takes every class with entrypoints it finds here.
from services.leave.service import (
    applying,
    certificates,
    deciding,
    following,
    joining,
    office_view,
    opening,
)


class LeaveService(
    applying.ApplyingDesk,
    certificates.CertificatesDesk,
    deciding.DecidingDesk,
    following.FollowingDesk,
    office_view.OfficeViewDesk,
    joining.JoiningDesk,
    opening.OpeningDesk,
    service_parts.Health,
    service_parts.Idempotency,
    service_parts.Outbox,
):
    name = "leave"
    outbox_collections = store.OUTBOX_COLLECTIONS

    storage = Database(indexes=store.ensure_indexes)
    identity = RpcProxy("identity")
    signing = RpcProxy("signing")
    trust = Trust()
    config = Config()
