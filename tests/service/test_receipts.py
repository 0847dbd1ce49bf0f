"""Dak, complete, over the broker: physical letters that must be received, corrections that may
never touch the dates, copies to many desks, replies that hold a receipt open, closing; and the
merge of physical files."""

import base64
from datetime import date, timedelta

import pytest

from common.errors import Conflict, InvalidInput, NotFound, Refused
from tests.service.conftest import eventually
from tests.service.desks import ASP, CRU, HC, LETTER, READER, b64, refused
from tests.support.pdfs import pdf


def diarise_physical(desks, **fields) -> dict:
    """A paper letter entered in the diary by the CRU without a scan."""
    return desks.files.diarise(desks[CRU], {**LETTER, "physical": True, "pages": 4, **fields})


def pending_at(office, actor) -> dict:
    return {r["post_id"]: r["items"] for r in office.rpc.reports.pendency(actor)["posts"]}


# --- physical letters ----------------------------------------------------------------------------


def test_paper_entered_in_the_diary_counts_apart_in_the_share_done_electronically(office, desks):
    diarise_physical(desks)
    desks.open_file(HC, physical=True)
    desks.dak_for("RDR-SP-HTR")  # an electronic letter, with its PDF
    sp = desks["sp.hathras"]

    def sp_office() -> dict | None:
        row = office.rpc.reports.adoption(sp)["rows"][0]
        return row if row["receipts_created"] + row["files_created"] == 3 else None

    row = eventually(sp_office)
    assert row, "the three items did not reach the SP's adoption figures"
    assert (row["receipts_created"], row["files_created"], row["paper_items"]) == (2, 1, 2)
    assert row["share_electronic"] == 0.333


def test_a_physical_letter_must_be_received_at_its_desk_before_anything_else(desks):
    files, cru, reader = desks.files, desks[CRU], desks[READER]
    letter = diarise_physical(desks, delivery_mode="hand")
    assert (letter["kind"], letter["document"]["sha256"], letter["document"]["pages"]) == (
        "physical",
        None,
        4,
    )
    assert letter["received_date"] == date.today().isoformat()
    assert letter["awaiting_receipt"] is False  # the diarist has the paper in hand

    sent = files.send_receipt(cru, letter["id"], {"to_post_id": desks.post("RDR-SP-HTR")})
    assert sent["awaiting_receipt"] is True
    [item] = files.inbox(reader)["items"]
    assert (item["id"], item["awaiting_receipt"]) == (letter["id"], True)

    # Until the paper reaches the Reader's desk, the Reader can do nothing with it but receive.
    to_hc = {"to_post_id": desks.post("HC-ESTT-SP-HTR")}
    file = desks.open_file(READER, physical=True)
    for call, args in (
        (files.send_receipt, (reader, letter["id"], to_hc)),
        (files.close_receipt, (reader, letter["id"], {})),
        (files.reply_to_receipt, (reader, letter["id"], {"text": "प्राप्त हुआ"})),
        (files.put_in_file, (reader, letter["id"], {"file_id": file["id"]})),
        (files.edit_receipt, (reader, letter["id"], {"subject": "नया विषय"})),
    ):
        assert refused(Conflict, call, *args) == "RECEIPT_NOT_RECEIVED", call
    # ... and nobody else can receive it for them.
    assert refused(Conflict, files.receive_receipt, cru, letter["id"], {}) == "RECEIPT_NOT_WITH_YOU"

    received = files.receive_receipt(reader, letter["id"], {"remark": "मूल पत्र प्राप्त"})
    assert received["awaiting_receipt"] is False and received["opened_at"]
    again = files.receive_receipt(reader, letter["id"], {})
    assert again["version"] == received["version"]  # receiving twice changes nothing

    in_file = files.put_in_file(reader, letter["id"], {"file_id": file["id"]})
    [paper] = in_file["correspondence"]
    assert (paper["sha256"], paper["first_page"], paper["last_page"]) == (None, 1, 4)
    actions = [e["action"] for e in files.receipt_history(reader, letter["id"])["items"]]
    assert actions == ["diarised", "sent", "received", "put_in_file"]
    assert files.verify_receipt_history(reader, letter["id"])["intact"] is True


