"""Passwords and tokens."""

from datetime import timedelta

import jwt
import pytest

from common.clock import utcnow
from common.errors import Unauthenticated
from common.tokens import verify_access_token
from services.identity.domain import tokens as domain

USER = {"_id": "u1", "name_en": "Pooja Yadav", "roles": ["diarist"], "office_id": "o1"}


def signed(now=None, key=None):
    kid, private_pem, public_pem = key or domain.new_signing_key()
    claims = domain.access_token_claims(USER, [{"_id": "p1"}], ["root", "o1"], now or utcnow())
    return domain.sign_access_token(claims, kid, private_pem), {kid: public_pem}


def test_passwords_are_argon2id_and_checked():
    stored = domain.hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert domain.password_matches(stored, "correct horse")
    assert not domain.password_matches(stored, "wrong")


def test_an_unknown_user_never_matches_even_the_dummy_password():
    assert not domain.password_matches(None, "not a real password")


def test_an_access_token_carries_what_the_gateway_needs_and_lasts_15_minutes():
    token, keys = signed()
    claims = verify_access_token(token, keys)
    assert (
        claims["sub"] == "u1"
        and claims["posts"] == ["p1"]
        and claims["office_path"] == ["root", "o1"]
    )
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_an_expired_token_is_refused_as_expired():
    token, keys = signed(now=utcnow() - timedelta(minutes=16))
    with pytest.raises(Unauthenticated) as refused:
        verify_access_token(token, keys)
    assert refused.value.code == "TOKEN_EXPIRED"


def test_a_token_signed_by_another_key_under_our_key_id_is_refused():
    real_kid, _, real_public = domain.new_signing_key()
    _, forger_private, forger_public = domain.new_signing_key()
    token, _ = signed(key=(real_kid, forger_private, forger_public))
    with pytest.raises(Unauthenticated) as refused:
        verify_access_token(token, {real_kid: real_public})
    assert refused.value.code == "TOKEN_INVALID"


def test_a_token_with_an_unknown_key_id_or_no_structure_is_refused():
    token, _ = signed()
    with pytest.raises(Unauthenticated) as unknown:
        verify_access_token(token, {})
    assert unknown.value.code == "TOKEN_UNKNOWN_KEY"
    with pytest.raises(Unauthenticated) as garbage:
        verify_access_token("not.a.token", {})
    assert garbage.value.code == "TOKEN_MALFORMED"


def test_a_token_with_alg_none_is_refused():
    kid, _, public_pem = domain.new_signing_key()
    claims = domain.access_token_claims(USER, [], ["o1"], utcnow())
    token = jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    with pytest.raises(Unauthenticated):
        verify_access_token(token, {kid: public_pem})


def test_refresh_tokens_are_kept_only_as_hashes():
    token, token_id = domain.new_refresh_token()
    assert token_id == domain.refresh_token_id(token) and token not in token_id
