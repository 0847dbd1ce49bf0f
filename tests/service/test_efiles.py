"""E-files over the broker, told from the desks of the Hathras SP office: the admin sets up a head
of the filing scheme, the head clerk opens files under it, notes on them, puts the dak in them
and moves them up to the ASP and the SP; who may see a file, what its history says and what
search finds."""

import base64
import hashlib
from datetime import date, timedelta

import pytest

from common.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from tests.service.conftest import eventually
from tests.service.desks import (
    ASP,
    CRU,
    HC,
    HEAD,
    READER,
    SHO,
    SP,
    SUBJECT,
    refused,
    year_of,
)
from tests.support.pdfs import pdf

# --- 1. numbering ------------------------------------------------------------------------------


def test_the_admin_sets_up_a_head_and_files_under_it_are_numbered_by_the_scheme(desks):
    files = desks.files
    head = desks.set_up_head()
    assert (head["code"], head["section"]) == ("A-11011", "ESTT")
    # The office's own head beside the police's standard ones (its own wins on the same code).
    heads = {h["code"]: h for h in files.heads(desks[HC])["items"]}
    assert list(heads) == ["A-11011", "B-12001", "C-13001", "L-14001"]
    assert heads["A-11011"]["description"] == HEAD["description"]
    assert refused(Conflict, desks.set_up_head) == "FILE_HEAD_TAKEN"
    assert refused(Forbidden, files.add_head, desks[HC], HEAD) == "OUTSIDE_YOUR_SCOPE"

    first = desks.open_file(head="A-11011")
    assert first["number"] == f"A-11011/1/{year_of(first)}-ESTT"
    assert first["holder_post_id"] == desks.post("HC-ESTT-SP-HTR")
    assert first["status"] == "open"

    # A head that was never set up, and a subject nobody could read on a file cover: refused,
    # and neither uses up a serial.
    assert refused(NotFound, desks.open_file, HC, head="A-11099") == "FILE_HEAD_NOT_FOUND"
    assert refused(InvalidInput, desks.open_file, HC, subject="क" * 10_000, head="A-11011")
    second = desks.open_file(head="A-11011")
    assert second["number"] == f"A-11011/2/{year_of(second)}-ESTT"

    outside = desks.open_file(subject="विविध पत्राचार")
    assert outside["number"] == f"SP-HTR/NS/1/{year_of(outside)}"
    assert outside["head"] is None


def test_each_department_brings_its_standard_heads_without_an_admin_setting_them_up(desks):
    files, clerk = desks.files, desks["sa.estt.collectorate.hathras"]
    heads = {h["code"]: h["section"] for h in files.heads(clerk)["items"]}
    assert heads == {
        "A-11011": "ESTT",
        "B-12001": "ACCTS",
        "R-15001": "LR",
        "R-15002": "REVCT",
        "G-16001": "GEN",
    }
    made = files.create_file(clerk, {"subject": "खतौनी संशोधन", "head": "R-15001"})
    assert made["number"] == f"R-15001/1/{year_of(made)}-LR"
    # A police head is not the Collectorate's, nor a revenue head the SP office's.
    crime = {"subject": "अपराध समीक्षा", "head": "C-13001"}
    assert refused(NotFound, files.create_file, clerk, crime) == "FILE_HEAD_NOT_FOUND"
    assert refused(NotFound, desks.open_file, HC, head="R-15001") == "FILE_HEAD_NOT_FOUND"


def test_fifty_files_opened_at_once_get_serials_one_to_fifty(desks, office):
    desks.set_up_head(secondary=12)
    hc = desks[HC]
    # All 50 requests are on the bus before the first answer is read, as with many clerks.
    pending = [
        office.rpc.files.create_file.call_async(
            hc, {"subject": f"{SUBJECT} {i}", "head": "A-11012"}
        )
        for i in range(50)
    ]
    numbers = [reply.result()["number"] for reply in pending]
    assert len(set(numbers)) == 50
    assert all(n.startswith("A-11012/") and n.endswith("-ESTT") for n in numbers)
    assert sorted(int(n.split("/")[1]) for n in numbers) == list(range(1, 51))


