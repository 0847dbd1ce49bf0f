"""Notices over the broker for what a person must hear beyond the dak: a delegation to them,
their VPN account issued and revoked; each theirs alone, counted unread, all marked read at
once."""

from datetime import timedelta

import pytest

from common.clock import iso, utcnow
from common.errors import NotFound
from tests.service.conftest import eventually


def kinds(office, actor) -> list[str]:
    return sorted(n["kind"] for n in office.rpc.notify.notices(actor)["items"])


def test_a_delegate_hears_they_act_for_the_post_and_nobody_else_does(office):
    identity, notify = office.rpc.identity, office.rpc.notify
    sp, asp = office.actor("sp.hathras"), office.actor("asp.hathras")
    ends = iso(utcnow() + timedelta(days=2))
    identity.delegate_post(
        sp, office.post_id("SP-HTR"), {"to_user_id": asp["user_id"], "ends": ends}
    )

    (notice,) = eventually(lambda: notify.notices(asp)["items"])
    assert notice["kind"] == "delegation_started" and notice["user_id"] == asp["user_id"]
    assert notice["params"]["post_name"]["en"] == "Superintendent of Police, Hathras"
    assert notice["params"]["ends"] == ends
    assert kinds(office, sp) == []  # the holder does not get the delegate's notice
    with pytest.raises(NotFound):
        notify.mark_read(sp, notice["id"])
    assert notify.unread(asp) == 1
    assert notify.mark_all_read(asp) == {"marked": 1}
    assert notify.unread(asp) == 0
    assert notify.notices(asp)["items"][0]["read_at"]


def test_a_person_hears_their_vpn_account_issued_and_revoked(office):
    identity, notify = office.rpc.identity, office.rpc.notify
    identity.change_office(office.actor("admin.up"), "SP-HTR", {"vpn_pool": "10.61.0.0/22"})
    nodal, reader = office.actor("asp.hathras"), office.actor("reader.hathras")
    account = identity.issue_vpn(nodal, reader["user_id"])
    identity.revoke_vpn(nodal, reader["user_id"])

    def both() -> list[str] | None:
        found = kinds(office, reader)
        return found if len(found) == 2 else None

    assert eventually(both) == ["vpn_issued", "vpn_revoked"]
    addresses = {n["params"]["address"] for n in notify.notices(reader)["items"]}
    assert addresses == {account["address"]}
    assert kinds(office, nodal) == []  # the nodal officer did it; it is the reader's news