def test_a_letter_received_twice_at_the_same_moment_is_received_once(desks):
    """A clerk's retry can meet the first try (or the broker's redelivery of it) in flight."""
    files, reader = desks.files, desks[READER]
    letter = diarise_physical(desks)
    files.send_receipt(desks[CRU], letter["id"], {"to_post_id": desks.post("RDR-SP-HTR")})
    replies = [files.receive_receipt.call_async(reader, letter["id"], {}) for _ in range(4)]
    answers = [reply.result() for reply in replies]
    assert {(a["awaiting_receipt"], a["version"]) for a in answers} == {(False, 3)}
    actions = [e["action"] for e in files.receipt_history(reader, letter["id"])["items"]]
    assert actions == ["diarised", "sent", "received"]


def test_an_electronic_letter_needs_its_pdf_and_dates_must_be_possible(desks):
    files, cru = desks.files, desks[CRU]
    assert refused(InvalidInput, files.diarise, cru, LETTER) == "PDF_MISSING"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert (
        refused(Refused, diarise_physical, desks, received_date=tomorrow)
        == "RECEIPT_DATES_IMPOSSIBLE"
    )
    late = {"letter_date": date.today().isoformat(), "received_date": "2025-01-01"}
    assert refused(Refused, diarise_physical, desks, **late) == "RECEIPT_DATES_IMPOSSIBLE"
    assert files.inbox(cru)["items"] == []  # nothing half-written

    # A physical letter may come with its scan; then the scan is its document.
    scanned = files.diarise(cru, {**LETTER, "physical": True}, b64(pdf(pages=2)))
    assert (scanned["kind"], scanned["document"]["pages"]) == ("physical", 2)


# --- diarising again after a lost reply -------------------------------------------------------


def test_a_retried_diarisation_answers_with_the_first_receipt_and_uses_no_number(desks, office):
    files, cru, reader = desks.files, desks[CRU], desks[READER]
    letter = {**LETTER, "physical": True, "pages": 2}
    first = files.diarise(cru, letter, None, "letter-0001")
    again = files.diarise(cru, letter, None, "letter-0001")
    assert (again["id"], again["number"], again["version"]) == (
        first["id"],
        first["number"],
        first["version"],
    )
    # The next letter takes the very next number: the retry used none up.
    running = int(first["number"].split("/")[0])
    other = files.diarise(cru, letter, None, "letter-0002")
    assert other["number"].startswith(f"{running + 1}/")

    # A retry after the receipt moved on still finds it, and changes nothing.
    files.send_receipt(cru, first["id"], {"to_post_id": desks.post("RDR-SP-HTR")})
    late = files.diarise(cru, letter, None, "letter-0001")
    assert (late["id"], late["holder_post_id"]) == (first["id"], desks.post("RDR-SP-HTR"))
    actions = [e["action"] for e in files.receipt_history(cru, first["id"])["items"]]
    assert actions == ["diarised", "sent"]

    # Someone else's key of the same spelling is theirs: a letter of their own.
    own = files.diarise(reader, letter, None, "letter-0001")
    assert own["id"] not in (first["id"], other["id"])

    # One diarisation, one event: the CRU's pendency counts the other letter once, and the
    # Reader's both letters at their desk once each.
    def pendency():
        rows = pending_at(office, cru)
        expected = {desks.post("CRU-SP-HTR"): 1, desks.post("RDR-SP-HTR"): 2}
        return rows if rows == expected else None

    assert eventually(pendency), pending_at(office, cru)


@pytest.mark.parametrize("key", ["", "with space", "x" * 201, "हिन्दी", 42])
def test_an_idempotency_key_that_is_not_visible_ascii_is_refused(desks, key):
    letter = {**LETTER, "physical": True, "pages": 1}
    assert (
        refused(InvalidInput, desks.files.diarise, desks[CRU], letter, None, key)
        == "BAD_IDEMPOTENCY_KEY"
    )


# --- corrections ---------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["received_date", "diarised_at", "letter_date", "delivery_mode"])
def test_the_dates_and_delivery_mode_never_change_after_diarisation(desks, field):
    files, cru = desks.files, desks[CRU]
    letter = files.diarise(cru, {**LETTER, "letter_date": "2026-01-02"}, b64(pdf()))
    value = "hand" if field == "delivery_mode" else "2026-01-01"
    change = {"subject": "corrected", field: value}
    with pytest.raises(Refused) as caught:
        files.edit_receipt(cru, letter["id"], change)
    assert (caught.value.code, caught.value.status) == ("RECEIPT_FIELD_FIXED", 422)
    assert caught.value.details == {"field": field}
    unchanged = files.get_receipt(cru, letter["id"])
    assert (unchanged["subject"], unchanged["version"]) == (LETTER["subject"], letter["version"])