# --- 2. noting ---------------------------------------------------------------------------------


def test_yellow_notes_are_their_writers_drafts_and_green_notes_never_change(desks):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    file = desks.open_file()

    draft = files.add_note(hc, file["id"], {"text": "Para one.\n\nPara two, first go."})["notes"]
    assert [(n["status"], n["first_paragraph"]) for n in draft] == [("yellow", None)]
    note_id = draft[0]["id"]
    edited = files.edit_note(hc, file["id"], note_id, {"text": "Para one.\n\nPara two."})
    assert edited["notes"][0]["text"] == "Para one.\n\nPara two."

    dropped = files.add_note(hc, file["id"], {"text": "Not needed after all."})["notes"][-1]
    after_discard = files.discard_note(hc, file["id"], dropped["id"])
    assert [n["id"] for n in after_discard["notes"]] == [note_id]

    confirmed = files.confirm_note(hc, file["id"], note_id)["notes"][0]
    assert (confirmed["status"], confirmed["first_paragraph"], confirmed["last_paragraph"]) == (
        "green",
        1,
        2,
    )
    more = desks.confirmed_note(HC, file, "Three.\n\nFour.\n\nFive.")
    assert (more["first_paragraph"], more["last_paragraph"]) == (3, 5)

    assert refused(Conflict, files.edit_note, hc, file["id"], note_id, {"text": "x"}) == (
        "NOTE_IS_GREEN"
    )
    assert refused(Conflict, files.discard_note, hc, file["id"], more["id"]) == "NOTE_IS_GREEN"

    script = "<script>alert(1)</script>"
    yellow = files.add_note(hc, file["id"], {"text": script})["notes"][-1]
    assert (yellow["text"], yellow["status"]) == (script, "yellow")

    desks.send(HC, file, "ASP-HTR")
    seen_by_asp = files.get_file(asp, file["id"])["notes"]
    assert [(n["id"], n["status"]) for n in seen_by_asp] == [
        (note_id, "green"),
        (more["id"], "green"),
    ]
    assert refused(Conflict, files.edit_note, asp, file["id"], yellow["id"], {"text": "x"}) == (
        "NOTE_NOT_YOURS"
    )
    assert refused(Conflict, files.add_note, hc, file["id"], {"text": "One more."}) == (
        "FILE_NOT_WITH_YOU"
    )
    assert refused(Conflict, files.confirm_note, hc, file["id"], yellow["id"]) == (
        "FILE_NOT_WITH_YOU"
    )
    # The writer still sees their own draft on the file that has moved on...
    assert yellow["id"] in [n["id"] for n in files.get_file(hc, file["id"])["notes"]]
    # ...and may throw it away; the history says so from the writer's own post, not from the
    # post that holds the file now.
    files.discard_note(hc, file["id"], yellow["id"])
    last = files.file_history(hc, file["id"])["items"][-1]
    assert (last["action"], last["actor"]["name"], last["post_id"]) == (
        "note_discarded",
        "Mohd. Iqbal Khan",
        desks.post("HC-ESTT-SP-HTR"),
    )


# --- 3. correspondence -------------------------------------------------------------------------


def test_receipts_put_in_a_file_get_the_next_page_numbers_and_stay_there(desks):
    files, hc = desks.files, desks[HC]
    first = desks.dak_for("HC-ESTT-SP-HTR", pages=3)
    second = desks.dak_for("HC-ESTT-SP-HTR", pages=2)
    moved_on = desks.dak_for("HC-ESTT-SP-HTR")
    files.send_receipt(hc, moved_on["id"], {"to_post_id": desks.post("RDR-SP-HTR")})
    file = desks.open_file()

    once = files.put_in_file(hc, first["id"], {"file_id": file["id"]})
    assert [(c["number"], c["first_page"], c["last_page"]) for c in once["correspondence"]] == [
        (first["number"], 1, 3)
    ]
    twice = files.put_in_file(hc, second["id"], {"file_id": file["id"]})
    pages = [(c["number"], c["first_page"], c["last_page"]) for c in twice["correspondence"]]
    assert pages == [(first["number"], 1, 3), (second["number"], 4, 5)]

    again = files.put_in_file(hc, first["id"], {"file_id": file["id"]})
    assert again["version"] == twice["version"]
    assert [(c["number"], c["first_page"]) for c in again["correspondence"]] == [
        (first["number"], 1),
        (second["number"], 4),
    ]

    assert refused(Conflict, files.put_in_file, hc, moved_on["id"], {"file_id": file["id"]}) == (
        "RECEIPT_NOT_WITH_YOU"
    )
    to_sp = {"to_post_id": desks.post("SP-HTR")}
    assert refused(Conflict, files.send_receipt, hc, first["id"], to_sp) == "RECEIPT_NOT_OPEN"
    history = files.receipt_history(hc, first["id"])["items"]
    assert (history[-1]["action"], history[-1]["details"]["file_number"]) == (
        "put_in_file",
        file["number"],
    )


