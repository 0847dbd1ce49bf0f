"""The moment a caller stops waiting for an RPC, as it travels in the call's context data."""

import pytest

from common.deadline import DEADLINE, of, stamp
from common.errors import Unavailable


def test_a_call_whose_caller_still_waits_goes_on():
    data = {}
    stamp(data, 60)
    assert not of(data).passed()
    of(data).check()


def test_a_call_whose_caller_has_given_up_is_refused():
    data = {}
    stamp(data, -1)
    with pytest.raises(Unavailable) as caught:
        of(data).check()
    assert caught.value.code == "DEADLINE_PASSED" and caught.value.status == 503


@pytest.mark.parametrize("carried", [None, "0", True, float("nan"), float("-inf"), [0]])
def test_a_call_without_a_usable_deadline_never_gives_up(carried):
    data = {} if carried is None else {DEADLINE: carried}
    assert of(data).at_ms is None
    of(data).check()
