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
from tests.service.desks import CRU, HC, LETTER, READER, b64
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


def pending_under(office, code: str) -> dict[str, int]:
    """Items waiting per post under an office, as the state team's report counts them."""
    admin = office.actor("admin.up")
    office_id = office.rpc.identity.office_by_code(admin, code)["id"]
    return {
        r["post_id"]: r["items"] for r in office.rpc.reports.pendency(admin, office_id)["posts"]
    }


def test_after_an_office_moves_the_next_send_follows_it_to_its_new_place(office, desks):
    files, cru, sho = desks.files, desks[CRU], desks.post("SHO-KOTWALI-HTR")
    first = files.diarise(cru, LETTER, b64(pdf()))
    files.send_receipt(cru, first["id"], {"to_post_id": sho})  # the SHO's post is known now
    aligarh(office)
    office.rpc.identity.change_office(
        office.actor("admin.up"), "CO-SADAR-HTR", {"parent_code": "SP-ALG"}
    )

    second = files.diarise(cru, LETTER, b64(pdf()))
    files.send_receipt(cru, second["id"], {"to_post_id": sho})
    # Sent after the move, it waits in Aligarh: the send used the post as it is now.
    assert eventually(lambda: pending_under(office, "SP-ALG") == {sho: 1})


def test_a_delegate_is_refused_the_moment_the_delegation_ends(office, desks):
    identity, files, cru = office.rpc.identity, desks.files, desks[CRU]
    sp, sp_post = desks["sp.hathras"], desks.post("SP-HTR")
    ends = iso(utcnow() + timedelta(hours=1))
    delegation = identity.delegate_post(
        sp, sp_post, {"to_user_id": desks["asp.hathras"]["user_id"], "ends": ends}
    )
    asp = office.actor("asp.hathras")  # her token names the SP's post until it runs out
    first, second = (files.diarise(cru, LETTER, b64(pdf())) for _ in range(2))
    for letter in (first, second):
        files.send_receipt(cru, letter["id"], {"to_post_id": sp_post})
    to_reader = {"to_post_id": desks.post("RDR-SP-HTR")}
    files.send_receipt(asp, first["id"], to_reader)  # as the SP's delegate

    identity.end_delegation(sp, delegation["id"])
    with pytest.raises(Conflict) as caught:
        files.send_receipt(asp, second["id"], to_reader)
    assert caught.value.code == "RECEIPT_NOT_WITH_YOU"


def test_a_transferred_or_disabled_person_is_refused_at_their_next_move(office, desks):
    identity, files, cru = office.rpc.identity, desks.files, desks[CRU]
    reader, hc = desks[READER], desks[HC]  # logged in before what follows
    to_sp = {"to_post_id": desks.post("SP-HTR")}
    letters = [files.diarise(cru, LETTER, b64(pdf())) for _ in range(4)]
    for letter, desk in zip(
        letters, ("RDR-SP-HTR", "RDR-SP-HTR", "HC-ESTT-SP-HTR", "HC-ESTT-SP-HTR"), strict=True
    ):
        files.send_receipt(cru, letter["id"], {"to_post_id": desks.post(desk)})
    files.send_receipt(reader, letters[0]["id"], to_sp)
    files.send_receipt(hc, letters[2]["id"], to_sp)

    nodal = office.actor("asp.hathras")
    successor = identity.create_user(nodal, new_person("reader2.hathras", "SP-HTR"))
    identity.assign_post(nodal, desks.post("RDR-SP-HTR"), {"user_id": successor["id"]})
    identity.disable_user(nodal, hc["user_id"])

    with pytest.raises(REFUSED):
        files.send_receipt(reader, letters[1]["id"], to_sp)
    with pytest.raises(REFUSED):
        files.send_receipt(hc, letters[3]["id"], to_sp)
