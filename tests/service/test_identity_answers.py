"""What a desk asks identity, over the broker: one question a move (may this person act from
this post now?), the posts, chains and offices kept in between; and what was kept is not used
once the tree changes, nor does anything kept let a transferred holder, an ended delegate or a
disabled person act a moment longer."""

from datetime import timedelta

import pytest
from prometheus_client import REGISTRY

from common.clock import iso, utcnow
from common.errors import Conflict, Forbidden, NotFound, Unauthenticated
from tests.service.conftest import eventually
from tests.service.desks import CRU, HC, LETTER, READER, SHO, b64
from tests.service.test_offices_and_posts import aligarh, new_person
from tests.support.pdfs import pdf

# What files asks of identity about people, posts and the tree (the holiday calendar, kept
# apart by files for minutes, is not counted).
TREE_QUESTIONS = {"may_act", "post", "chain", "office_by_code", "department_file_heads"}
REFUSED = (Conflict, NotFound, Forbidden, Unauthenticated)


def answered() -> dict[str, float]:
    """Identity's answers so far in this process, by method (one registry counts for all five
    services)."""
    counts: dict[str, float] = {}
    for metric in REGISTRY.collect():
        for s in metric.samples:
            if s.name == "eoffice_rpc_calls_total" and s.labels["service"] == "identity":
                counts[s.labels["method"]] = counts.get(s.labels["method"], 0) + s.value
    return counts


def asked(office, call, *args) -> dict[str, int]:
    """What ``call`` asked identity about the tree, by method."""
    before = answered()
    call(*args)
    # Identity counts an answer just after sending it: one more question of ours, counted,
    # comes after the call's own.
    health = before.get("health", 0)
    office.rpc.identity.health()
    assert eventually(lambda: answered().get("health", 0) > health)
    grown = {m: int(n - before.get(m, 0)) for m, n in answered().items()}
    return {m: n for m, n in grown.items() if n and m in TREE_QUESTIONS}


def test_each_desk_call_asks_identity_one_question(office, desks):
    files, cru, reader, hc = desks.files, desks[CRU], desks[READER], desks[HC]
    to_reader = {"to_post_id": desks.post("RDR-SP-HTR")}
    to_hc = {"to_post_id": desks.post("HC-ESTT-SP-HTR")}
    # Once round the desks first: the posts and chains they use are then known.
    first = files.diarise(cru, LETTER, b64(pdf()))
    files.send_receipt(cru, first["id"], to_hc)
    file = desks.open_file(HC)
    files.send_file(hc, file["id"], to_reader)
    files.send_file(reader, file["id"], to_hc)

    counts = {}
    letter = files.diarise(cru, {**LETTER, "physical": True, "pages": 2})
    counts["diarise"] = asked(office, files.diarise, cru, LETTER, b64(pdf()))
    counts["send a receipt"] = asked(office, files.send_receipt, cru, letter["id"], to_hc)
    counts["receive it"] = asked(office, files.receive_receipt, hc, letter["id"], {})
    counts["note"] = asked(office, files.add_note, hc, file["id"], {"text": "प्रस्तुत है"})
    counts["put in file"] = asked(
        office, files.put_in_file, hc, letter["id"], {"file_id": file["id"]}
    )
    counts["send a file"] = asked(office, files.send_file, hc, file["id"], to_reader)
    assert counts == {call: {"may_act": 1} for call in counts}
