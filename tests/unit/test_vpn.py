"""VPN accounts: keys, addresses from the district's pool, and the configs WireGuard reads.

Keys and configs are checked by wireguard-tools themselves (`wg`, `wg-quick`), not by re-reading
our own output. No WireGuard kernel module or root is needed: `wg` talks to a stand-in userspace
interface (a Unix socket speaking WireGuard's configuration protocol) that records what `wg`
parsed, and both tools run inside `unshare -rm` so that socket can sit in `/var/run/wireguard`.
"""

import base64
import shutil
import socketserver
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from common.errors import Conflict, InvalidInput, Refused
from services.identity.domain import vpn

POOL = "10.61.0.0/22"
ENDPOINT = "203.0.113.10:51820"  # an address, not a name: `wg` would try to resolve a name
ALLOWED = ["10.10.0.0/16", POOL]  # the data centre's network and the VPN itself


def _sandbox_works() -> bool:
    if not all(shutil.which(tool) for tool in ("wg", "wg-quick", "unshare")):
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_wg = pytest.mark.skipif(not shutil.which("wg"), reason="needs wireguard-tools (wg)")
needs_wg_sandbox = pytest.mark.skipif(
    not _sandbox_works(), reason="needs wireguard-tools and unshare -rm (user namespaces)"
)


def raw_hex(key: str) -> str:
    return base64.b64decode(key).hex()


def a_config(**changes) -> str:
    private_key, _ = vpn.new_key_pair()
    _, server_public = vpn.new_key_pair()
    arguments = {
        "private_key": private_key,
        "address": "10.61.0.2",
        "pool_cidr": POOL,
        "server_public_key": server_public,
        "endpoint": ENDPOINT,
        "allowed_ips": ALLOWED,
    }
    return vpn.client_config(**{**arguments, **changes})


# Keys


@needs_wg
def test_a_key_pair_we_issue_is_one_wireguard_agrees_with():
    private_key, public_key = vpn.new_key_pair()
    computed = subprocess.run(
        ["wg", "pubkey"], input=private_key, capture_output=True, text=True, check=True
    )
    assert computed.stdout.strip() == public_key
    assert vpn.public_key_of(private_key) == public_key
    assert vpn.new_key_pair()[0] != private_key
    raw = base64.b64decode(private_key)  # clamped like `wg genkey`, so `wg showconf` shows it back
    assert raw[0] & 7 == 0 and raw[31] & 0xC0 == 0x40


@needs_wg
def test_a_key_made_with_wg_genkey_gets_the_same_public_key_from_us():
    private_key = subprocess.run(["wg", "genkey"], capture_output=True, text=True, check=True)
    expected = subprocess.run(
        ["wg", "pubkey"], input=private_key.stdout, capture_output=True, text=True, check=True
    )
    assert vpn.public_key_of(private_key.stdout.strip()) == expected.stdout.strip()


@pytest.mark.parametrize(
    "key",
    [
        "",
        "abc",
        base64.b64encode(bytes(31)).decode(),  # too short
        base64.b64encode(bytes(33)).decode(),  # too long
        base64.b64encode(bytes(32)).decode()[:-2] + "B=",  # stray bits: not the canonical form
        base64.urlsafe_b64encode(b"\xfb" * 32).decode(),  # URL-safe alphabet
        base64.b64encode(bytes(32)).decode() + "\n",
    ],
)
def test_a_malformed_key_is_refused_by_name(key):
    with pytest.raises(InvalidInput) as refused:
        vpn.public_key_of(key)
    assert refused.value.code == "VPN_KEY_INVALID"
    with pytest.raises(InvalidInput) as refused:
        a_config(server_public_key=key)
    assert refused.value.code == "VPN_KEY_INVALID"
    assert refused.value.details == {"field": "server_public_key"}


# Addresses from the district's pool


def test_the_server_holds_the_first_address_and_the_first_person_gets_the_next():
    assert vpn.server_address(POOL) == "10.61.0.1"
    assert vpn.next_free_address(POOL, set()) == "10.61.0.2"


def test_a_taken_address_is_never_given_again_and_the_lowest_gap_is_filled_first():
    taken = {"10.61.0.2", "10.61.0.3", "10.61.0.5", "10.61.4.2"}  # the last is another pool's
    assert vpn.next_free_address(POOL, taken) == "10.61.0.4"
    assert vpn.next_free_address(POOL, taken | {"10.61.0.4"}) == "10.61.0.6"


