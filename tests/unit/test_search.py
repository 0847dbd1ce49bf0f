"""Search terms: a query finds a text however its Hindi was typed (nukta, joiners, chandrabindu,
digits), by partial words, and by file and receipt numbers whole or in parts."""

import random
import time
import unicodedata

import pytest

from common.storage import Storage
from services.files.domain.search import (
    MAX_PREFIX,
    MAX_TERMS,
    MAX_TOKEN,
    normalise,
    query_terms,
    terms,
)

ZWJ, ZWNJ = "\u200d", "\u200c"


def finds(query: str, *texts: str) -> bool:
    wanted = query_terms(query)
    return bool(wanted) and set(wanted) <= set(terms(*texts))


@pytest.mark.parametrize(
    "with_nukta, without",
    [
        ("ज़िला हाथरस", "जिला हाथरस"),
        ("फ़ाइल संख्या", "फाइल संख्या"),
        ("सड़क दुर्घटना", "सडक दुर्घटना"),
        ("पढ़ाई", "पढाई"),
        ("क़ानून", "कानून"),
    ],
)
def test_a_hindi_query_without_nukta_finds_text_with_it_and_the_other_way(with_nukta, without):
    assert finds(without, f"विषय: {with_nukta} के संबंध में")
    assert finds(with_nukta, f"विषय: {without} के संबंध में")
    assert normalise(with_nukta) == normalise(without)


@pytest.mark.parametrize(
    "precomposed, decomposed",
    [
        ("\u0958", "\u0915\u093c"),  # क़
        ("\u0959", "\u0916\u093c"),  # ख़
        ("\u095a", "\u0917\u093c"),  # ग़
        ("\u095b", "\u091c\u093c"),  # ज़
        ("\u095c", "\u0921\u093c"),  # ड़
        ("\u095d", "\u0922\u093c"),  # ढ़
        ("\u095e", "\u092b\u093c"),  # फ़
        ("\u095f", "\u092f\u093c"),  # य़
        ("\u0929", "\u0928\u093c"),  # ऩ
    ],
)
def test_precomposed_and_decomposed_nukta_letters_are_the_same_letter(precomposed, decomposed):
    word_a, word_b = f"{precomposed}ाइल", f"{decomposed}ाइल"
    assert normalise(word_a) == normalise(word_b) == normalise(word_b).replace("\u093c", "")
    assert "\u093c" not in normalise(word_a)
    assert finds(word_a, word_b) and finds(word_b, word_a)


