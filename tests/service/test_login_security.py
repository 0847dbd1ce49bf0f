"""Logging in safely: growing waits after wrong passwords, the TOTP second factor, rotating the
key that signs access tokens, and disabling a person."""

from datetime import UTC, datetime, timedelta

import eventlet
import jwt
import pyotp
import pytest

from common.clock import utcnow
from common.errors import Conflict, Forbidden, OfficeError, Unauthenticated
from common.tokens import verify_access_token
from services.identity.domain import login as rules
from services.identity.domain import tokens as passwords
from tests.service.conftest import PASSWORD


def login(office, username="reader.hathras", password=PASSWORD, **extra):
    return office.rpc.identity.login({"username": username, "password": password, **extra})


def refusal(call) -> str:
    """The code a refused call answers with ("done" if it was not refused)."""
    try:
        call()
    except OfficeError as refused:
        return refused.code
    return "done"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def wait_until(retry_after: str) -> None:
    """Wait (bounded: the caller has checked how far off it is) until a refused login may retry."""
    eventlet.sleep(max(0.0, (moment(retry_after) - utcnow()).total_seconds()) + 0.05)


def four_wrong_passwords(office, username="reader.hathras") -> datetime:
    """Returns a moment just before the fourth failure."""
    for attempt in range(3):
        assert refusal(lambda: login(office, username, "wrong")) == "BAD_CREDENTIALS", attempt
    before_fourth = utcnow()
    assert refusal(lambda: login(office, username, "wrong")) == "BAD_CREDENTIALS"
    return before_fourth


# --- a name nobody has ------------------------------------------------------------------------


def test_a_name_nobody_has_costs_a_full_password_check_and_is_answered_like_a_wrong_password(
    office, monkeypatch
):
    checked = []

    class Counted:
        """The argon2 hasher, noting each stored hash a guess is checked against."""

        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, stored, given):
            checked.append(stored)
            return self.hasher.verify(stored, given)

    monkeypatch.setattr(passwords, "_hasher", Counted(passwords._hasher))

    with pytest.raises(Unauthenticated) as wrong_password:
        login(office, "reader.hathras", "a guess")
    with pytest.raises(Unauthenticated) as nobody:
        login(office, "nobody.hathras", "a guess")

    answer = (type(wrong_password.value), wrong_password.value.code, wrong_password.value.details)
    assert (type(nobody.value), nobody.value.code, nobody.value.details) == answer
    assert answer[1] == "BAD_CREDENTIALS"
    # Both paid for an argon2id check of the guess: the unknown name against a real hash too.
    assert len(checked) == 2
    assert all(stored.startswith("$argon2id$") for stored in checked)


# --- growing waits and the lock --------------------------------------------------------------


def test_after_four_wrong_passwords_even_the_right_one_must_wait(office):
    before_fourth = four_wrong_passwords(office)
    with pytest.raises(Unauthenticated) as too_soon:
        login(office)
    after = utcnow()
    assert too_soon.value.code == "LOGIN_TOO_SOON"
    retry_after = too_soon.value.details["retry_after"]
    # the first wait is 2 s from the fourth failure
    assert moment(retry_after) - before_fourth >= timedelta(seconds=2)
    assert moment(retry_after) - after <= timedelta(seconds=2)

    # a guess made while waiting is not even checked, and does not say whether it was right
    assert refusal(lambda: login(office, password="another guess")) == "LOGIN_TOO_SOON"

    wait_until(retry_after)
    tokens = login(office)
    assert [p["abbreviation"] for p in tokens["user"]["posts"]] == ["RDR-SP-HTR"]

    # the count starts again: one typo now costs no wait (after a fifth failure it would)
    assert refusal(lambda: login(office, password="wrong")) == "BAD_CREDENTIALS"
    assert login(office)["user"]["username"] == "reader.hathras"


def test_each_further_wrong_password_makes_the_wait_longer(office):
    four_wrong_passwords(office)
    with pytest.raises(Unauthenticated) as first:
        login(office)
    wait_until(first.value.details["retry_after"])

    before_fifth = utcnow()
    assert refusal(lambda: login(office, password="wrong")) == "BAD_CREDENTIALS"
    with pytest.raises(Unauthenticated) as second:
        login(office)
    after = utcnow()
    assert second.value.code == "LOGIN_TOO_SOON"
    retry_after = moment(second.value.details["retry_after"])
    # the wait was 2 s; after the fifth failure it is 4 s
    assert retry_after - before_fifth >= timedelta(seconds=4)
    assert retry_after - after <= timedelta(seconds=4)

    # other people are not slowed down by it
    assert login(office, "cru.hathras")["user"]["username"] == "cru.hathras"


