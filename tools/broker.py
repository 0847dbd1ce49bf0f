"""Least privilege on the broker: a RabbitMQ user for each service and one for the gateway, each
allowed only the queues and exchanges it uses on the office's vhost (`make run` and the test
office make them through the management API; a deployment declares the same in its broker
definitions, see deploy/k8s).

What Nameko uses, and so what each may touch:
- RPC: the topic exchange ``nameko-rpc``; a service consumes its queue ``rpc-<service>``; a
  caller consumes its reply queue ``rpc.reply-<service>-<uuid>`` (standalone callers, such as
  the gateway and a service asking identity for its keys, ``rpc.reply-standalone_rpc_proxy-…``).
  Replies are published to ``nameko-rpc`` under the reply queue's uuid. Topic permissions on
  ``nameko-rpc`` limit which services a user may call: notify may ask files and identity,
  nothing else.
- Events: the producer's topic exchange ``<service>.events`` (only the producer may publish
  there) and a consumer's queues ``evt-<producer>-<type>--<consumer>.<handler>``.
"""

import re
import secrets
from urllib.parse import quote, urlsplit, urlunsplit

import requests

SERVICES = ("identity", "files", "signing", "notify", "reports", "leave")
# Whom each may call over RPC (every service also asks identity for its token keys).
CALLS = {
    "identity": ("signing",),
    "files": ("identity", "signing"),
    "signing": ("identity", "files", "leave"),
    "notify": ("files", "identity"),
    "reports": ("identity",),
    "leave": ("identity", "signing"),
    "gateway": SERVICES,
}
# Whose events each consumes.
CONSUMES = {
    # Leave sanctioned with an officer named to hold the post: identity delegates it.
    "identity": ("leave",),
    "files": ("signing",),
    "notify": ("files", "identity", "signing", "leave"),
    "reports": ("files", "identity", "leave"),
    # Delegations, so a delegated post's application waits for its delegate; signed sanction
    # orders.
    "leave": ("identity", "signing"),
}
REPLY = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
STANDALONE_REPLIES = r"rpc\.reply-standalone_rpc_proxy-.*"


def _any(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def permissions(name: str) -> dict:
    """The configure/write/read regexes of ``name`` on the vhost, and its topic permission on
    the RPC exchange."""
    calls = CALLS[name]
    topic = _any(*(f"{re.escape(s)}\\..+" for s in calls), *([REPLY] if name != "gateway" else []))
    if name == "gateway":
        own = ("nameko-rpc", STANDALONE_REPLIES)
        return {"configure": _any(*own), "write": _any(*own), "read": _any(*own), "topic": topic}
    producers = tuple(f"{p}\\.events" for p in CONSUMES.get(name, ()))
    queues = (
        f"rpc-{name}",
        f"rpc\\.reply-{name}-.*",
        STANDALONE_REPLIES,
        f"evt-[a-z]+-[a-z._]+--{name}\\..*",
    )
    return {
        "configure": _any("nameko-rpc", f"{name}\\.events", *producers, *queues),
        "write": _any("nameko-rpc", f"{name}\\.events", *queues),
        "read": _any("nameko-rpc", *producers, *queues),
        "topic": topic,
    }


def user_name(name: str, vhost: str) -> str:
    return f"eoffice-{name}" if vhost == "/" else f"eoffice-{name}-{vhost}"


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return path[1:] if len(path) > 1 else "/"


def management_api(amqp_uri: str) -> str:
    """The management API beside the broker, with the same (administrator's) credentials."""
    parts = urlsplit(amqp_uri)
    auth = f"{parts.username or 'guest'}:{parts.password or 'guest'}"
    return f"http://{auth}@{parts.hostname or '127.0.0.1'}:15672"


def with_user(amqp_uri: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_uri)
    host = f"{parts.hostname}:{parts.port or 5672}"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def ensure_users(admin_amqp_uri: str, api: str | None = None) -> dict[str, str]:
    """Create (or reset) the users of every service and the gateway on the vhost of
    ``admin_amqp_uri``, with fresh passwords, and return each one's AMQP URI. The passwords live
    only in the office's memory and its children's environment: every start makes new ones."""
    api = api or management_api(admin_amqp_uri)
    _require_same_broker(api, admin_amqp_uri)
    vhost = vhost_of(admin_amqp_uri)
    uris = {}
    for name in (*SERVICES, "gateway"):
        user, password = user_name(name, vhost), secrets.token_urlsafe(24)
        rules = permissions(name)
        _put(api, f"users/{quote(user, safe='')}", {"password": password, "tags": ""})
        _put(
            api,
            f"permissions/{quote(vhost, safe='')}/{quote(user, safe='')}",
            {k: rules[k] for k in ("configure", "write", "read")},
        )
        _put(
            api,
            f"topic-permissions/{quote(vhost, safe='')}/{quote(user, safe='')}",
            {"exchange": "nameko-rpc", "write": rules["topic"], "read": ".*"},
        )
        uris[name] = with_user(admin_amqp_uri, user, password)
    return uris


def drop_users(admin_amqp_uri: str, api: str | None = None) -> None:
    api = api or management_api(admin_amqp_uri)
    vhost = vhost_of(admin_amqp_uri)
    for name in (*SERVICES, "gateway"):
        requests.delete(f"{api}/api/users/{quote(user_name(name, vhost), safe='')}", timeout=10)


class NotThisBroker(requests.RequestException):
    """The management API answering is another broker's (a node on another port)."""


def _require_same_broker(api: str, amqp_uri: str) -> None:
    overview = requests.get(f"{api}/api/overview", timeout=10)
    overview.raise_for_status()
    port = urlsplit(amqp_uri).port or 5672
    listening = {
        listener["port"]
        for listener in overview.json().get("listeners", [])
        if listener.get("protocol") == "amqp"
    }
    if port not in listening:
        raise NotThisBroker(f"the management API at {api} serves another broker")


def _put(api: str, path: str, body: dict) -> None:
    requests.put(f"{api}/api/{path}", json=body, timeout=10).raise_for_status()