def test_a_letter_put_in_a_file_leaves_the_inbox_and_travels_with_the_file(desks):
    files, hc = desks.files, desks[HC]
    receipt = desks.dak_for("HC-ESTT-SP-HTR", pages=3)
    file = desks.open_file()
    files.put_in_file(hc, receipt["id"], {"file_id": file["id"]})
    # What is with the head clerk now is the file; the letter is inside it, not loose beside it.
    assert [(i["kind"], i["number"]) for i in files.inbox(hc)["items"]] == [
        ("file", file["number"])
    ]


def test_whoever_the_file_goes_to_reads_the_letters_in_it(desks):
    files, hc = desks.files, desks[HC]
    receipt = desks.dak_for("HC-ESTT-SP-HTR", pages=3)
    file = desks.open_file()
    files.put_in_file(hc, receipt["id"], {"file_id": file["id"]})
    desks.send(HC, file, "RDR-SP-HTR")  # sideways: the Reader is not above the head clerk

    reader = desks[READER]
    in_file = files.get_file(reader, file["id"])["correspondence"]
    assert [(c["number"], c["pages"]) for c in in_file] == [(receipt["number"], 3)]
    letter = base64.b64decode(files.document(reader, in_file[0]["sha256"]))
    assert letter == pdf(pages=3)
    assert files.get_receipt(reader, receipt["id"])["number"] == receipt["number"]


# --- 4. movement -------------------------------------------------------------------------------


def test_a_file_goes_up_comes_back_is_pulled_back_unopened_and_counts_where_it_waits(desks, office):
    files, hc, asp, sp = desks.files, desks[HC], desks[ASP], desks[SP]
    asp_post, hc_post = desks.post("ASP-HTR"), desks.post("HC-ESTT-SP-HTR")
    due = (date.today() + timedelta(days=7)).isoformat()
    file = desks.open_file()

    sent = desks.send(HC, file, "ASP-HTR", remark="pl. examine", priority="immediate", due_date=due)
    assert (sent["holder_post_id"], sent["skipped_levels"]) == (asp_post, [])
    inbox = files.inbox(asp)["items"]
    assert [
        (i["kind"], i["id"], i["opened"], i["priority"], i["due_date"], i["remark"]) for i in inbox
    ] == [("file", file["id"], False, "immediate", due, "pl. examine")]
    notices = eventually(lambda: office.rpc.notify.notices(asp)["items"])
    assert [(n["kind"], n["params"]["number"]) for n in notices] == [
        ("file_received", file["number"])
    ]

    with pytest.raises(Conflict) as not_yours:
        desks.send(HC, file, "SP-HTR")
    assert (not_yours.value.code, not_yours.value.status) == ("FILE_NOT_WITH_YOU", 409)

    pulled = files.pull_back(hc, file["id"], {"remark": "one more enclosure"})
    assert pulled["holder_post_id"] == hc_post
    assert [i["id"] for i in files.inbox(hc)["items"]] == [file["id"]]
    assert files.inbox(asp)["items"] == []

    desks.send(HC, file, "ASP-HTR")
    assert files.get_file(asp, file["id"])["opened_at"]
    assert refused(Conflict, files.pull_back, hc, file["id"], {}) == "ALREADY_OPENED"
    back = files.send_back(asp, file["id"], {"remark": "seen, pl. speak"})
    assert back["holder_post_id"] == hc_post
    assert [i["id"] for i in files.inbox(hc)["items"]] == [file["id"]]

    stale = {"to_post_id": desks.post("SP-HTR"), "version": sent["version"]}
    assert refused(Conflict, files.send_file, hc, file["id"], stale) == "VERSION_CONFLICT"

    up = desks.send(HC, file, "SP-HTR", remark="for orders", version=back["version"])
    assert up["skipped_levels"] == [asp_post]
    files.send_back(sp, file["id"], {"remark": "discussed"})
    sideways = desks.send(HC, file, "RDR-SP-HTR")
    assert sideways["skipped_levels"] is None

    reader_post = desks.post("RDR-SP-HTR")

    def waiting():
        rows = office.rpc.reports.pendency(hc)["posts"]
        return {r["post_id"]: r["items"] for r in rows} == {reader_post: 1}

    assert eventually(waiting), office.rpc.reports.pendency(hc)["posts"]


