"""Identity: the office tree, posts and who holds them, people, login and tokens, VPN accounts,
DSC enrolment and onboarding from the master data sheet. Its entrypoints are grouped by desk;
this class only gathers them and declares what they use."""

from collections.abc import Callable
from typing import Any, cast

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from common import service_parts
from common.secrets_at_rest import SecretBox, SecretsAtRest, secrets_key
from common.storage import Database
from common.trust import Trust
from services.identity import store

# Modules, not their classes: `nameko run` takes every class with entrypoints it finds here
# for a service of its own.
from services.identity.service import (
    calendar,
    dsc,
    login,
    offices,
    on_leave,
    onboarding,
    people,
    posts,
    tokens,
    vpn,
)


def _own_keys(service: object) -> tuple[Callable[[], dict[str, str]], Callable[[], dict]]:
    """Identity verifies tokens with the keys and revocations in its own store (``service`` is
    the IdentityService instance, whose token desk reads them)."""
    desk = cast(tokens.TokenDesk, service)
    return desk._verifying_keys, desk._revocations


def _seal_old_secrets(db: Any, config: dict[str, Any]) -> None:
    store.seal_plaintext_secrets(db, SecretBox(secrets_key(config)))


class IdentityService(
    login.LoginDesk,
    tokens.TokenDesk,
    offices.OfficeDesk,
    posts.PostDesk,
    people.PeopleDesk,
    onboarding.OnboardingDesk,
    vpn.VpnDesk,
    dsc.DscDesk,
    calendar.CalendarDesk,
    on_leave.OnLeaveDesk,
    service_parts.Health,
    service_parts.Idempotency,
    service_parts.Outbox,
):
    name = "identity"
    outbox_collections = tuple(store.OUTBOX_COLLECTIONS)

    storage = Database(indexes=store.ensure_indexes, migrate=_seal_old_secrets)
    secrets = SecretsAtRest()
    signing = RpcProxy("signing")
    config = Config()
    trust = Trust(local=_own_keys)
