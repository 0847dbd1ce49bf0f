"""VPN accounts on the state data centre's WireGuard: keys, addresses, configs. No I/O here.

Police stations reach the data centre over WireGuard. Each person gets a key pair, one address
from the district's pool that is never given to anyone else, a wg-quick file to download, and a
[Peer] entry in the server's list until the account is revoked. Everything that ends up in a
config is checked here, because a broken file is discovered at a police station, far from anyone
who can fix it, and a newline smuggled into a field could add a line (``PostUp = …``) that
wg-quick runs as root.
"""

import base64
import binascii
import ipaddress
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from common.errors import Conflict, InvalidInput, Refused

_T = TypeVar("_T")

# Seconds between keepalives: keeps the station router's NAT mapping open so the data centre can
# reach the station too.
DEFAULT_KEEPALIVE = 25

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_ENDPOINT = re.compile(
    rf"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>{_LABEL}(?:\.{_LABEL})*)):(?P<port>[0-9]{{1,5}})"
)


class Peer(NamedTuple):
    """One active account as the server sees it (a plain 3-tuple works too)."""

    public_key: str
    address: str
    comment: str  # who and which post, for the engineer reading the server's config


def new_key_pair() -> tuple[str, str]:
    """(private, public) in WireGuard's base64, the private key clamped as `wg genkey` does."""
    raw = bytearray(X25519PrivateKey.generate().private_bytes_raw())
    raw[0] &= 248
    raw[31] = (raw[31] & 127) | 64
    private_key = base64.b64encode(bytes(raw)).decode()
    return private_key, public_key_of(private_key)


def public_key_of(private_key: str) -> str:
    raw = _key_bytes(private_key, "private_key")
    public = X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
    return base64.b64encode(public).decode()


def checked_pool(pool_cidr: str) -> str:
    """A district's pool as it is stored: validated, in canonical form."""
    return str(_pool(pool_cidr))


def server_address(pool_cidr: str) -> str:
    """The pool's first host: the data centre's end of every tunnel in the district."""
    return str(_pool(pool_cidr).network_address + 1)


def next_free_address(pool_cidr: str, taken: Iterable[str]) -> str:
    """The lowest client address of the pool that nobody holds.

    ``taken`` is every address ever handed out in the pool, revoked accounts included, so that
    an address in old logs still names one person. Deterministic: two concurrent requests pick
    the same address, the store's unique index lets one win, and the other asks again.
    """
    pool = _pool(pool_cidr)
    held = {int(_address(a)) for a in taken}
    first, last = int(pool.network_address) + 2, int(pool.broadcast_address) - 1
    for candidate in range(first, last + 1):
        if candidate not in held:
            return str(ipaddress.IPv4Address(candidate))
    raise Conflict("VPN_POOL_EXHAUSTED", {"pool": str(pool), "addresses": last - first + 1})


def client_config(
    private_key: str,
    address: str,
    pool_cidr: str,
    server_public_key: str,
    endpoint: str,
    allowed_ips: list[str],
    dns: list[str] | None = None,
    keepalive: int = DEFAULT_KEEPALIVE,
) -> str:
    """The wg-quick file a person imports at the station (``wg-quick up``, or the Windows app).

    ``allowed_ips`` are the networks reached through the tunnel; ``keepalive`` 0 turns it off.
    """
    _key_bytes(private_key, "private_key")
    _key_bytes(server_public_key, "server_public_key")
    host = _client_address(address, pool_cidr)
    peer = _endpoint(endpoint)
    routes = _networks(allowed_ips)
    resolvers = _resolvers(dns or [])
    if isinstance(keepalive, bool) or not isinstance(keepalive, int) or not 0 <= keepalive < 2**16:
        raise InvalidInput("VPN_KEEPALIVE_INVALID", {"value": str(keepalive)})

    lines = ["[Interface]", f"PrivateKey = {private_key}", f"Address = {host}/32"]
    if resolvers:
        lines.append(f"DNS = {', '.join(resolvers)}")
    lines += [
        "",
        "[Peer]",
        f"PublicKey = {server_public_key}",
        f"Endpoint = {peer}",
        f"AllowedIPs = {', '.join(routes)}",
    ]
    if keepalive:
        lines.append(f"PersistentKeepalive = {keepalive}")
    return "\n".join(lines) + "\n"