def test_a_correction_is_recorded_with_what_it_was_and_search_follows_it(desks):
    files, cru, reader = desks.files, desks[CRU], desks[READER]
    letter = files.diarise(cru, LETTER, b64(pdf()))
    fixed = files.edit_receipt(
        cru,
        letter["id"],
        {"subject": "ग्राम सभा भूमि विवाद", "grading": "confidential", "version": 1},
    )
    assert (fixed["subject"], fixed["grading"], fixed["version"]) == (
        "ग्राम सभा भूमि विवाद",
        "confidential",
        2,
    )
    last = files.receipt_history(cru, letter["id"])["items"][-1]
    assert last["action"] == "corrected"
    assert last["details"]["was"] == {"subject": LETTER["subject"], "grading": "normal"}
    assert [i["id"] for i in files.search(cru, "भूमि विवाद")["items"]] == [letter["id"]]
    assert files.search(cru, "स्थानांतरण")["items"] == []

    stale = {"subject": "again", "version": 1}
    assert refused(Conflict, files.edit_receipt, cru, letter["id"], stale) == "VERSION_CONFLICT"
    files.send_receipt(cru, letter["id"], {"to_post_id": desks.post("RDR-SP-HTR")})
    # Once sent on, it is the Reader's to correct, not the CRU's.
    assert (
        refused(Conflict, files.edit_receipt, cru, letter["id"], {"subject": "x"})
        == "RECEIPT_NOT_WITH_YOU"
    )
    assert files.edit_receipt(reader, letter["id"], {"subject": "x"})["subject"] == "x"


# --- copies ---------------------------------------------------------------------------------


def test_copies_to_many_desks_are_receipts_of_their_own_with_the_same_number(desks, office):
    files, cru, reader, hc, asp = (desks.files, desks[CRU], desks[READER], desks[HC], desks[ASP])
    letter = files.diarise(cru, LETTER, b64(pdf(pages=2)))
    hc_post, asp_post = desks.post("HC-ESTT-SP-HTR"), desks.post("ASP-HTR")
    sent = files.send_receipt(
        cru,
        letter["id"],
        {
            "to_post_id": desks.post("RDR-SP-HTR"),
            # duplicates and the main addressee are not copied twice
            "copy_to": [hc_post, asp_post, hc_post, desks.post("RDR-SP-HTR")],
            "remark": "for information and necessary action",
        },
    )
    assert sent["copy_of"] is None and sent["holder_post_id"] == desks.post("RDR-SP-HTR")
    [hc_copy] = files.inbox(hc)["items"]
    [asp_copy] = files.inbox(asp)["items"]
    [original] = files.inbox(reader)["items"]
    assert (original["is_copy"], hc_copy["is_copy"], asp_copy["is_copy"]) == (False, True, True)
    assert {hc_copy["number"], asp_copy["number"]} == {letter["number"]}
    assert len({original["id"], hc_copy["id"], asp_copy["id"]}) == 3
    copy = files.get_receipt(hc, hc_copy["id"])
    assert copy["copy_of"] == letter["id"] and sorted(
        [copy["copy_no"], files.get_receipt(asp, asp_copy["id"])["copy_no"]]
    ) == [1, 2]
    assert base64.b64decode(files.document(hc, copy["document"]["sha256"])) == pdf(pages=2)
    sent_entry = files.receipt_history(cru, letter["id"])["items"][-1]
    assert {c["post_id"] for c in sent_entry["details"]["copies_to"]} == {hc_post, asp_post}
    first = files.receipt_history(hc, copy["id"])["items"][0]
    assert (first["action"], first["details"]["copy_of"]) == ("copy_received", letter["id"])

    # Each copy is acted on by its own desk: the head clerk files his, the ASP closes hers;
    # the Reader's original is untouched, and a copy is found by the words of the letter.
    file = desks.open_file(HC)
    files.put_in_file(hc, copy["id"], {"file_id": file["id"]})
    files.close_receipt(asp, asp_copy["id"], {"remark": "noted"})
    assert files.inbox(hc)["items"][0]["kind"] == "file"
    assert files.inbox(asp)["items"] == []
    assert files.get_receipt(reader, letter["id"])["status"] == "open"
    assert copy["id"] in [i["id"] for i in files.search(hc, "स्थानांतरण प्रार्थना")["items"]]
    # A desk the letter never passed (nor any desk under it) does not learn the copy exists.
    sho = desks["sho.kotwali.hathras"]
    assert refused(NotFound, files.get_receipt, sho, copy["id"]) == "RECEIPT_NOT_FOUND"

    notices = eventually(lambda: office.rpc.notify.notices(asp)["items"])
    assert [n["kind"] for n in notices] == ["receipt_received"]
    # Pending: the Reader's original, and the head clerk's file (his copy waits inside it).
    expected = {desks.post("RDR-SP-HTR"): 1, hc_post: 1}
    assert eventually(lambda: pending_at(office, cru) == expected), pending_at(office, cru)