def test_a_pulled_back_file_is_the_senders_again_as_if_never_sent(desks):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    file = desks.open_file()
    desks.send(HC, file, "ASP-HTR")
    files.pull_back(hc, file["id"], {})

    # The ASP never had it open, never sent it: it is not theirs to take or to show as sent...
    assert refused(Conflict, files.pull_back, asp, file["id"], {}) == "NOT_THE_SENDER"
    assert files.sent(asp)["items"] == []
    # ...and nobody sent it to the head clerk, so there is nobody to send it back to.
    assert refused(Conflict, files.send_back, hc, file["id"], {}) == "NOTHING_TO_SEND_BACK"
    pulled = files.file_history(hc, file["id"])["items"][-1]
    assert (pulled["action"], pulled["actor"]["name"], pulled["post_id"]) == (
        "pulled_back",
        "Mohd. Iqbal Khan",
        desks.post("HC-ESTT-SP-HTR"),
    )


# --- 5. park, close, reopen --------------------------------------------------------------------


def test_park_close_with_an_officers_approval_and_reopen_by_the_closer(desks):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    file = desks.open_file()
    desks.confirmed_note(HC, file, "The transfers are done. Put up for closing.")  # para 1

    parked = files.park(hc, file["id"], {"remark": "awaiting the DGP's circular"})
    assert parked["status"] == "parked"
    assert refused(Conflict, desks.send, HC, file, "ASP-HTR") == "FILE_NOT_OPEN"
    stale = {"version": parked["version"] - 1}
    assert refused(Conflict, files.unpark, hc, file["id"], stale) == "VERSION_CONFLICT"
    assert files.unpark(hc, file["id"], {"version": parked["version"]})["status"] == "open"

    desks.send(HC, file, "ASP-HTR")
    assert refused(Conflict, files.close_file, asp, file["id"], {"approval_paragraph": 1}) == (
        "ONLY_CREATOR_CLOSES"
    )
    approval = desks.confirmed_note(ASP, file, "Approved. The file may be closed.")
    assert approval["first_paragraph"] == 2
    files.send_back(asp, file["id"], {})

    assert refused(Conflict, files.close_file, hc, file["id"], {"approval_paragraph": 1}) == (
        "APPROVAL_NOT_BY_OFFICER"
    )
    assert refused(Conflict, files.close_file, hc, file["id"], {"approval_paragraph": 9}) == (
        "APPROVAL_NOT_FOUND"
    )
    closed = files.close_file(hc, file["id"], {"approval_paragraph": 2})
    assert closed["status"] == "closed"
    assert refused(Conflict, desks.send, HC, file, "ASP-HTR") == "FILE_NOT_OPEN"

    assert refused(Conflict, files.reopen_file, asp, file["id"], {"approval_paragraph": 2}) == (
        "ONLY_CLOSER_REOPENS"
    )
    reopened = files.reopen_file(hc, file["id"], {"approval_paragraph": 2})
    assert reopened["status"] == "open"


