"""Full-text search over the broker: the words read out of documents (put in the store here as
the text worker would: ``queue_text``, ``take_queued_text``, ``text_read``), found with the
fields, ranked, filtered, highlighted, and only by those who may see each item (the visibility
matrix's relations and gradings)."""

import uuid
from pathlib import Path

import pytest

from common.errors import Refused
from services.files import store
from tests.service.conftest import eventually
from tests.service.desks import ASP, CRU, HC, READER, SHO, SP, b64, refused
from tests.support.pdfs import pdf

GRADINGS = ("normal", "confidential", "secret", "top_secret")
CLASSIFIED = ("secret", "top_secret")
# The matrix's relations (tests/e2e/test_visibility_matrix.py) to an item moved CRU -> HC -> ASP.
RELATIONS = {
    "holder": ASP,
    "past_holder": HC,
    "creator": CRU,
    "supervisor": SP,
    "peer": READER,
    "other_office": SHO,
    "state_admin": "admin.up",
}


def may_see(relation: str, grading: str) -> bool:
    if relation in ("holder", "past_holder", "creator"):
        return True
    return relation == "supervisor" and grading not in CLASSIFIED


def word() -> str:
    """A made-up Hindi word of this test's own, found nowhere else."""
    return "चौकीदार" + "".join("कखगघचछजझटठ"[int(c, 16) % 10] for c in uuid.uuid4().hex[:8])


def files_db(office):
    (storage,) = [d for d in office.containers["files"].dependencies if d.attr_name == "storage"]
    return storage.storage.db


TAKEN_AT = "2026-12-01T10:00:01Z"


def text_read(office, sha256: str, ref: dict, text: str) -> None:
    """What the text worker does with a document: queued for its item, taken, read. The
    service's own reader takes queued documents too (every two seconds): if it took this one
    first, its words are written once it has finished, or they would be overwritten by its."""
    db = files_db(office)
    store.queue_text(db, sha256, ref, "2026-12-01T10:00:00Z")
    while store.take_queued_text(db, TAKEN_AT) is not None:
        pass
    assert eventually(
        lambda: (
            (found := store.text_of(db, sha256))
            and (found["state"] in ("done", "failed") or found.get("reading_since") == TAKEN_AT)
        )
    )
    store.text_read(db, sha256, "ocr", 1, text, "2026-12-01T10:00:02Z")


def found(desks, username: str, query: str, **filters) -> list[dict]:
    return desks.files.search_text(desks[username], query, filters, 50)["items"]


def ids(desks, username: str, query: str, **filters) -> list[str]:
    return [i["id"] for i in found(desks, username, query, **filters)]


def diarised(desks, text: str, grading: str = "normal", **fields) -> dict:
    """A letter diarised by the CRU whose scan reads ``text``."""
    letter = {"subject": "प्रार्थना पत्र", "sender": "ग्राम प्रधान", "grading": grading, **fields}
    receipt = desks.files.diarise(desks[CRU], letter, b64(pdf(text=uuid.uuid4().hex)))
    ref = {"kind": "receipts", "id": receipt["id"], "what": "receipt"}
    text_read(desks.office, receipt["document"]["sha256"], ref, text)
    return receipt


def moved_on(desks, kind: str, item: dict) -> None:
    """CRU -> Head Clerk -> ASP, each opening it: the matrix's path."""
    send, get = (
        (desks.files.send_receipt, desks.files.get_receipt)
        if kind == "receipt"
        else (desks.files.send_file, desks.files.get_file)
    )
    send(desks[CRU], item["id"], {"to_post_id": desks.post("HC-ESTT-SP-HTR")})
    get(desks[HC], item["id"])
    send(desks[HC], item["id"], {"to_post_id": desks.post("ASP-HTR")})
    get(desks[ASP], item["id"])


def file_with_letter(desks, text: str, grading: str, **fields) -> dict:
    """A file opened by the CRU with an issued letter of its own whose words are ``text``."""
    file = desks.files.create_file(
        desks[CRU], {"subject": "ग्राम सभा की भूमि", "grading": grading, **fields}
    )
    ref = {"kind": "files", "id": file["id"], "what": "letter"}
    text_read(desks.office, uuid.uuid4().hex * 2, ref, text)
    return file


def test_a_documents_words_are_found_only_by_those_who_may_see_its_item(desks):
    """Every grading, the matrix's relations: a receipt's letter, a file's issued letter and a
    receipt put in a file, each found by a word that is only inside its document."""
    items = {}
    for grading in GRADINGS:
        receipt_word, letter_word, filed_word = word(), word(), word()
        receipt = diarised(desks, f"विषय: भूमि विवाद। {receipt_word} ने बताया।", grading)
        moved_on(desks, "receipt", receipt)
        file = file_with_letter(desks, f"पत्र में {letter_word} का उल्लेख।", grading)
        filed = diarised(desks, f"संलग्न {filed_word} की रिपोर्ट।", grading)
        desks.files.put_in_file(desks[CRU], filed["id"], {"file_id": file["id"]})
        moved_on(desks, "file", file)
        items |= {
            ("receipt", grading): (receipt_word, receipt["id"]),
            ("file", grading): (letter_word, file["id"]),
            ("filed_receipt", grading): (filed_word, filed["id"]),
        }
    wrong = [
        f"{relation} on a {grading} {kind}: {'found' if shown else 'not found'}"
        for (kind, grading), (secret_word, item_id) in items.items()
        for relation, username in RELATIONS.items()
        if (shown := item_id in ids(desks, username, secret_word)) != may_see(relation, grading)
    ]
    assert not wrong, "\n".join(wrong)