@pytest.mark.parametrize("invisible", [ZWJ, ZWNJ, "\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_joiners_and_other_invisible_characters_inside_a_word_do_not_matter(invisible):
    typed = f"सुरक्{invisible}षा व्यवस्था"
    assert normalise(typed) == "सुरक्षा व्यवस्था"
    assert finds("सुरक्षा", typed)
    assert finds(typed, "सुरक्षा व्यवस्था")
    assert finds(f"क्{ZWJ}ष", "क्ष")


def test_chandrabindu_is_anusvara_and_nasal_clusters_are_anusvara():
    assert finds("पांच", "पाँच प्रतियां")
    assert finds("पाँच", "पांच प्रतियां")
    assert finds("हिंदी", "हिन्दी में उत्तर")
    assert finds("सम्बन्ध", "इस संबंध में")
    assert finds("ठंडा अंक", "ठण्डा अङ्क")
    assert normalise("अन्य") == "अन्य"  # न before य is not a nasal cluster: kept


def test_danda_and_other_punctuation_separate_words():
    text = "थाना कोतवाली, जनपद हाथरस। प्रार्थना-पत्र॥ (शिकायत)"
    assert normalise(text) == "थाना कोतवाली जनपद हाथरस प्रार्थना-पत्र शिकायत"
    assert finds("हाथरस", text)
    assert finds("शिकायत", text)
    assert finds("पत्र", text)  # a part of a hyphenated word
    assert all("।" not in term and "॥" not in term for term in terms(text))


def test_devanagari_digits_are_ascii_digits():
    assert normalise("०१२३४५६७८९") == "0123456789"
    assert finds("2025", "वर्ष २०२५ की शिकायत")
    assert finds("२०२५", "year 2025")
    assert finds("132177/2025/SP-HTR", "आवती १३२१७७/२०२५/SP-HTR")
    assert finds("２０２５", "year 2025")  # fullwidth digits from some input methods


def test_latin_is_case_insensitive():
    assert finds("establishment", "ESTABLISHMENT Branch")
    assert finds("ESTABLISHMENT", "Establishment branch")
    assert finds("Sp Office", "SP OFFICE HATHRAS")
    assert finds("strasse", "Straße")


def test_a_partial_word_of_three_or_more_characters_finds_the_word():
    assert finds("establ", "Establishment branch")
    assert finds("हाथ", "जनपद हाथरस")
    assert finds("दुर्घ", "सड़क दुर्घटना")
    assert finds("पुलि", "पुलिस अधीक्षक")  # characters are code points: पुलि is four
    assert finds("ज़िल", "जिला")  # the partial is folded too
    assert not finds("es", "Establishment")  # two characters are a word, not a prefix
    assert not finds("ment", "Establishment")  # prefixes, not infixes
    assert finds("hath", "HATHRAS")


def test_a_long_word_is_found_by_a_long_partial_and_whole():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"
    assert len(word) > MAX_PREFIX
    assert finds(word, f"case of {word}")
    assert finds(word[:30], f"case of {word}")
    assert finds(word[: MAX_PREFIX - 1], f"case of {word}")


def test_a_query_matches_only_when_every_word_is_there():
    text = "चोरी की शिकायत थाना सादाबाद"
    assert finds("चोरी सादाबाद", text)
    assert not finds("चोरी हाथरस", text)
    assert query_terms("चोरी चोरी CHORI chori") == ["चोरी", "chori"]


@pytest.mark.parametrize(
    "query",
    ["132177/2025/SP-HTR", "132177", "132177/2025", "2025/SP-HTR", "SP-HTR", "HTR", "sp htr"],
)
def test_a_receipt_number_is_found_whole_and_by_its_parts(query):
    assert finds(query, "132177/2025/SP-HTR", "शिकायत")


@pytest.mark.parametrize(
    "query",
    [
        "A-11011/3/2025-ESTT",
        "a-11011/3/2025-estt",
        "11011",
        "A-11011",
        "11011/3/2025",
        "3/2025",
        "ESTT",
        "A-11011 3 2025 ESTT",
        "file A-11011/3/2025-ESTT.",
    ],
)
def test_a_file_number_is_found_whole_and_by_its_parts(query):
    assert finds(query, "File A-11011/3/2025-ESTT (Part-I)", "Transfer of constables")


def test_a_different_number_is_not_found():
    text = "A-11011/3/2025-ESTT"
    assert not finds("A-11011/4/2025-ESTT", text)
    assert not finds("132177/2025/SP-HTR", "132178/2025/SP-HTR")
    assert not finds("1321", "132177/2025/SP-HTR")  # numbers are found whole, not by prefix
    assert query_terms("A-11011/3/2025-ESTT") == ["a-11011/3/2025-estt"]  # whole, one term


def test_a_long_subject_gives_a_bounded_number_of_terms_keeping_the_earliest():
    rng = random.Random(7)
    letters = "कखगघचछजझटठडढतथदधनपफबभमयरलवशसह"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(2000)]
    subject = " ".join(words)[:10_000]
    started = time.perf_counter()
    found = terms("A-11011/3/2025-ESTT", subject)
    assert time.perf_counter() - started < 1
    assert len(found) <= MAX_TERMS
    assert "a-11011/3/2025-estt" in found and words[0] in found  # the earliest are kept
    assert found == sorted(set(found))


@pytest.mark.parametrize(
    "subject",
    ["क" * 10_000, "a" * 10_000, "1" * 10_000, "/".join(["12"] * 5_000), "-." * 5_000],
)
def test_one_enormous_token_gives_few_short_terms(subject):
    found = terms(subject)
    assert len(found) <= MAX_TERMS
    assert all(len(term) <= MAX_TOKEN for term in found)


def test_script_tags_are_just_text():
    text = "<script>alert('x')</script> <b onclick=\"steal()\">जिला</b>"
    found = terms(text)
    # letters, marks (Devanagari vowel signs are marks) and digits only, besides connectors
    assert found and all(
        unicodedata.category(c)[0] in "LMN" or c in "-/." for term in found for c in term
    )
    assert not any(c in term for term in found for c in "<>'\"()=")
    assert finds("<script>", text)
    assert finds("alert", text)
    assert finds("जिला", text)
    assert query_terms("<script></script>") == ["script"]


def test_terms_are_sorted_unique_and_skip_missing_fields():
    found = terms("Transfer transfer", None, "", "TRANSFER order")
    assert found == sorted(set(found))
    assert found.count("transfer") == 1
    assert terms() == [] and terms(None, "") == []


def test_a_query_of_nothing_searchable_gives_no_terms():
    assert query_terms("") == []
    assert query_terms("  ।, ? - / ") == []
    assert query_terms("a व") == []  # one-letter words are not indexed, so not asked for
    assert query_terms("3") == ["3"]  # but a number is


def test_normalise_is_idempotent():
    for text in ["ज़िला  हाथरस।", "A-11011/3/2025-ESTT", "हिन्दी पाँच ०९", "क्\u200dष", "Straße"]:
        assert normalise(normalise(text)) == normalise(text)


def test_the_embedded_store_answers_the_search_from_the_terms(tmp_path):
    storage = Storage("files", {"EOFFICE_DATA_DIR": str(tmp_path), "MONGODB_URI": ""})
    receipts = storage.db.receipts
    receipts.create_index("search_terms")
    receipts.insert_many(
        [
            {"_id": "r1", "search_terms": terms("132177/2025/SP-HTR", "ज़िला हाथरस सड़क दुर्घटना")},
            {"_id": "r2", "search_terms": terms("132178/2025/SP-HTR", "थाना सादाबाद चोरी")},
        ]
    )
    try:
        for query, expected in [
            ("जिला सडक", ["r1"]),
            ("2025/sp-htr", ["r1", "r2"]),
            ("132178", ["r2"]),
            ("दुर्घ हाथरस", ["r1"]),
            ("चोरी हाथरस", []),
        ]:
            found = receipts.find({"search_terms": {"$all": query_terms(query)}})
            assert sorted(doc["_id"] for doc in found) == expected, query
    finally:
        storage.close()
