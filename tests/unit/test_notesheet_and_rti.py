"""The note sheet as printed, and a history exported for an RTI reply and checked offline.

Judged the way a reader meets them: the text pdftotext gets back from the PDF, and what
``python -m tools.verify_history`` says about an export."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from common.actor import Actor, Behalf
from common.errors import InvalidInput
from common.fonts import FontsMissing
from services.files.domain import history
from services.files.render import rti
from services.files.render.notesheet import render_note_sheet

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="needs poppler-utils"
)

HINDI = "कृपया संलग्न पत्र का अवलोकन करें। निरीक्षक श्री क्षितिज द्विवेदी की रिपोर्ट प्रस्तुत है।"
HINDI_2 = "थानाध्यक्ष द्वारा प्रेषित आख्या के अनुसार प्रकरण की जाँच उपनिरीक्षक को सौंपी गई है, कृपया देखें।"
ENGLISH = "The Inspector's report on the complaint of Shri Ram Kumar is placed below for orders."
SCRIPT = "<script>alert(1)</script>"
FILE = {
    "number": "A-11011/3/2025-ESTT",
    "subject": "निरीक्षक क्षितिज द्विवेदी का स्थानांतरण / Transfer of Inspector Kshitij Dwivedi",
    "office": "पुलिस अधीक्षक कार्यालय, हाथरस",
}


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def pages_of(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


AUTHOR = {"user_id": "u5", "name": "क्षितिज द्विवेदी", "on_behalf_of": None}
DELEGATE = {
    "user_id": "u9",
    "name": "राजेश कुमार सिंह",
    "on_behalf_of": {"user_id": "u8", "name": "विनीत जायसवाल"},
}
TEXT = f"{HINDI}\n\n{ENGLISH} {SCRIPT} {{nb}}\n\n{HINDI_2} " + "Please see FR-I. " * 12


def note(first_paragraph: int | None, status: str = "green", author=AUTHOR, text=TEXT) -> dict:
    """A note as the files service keeps it (three paragraphs, numbered when confirmed)."""
    return {
        "text": text,
        "author": author,
        "designation": "निरीक्षक, स्थापना शाखा",
        "confirmed_at": "2025-03-12T10:15:00+00:00" if status == "green" else None,
        "status": status,
        "first_paragraph": first_paragraph,
        "last_paragraph": first_paragraph + 2 if first_paragraph else None,
        "references": ["PUC", "FR-I"],
    }


GREENS = 13
NOTES = [
    note(None, "yellow"),  # a draft comes last, whatever order the notes are given in
    *(note(3 * n + 1, author=DELEGATE if n == 5 else AUTHOR) for n in range(GREENS)),
    note(None, "discarded", text="यह टिप्पणी हटा दी गई थी।"),
]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory) -> tuple[bytes, str]:
    pdf = render_note_sheet(FILE, NOTES, lang="hi")
    return pdf, text_of(pdf, tmp_path_factory.mktemp("sheet"), "sheet.pdf")


def test_hindi_comes_back_from_the_pdf_exactly_as_typed(sheet):
    text = flat(sheet[1])
    assert text.count(HINDI) == GREENS + 1  # conjuncts and the ि sign intact, no split words
    assert text.count(HINDI_2) == GREENS + 1
    assert text.count(ENGLISH) == GREENS + 1


def test_what_a_user_typed_is_printed_literally_never_interpreted(sheet):
    text = flat(sheet[1])
    assert text.count(SCRIPT) == GREENS + 1
    assert text.count("{nb}") == GREENS + 1  # fpdf2's page-count alias is not applied to notes


def test_every_paragraph_is_numbered_in_the_margin_running_on_across_notes(sheet):
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\.\s", sheet[1], re.M)]
    assert numbers == list(range(1, 3 * GREENS + 1))  # the draft has no numbers yet


def test_a_long_note_sheet_runs_over_numbered_pages_each_with_the_file_number(sheet, tmp_path):
    pdf, text = sheet
    pages = pages_of(pdf, tmp_path)
    assert pages >= 3
    assert f"पृष्ठ 2 / {pages}" in text and f"पृष्ठ {pages} / {pages}" in text
    assert text.count(FILE["number"]) == pages
    assert "टिप्पणी पृष्ठ / Note sheet" in text


def test_a_paragraph_number_always_stands_beside_its_text(sheet):
    # never alone at the foot of a page with the paragraph on the next
    assert not re.search(r"^\s*\d+\.\s*$", sheet[1], re.M)


def test_a_green_note_ends_with_its_signature_block_and_a_draft_is_marked(sheet):
    text = flat(sheet[1])
    assert text.count("क्षितिज द्विवेदी निरीक्षक, स्थापना शाखा 12.03.2025 15:45") == GREENS - 1
    assert "राजेश कुमार सिंह विनीत जायसवाल की ओर से निरीक्षक, स्थापना शाखा 12.03.2025" in text
    assert text.count("मसौदा / DRAFT") == 1
    assert text.index("मसौदा / DRAFT") > text.index(f"{3 * GREENS - 2}. {HINDI}")
    assert "मसौदा लेखक: क्षितिज द्विवेदी, निरीक्षक, स्थापना शाखा" in text
    assert text.count("संदर्भ: PUC, FR-I") == GREENS + 1
    assert "हटा दी गई" not in text


def test_the_labels_follow_the_readers_language(tmp_path):
    notes = [
        {"paragraph": 7, "text": ENGLISH, "author": "Ram Kumar", "status": "green"},
        {"paragraph": 8, "text": f"{HINDI}\n\n{ENGLISH}", "author": "Ram Kumar"},
    ]
    text = text_of(render_note_sheet(FILE, notes, lang="en"), tmp_path, "en.pdf")
    assert [int(n) for n in re.findall(r"^\s*(\d+)\.\s", text, re.M)] == [7, 8]
    text = flat(text)
    assert "Note sheet / टिप्पणी पृष्ठ" in text and "File No.: A-11011/3/2025-ESTT" in text
    assert "DRAFT / मसौदा (not confirmed, not signed)" in text and "Page 1 of 1" in text
    assert "Drafted by: Ram Kumar" in text
    with pytest.raises(InvalidInput):
        render_note_sheet(FILE, [], lang="fr")


def test_hindi_after_an_english_only_line_is_not_lost(tmp_path):
    # fpdf2 2.8.9 drew the Hindi after a line that begins with a Latin letter in the wrong font
    notes = [{"paragraph": 1, "text": "Seen, put up\n\nनिरीक्षक द्विवेदी 2025", "status": "green"}]
    text = flat(text_of(render_note_sheet(FILE, notes), tmp_path, "mixed.pdf"))
    assert "1. Seen, put up निरीक्षक द्विवेदी 2025" in text


def test_the_same_notes_always_print_the_same_bytes():
    # stamped with the last confirmation, not the clock, so a print can be compared or hashed
    assert render_note_sheet(FILE, NOTES[:3]) == render_note_sheet(FILE, NOTES[:3])


def test_without_the_fonts_it_says_which_are_missing(tmp_path):
    with pytest.raises(FontsMissing, match="NotoSansDevanagari-Regular.ttf"):
        render_note_sheet(FILE, [], font_dir=tmp_path)


# --- history for RTI ------------------------------------------------------------------------

CRU = Actor(user_id="u1", name="पूजा यादव", post_ids=("cru",))
ADDL_SP = Actor(
    user_id="u9",
    name='=HYPERLINK("x") Rajesh',  # Excel must show this as text, and it must survive
    post_ids=("sp",),
    on_behalf_of={"sp": Behalf(user_id="u8", name="विनीत जायसवाल (SP)")},
)
SUBJECT = {
    "kind": "receipt",
    "number": "132177/2025/SP-HTR",
    "subject": "निरीक्षक क्षितिज द्विवेदी की शिकायत",
    "office": "पुलिस अधीक्षक कार्यालय, हाथरस",
}


@pytest.fixture
def entries() -> list[dict]:
    steps = [
        ("diarised", CRU, "cru", {"number": "132177/2025/SP-HTR", "document": "ab" * 32}),
        ("opened", ADDL_SP, "sp", {}),
        ("sent", ADDL_SP, "sp", {"to": ["reader"], "remark": 'कृपया देखें, "urgent"\n<b>'}),
        ("opened", CRU, None, {"n": 1.5, "none": None}),
    ]
    chain, previous = [], None
    for day, (action, actor, post, details) in enumerate(steps, start=1):
        previous = history.entry(
            previous, action, f"2025-03-0{day}T05:30:00.000000+00:00", actor, post, details
        )
        chain.append(previous)
    return chain


def verify_tool(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.verify_history", str(path), *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_the_csv_opens_in_excel_and_reads_back_to_the_same_entries(entries):
    data = rti.history_csv(SUBJECT, entries)
    assert data.startswith(b"\xef\xbb\xbf")
    header, first, second = data.decode("utf-8-sig").splitlines()[:3]
    assert header == "seq,when,action,by,on behalf of,from post,details,hash,prev_hash"
    assert first.startswith("1,2025-03-01T05:30:00.000000+00:00,diarised,पूजा यादव (u1),,cru,")
    assert "'=HYPERLINK" in second and "विनीत जायसवाल (SP) (u8)" in second
    assert rti.entries_from_csv(data) == entries


def test_anyone_can_check_the_csv_offline_and_an_edited_detail_is_caught(entries, tmp_path):
    export = tmp_path / "history.csv"
    export.write_bytes(rti.history_csv(SUBJECT, entries))
    checked = verify_tool(export, "--expect-last-hash", entries[-1]["hash"])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == f"intact: 4 entries, last hash {entries[-1]['hash']}"

    export.write_text(export.read_text("utf-8-sig").replace("कृपया देखें", "कृपया न देखें"), "utf-8-sig")
    tampered = verify_tool(export)
    assert tampered.returncode == 1
    assert tampered.stdout.startswith("BROKEN at entry 3")
    assert "contents do not match its hash" in tampered.stdout


def test_the_json_from_the_api_is_checked_the_same_way(entries, tmp_path):
    export = tmp_path / "history.json"
    export.write_text(json.dumps({"items": entries}, ensure_ascii=False), "utf-8")
    checked = verify_tool(export)
    assert checked.returncode == 0
    assert checked.stdout.strip() == f"intact: 4 entries, last hash {entries[-1]['hash']}"

    cut_short = verify_tool(export, "--expect-last-hash", entries[2]["hash"])
    assert cut_short.returncode == 1 and cut_short.stdout.startswith("BROKEN after entry 4")

    del entries[1]
    export.write_text(json.dumps({"items": entries}, ensure_ascii=False), "utf-8")
    removed = verify_tool(export)
    assert removed.returncode == 1 and removed.stdout.startswith("BROKEN at entry 2")


def test_a_file_that_is_no_export_is_refused_not_judged(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_text("hello,world\n1,2\n")
    refused = verify_tool(junk)
    assert refused.returncode == 2 and "not a history CSV" in refused.stderr


def test_the_pdf_lists_every_action_and_states_the_chain_is_intact(entries, tmp_path):
    text = flat(text_of(rti.history_pdf(SUBJECT, entries, lang="hi"), tmp_path, "h.pdf"))
    for word in ("diarised", "opened", "sent", "आवती का इतिहास", "132177/2025/SP-HTR"):
        assert word in text
    assert "कृपया देखें" in text and "विनीत जायसवाल (SP) (u8)" in text
    assert f"अक्षुण्ण (intact) — 4 प्रविष्टियाँ, अंतिम हैश {entries[-1]['hash']}" in text

    english = flat(text_of(rti.history_pdf(SUBJECT, entries, lang="en"), tmp_path, "e.pdf"))
    assert f"Chain check: intact — 4 entries, last hash {entries[-1]['hash']}" in english


def test_the_pdf_of_a_tampered_history_says_where_it_breaks(entries, tmp_path):
    entries[1]["details"] = {"forged": True}
    text = flat(text_of(rti.history_pdf(SUBJECT, entries, lang="en"), tmp_path, "b.pdf"))
    assert "Chain check: BROKEN at entry 2" in text and "intact" not in text