def test_guesses_sent_all_at_once_get_no_more_tries_than_guesses_sent_one_by_one(office):
    identity = office.rpc.identity
    pending = [
        identity.login.call_async({"username": "reader.hathras", "password": f"guess-{i}"})
        for i in range(8)
    ]
    codes = [refusal(reply.result) for reply in pending]
    # At most the four free-or-short tries a patient guesser gets; the rest wait their turn.
    assert 1 <= codes.count("BAD_CREDENTIALS") <= 4
    assert codes.count("LOGIN_TOO_SOON") == 8 - codes.count("BAD_CREDENTIALS")


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (1, None),
        (2, None),
        (3, None),
        (4, timedelta(seconds=2)),
        (5, timedelta(seconds=4)),
        (6, timedelta(seconds=8)),
        (9, timedelta(seconds=64)),
        (10, timedelta(minutes=30)),
        (11, timedelta(minutes=30)),
        (40, timedelta(minutes=30)),
    ],
)
def test_three_failures_are_free_then_the_wait_doubles_and_ten_lock_for_half_an_hour(
    failures, wait
):
    now = datetime(2025, 11, 3, 10, 30, tzinfo=UTC)
    allowed_at = rules.after_failure(failures, now)
    assert allowed_at == (now + wait if wait else None)


# --- the second factor -----------------------------------------------------------------------


def wrong_code(totp: pyotp.TOTP) -> str:
    """Six digits that are no code of this secret for a while either side of now."""
    near = {totp.at(utcnow() + timedelta(seconds=d * totp.interval)) for d in range(-3, 4)}
    return next(c for c in ("000000", "123456", "999999", "314159", "271828") if c not in near)


def test_an_officer_enrols_totp_and_then_logs_in_with_a_fresh_code_each_time(office):
    identity = office.rpc.identity
    sp = office.actor("sp.hathras")
    enrolment = identity.begin_totp(sp, {"password": PASSWORD})
    secret = enrolment["secret"]
    totp = pyotp.TOTP(secret)
    assert enrolment["uri"].startswith("otpauth://totp/") and "sp.hathras" in enrolment["uri"]
    assert f"secret={secret}" in enrolment["uri"] and "issuer=e-Office" in enrolment["uri"]
    assert enrolment["qr_svg"].lstrip().startswith("<svg") and "</svg>" in enrolment["qr_svg"]

    with pytest.raises(Conflict) as wrong:
        identity.confirm_totp(sp, {"code": wrong_code(totp)})
    assert wrong.value.code == "OTP_WRONG"
    assert identity.me(sp)["totp_enabled"] is False
    assert login(office, "sp.hathras")["user"]["totp_enabled"] is False  # not on yet

    assert identity.confirm_totp(sp, {"code": totp.now()}) == {"totp_enabled": True}
    assert identity.me(sp)["totp_enabled"] is True

    assert refusal(lambda: login(office, "sp.hathras")) == "OTP_REQUIRED"
    assert refusal(lambda: login(office, "sp.hathras", otp=wrong_code(totp))) == "OTP_WRONG"
    # the code shown now was spent on confirming; the authenticator's next one works
    code = totp.at(utcnow() + timedelta(seconds=totp.interval))
    tokens = login(office, "sp.hathras", otp=code)
    assert tokens["user"]["username"] == "sp.hathras" and tokens["user"]["totp_enabled"] is True
    assert refusal(lambda: login(office, "sp.hathras", otp=code)) == "OTP_WRONG"  # replayed
    assert refusal(lambda: login(office, "sp.hathras", "wrong", otp=code)) == "BAD_CREDENTIALS"


def enrol(office, username: str) -> pyotp.TOTP:
    """Enrol a person in TOTP; the code of this moment is spent on confirming."""
    person = office.actor(username)
    totp = pyotp.TOTP(office.rpc.identity.begin_totp(person, {"password": PASSWORD})["secret"])
    office.rpc.identity.confirm_totp(person, {"code": totp.now()})
    return totp


def next_code(totp: pyotp.TOTP) -> str:
    return totp.at(utcnow() + timedelta(seconds=totp.interval))


def test_a_session_alone_cannot_enrol_or_move_the_second_factor(office):
    """Whoever holds a stolen token must not enrol their own phone: enrolling needs the
    password, and moving TOTP to a new phone needs a current code from the old one too."""
    identity = office.rpc.identity
    sp = office.actor("sp.hathras")
    assert refusal(lambda: identity.begin_totp(sp, {})) == "INVALID_FIELDS"
    assert refusal(lambda: identity.begin_totp(sp, {"password": "guess"})) == "WRONG_PASSWORD"
    assert identity.me(sp)["totp_enabled"] is False

    totp = enrol(office, "sp.hathras")
    again = {"password": PASSWORD}
    assert refusal(lambda: identity.begin_totp(sp, again)) == "OTP_REQUIRED"
    assert refusal(lambda: identity.begin_totp(sp, {**again, "otp": wrong_code(totp)})) == (
        "OTP_WRONG"
    )
    assert refusal(lambda: identity.remove_totp(sp, again)) == "OTP_REQUIRED"
    moved = identity.begin_totp(sp, {**again, "otp": next_code(totp)})
    assert moved["secret"] != totp.secret
    # Until the new phone is confirmed, the old one still logs in.
    assert refusal(lambda: login(office, "sp.hathras")) == "OTP_REQUIRED"


