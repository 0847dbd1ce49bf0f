"""A district goes live: each person gets a VPN account, officers enrol their DSC."""

import base64
from datetime import timedelta

import pytest

from common.clock import iso, utcnow
from common.errors import Conflict, InvalidInput, NotFound, Refused
from tests.service.conftest import eventually
from tests.support import pki


def person(office, username):
    return office.rpc.identity.me(office.actor(username))


@pytest.fixture
def live_district(office):
    """Hathras with a VPN pool, as the state admin sets it up."""
    office.rpc.identity.change_office(
        office.actor("admin.up"), "SP-HTR", {"vpn_pool": "10.61.0.0/22"}
    )
    return office


def test_a_nodal_officer_issues_vpn_accounts_with_addresses_nobody_else_had(live_district):
    office = live_district
    nodal = office.actor("asp.hathras")
    reader = person(office, "reader.hathras")
    account = office.rpc.identity.issue_vpn(nodal, reader["id"])
    assert account["address"] == "10.61.0.2"

    config = office.rpc.identity.vpn_config(office.actor("reader.hathras"), reader["id"])
    assert config["filename"] == "eoffice-reader.hathras.conf"
    assert "Address = 10.61.0.2/32" in config["config"] and "[Peer]" in config["config"]

    office.rpc.identity.revoke_vpn(nodal, reader["id"])
    with pytest.raises(NotFound):
        office.rpc.identity.vpn_config(nodal, reader["id"])
    again = office.rpc.identity.issue_vpn(nodal, reader["id"])
    assert again["address"] == "10.61.0.3"  # the revoked address stays his in the logs
    peers = office.rpc.identity.vpn_peers(nodal, "SP-HTR")
    assert "10.61.0.3/32" in peers and "10.61.0.2/32" not in peers
    assert again["public_key"] in peers


def test_hq_counts_a_vpn_while_it_is_held_and_not_once_it_is_revoked(live_district):
    office = live_district
    nodal, sp = office.actor("asp.hathras"), office.actor("sp.hathras")
    reader = person(office, "reader.hathras")

    def with_vpn(expected: int):
        def check():
            row = office.rpc.reports.adoption(sp)["rows"][0]
            return row if row["staff_with_vpn"] == expected else None

        found = eventually(check)
        assert found, f"HQ did not come to count {expected} with a VPN"
        return found

    before = office.rpc.reports.adoption(sp)["rows"][0]["staff_with_vpn"]
    office.rpc.identity.issue_vpn(nodal, reader["id"])
    with_vpn(before + 1)
    office.rpc.identity.revoke_vpn(nodal, reader["id"])
    row = with_vpn(before)
    assert row["staff_onboarded"] >= 1  # still onboarded, only without the VPN
    office.rpc.identity.issue_vpn(nodal, reader["id"])
    with_vpn(before + 1)


def test_concurrent_requests_never_share_an_address_or_give_one_person_two(live_district):
    office = live_district
    nodal = office.actor("asp.hathras")
    people = [
        person(office, u)["id"]
        for u in (
            "sp.hathras",
            "reader.hathras",
            "hc.estt.hathras",
            "cru.hathras",
            "co.sadar.hathras",
        )
    ]
    pending = [office.rpc.identity.issue_vpn.call_async(nodal, p) for p in people + people]
    issued, refused = [], []
    for reply in pending:
        try:
            issued.append(reply.result())
        except Conflict as exc:
            refused.append(exc.code)
    assert sorted(a["user_id"] for a in issued) == sorted(people)
    assert len({a["address"] for a in issued}) == len(people)
    assert refused == ["VPN_ALREADY_ISSUED"] * len(people)