def test_a_copy_of_a_physical_letter_must_be_received_too(desks):
    files, cru, hc = desks.files, desks[CRU], desks[HC]
    letter = diarise_physical(desks)
    hc_post = desks.post("HC-ESTT-SP-HTR")
    files.send_receipt(
        cru, letter["id"], {"to_post_id": desks.post("RDR-SP-HTR"), "copy_to": [hc_post]}
    )
    [copy] = files.inbox(hc)["items"]
    assert copy["awaiting_receipt"] is True
    assert refused(Conflict, files.close_receipt, hc, copy["id"], {}) == "RECEIPT_NOT_RECEIVED"
    files.receive_receipt(hc, copy["id"], {})
    assert files.close_receipt(hc, copy["id"], {})["status"] == "closed"


# --- replies and closing ---------------------------------------------------------------------


def test_a_receipt_with_a_reply_not_yet_dispatched_cannot_be_closed(desks, office):
    files, cru, reader = desks.files, desks[CRU], desks[READER]
    letter = desks.dak_for("RDR-SP-HTR")
    replied = files.reply_to_receipt(
        reader, letter["id"], {"text": "आपका पत्र प्राप्त हुआ। <script>alert(1)</script>"}
    )
    [draft] = replied["drafts"]
    assert (draft["kind"], draft["status"], draft["addressee"]) == (
        "reply",
        "draft",
        LETTER["sender"],
    )
    assert draft["subject"] == f"Re: {LETTER['subject']}"
    assert draft["text"].endswith("<script>alert(1)</script>")  # kept as text, shown as text

    with pytest.raises(Conflict) as caught:
        files.close_receipt(reader, letter["id"], {})
    assert caught.value.code == "RECEIPT_HAS_UNDISPATCHED_DRAFT"
    assert caught.value.details == {"drafts": [draft["id"]]}

    files.discard_receipt_draft(reader, letter["id"], draft["id"])
    closed = files.close_receipt(reader, letter["id"], {"remark": "no action needed"})
    assert closed["status"] == "closed"
    assert files.inbox(reader)["items"] == []
    for call, args in (
        (files.close_receipt, (reader, letter["id"], {})),
        (files.send_receipt, (reader, letter["id"], {"to_post_id": desks.post("SP-HTR")})),
        (files.reply_to_receipt, (reader, letter["id"], {"text": "again"})),
    ):
        assert refused(Conflict, call, *args) == "RECEIPT_NOT_OPEN"
    # Closed is not gone: its history is whole and it no longer counts as pending anywhere.
    actions = [e["action"] for e in files.receipt_history(reader, letter["id"])["items"]]
    assert actions[-3:] == ["reply_drafted", "draft_discarded", "closed"]
    assert eventually(lambda: pending_at(office, cru) == {}), pending_at(office, cru)


# --- merging physical files ------------------------------------------------------------------