def test_removing_totp_needs_the_password_and_a_current_code(office):
    identity = office.rpc.identity
    co = office.actor("co.sadar.hathras")
    totp = enrol(office, "co.sadar.hathras")
    code = next_code(totp)
    assert refusal(lambda: identity.remove_totp(co, {"otp": code})) == "INVALID_FIELDS"
    assert refusal(lambda: identity.remove_totp(co, {"password": "x", "otp": code})) == (
        "WRONG_PASSWORD"
    )
    assert identity.remove_totp(co, {"password": PASSWORD, "otp": code}) == {"totp_enabled": False}
    assert login(office, "co.sadar.hathras")["user"]["totp_enabled"] is False


def test_with_totp_enrolled_reauthentication_needs_a_current_code(office):
    identity = office.rpc.identity
    sp = office.actor("sp.hathras")
    totp = enrol(office, "sp.hathras")
    assert refusal(lambda: identity.reauthenticate(sp, {"password": PASSWORD})) == "OTP_REQUIRED"
    wrong = {"password": "x", "otp": next_code(totp)}
    assert refusal(lambda: identity.reauthenticate(sp, wrong)) == "WRONG_PASSWORD"
    done = identity.reauthenticate(sp, {"otp": next_code(totp)})
    assert done["user_id"] == sp["user_id"]


# --- rotating the token-signing key ----------------------------------------------------------


def kid_of(tokens: dict) -> str:
    return jwt.get_unverified_header(tokens["access_token"])["kid"]


def test_the_state_admin_rotates_the_signing_key_and_tokens_already_issued_still_work(office):
    identity = office.rpc.identity
    before = login(office)
    old_kid = kid_of(before)
    assert set(identity.public_keys()) == {old_kid}

    rotated = identity.rotate_signing_key(office.actor("admin.up"))
    new_kid = rotated["active_key"]
    assert new_kid != old_kid

    keys = identity.public_keys()
    assert set(keys) == {old_kid, new_kid}
    assert verify_access_token(before["access_token"], keys)["sub"] == before["user"]["id"]
    after = login(office)
    assert kid_of(after) == new_kid
    assert verify_access_token(after["access_token"], keys)["sub"] == before["user"]["id"]
    refreshed = identity.refresh({"refresh_token": before["refresh_token"]})
    assert kid_of(refreshed) == new_kid


def test_nobody_but_the_state_admin_rotates_the_signing_key(office):
    identity = office.rpc.identity
    kid = kid_of(login(office))
    for username in ("asp.hathras", "sp.hathras", "cru.hathras"):
        with pytest.raises(Forbidden):
            identity.rotate_signing_key(office.actor(username))
    with pytest.raises(Unauthenticated):
        identity.rotate_signing_key({"user_id": "admin", "grants": [{"role": "admin"}]})
    assert set(identity.public_keys()) == {kid}
    assert kid_of(login(office)) == kid


# --- disabling a person ----------------------------------------------------------------------


def test_disabling_a_person_ends_their_logins_at_once_and_enabling_lets_them_back(office):
    identity = office.rpc.identity
    first, second, untouched = login(office), login(office), login(office)
    reader_id = first["user"]["id"]
    assert reader_id not in identity.revocations()["users"]

    nodal = office.actor("asp.hathras")
    assert identity.disable_user(nodal, reader_id)["disabled"] is True

    for tokens in (first, second):
        with pytest.raises(Unauthenticated):
            identity.refresh({"refresh_token": tokens["refresh_token"]})
    assert reader_id in identity.revocations()["users"]  # the gateway refuses their access tokens
    assert refusal(lambda: login(office)) == "ACCOUNT_DISABLED"
    staff = {u["username"]: u["disabled"] for u in identity.staff(nodal)["items"]}
    assert staff["reader.hathras"] is True and staff["cru.hathras"] is False

    assert identity.enable_user(nodal, reader_id)["disabled"] is False
    again = login(office)
    assert [p["abbreviation"] for p in again["user"]["posts"]] == ["RDR-SP-HTR"]
    assert identity.refresh({"refresh_token": again["refresh_token"]})["user"]["id"] == reader_id
    assert reader_id not in identity.revocations()["users"]
    for tokens in (first, untouched):  # what was revoked stays revoked
        with pytest.raises(Unauthenticated):
            identity.refresh({"refresh_token": tokens["refresh_token"]})