def test_without_a_pool_or_with_a_bad_one_nothing_is_issued(office):
    office.rpc.identity.change_office(office.actor("admin.up"), "SP-HTR", {"vpn_pool": None})
    with pytest.raises(Conflict) as no_pool:
        office.rpc.identity.issue_vpn(
            office.actor("asp.hathras"), person(office, "cru.hathras")["id"]
        )
    assert no_pool.value.code == "VPN_NO_POOL"
    with pytest.raises(Refused) as bad:
        office.rpc.identity.change_office(
            office.actor("admin.up"), "SP-HTR", {"vpn_pool": "10.61.0.5/22"}
        )
    assert bad.value.code == "VPN_POOL_INVALID"


@pytest.fixture
def trusting(office, tmp_path):
    """Identity restarted trusting the test PKI (the national CCA roots in production)."""
    roots, intermediates = tmp_path / "roots.pem", tmp_path / "intermediates.pem"
    roots.write_bytes(pki.root_ca().pem)
    intermediates.write_bytes(pki.licensed_ca().pem)
    office.kill("identity")
    office.start(
        "identity", EOFFICE_DSC_TRUST_ROOTS=str(roots), EOFFICE_DSC_INTERMEDIATES=str(intermediates)
    )
    return office


def upload(cert: bytes) -> dict:
    return {"certificate_b64": base64.b64encode(cert).decode()}


def test_an_officer_enrols_their_dsc_and_it_shows_in_the_staff_list(trusting):
    office = trusting
    sp = office.actor("sp.hathras")
    enrolled = office.rpc.identity.enrol_dsc(
        sp, sp["user_id"], upload(pki.officer("Rajesh Kumar Singh").der)
    )
    assert (
        enrolled["subject_cn"] == "Rajesh Kumar Singh"
        and "non_repudiation" in enrolled["key_usage"]
    )
    staff = office.rpc.identity.staff(office.actor("asp.hathras"))["items"]
    (row,) = [p for p in staff if p["id"] == sp["user_id"]]
    assert row["dsc"]["sha256"] == enrolled["sha256"]


@pytest.mark.parametrize(
    ("certificate", "error", "code"),
    [
        (
            lambda: pki.officer("Rajesh Kumar Singh", self_signed=True).pem,
            Refused,
            "DSC_SELF_SIGNED",
        ),
        (lambda: pki.officer("Anita Verma").pem, Refused, "DSC_NAME_MISMATCH"),
        (
            lambda: (
                pki.officer(
                    "Rajesh Kumar Singh",
                    not_before=utcnow() - timedelta(days=400),
                    not_after=utcnow() - timedelta(days=1),
                ).pem
            ),
            Refused,
            "DSC_EXPIRED",
        ),
        (lambda: b"this is not a certificate", InvalidInput, "NOT_A_CERTIFICATE"),
    ],
)
def test_a_certificate_that_is_not_a_valid_dsc_of_this_officer_is_refused(
    trusting, certificate, error, code
):
    office = trusting
    sp = office.actor("sp.hathras")
    with pytest.raises(error) as refused:
        office.rpc.identity.enrol_dsc(sp, sp["user_id"], upload(certificate()))
    assert refused.value.code == code
    assert office.rpc.identity.me(sp)["dsc"] is None


def test_expiry_is_warned_at_30_7_and_1_days_once_each(trusting):
    office = trusting
    sp = office.actor("sp.hathras")
    cert = pki.officer("Rajesh Kumar Singh", not_after=utcnow() + timedelta(days=40))
    office.rpc.identity.enrol_dsc(sp, sp["user_id"], upload(cert.pem))
    now = utcnow()

    def check(moment: str) -> int:  # the hourly check, run by the state admin "as if now"
        return office.rpc.identity.check_dsc_expiry(office.seeder, moment)

    assert check(iso(now)) == 0
    assert check(iso(now + timedelta(days=11))) == 1  # 29 days left
    assert check(iso(now + timedelta(days=12))) == 0
    assert check(iso(now + timedelta(days=34))) == 1  # 6 days left
    assert check(iso(now + timedelta(days=39, hours=1))) == 1  # under a day left
    assert check(iso(now + timedelta(days=39, hours=2))) == 0
    assert office.rpc.identity.me(sp)["dsc"] is not None