def test_physical_files_of_one_section_merge_with_a_reason_and_their_papers_follow(desks, office):
    files, hc, asp = desks.files, desks[HC], desks[ASP]
    desks.set_up_head()
    keep = desks.open_file(head="A-11011", physical=True)
    other = desks.open_file(head="A-11011", physical=True)
    for target, pages in ((keep, 2), (other, 3)):
        letter = desks.dak_for("HC-ESTT-SP-HTR", pages=pages)
        files.put_in_file(hc, letter["id"], {"file_id": target["id"]})
    # The other file went to the ASP once: she must still see its papers after the merge.
    files.send_file(hc, other["id"], {"to_post_id": desks.post("ASP-HTR")})
    files.send_back(asp, other["id"], {})

    reason = "दोनों नस्तियाँ एक ही विषय की हैं"
    merged = files.merge_file(hc, keep["id"], {"other_file_id": other["id"], "reason": reason})
    assert [(c["first_page"], c["last_page"]) for c in merged["correspondence"]] == [
        (1, 2),
        (3, 5),
    ]
    assert other["id"] in merged["links"]
    gone = files.get_file(hc, other["id"])
    assert (gone["status"], gone["merged_into"], gone["correspondence"]) == (
        "merged",
        keep["id"],
        [],
    )
    assert [i["id"] for i in files.inbox(hc)["items"]] == [keep["id"]]
    moved = merged["correspondence"][1]
    assert files.get_receipt(asp, moved["id"])["file_id"] == keep["id"]
    assert files.get_file(asp, keep["id"])["number"] == keep["number"]
    last = files.file_history(hc, keep["id"])["items"][-1]
    assert (last["action"], last["details"]["reason"]) == ("merged", reason)
    assert refused(
        Conflict, files.send_file, hc, other["id"], {"to_post_id": desks.post("ASP-HTR")}
    )
    hc_post = desks.post("HC-ESTT-SP-HTR")
    assert eventually(lambda: pending_at(office, hc) == {hc_post: 1}), pending_at(office, hc)


def test_merging_e_files_other_sections_or_gradings_is_refused(desks):
    files, hc = desks.files, desks[HC]
    desks.set_up_head()
    desks.set_up_head(secondary=12, section="ACCTS")
    physical = desks.open_file(head="A-11011", physical=True)

    def merge(other: dict, holder=hc) -> str:
        request = {"other_file_id": other["id"], "reason": "same matter"}
        return refused(Conflict, files.merge_file, holder, physical["id"], request)

    assert merge(desks.open_file(head="A-11011")) == "ONLY_PHYSICAL_MERGED"
    assert merge(desks.open_file(head="A-11012", physical=True)) == "MERGE_SECTIONS_DIFFER"
    assert merge(desks.open_file(physical=True)) == "MERGE_SECTIONS_DIFFER"  # outside the scheme
    secret = desks.open_file(head="A-11011", physical=True, grading="secret")
    assert merge(secret) == "MERGE_GRADINGS_DIFFER"
    assert merge(physical) == "MERGE_WITH_ITSELF"
    elsewhere = desks.open_file(head="A-11011", physical=True)
    files.send_file(hc, elsewhere["id"], {"to_post_id": desks.post("ASP-HTR")})
    assert merge(elsewhere) == "FILE_NOT_WITH_YOU"
    assert files.get_file(hc, physical["id"])["status"] == "open"


def test_a_parked_file_stops_counting_as_pending_until_taken_up(desks, office):
    files, hc = desks.files, desks[HC]
    file = desks.open_file()
    hc_post = desks.post("HC-ESTT-SP-HTR")
    assert eventually(lambda: pending_at(office, hc) == {hc_post: 1})
    parked = files.park(hc, file["id"], {"remark": "awaiting report"})
    assert eventually(lambda: pending_at(office, hc) == {}), pending_at(office, hc)
    assert [(i["id"], i["status"]) for i in files.inbox(hc)["items"]] == [(file["id"], "parked")]
    files.unpark(hc, file["id"], {"version": parked["version"]})
    assert eventually(lambda: pending_at(office, hc) == {hc_post: 1}), pending_at(office, hc)


def test_a_reply_drafted_on_a_receipt_goes_into_the_file_with_it(desks):
    """...where it is approved, signed, issued and dispatched like any draft of the file."""
    files, reader = desks.files, desks[READER]
    letter = desks.dak_for("RDR-SP-HTR")
    files.reply_to_receipt(reader, letter["id"], {"text": "आपका पत्र प्राप्त हुआ।"})
    file = desks.open_file(READER)
    in_file = files.put_in_file(reader, letter["id"], {"file_id": file["id"]})
    [reply] = in_file["drafts"]
    assert (reply["kind"], reply["status"], reply["addressee"]) == (
        "reply",
        "draft",
        LETTER["sender"],
    )
    assert reply["versions"][0]["source"] == "written" and reply["versions"][0]["pages"] == 1
    rendered = base64.b64decode(files.draft_document(reader, file["id"], reply["id"]))
    assert rendered.startswith(b"%PDF-")
    [moved] = files.get_receipt(reader, letter["id"])["drafts"]
    assert moved["status"] == "in_file"