def test_related_files_are_linked_both_ways_and_a_closed_physical_file_is_recorded(desks):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    first, second = desks.open_file(physical=True), desks.open_file()
    linked = files.link_file(hc, first["id"], {"other_file_id": second["id"]})
    assert linked["links"] == [second["id"]]
    assert files.get_file(hc, second["id"])["links"] == [first["id"]]
    assert (
        files.link_file(hc, first["id"], {"other_file_id": second["id"]})["version"]
        == linked["version"]
    )
    assert (
        refused(Conflict, files.link_file, hc, first["id"], {"other_file_id": first["id"]})
        == "LINK_TO_ITSELF"
    )
    assert files.delink_file(hc, first["id"], {"other_file_id": second["id"]})["links"] == []
    assert files.get_file(hc, second["id"])["links"] == []

    record = {"category": "B"}
    assert refused(Conflict, files.record_file, hc, first["id"], record) == "FILE_NOT_CLOSED"
    desks.send(HC, first, "ASP-HTR")
    approval = desks.confirmed_note(ASP, first, "Approved: close and record.")
    files.send_back(asp, first["id"], {})
    files.close_file(hc, first["id"], {"approval_paragraph": approval["first_paragraph"]})
    assert refused(
        Refused, files.record_file, hc, first["id"], {"category": "C", "review_date": "2099-01-01"}
    ) == ("REVIEW_DATE_INVALID")
    recorded = files.record_file(hc, first["id"], record)
    assert recorded["status"] == "recorded" and recorded["record"]["category"] == "B"
    assert (
        int(recorded["record"]["review_date"][:4])
        == int(recorded["record"]["recorded_on"][:4]) + 25
    )
    assert refused(Conflict, files.record_file, hc, second["id"], record) in (
        "ONLY_PHYSICAL_RECORDED",
        "FILE_NOT_CLOSED",
    )


# --- 6. who may see what -----------------------------------------------------------------------

SEES = "sees"
HIDDEN = "hidden"


@pytest.mark.parametrize(
    ("grading", "who", "expected"),
    [
        ("normal", HC, SEES),  # opened it
        ("normal", ASP, SEES),  # holds it
        ("normal", SP, SEES),  # above both in the chain
        ("normal", READER, HIDDEN),  # same office, not in the chain
        ("normal", CRU, HIDDEN),  # below the head clerk
        ("normal", SHO, HIDDEN),  # another office
        ("secret", HC, SEES),
        ("secret", ASP, SEES),
        ("secret", SP, HIDDEN),  # a Secret file only for the posts it was marked to
        ("secret", READER, HIDDEN),
        ("secret", SHO, HIDDEN),
    ],
)
def test_who_may_see_a_file(desks, grading, who, expected):
    files, actor = desks.files, desks[who]
    file = desks.open_file(grading=grading)
    desks.send(HC, file, "ASP-HTR")
    file_id = file["id"]

    if expected == SEES:
        assert files.get_file(actor, file_id)["number"] == file["number"]
        assert [h["action"] for h in files.file_history(actor, file_id)["items"]][:2] == [
            "created",
            "sent",
        ]
        if who == ASP:
            assert files.add_note(actor, file_id, {"text": "Seen."})["notes"][-1]["text"]
        else:
            assert refused(Conflict, files.add_note, actor, file_id, {"text": "Seen."}) == (
                "FILE_NOT_WITH_YOU"
            )
        return

    # Not "forbidden": for them the file does not exist, so its id tells them nothing.
    for call, args in [
        (files.get_file, ()),
        (files.file_history, ()),
        (files.verify_file_history, ()),
        (files.add_note, ({"text": "Seen."},)),
        (files.send_file, ({"to_post_id": desks.post("SP-HTR")},)),
        (files.pull_back, ({},)),
        (files.note_sheet, ()),
    ]:
        assert refused(NotFound, call, actor, file_id, *args) == "FILE_NOT_FOUND", call
    assert desks.search(who, file["number"]) == []


# --- 7. history --------------------------------------------------------------------------------