def server_peers(peers: Iterable[tuple[str, str, str]]) -> str:
    """[Peer] sections for the server, one per active account (public key, address, comment).

    In address order, so two exports differ only where accounts changed. They belong after the
    server's own [Interface] in wg0.conf, applied with ``wg syncconf wg0 <(wg-quick strip wg0)``,
    which also drops revoked peers. Applied alone, ``wg addconf`` never removes a peer and
    ``wg setconf`` wipes the server's private key. Two accounts sharing a key or an address are
    refused: WireGuard would silently merge them or route one person's traffic to the other.
    """
    by_address: dict[int, Peer] = {}
    keys: set[bytes] = set()
    for public_key, address, comment in peers:
        key = _key_bytes(public_key, "public_key")
        host = _address(address)
        if key in keys:
            raise Conflict("VPN_PEER_DUPLICATE", {"public_key": public_key})
        if int(host) in by_address:
            raise Conflict("VPN_PEER_DUPLICATE", {"address": str(host)})
        keys.add(key)
        by_address[int(host)] = Peer(public_key, str(host), _one_line(comment))

    sections = []
    for _, peer in sorted(by_address.items()):
        comment_line = [f"# {peer.comment}"] if peer.comment else []
        lines = ["[Peer]", *comment_line, f"PublicKey = {peer.public_key}"]
        sections.append("\n".join([*lines, f"AllowedIPs = {peer.address}/32"]) + "\n")
    return "\n".join(sections)


def _key_bytes(key: str, field: str) -> bytes:
    """A WireGuard key is exactly 32 bytes in canonical standard base64 (44 characters)."""
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, TypeError, ValueError) as e:
        raise InvalidInput("VPN_KEY_INVALID", {"field": field}) from e
    if len(raw) != 32 or base64.b64encode(raw).decode() != key:
        raise InvalidInput("VPN_KEY_INVALID", {"field": field})
    return raw


def _pool(pool_cidr: str) -> ipaddress.IPv4Network:
    """A pool in CIDR notation (400 otherwise) that is a network with room for the server and
    one person (422 otherwise: "10.61.0.5/22" is a typo, not a pool; a /30 is the smallest)."""
    pool = _parsed(
        lambda text: ipaddress.IPv4Network(text, strict=False), pool_cidr, "VPN_POOL_INVALID"
    )
    if pool.prefixlen > 30 or str(pool) != pool_cidr:
        raise Refused("VPN_POOL_INVALID", {"value": pool_cidr})
    return pool


def _address(address: str) -> ipaddress.IPv4Address:
    return _parsed(ipaddress.IPv4Address, address, "VPN_ADDRESS_INVALID")


def _client_address(address: str, pool_cidr: str) -> ipaddress.IPv4Address:
    pool, host = _pool(pool_cidr), _address(address)
    if not pool.network_address + 2 <= host < pool.broadcast_address:
        raise InvalidInput("VPN_ADDRESS_NOT_IN_POOL", {"address": str(host), "pool": str(pool)})
    return host


def _networks(allowed_ips: list[str]) -> list[str]:
    if isinstance(allowed_ips, str) or not allowed_ips:
        raise InvalidInput("VPN_ALLOWED_IPS_INVALID", {"value": str(allowed_ips)})
    return [str(_parsed(ipaddress.ip_network, n, "VPN_ALLOWED_IPS_INVALID")) for n in allowed_ips]


def _resolvers(dns: list[str]) -> list[str]:
    if isinstance(dns, str):
        raise InvalidInput("VPN_DNS_INVALID", {"value": dns})
    return [str(_parsed(ipaddress.ip_address, d, "VPN_DNS_INVALID")) for d in dns]


def _endpoint(endpoint: str) -> str:
    """Host and port as WireGuard reads them (``[v6]:port`` too), and nothing else on the line."""
    found = _ENDPOINT.fullmatch(endpoint) if isinstance(endpoint, str) else None
    if found is None or not 0 < int(found["port"]) < 2**16:
        raise InvalidInput("VPN_ENDPOINT_INVALID", {"value": str(endpoint)})
    if found["ipv6"]:
        _parsed(ipaddress.IPv6Address, found["ipv6"], "VPN_ENDPOINT_INVALID")
    elif found["host"].replace(".", "").isdigit():
        _parsed(ipaddress.IPv4Address, found["host"], "VPN_ENDPOINT_INVALID")
    elif len(found["host"]) > 253:
        raise InvalidInput("VPN_ENDPOINT_INVALID", {"value": endpoint})
    return endpoint


def _parsed(parse: Callable[[str], _T], value: object, code: str) -> _T:
    """``parse(value)``, or the named error. Strings only: ipaddress would read 5 as 0.0.0.5."""
    try:
        if not isinstance(value, str):
            raise TypeError(type(value).__name__)
        return parse(value)
    except (TypeError, ValueError) as e:
        raise InvalidInput(code, {"value": str(value)}) from e


def _one_line(comment: str) -> str:
    """A comment that stays a comment: no line breaks or control characters (Hindi is fine)."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(comment))
    return " ".join(text.split())