def test_a_hit_says_where_it_was_found_with_the_original_words_marked(desks):
    secret_word = word()
    receipt = diarised(desks, f"ग्राम की ज़मीन पर {secret_word} ने कब्ज़ा बताया। <script>x</script>")
    (hit,) = found(desks, CRU, f"जमीन {secret_word[:6]}")  # no nukta, the start of the word
    assert (hit["id"], hit["kind"], hit["what"], hit["matched_in"]) == (
        receipt["id"],
        "receipt",
        "receipt",
        "text",
    )
    assert hit["sha256"] == receipt["document"]["sha256"] and hit["number"] == receipt["number"]
    assert [s["text"] for s in hit["snippet"] if s["hit"]] == ["ज़मीन", secret_word]
    assert "<script>x</script>" in "".join(s["text"] for s in hit["snippet"])


def test_items_found_by_their_fields_come_first_then_the_best_text_matches(desks):
    token = word()
    in_text_once = diarised(desks, f"{token} " + "अन्य विषय " * 100)
    in_text_often = diarised(desks, f"{token} {token} {token} की रिपोर्ट")
    in_subject = diarised(desks, "कोई संबंध नहीं", subject=f"{token} की नियुक्ति")
    hits = found(desks, CRU, token)
    assert [h["id"] for h in hits] == [in_subject["id"], in_text_often["id"], in_text_once["id"]]
    assert [h["matched_in"] for h in hits] == ["fields", "text", "text"]
    assert [s["text"] for s in hits[0]["snippet"] if s["hit"]] == [token]


def test_filters_by_kind_year_section_and_status(desks):
    desks.set_up_head()
    token = word()
    receipt = diarised(desks, f"{token} प्रार्थना")
    file = file_with_letter(desks, f"{token} आदेश", "normal", head="A-11011")
    assert set(ids(desks, CRU, token)) == {receipt["id"], file["id"]}
    assert ids(desks, CRU, token, kind="receipt") == [receipt["id"]]
    assert ids(desks, CRU, token, kind="letter") == [file["id"]]
    assert ids(desks, CRU, token, kind="legacy") == []
    assert ids(desks, CRU, token, kind="file") == []  # a file is found by its fields only
    assert ids(desks, CRU, token, section="ESTT") == [file["id"]]
    this_year = int(receipt["diarised_at"][:4])
    assert set(ids(desks, CRU, token, year=this_year)) == {receipt["id"], file["id"]}
    assert ids(desks, CRU, token, year=this_year - 30) == []
    desks.files.close_receipt(desks[CRU], receipt["id"], {})
    assert ids(desks, CRU, token, status="open") == [file["id"]]
    assert ids(desks, CRU, token, status="closed") == [receipt["id"]]


def test_results_come_a_page_at_a_time(desks):
    token = word()
    made = {diarised(desks, f"{token} {n}")["id"] for n in range(5)}
    seen, cursor, pages = [], None, 0
    while True:
        page = desks.files.search_text(desks[CRU], token, {}, 2, cursor)
        seen += [i["id"] for i in page["items"]]
        pages, cursor = pages + 1, page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and pages == 3


@pytest.mark.parametrize(
    "query, code",
    [
        ("चौकीदार " * 1250, "SEARCH_QUERY_TOO_LONG"),  # 10,000 characters
        ("?!... ।। —“” <>&;", "SEARCH_QUERY_EMPTY"),
        ("", "SEARCH_QUERY_EMPTY"),
    ],
)
def test_bad_queries_are_refused_with_their_reason(desks, query, code):
    assert refused(Refused, desks.files.search_text, desks[CRU], query, {}, 20) == code


def test_a_query_in_two_scripts_finds_the_document_with_both(desks):
    token = "x" + uuid.uuid4().hex[:10]
    both = diarised(desks, f"Complaint {token} regarding भूमि विवाद at Sasni.")
    diarised(desks, f"Complaint {token} regarding pay fixation.")
    assert ids(desks, CRU, f"{token} विवाद") == [both["id"]]
    assert ids(desks, CRU, f"भूमि {token.upper()} sasni") == [both["id"]]


def test_a_lost_index_is_made_again_from_the_store(desks, office, tmp_path):
    secret_word = word()
    receipt = diarised(desks, f"{secret_word} का प्रकरण")
    assert ids(desks, CRU, secret_word) == [receipt["id"]]
    index = Path(office.config["EOFFICE_DATA_DIR"]) / "files" / "fulltext.sqlite3"
    assert index.exists()
    office.kill("files")
    for part in index.parent.glob("fulltext.sqlite3*"):
        part.unlink()
    office.start("files")
    assert ids(desks, CRU, secret_word) == [receipt["id"]]