def test_every_action_is_in_the_files_history_in_order_and_the_chain_holds(desks):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    desks.set_up_head()
    file = desks.open_file(head="A-11011")
    receipt = desks.dak_for("HC-ESTT-SP-HTR", pages=2)

    note = files.add_note(hc, file["id"], {"text": "Draft."})["notes"][-1]
    files.edit_note(hc, file["id"], note["id"], {"text": "PUC is a request for transfer."})
    files.confirm_note(hc, file["id"], note["id"])
    files.put_in_file(hc, receipt["id"], {"file_id": file["id"]})
    desks.send(HC, file, "ASP-HTR", priority="most_immediate")
    files.pull_back(hc, file["id"], {})
    desks.send(HC, file, "ASP-HTR")
    files.get_file(asp, file["id"])
    approval = desks.confirmed_note(ASP, file, "Approved. Close the file.")
    files.send_back(asp, file["id"], {})
    files.park(hc, file["id"], {})
    files.unpark(hc, file["id"], {})
    files.close_file(hc, file["id"], {"approval_paragraph": approval["first_paragraph"]})
    files.reopen_file(hc, file["id"], {"approval_paragraph": approval["first_paragraph"]})

    history = files.file_history(asp, file["id"])["items"]
    check = files.verify_file_history(asp, file["id"])
    assert (check["intact"], check["entries"], check["last_hash"]) == (
        True,
        len(history),
        history[-1]["hash"],
    )
    assert [h["seq"] for h in history] == list(range(1, len(history) + 1))

    confirmations = [h for h in history if h["action"] == "note_confirmed"]
    assert [c["details"]["text_sha256"] for c in confirmations] == [
        hashlib.sha256(b"PUC is a request for transfer.").hexdigest(),
        hashlib.sha256(b"Approved. Close the file.").hexdigest(),
    ]
    assert history[0]["details"]["number"] == file["number"]
    sent = next(h for h in history if h["action"] == "sent")
    assert (sent["details"]["to_post_id"], sent["details"]["priority"]) == (
        desks.post("ASP-HTR"),
        "most_immediate",
    )

    iqbal, anita = "Mohd. Iqbal Khan", "Anita Verma"
    hc_post, asp_post = desks.post("HC-ESTT-SP-HTR"), desks.post("ASP-HTR")
    assert [(h["action"], h["actor"]["name"], h["post_id"]) for h in history] == [
        ("created", iqbal, hc_post),
        ("note_written", iqbal, hc_post),
        ("note_edited", iqbal, hc_post),
        ("note_confirmed", iqbal, hc_post),
        ("receipt_put_in", iqbal, hc_post),
        ("sent", iqbal, hc_post),
        ("pulled_back", iqbal, hc_post),
        ("sent", iqbal, hc_post),
        ("opened", anita, asp_post),
        ("note_written", anita, asp_post),
        ("note_confirmed", anita, asp_post),
        ("sent_back", anita, asp_post),
        ("parked", iqbal, hc_post),
        ("unparked", iqbal, hc_post),
        ("closed", iqbal, hc_post),
        ("reopened", iqbal, hc_post),
    ]


# --- 8. search ---------------------------------------------------------------------------------


def test_search_finds_a_file_by_number_hindi_without_nukta_and_green_notes_only(desks):
    files, hc = desks.files, desks[HC]
    desks.set_up_head()
    file = desks.open_file(subject="ज़िला हाथरस: आरक्षियों के स्थानांतरण की फ़ाइल", head="A-11011")
    desks.confirmed_note(HC, file, "निरीक्षक भगवानपुर की रिपोर्ट संलग्न है।")
    files.add_note(hc, file["id"], {"text": "सिकंदराराऊ वाली बात अभी नहीं।"})  # stays yellow

    assert desks.search(HC, file["number"]) == [file["id"]]
    assert desks.search(HC, "फाइल") == [file["id"]]  # typed without the nukta
    assert desks.search(HC, "जिला स्थानांतरण") == [file["id"]]
    assert desks.search(HC, "भगवानपुर") == [file["id"]]  # a word of a confirmed note
    # A draft note is nobody's record yet: its words are not searchable, not even by its writer.
    assert desks.search(HC, "सिकंदराराऊ") == []

    desks.send(HC, file, "ASP-HTR")
    assert desks.search(ASP, "फाइल") == [file["id"]]
    assert desks.search(SP, file["number"]) == [file["id"]]  # above them in the chain
    assert desks.search(READER, "फाइल") == []
    assert desks.search(SHO, file["number"]) == []
