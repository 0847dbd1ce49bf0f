"""The production profile: a process refuses to start on settings only one machine can live with.

Every setting has a default that makes ``make run`` work on one machine with nothing configured:
keys made on the fly under ``EOFFICE_DATA_DIR``, the embedded store, RabbitMQ's guest user on
127.0.0.1, a demo seal, letters whose QR code points at ``http://127.0.0.1:8000``. A state
deployment left at any of those silently misbehaves (sessions that break between pods, keys that
die with a pod, letters whose QR code nobody can open). With ``EOFFICE_PROFILE=production`` each
service and the gateway check their settings before serving anything and refuse to start,
naming every setting left at such a default and why, in one message for the operator's log.

``EOFFICE_PROFILE=local`` (the default) checks nothing: today's behaviour.
"""

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nameko.extensions import DependencyProvider

PROFILES = ("local", "production")
SERVICES = ("identity", "files", "signing", "notify", "reports", "leave")
ROLES = (*SERVICES, "gateway")

# The processes that read each setting a rule is about (a rule checks only where it matters).
PUBLIC_URL_READERS = ("gateway", "files", "notify")
SECRETS_READERS = ("identity",)
DSC_READERS = ("identity", "signing")


@dataclass(frozen=True)
class Problem:
    """One setting left at a one-machine default, and why a deployment cannot keep it."""

    setting: str
    reason: str


class UnsafeForProduction(RuntimeError):
    """The production profile found settings left at their one-machine defaults."""


Lookup = Callable[[str], str]


def _lookup(settings: Mapping[str, Any], environ: Mapping[str, str]) -> Lookup:
    """A setting as the processes read it: Nameko's config first, else the environment."""

    def value(key: str) -> str:
        configured = settings.get(key)
        if configured in (None, ""):
            configured = environ.get(key, "")
        return str(configured).strip()

    return value


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hosts(uri: str) -> list[str]:
    """The hosts a URI names; MongoDB's may name several (``h1:27017,h2:27017``)."""
    netloc = uri.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]
    hosts = netloc.rsplit("@", 1)[-1]
    found = []
    for host in hosts.split(","):
        if host.startswith("["):  # [::1]:27017
            found.append(host[1 : host.find("]")])
        else:
            found.append(host.rsplit(":", 1)[0] if host.count(":") == 1 else host)
    return found


def _amqp(value: Lookup, role: str) -> list[Problem]:
    uri = value("AMQP_URI")
    if not uri:
        return [Problem("AMQP_URI", "unset: RabbitMQ's guest user on 127.0.0.1 would be used")]
    reasons = []
    if urlsplit(uri).username in (None, "", "guest"):
        reasons.append(
            "connects as RabbitMQ's guest user, whose password everybody knows; "
            f"give {role} a broker user of its own"
        )
    if any(_is_loopback(h) for h in _hosts(uri)):
        reasons.append("points at this machine (loopback), not the RabbitMQ cluster")
    return [Problem("AMQP_URI", "; ".join(reasons))] if reasons else []


def _mongodb(value: Lookup, role: str) -> list[Problem]:
    uri = value("MONGODB_URI")
    if not uri:
        return [
            Problem(
                "MONGODB_URI",
                "unset: the embedded store would keep this service's data on the pod's own disk, "
                "for one process only; give the MongoDB replica set",
            )
        ]
    if any(_is_loopback(h) for h in _hosts(uri)):
        return [Problem("MONGODB_URI", "points at this machine (loopback), not the replica set")]
    return []


def _secrets_key(value: Lookup, role: str) -> list[Problem]:
    if value("EOFFICE_SECRETS_KEY") or value("EOFFICE_SECRETS_KEY_FILE"):
        return []
    return [
        Problem(
            "EOFFICE_SECRETS_KEY",
            "neither it nor EOFFICE_SECRETS_KEY_FILE is set: the key sealing token signing keys "
            "and TOTP secrets would be made on this pod's disk and die with it",
        )
    ]