def test_a_slash_30_has_room_for_exactly_one_person():
    pool = "10.61.8.0/30"  # .0 network, .1 server, .2 the person, .3 broadcast
    assert vpn.next_free_address(pool, set()) == "10.61.8.2"
    with pytest.raises(Conflict) as exhausted:
        vpn.next_free_address(pool, {"10.61.8.2"})
    assert exhausted.value.code == "VPN_POOL_EXHAUSTED"
    assert exhausted.value.details == {"pool": pool, "addresses": 1}


def test_a_thousand_people_onboarded_in_a_day_get_a_thousand_different_addresses():
    taken: set[str] = set()
    for _ in range(1000):
        taken.add(vpn.next_free_address(POOL, taken))
    assert len(taken) == 1000
    hosts = sorted(IPv4Address(a) for a in taken)
    assert all(a in IPv4Network(POOL) for a in hosts)
    assert str(hosts[0]) == "10.61.0.2" and str(hosts[-1]) == "10.61.3.233"

    # A /22 holds 1,024 addresses: network, server and broadcast leave 1,021 for people.
    while len(taken) < 1021:
        taken.add(vpn.next_free_address(POOL, taken))
    assert "10.61.3.255" not in taken and "10.61.3.254" in taken
    with pytest.raises(Conflict) as exhausted:
        vpn.next_free_address(POOL, taken)
    assert exhausted.value.details == {"pool": POOL, "addresses": 1021}


@pytest.mark.parametrize(
    "pool, refusal",
    [
        ("", InvalidInput),
        ("not-a-pool", InvalidInput),
        ("10.61.0.0/33", InvalidInput),
        ("fd00::/64", InvalidInput),
        # well-formed, but no pool: a typo for 10.61.0.0/22, and pools too small for anyone
        ("10.61.0.5/22", Refused),
        ("10.61.0.0/31", Refused),
        ("10.61.0.9", Refused),
    ],
)
def test_a_malformed_or_too_small_pool_is_refused_by_name(pool, refusal):
    for allocate in (lambda: vpn.next_free_address(pool, set()), lambda: vpn.server_address(pool)):
        with pytest.raises(refusal) as refused:
            allocate()
        assert refused.value.code == "VPN_POOL_INVALID"


def test_a_garbled_address_on_record_stops_allocation_rather_than_being_ignored():
    with pytest.raises(InvalidInput) as refused:
        vpn.next_free_address(POOL, {"10.61.0.2", "10.61.0.3/32"})
    assert refused.value.code == "VPN_ADDRESS_INVALID"


# The config a person downloads


def test_a_downloaded_config_says_who_the_person_is_and_where_the_data_centre_is():
    private_key, _ = vpn.new_key_pair()
    _, server_public = vpn.new_key_pair()
    config = vpn.client_config(
        private_key,
        "10.61.0.7",
        POOL,
        server_public,
        "vpn.police.example.in:51820",
        ALLOWED,
        dns=["10.61.0.1"],
    )
    assert config.splitlines() == [
        "[Interface]",
        f"PrivateKey = {private_key}",
        "Address = 10.61.0.7/32",
        "DNS = 10.61.0.1",
        "",
        "[Peer]",
        f"PublicKey = {server_public}",
        "Endpoint = vpn.police.example.in:51820",
        "AllowedIPs = 10.10.0.0/16, 10.61.0.0/22",
        "PersistentKeepalive = 25",
    ]


def test_without_dns_or_keepalive_those_lines_are_left_out():
    config = a_config(keepalive=0)
    assert "DNS" not in config and "PersistentKeepalive" not in config


@needs_wg_sandbox
def test_a_downloaded_config_is_read_by_wg_quick_and_wg_exactly_as_meant(tmp_path):
    private_key, _ = vpn.new_key_pair()
    _, server_public = vpn.new_key_pair()
    config = vpn.client_config(
        private_key, "10.61.0.2", POOL, server_public, ENDPOINT, ALLOWED, dns=["10.61.0.1"]
    )

    stripped, received = read_by_wireguard_tools(tmp_path, config, "setconf")

    # wg-quick took Address and DNS for itself (wg would refuse them as unrecognised lines)...
    assert "Address" not in stripped and "DNS" not in stripped
    # ...and wg decoded everything else into what the interface is told.
    assert received == [
        "set=1",
        f"private_key={raw_hex(private_key)}",
        "listen_port=0",
        "fwmark=0",
        "replace_peers=true",
        f"public_key={raw_hex(server_public)}",
        f"endpoint={ENDPOINT}",
        "persistent_keepalive_interval=25",
        "replace_allowed_ips=true",
        "allowed_ip=10.10.0.0/16",
        "allowed_ip=10.61.0.0/22",
    ]


