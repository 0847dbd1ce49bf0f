"""The full-text index (services/files/text/): what a query asks for, the index that answers
it, and the snippets shown with each hit."""

import pytest

from common.errors import Refused
from services.files.text.index import Filters, FullTextIndex, Row
from services.files.text.query import MAX_QUERY, text_query
from services.files.text.snippets import snippet

LAND = (
    "कार्यालय पुलिस अधीक्षक, हाथरस\n\nविषय: ग्राम नगला की भूमि विवाद के संबंध में।\n"
    "चौकीदार रामसिंह ने बताया कि ज़मीन पर कब्ज़ा किया गया है। File A-11011/3/2025-ESTT."
)


def row(item_id: str, text: str, what: str = "receipt", **fields) -> Row:
    return Row(
        kind="files" if what in ("letter", "legacy") else "receipts",
        item_id=item_id,
        sha256=item_id * 2,
        what=what,
        year=fields.get("year", 2025),
        section=fields.get("section"),
        fields=fields.get("subject", ""),
        text=text,
    )


@pytest.fixture
def index(tmp_path):
    made = FullTextIndex(tmp_path / "fulltext.sqlite3")
    yield made
    made.close()


def found(index: FullTextIndex, query: str, **filters) -> list[str]:
    return [h.item_id for h in index.search(text_query(query).match, Filters(**filters), 20)]


# --- the query -----------------------------------------------------------------------------


def test_a_query_of_ten_thousand_characters_is_refused_as_too_long():
    with pytest.raises(Refused) as refused:
        text_query("चौकीदार " * 1250)
    assert refused.value.code == "SEARCH_QUERY_TOO_LONG"
    text_query("क" * MAX_QUERY)  # the limit itself is allowed


@pytest.mark.parametrize("query", ["", "   ", "?!...", "—“”«»।॥", "<>&;\"'*()", "- / ."])
def test_a_query_of_only_punctuation_is_refused_as_empty(query):
    with pytest.raises(Refused) as refused:
        text_query(query)
    assert refused.value.code == "SEARCH_QUERY_EMPTY"


def test_query_words_are_folded_and_long_ones_match_as_the_start_of_a_word():
    asked = text_query('ज़िला "चौकी" के 3')
    assert asked.words == ("जिला", "चौकी", "के", "3")
    assert asked.starts == {"जिला", "चौकी"}
    assert asked.match == '"जिला"* "चौकी"* "के" "3"'


def test_fts_syntax_typed_in_a_query_is_only_words():
    assert text_query("NEAR(a b) OR title:x AND NOT y*").match == (
        '"near"* "or" "title"* "and"* "not"*'
    )


# --- the index -----------------------------------------------------------------------------


def test_a_hindi_word_is_found_whole_by_its_start_and_without_its_nukta(index):
    index.put([row("land", LAND), row("other", "वेतन निर्धारण का प्रकरण")], seq=2)
    assert found(index, "चौकीदार") == ["land"]
    assert found(index, "चौकी") == ["land"]  # the start of a word
    assert found(index, "जमीन") == ["land"]  # typed without the nukta
    assert found(index, "कब्जा") == ["land"]
    assert found(index, "दार") == []  # the middle of a word is not its start
    assert index.last_seq == 2


def test_mixed_scripts_numbers_and_file_numbers(index):
    index.put([row("land", LAND), row("pay", "Pay fixation of constable 1234")], seq=2)
    assert found(index, "भूमि file") == ["land"]  # every word, in either script
    assert found(index, "भूमि pay") == []
    assert found(index, "11011/3/2025") == ["land"]
    assert found(index, "A-11011/3/2025-ESTT") == ["land"]
    assert found(index, "१२३४") == ["pay"]  # Devanagari digits are digits
    assert found(index, "12") == []  # a number is not the start of a longer one


def test_better_matches_come_first_and_fields_count_more(index):
    index.put(
        [
            row("once", "चौकीदार " + "अन्य शब्द " * 200),
            row("often", "चौकीदार चौकीदार चौकीदार की रिपोर्ट"),
            row("subject", "रिपोर्ट संलग्न", subject="चौकीदार की नियुक्ति"),
        ],
        seq=3,
    )
    assert found(index, "चौकीदार") == ["subject", "often", "once"]


def test_filters(index):
    index.put(
        [
            row("r", LAND, year=2024),
            row("l", LAND, what="letter", section="ESTT"),
            row("g", LAND, what="legacy", year=1998, section="CRIME"),
        ],
        seq=3,
    )
    assert sorted(found(index, "भूमि")) == ["g", "l", "r"]
    assert found(index, "भूमि", whats=("legacy",)) == ["g"]
    assert found(index, "भूमि", year=2024) == ["r"]
    assert found(index, "भूमि", section="ESTT") == ["l"]
    assert found(index, "भूमि", whats=("receipt", "letter"), year=1998) == []


def test_a_row_indexed_again_replaces_itself(index):
    index.put([row("a", "पुराना शब्द")], seq=1)
    index.put([row("a", "नया शब्द")], seq=2)
    assert found(index, "पुराना") == [] and found(index, "नया") == ["a"]
    assert found(index, "शब्द") == ["a"]


def test_a_damaged_index_file_is_made_again_empty(tmp_path):
    path = tmp_path / "fulltext.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    index = FullTextIndex(path)
    assert index.last_seq == 0
    index.put([row("a", LAND)], seq=1)
    assert found(index, "भूमि") == ["a"]
    index.close()


def test_clear_forgets_everything(index):
    index.put([row("a", LAND)], seq=5)
    index.clear()
    assert index.last_seq == 0 and found(index, "भूमि") == []


# --- snippets ------------------------------------------------------------------------------


def marked(segments) -> str:
    return "".join(f"[{s['text']}]" if s["hit"] else s["text"] for s in segments)


def test_a_snippet_marks_the_hits_in_the_original_text():
    shown = marked(snippet(LAND, text_query("जमीन चौकी")))
    assert "[चौकीदार] रामसिंह ने बताया कि [ज़मीन] पर" in shown  # the nukta as written
    assert "\n" not in shown


def test_a_snippet_starts_a_little_before_the_first_hit_of_a_long_text():
    text = "आरंभ " + "भरती शब्द " * 300 + "चौकीदार की रिपोर्ट " + "अंत शब्द " * 300
    segments = snippet(text, text_query("चौकीदार"))
    assert marked(segments).startswith("…") and marked(segments).endswith("…")
    assert [s["text"] for s in segments if s["hit"]] == ["चौकीदार"]
    assert len(marked(segments)) < 300


def test_a_snippet_is_segments_of_text_never_markup():
    text = "<script>alert('x')</script> चौकीदार <b>bold</b>"
    segments = snippet(text, text_query("चौकीदार"))
    assert "".join(s["text"] for s in segments) == text
    assert [s["text"] for s in segments if s["hit"]] == ["चौकीदार"]


def test_no_hit_in_the_text_shows_its_start_unmarked():
    assert snippet("वेतन निर्धारण", text_query("चौकीदार")) == [{"text": "वेतन निर्धारण", "hit": False}]