def _principal_keys(value: Lookup, role: str) -> list[Problem]:
    problems = []
    if not value("EOFFICE_PRINCIPAL_KEY_FILE"):
        problems.append(
            Problem(
                "EOFFICE_PRINCIPAL_KEY_FILE",
                f"unset: {role}'s own signing key would be made on the fly under "
                "EOFFICE_DATA_DIR/keys, a different one in every pod; mount it from a Secret",
            )
        )
    if not value("EOFFICE_PRINCIPAL_KEYS_DIR"):
        problems.append(
            Problem(
                "EOFFICE_PRINCIPAL_KEYS_DIR",
                "unset: the other services' public keys would be looked for under "
                "EOFFICE_DATA_DIR/keys, where no other pod puts them; events would be refused",
            )
        )
    return problems


def _public_url(value: Lookup, role: str) -> list[Problem]:
    url = value("EOFFICE_PUBLIC_URL")
    if not url:
        return [
            Problem(
                "EOFFICE_PUBLIC_URL",
                "unset: letters would carry a QR code to http://127.0.0.1:8000/verify/..., "
                "which nobody who receives them can open",
            )
        ]
    parts = urlsplit(url)
    if _is_loopback(parts.hostname or ""):
        return [Problem("EOFFICE_PUBLIC_URL", f"{url} is this machine (loopback), not the office")]
    if parts.scheme != "https":
        return [
            Problem(
                "EOFFICE_PUBLIC_URL",
                f"{url} is not https: links on letters and mails would go in clear text",
            )
        ]
    return []


def _gateway(value: Lookup, role: str) -> list[Problem]:
    problems = []
    if not value("EOFFICE_SECRET_KEY"):
        problems.append(
            Problem(
                "EOFFICE_SECRET_KEY",
                "unset: the session cookie's key would be made on this pod's disk, a different "
                "one in every pod, and people logged out whenever another pod answers",
            )
        )
    storage = value("EOFFICE_RATE_LIMIT_STORAGE") or "memory://"
    if storage.startswith("memory://"):
        problems.append(
            Problem(
                "EOFFICE_RATE_LIMIT_STORAGE",
                f"{storage}: each gunicorn process of each pod would count its own rate limits, "
                "so every budget is multiplied by their number; give a shared mongodb:// store",
            )
        )
    if _is_loopback(value("EOFFICE_HOST") or "127.0.0.1"):
        problems.append(
            Problem(
                "EOFFICE_HOST",
                "unset or loopback: the gateway would listen on 127.0.0.1, unreachable from the "
                "ingress; set 0.0.0.0",
            )
        )
    if value("EOFFICE_SECURE_COOKIES") == "0":
        problems.append(
            Problem("EOFFICE_SECURE_COOKIES", "0: session cookies would be sent without TLS")
        )
    return problems


def _seal(value: Lookup, role: str) -> list[Problem]:
    files = ("EOFFICE_SEAL_KEY_FILE", "EOFFICE_SEAL_CERT_FILE", "EOFFICE_SEAL_PASSWORD")
    missing = [key for key in files if not value(key)]
    if missing:
        return [
            Problem(
                key,
                "unset: the office seal is not configured, so paper-signed scans cannot be "
                "sealed (SEAL_NOT_CONFIGURED)",
            )
            for key in missing
        ]
    demo = Path(value("EOFFICE_DATA_DIR") or "./var").resolve() / "pki"
    return [
        Problem(key, f"{value(key)} is the demo PKI `make run` made under {demo}")
        for key in ("EOFFICE_SEAL_KEY_FILE", "EOFFICE_SEAL_CERT_FILE", "EOFFICE_SEAL_TRUST_ROOTS")
        if value(key) and Path(value(key)).resolve().is_relative_to(demo)
    ]


def _dsc_roots(value: Lookup, role: str) -> list[Problem]:
    if not value("EOFFICE_DSC_TRUST_ROOTS"):
        return [
            Problem(
                "EOFFICE_DSC_TRUST_ROOTS",
                "unset: no officer's DSC is trusted (the CCA India roots), so none can be "
                "enrolled or verified and no letter can be signed",
            )
        ]
    demo = Path(value("EOFFICE_DATA_DIR") or "./var").resolve() / "pki"
    return [
        Problem(
            key,
            f"{value(key)} is the demo PKI `make run` made under {demo}: DSCs it issues "
            "would be trusted",
        )
        for key in ("EOFFICE_DSC_TRUST_ROOTS", "EOFFICE_DSC_INTERMEDIATES")
        if value(key) and Path(value(key)).resolve().is_relative_to(demo)
    ]