@pytest.mark.parametrize(
    "endpoint",
    [
        "vpn.police.example.in",  # no port
        "vpn.police.example.in:0",
        "vpn.police.example.in:65536",
        ":51820",
        "vpn police.example.in:51820",
        "-vpn.example.in:51820",
        "2001:db8::1:51820",  # IPv6 needs brackets
        "[2001:db8::zz]:51820",
        "999.0.113.10:51820",
        "vpn.police.example.in:51820\nPostUp = curl http://203.0.113.66/x | sh",
        "vpn.police.example.in:５１８２０",  # full-width digits
    ],
)
def test_a_broken_endpoint_is_refused_by_name(endpoint):
    with pytest.raises(InvalidInput) as refused:
        a_config(endpoint=endpoint)
    assert refused.value.code == "VPN_ENDPOINT_INVALID"


@pytest.mark.parametrize(
    "endpoint", ["vpn.police.example.in:51820", "[2001:db8::1]:51820", "203.0.113.10:1"]
)
def test_a_name_an_ipv4_or_a_bracketed_ipv6_address_is_a_good_endpoint(endpoint):
    assert f"Endpoint = {endpoint}\n" in a_config(endpoint=endpoint)


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"address": "10.61.0.1"}, "VPN_ADDRESS_NOT_IN_POOL"),  # the server's
        ({"address": "10.61.3.255"}, "VPN_ADDRESS_NOT_IN_POOL"),  # broadcast
        ({"address": "10.62.0.2"}, "VPN_ADDRESS_NOT_IN_POOL"),  # another district's
        ({"address": "10.61.0.2/32"}, "VPN_ADDRESS_INVALID"),
        ({"pool_cidr": "10.61.0.0/40"}, "VPN_POOL_INVALID"),
        ({"allowed_ips": []}, "VPN_ALLOWED_IPS_INVALID"),  # a tunnel that carries nothing
        ({"allowed_ips": "10.10.0.0/16"}, "VPN_ALLOWED_IPS_INVALID"),
        ({"allowed_ips": ["10.10.0.1/16"]}, "VPN_ALLOWED_IPS_INVALID"),
        ({"allowed_ips": ["10.10.0.0/16\nPostUp = reboot"]}, "VPN_ALLOWED_IPS_INVALID"),
        ({"dns": ["dns.police.example.in"]}, "VPN_DNS_INVALID"),
        ({"keepalive": -1}, "VPN_KEEPALIVE_INVALID"),
        ({"keepalive": "25"}, "VPN_KEEPALIVE_INVALID"),
    ],
)
def test_other_inputs_that_would_break_the_config_are_refused_by_name(changes, code):
    with pytest.raises(InvalidInput) as refused:
        a_config(**changes)
    assert refused.value.code == code


# The server's peer list


def test_the_server_lists_each_active_account_in_address_order_with_who_it_is():
    ravi, meena = vpn.new_key_pair()[1], vpn.new_key_pair()[1]
    peers = [
        (meena, "10.61.0.10", "मीना शर्मा, थानाध्यक्ष कोतवाली"),
        (ravi, "10.61.0.9", "Ravi Kumar, Head Constable, PS Civil Lines"),
    ]
    assert vpn.server_peers(peers) == (
        f"[Peer]\n# Ravi Kumar, Head Constable, PS Civil Lines\nPublicKey = {ravi}\n"
        "AllowedIPs = 10.61.0.9/32\n"
        "\n"
        f"[Peer]\n# मीना शर्मा, थानाध्यक्ष कोतवाली\nPublicKey = {meena}\n"
        "AllowedIPs = 10.61.0.10/32\n"
    )
    assert vpn.server_peers(list(reversed(peers))) == vpn.server_peers(peers)


