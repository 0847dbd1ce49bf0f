"""Gov IDs and post addresses, as the nodal officer sees them in the dry run."""

import pytest

from common.errors import InvalidInput
from services.identity.domain.govid import gov_id, name_parts, post_address

DOTTED = "{first}.{last}@{domain}"
BY_OFFICE = "{first}{last_initial}.{office}@up.gov.in"


def test_a_name_becomes_first_dot_last_at_the_state_domain():
    assert gov_id("Ram Kumar Yadav", "SP-HTR", DOTTED, set(), domain="up.gov.in") == (
        "ram.yadav@up.gov.in"
    )


def test_an_office_pattern_uses_the_office_code_in_lowercase():
    assert gov_id("Pooja Yadav", "SP-HTR", BY_OFFICE, set()) == "poojay.sp-htr@up.gov.in"


def test_honorifics_are_dropped_and_accents_folded():
    assert name_parts("Smt. Pooja Yadav") == ["pooja", "yadav"]
    assert name_parts("Shri  R.K. Sharma") == ["r", "k", "sharma"]
    assert name_parts("Dr. Zoë D'Souza") == ["zoe", "dsouza"]


def test_mohd_is_dropped_only_when_two_name_parts_follow():
    assert gov_id("Mohd. Aslam Khan", "SP-HTR", DOTTED, set(), domain="up.gov.in") == (
        "aslam.khan@up.gov.in"
    )
    assert gov_id("Mohd Aslam", "SP-HTR", DOTTED, set(), domain="up.gov.in") == (
        "mohd.aslam@up.gov.in"
    )


def test_a_name_typed_in_devanagari_is_transliterated():
    assert gov_id("सुनील कुमार मिश्रा", "SP-HTR", DOTTED, set(), domain="up.gov.in") == (
        "sunil.mishra@up.gov.in"
    )


def test_a_one_part_name_leaves_no_dangling_dot():
    assert gov_id("Pooja", "SP-HTR", DOTTED, set(), domain="up.gov.in") == "pooja@up.gov.in"


def test_collisions_get_2_then_3_and_the_same_inputs_always_give_the_same_id():
    taken = {"ram.yadav@up.gov.in", "ram.yadav2@up.gov.in"}  # logins are kept lowercase
    first = gov_id("Ram Yadav", "SP-HTR", DOTTED, taken, domain="up.gov.in")
    assert first == "ram.yadav3@up.gov.in"
    assert all(
        gov_id("Ram Yadav", "SP-HTR", DOTTED, set(taken), domain="up.gov.in") == first
        for _ in range(5)
    )
    assert gov_id("Ram Yadav", "SP-HTR", DOTTED, taken | {first}, domain="up.gov.in") == (
        "ram.yadav4@up.gov.in"
    )


def test_a_batch_of_namesakes_gets_distinct_ids_in_sheet_order():
    taken: set[str] = set()
    for _ in range(3):
        taken.add(gov_id("Ram Yadav", "SP-HTR", BY_OFFICE, taken))
    assert taken == {
        "ramy.sp-htr@up.gov.in",
        "ramy.sp-htr2@up.gov.in",
        "ramy.sp-htr3@up.gov.in",
    }


def test_the_pattern_may_say_where_the_number_goes():
    pattern = "{first}{last_initial}{n}.{office}@up.gov.in"
    taken = {"ramy.sp-htr@up.gov.in"}
    assert gov_id("Ram Yadav", "SP-HTR", pattern, taken) == "ramy2.sp-htr@up.gov.in"


def test_a_very_long_name_is_shortened_to_a_valid_mailbox():
    name = "Venkatanarasimharajuvaripeta Chandrasekharavenkataramana Subrahmanyaswamigaru"
    address = gov_id(
        name, "SSP-VISAKHAPATNAM-RURAL-CIRCLE", "{first}.{last}.{office}@ap.gov.in", set()
    )
    assert len(address.partition("@")[0]) <= 64


@pytest.mark.parametrize(
    "pattern",
    [
        "{first}.{surname}@up.gov.in",  # no such placeholder
        "{first}.{last}",  # no domain
        "{office}@up.gov.in",  # nothing of the person
        "{first}@{last}.gov.in",  # a name in the domain
        "{first:>10}@up.gov.in",  # format specs are not placeholders
        "{first}@up.gov.in@x",
    ],
)
def test_a_misconfigured_pattern_is_refused(pattern):
    with pytest.raises(InvalidInput) as caught:
        gov_id("Ram Yadav", "SP-HTR", pattern, set(), domain="up.gov.in")
    assert caught.value.code == "GOV_ID_PATTERN_INVALID"


def test_a_name_with_no_usable_letters_is_refused():
    with pytest.raises(InvalidInput) as caught:
        gov_id("Shri 1234 !", "SP-HTR", DOTTED, set(), domain="up.gov.in")
    assert caught.value.code == "GOV_ID_NAME_UNUSABLE"


def test_a_post_has_its_own_address_from_its_marking_abbreviation():
    assert post_address("HC-ESTT-SP-HTR", "up.gov.in") == "hc-estt-sp-htr@up.gov.in"
    assert post_address(" hc-estt-sp-htr ", "@UP.GOV.IN") == "hc-estt-sp-htr@up.gov.in"


def test_a_bad_abbreviation_or_domain_is_refused():
    with pytest.raises(InvalidInput) as caught:
        post_address("HC ESTT", "up.gov.in")
    assert caught.value.code == "POST_ABBREVIATION_INVALID"
    with pytest.raises(InvalidInput) as caught:
        post_address("HC-ESTT-SP-HTR", "not a domain")
    assert caught.value.code == "GOV_DOMAIN_INVALID"