def _vpn(value: Lookup, role: str) -> list[Problem]:
    problems = []
    if not value("EOFFICE_VPN_SERVER_PUBLIC_KEY"):
        problems.append(
            Problem(
                "EOFFICE_VPN_SERVER_PUBLIC_KEY",
                "unset: people's VPN configs would carry the demo placeholder key",
            )
        )
    if not value("EOFFICE_VPN_ENDPOINT"):
        problems.append(
            Problem(
                "EOFFICE_VPN_ENDPOINT",
                "unset: people's VPN configs would point at vpn.eoffice.invalid:51820",
            )
        )
    return problems


def _mail(value: Lookup, role: str) -> list[Problem]:
    problems = []
    if _is_loopback(value("EOFFICE_SMTP_HOST") or "127.0.0.1"):
        problems.append(
            Problem(
                "EOFFICE_SMTP_HOST",
                "unset or loopback: letters dispatched by email would go to a mail server on "
                "the pod itself, where there is none",
            )
        )
    sender = value("EOFFICE_MAIL_FROM") or "e-office@localhost"
    if sender.lower().endswith("@localhost"):
        problems.append(
            Problem("EOFFICE_MAIL_FROM", f"{sender}: no mail server accepts a sender at localhost")
        )
    return problems


Rule = Callable[[Lookup, str], list[Problem]]

# Each rule, and the roles it applies to.
RULES: tuple[tuple[Rule, tuple[str, ...]], ...] = (
    (_amqp, ROLES),
    (_mongodb, SERVICES),
    (_principal_keys, SERVICES),
    (_secrets_key, SECRETS_READERS),
    (_public_url, PUBLIC_URL_READERS),
    (_gateway, ("gateway",)),
    (_seal, ("signing",)),
    (_dsc_roots, DSC_READERS),
    (_vpn, ("identity",)),
    (_mail, ("notify",)),
)


def unsafe_settings(
    settings: Mapping[str, Any], environ: Mapping[str, str], role: str
) -> list[Problem]:
    """Every setting ``role`` (``gateway`` or a service's name) reads that is left at a
    one-machine default, whatever the profile. ``settings`` is Nameko's config (the gateway
    has none: ``{}``); a setting missing there is read from ``environ``."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    value = _lookup(settings, environ)
    return [problem for rule, roles in RULES if role in roles for problem in rule(value, role)]


def refuse_unsafe_start(settings: Mapping[str, Any], environ: Mapping[str, str], role: str) -> None:
    """Raise UnsafeForProduction, naming each problem, when EOFFICE_PROFILE is production and
    ``unsafe_settings`` finds any (an unknown profile is refused too: a typo must not fall back
    to the permissive one)."""
    profile = _lookup(settings, environ)("EOFFICE_PROFILE") or "local"
    if profile not in PROFILES:
        raise UnsafeForProduction(
            f"EOFFICE_PROFILE={profile!r} is not a profile: use one of {', '.join(PROFILES)}"
        )
    problems = unsafe_settings(settings, environ, role) if profile == "production" else []
    if problems:
        lines = "\n".join(f"  - {p.setting}: {p.reason}" for p in problems)
        raise UnsafeForProduction(
            f"{role} refuses to start: EOFFICE_PROFILE=production, but {len(problems)} "
            f"setting(s) are left at their one-machine defaults:\n{lines}"
        )


class ProductionCheck(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """Refuses to start the service when the production profile finds settings left at their
    one-machine defaults. It checks as the container binds it, before any extension's setup:
    other dependencies' setup runs at the same time and would already make keys and open the
    embedded store."""

    def bind(self, container: Any, attr_name: str) -> "ProductionCheck":
        refuse_unsafe_start(container.config, os.environ, container.service_name)
        bound: ProductionCheck = super().bind(container, attr_name)
        return bound

    def get_dependency(self, worker_ctx: Any) -> None:
        return None