def test_a_name_with_a_line_break_cannot_add_a_line_to_the_servers_config():
    _, key = vpn.new_key_pair()
    peers = vpn.server_peers([(key, "10.61.0.2", "Ravi\nAllowedIPs = 0.0.0.0/0\r\x00")])
    assert peers.splitlines()[1] == "# Ravi AllowedIPs = 0.0.0.0/0"
    assert [line for line in peers.splitlines() if line.startswith("AllowedIPs")] == [
        "AllowedIPs = 10.61.0.2/32"
    ]


def test_two_accounts_sharing_a_key_or_an_address_are_refused():
    _, one = vpn.new_key_pair()
    _, other = vpn.new_key_pair()
    for peers in (
        [(one, "10.61.0.2", "A"), (one, "10.61.0.3", "B")],
        [(one, "10.61.0.2", "A"), (other, "10.61.0.2", "B")],
    ):
        with pytest.raises(Conflict) as refused:
            vpn.server_peers(peers)
        assert refused.value.code == "VPN_PEER_DUPLICATE"


@needs_wg_sandbox
def test_the_data_centre_applies_the_peer_list_after_its_own_interface(tmp_path):
    server_private, _ = vpn.new_key_pair()
    people = [(vpn.new_key_pair()[1], f"10.61.0.{n}", f"व्यक्ति {n}\n[Peer]") for n in (12, 3, 7)]
    wg0 = (
        f"[Interface]\nPrivateKey = {server_private}\nListenPort = 51820\n"
        f"Address = {vpn.server_address(POOL)}/22\n\n" + vpn.server_peers(people)
    )

    _, received = read_by_wireguard_tools(tmp_path, wg0, "syncconf")

    in_address_order = sorted(people, key=lambda p: IPv4Address(p[1]))
    assert received[:5] == [
        "set=1",
        f"private_key={raw_hex(server_private)}",
        "listen_port=51820",
        "fwmark=0",
        "replace_peers=true",
    ]
    assert received[5:] == [
        line
        for key, address, _ in in_address_order
        for line in (
            f"public_key={raw_hex(key)}",
            "replace_allowed_ips=true",
            f"allowed_ip={address}/32",
        )
    ]


# wireguard-tools, unprivileged


# In a fresh user and mount namespace: our directory over /var/run, so wg finds the stand-in.
_STRIP_THEN_APPLY = (
    'mount --bind "$0" /var/run && wg-quick strip "$1" > "$2" && wg "$3" wgtest0 "$2"'
)


class _StandInInterface(socketserver.StreamRequestHandler):
    """Answers `wg` as a userspace WireGuard interface would, and remembers what it was told.

    The protocol: https://www.wireguard.com/xplatform/ (key=value lines, a blank line ends a
    message). This interface starts empty, so a `get` is answered with nothing but success.
    """

    def handle(self):
        lines = []
        for line in self.rfile:
            if line == b"\n":
                break
            lines.append(line.decode().rstrip("\n"))
        if lines:  # wg first connects once only to see that the interface exists
            self.server.messages.append(lines)
            self.wfile.write(b"errno=0\n\n")


@contextmanager
def stand_in_interface(run_dir: Path, name: str):
    (run_dir / "wireguard").mkdir()
    with socketserver.UnixStreamServer(
        str(run_dir / "wireguard" / f"{name}.sock"), _StandInInterface
    ) as server:
        server.messages = []
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.messages
        finally:
            server.shutdown()
            thread.join()


def read_by_wireguard_tools(tmp_path: Path, config: str, verb: str) -> tuple[str, list[str]]:
    """`wg-quick strip` the config, then `wg <verb>` it to an interface, as `wg-quick up` does.

    Returns what wg-quick left for wg, and the `set` message wg sent to the interface.
    """
    path = tmp_path / "wgtest0.conf"
    path.write_text(config)
    path.chmod(0o600)
    stripped = tmp_path / "stripped.conf"
    # A short directory: a Unix socket's path must fit in 108 bytes.
    with (
        tempfile.TemporaryDirectory() as run_dir,
        stand_in_interface(Path(run_dir), "wgtest0") as messages,
    ):
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", _STRIP_THEN_APPLY, run_dir, path, stripped, verb],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    sets = [m for m in messages if m[0] == "set=1"]
    assert len(sets) == 1, messages
    return stripped.read_text(), sets[0]
