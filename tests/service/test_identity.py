"""Logging in, rotating tokens, and who may set up the office."""

from datetime import timedelta

import jwt
import pytest
from nameko.testing.utils import get_extension

from common.clock import iso, utcnow
from common.errors import Forbidden, InvalidInput, Unauthenticated
from common.storage import Database
from services.identity.domain.tokens import REFRESH_REUSE_GRACE_SECONDS, refresh_token_id
from tests.service.conftest import PASSWORD


def login(office, username="reader.hathras", password=PASSWORD):
    return office.rpc.identity.login({"username": username, "password": password})


def test_a_person_logs_in_and_sees_their_posts(office):
    tokens = login(office)
    assert tokens["expires_in"] == 900 and tokens["token_type"] == "Bearer"
    assert [p["abbreviation"] for p in tokens["user"]["posts"]] == ["RDR-SP-HTR"]
    assert tokens["user"]["posts"][0]["email"] == "rdr-sp-htr@up.gov.in"  # the post's own address


@pytest.mark.parametrize(
    ("username", "password"), [("reader.hathras", "wrong"), ("nobody", PASSWORD)]
)
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(office, username, password):
    with pytest.raises(Unauthenticated) as refused:
        login(office, username, password)
    assert refused.value.code == "BAD_CREDENTIALS"


def rotated_seconds_ago(office, refresh_token: str, seconds: float) -> None:
    """As if the refresh token had been rotated that long ago (no test sleeps 10 s)."""
    db = get_extension(office.containers["identity"], Database).storage.db
    at = iso(utcnow() - timedelta(seconds=seconds))
    db.refresh_tokens.update_one(
        {"_id": refresh_token_id(refresh_token)}, {"$set": {"used_at": at}}
    )


def test_refresh_tokens_rotate_and_a_reused_one_ends_the_whole_login(office):
    first = login(office)
    second = office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    assert second["refresh_token"] != first["refresh_token"]
    rotated_seconds_ago(office, first["refresh_token"], REFRESH_REUSE_GRACE_SECONDS + 1)
    with pytest.raises(Unauthenticated) as reused:
        office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    assert reused.value.code == "REFRESH_TOKEN_REUSED"
    with pytest.raises(Unauthenticated):  # the thief's and the owner's newer token alike
        office.rpc.identity.refresh({"refresh_token": second["refresh_token"]})
    other_login = login(office)  # another login of the same person is untouched
    assert office.rpc.identity.refresh({"refresh_token": other_login["refresh_token"]})


def test_two_tabs_refreshing_at_once_both_stay_logged_in(office):
    """Two tabs whose access tokens expired together send the same refresh token at once."""
    first = login(office)
    tab_one = office.rpc.identity.refresh.call_async({"refresh_token": first["refresh_token"]})
    tab_two = office.rpc.identity.refresh.call_async({"refresh_token": first["refresh_token"]})
    one, two = tab_one.result(), tab_two.result()
    assert one["refresh_token"] != two["refresh_token"]
    assert one["user"]["id"] == two["user"]["id"] == first["user"]["id"]
    # Each tab goes on refreshing its own way; neither was logged out.
    for tab in (one, two):
        again = office.rpc.identity.refresh({"refresh_token": tab["refresh_token"]})
        assert again["user"]["id"] == first["user"]["id"]


def test_a_refresh_token_used_again_after_the_grace_window_ends_the_login(office):
    first = login(office)
    second = office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    rotated_seconds_ago(office, first["refresh_token"], REFRESH_REUSE_GRACE_SECONDS - 2)
    within = office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    rotated_seconds_ago(office, first["refresh_token"], REFRESH_REUSE_GRACE_SECONDS + 2)
    with pytest.raises(Unauthenticated) as reused:  # a stolen copy, used later
        office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    assert reused.value.code == "REFRESH_TOKEN_REUSED"
    for ended in (second, within):
        with pytest.raises(Unauthenticated) as revoked:
            office.rpc.identity.refresh({"refresh_token": ended["refresh_token"]})
        assert revoked.value.code == "REFRESH_TOKEN_REVOKED"


def test_logout_ends_the_refresh_token(office):
    tokens = login(office)
    office.rpc.identity.logout({"refresh_token": tokens["refresh_token"]})
    with pytest.raises(Unauthenticated):
        office.rpc.identity.refresh({"refresh_token": tokens["refresh_token"]})


def jti(tokens: dict) -> str:
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})["jti"]


def test_logout_ends_the_access_tokens_of_that_login_too(office):
    """Every verifier learns from ``revocations`` which live access tokens to refuse."""
    first = login(office)
    refreshed = office.rpc.identity.refresh({"refresh_token": first["refresh_token"]})
    other = login(office)  # the same person on another computer stays logged in
    assert office.rpc.identity.revocations()["tokens"] == []

    office.rpc.identity.logout({"refresh_token": refreshed["refresh_token"]})
    ended = office.rpc.identity.revocations()
    assert sorted(ended["tokens"]) == sorted([jti(first), jti(refreshed)])
    assert jti(other) not in ended["tokens"] and ended["users"] == []


def test_only_an_admin_sets_up_offices_posts_and_people(office):
    clerk = office.actor("cru.hathras")
    with pytest.raises(Forbidden):
        office.rpc.identity.create_office(
            clerk,
            {
                "code": "CO-NEW-HTR",
                "name_en": "New circle",
                "name_hi": "नया क्षेत्र",
                "level": "circle",
                "parent_code": "SP-HTR",
            },
        )
    with pytest.raises(Unauthenticated):
        office.rpc.identity.create_office({"user_id": "forged"}, {})


def test_bad_login_input_is_refused(office):
    with pytest.raises(InvalidInput):
        office.rpc.identity.login(
            {"username": "reader.hathras", "password": PASSWORD, "admin": True}
        )
    with pytest.raises(InvalidInput):
        office.rpc.identity.login(["reader.hathras"])
