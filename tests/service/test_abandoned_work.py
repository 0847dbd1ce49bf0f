"""Work the gateway has stopped waiting for stops too: each call carries the moment its caller
gives up (common/deadline.py), and a search asks before and between its reads."""

from nameko.standalone.rpc import ClusterRpcProxy

from common.deadline import stamp
from common.errors import Unavailable
from tests.service.desks import CRU, LETTER, b64, refused
from tests.support.pdfs import pdf


def search_waiting(config, seconds: float, actor: dict, query: str) -> dict:
    """``files.search`` from a caller who waits ``seconds`` (less than none: gave up already)."""
    data: dict = {}
    stamp(data, seconds)
    with ClusterRpcProxy(config, context_data=data, timeout=30) as rpc:
        return rpc.files.search(actor, query)


def test_a_search_nobody_waits_for_any_more_is_refused_before_reading(desks, config):
    letter = desks.files.diarise(desks[CRU], LETTER, b64(pdf()))
    # The letter would be found: the refusal comes from the deadline, not from an empty search.
    assert letter["id"] in desks.search(CRU, "स्थानांतरण")
    code = refused(Unavailable, search_waiting, config, -1, desks[CRU], "स्थानांतरण")
    assert code == "DEADLINE_PASSED"


def test_a_search_whose_caller_still_waits_answers_as_usual(desks, config):
    letter = desks.files.diarise(desks[CRU], LETTER, b64(pdf()))
    found = search_waiting(config, 60, desks[CRU], "स्थानांतरण")["items"]
    assert [i["id"] for i in found] == [letter["id"]]
