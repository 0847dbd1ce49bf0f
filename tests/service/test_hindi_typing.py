"""How a person types Hindi is theirs and follows them: chosen once, every login (on any
browser) carries it; a mode that does not exist is refused by name."""

import pytest

from common.errors import InvalidInput, Refused
from tests.service.conftest import PASSWORD


def test_a_clerk_chooses_phonetic_typing_and_every_later_login_carries_it(office):
    clerk = office.actor("cru.hathras")
    assert office.rpc.identity.typing_mode(clerk) == {"mode": "off"}  # until chosen
    assert office.rpc.identity.choose_typing_mode(clerk, {"mode": "phonetic"}) == {
        "mode": "phonetic"
    }
    assert office.rpc.identity.typing_mode(clerk) == {"mode": "phonetic"}
    again = office.rpc.identity.login({"username": "cru.hathras", "password": PASSWORD})
    assert again["user"]["typing"] == "phonetic"
    assert office.rpc.identity.me(office.actor("cru.hathras"))["typing"] == "phonetic"
    # The Reader's own choice is untouched by the clerk's.
    assert office.rpc.identity.typing_mode(office.actor("reader.hathras")) == {"mode": "off"}


@pytest.mark.parametrize("mode", ["hindi", "", "PHONETIC", "remington"])
def test_a_mode_that_does_not_exist_is_refused_by_name(office, mode):
    clerk = office.actor("cru.hathras")
    with pytest.raises(Refused) as refused:
        office.rpc.identity.choose_typing_mode(clerk, {"mode": mode})
    assert refused.value.code == "TYPING_MODE_UNKNOWN"
    assert refused.value.details == {"modes": ["off", "phonetic", "inscript"]}
    assert office.rpc.identity.typing_mode(clerk) == {"mode": "off"}


def test_a_choice_without_a_mode_or_with_more_is_refused(office):
    clerk = office.actor("cru.hathras")
    for choice in ({}, {"mode": "inscript", "font": "mangal"}, {"mode": 3}):
        with pytest.raises(InvalidInput) as refused:
            office.rpc.identity.choose_typing_mode(clerk, choice)
        assert refused.value.code == "INVALID_FIELDS"
