"""A page of a list: the cursor a client sends back is ours, or the list starts again."""

import pytest

from common.errors import InvalidInput
from common.paging import page_of
from common.validation import whole_number

LETTERS = list("abcdefg")


def test_pages_follow_one_another_to_the_end():
    first, cursor = page_of(LETTERS, 3, None)
    second, cursor2 = page_of(LETTERS, 3, cursor)
    last, end = page_of(LETTERS, 3, cursor2)
    assert (first, second, last, end) == (list("abc"), list("def"), ["g"], None)


@pytest.mark.parametrize("cursor", ["³²", "१२", "12abc", "-3", "9" * 5000, " 3"])
def test_a_cursor_that_is_not_ours_starts_at_the_beginning(cursor):
    # "³²" and "१२" pass str.isdigit; int() refuses the first and 5,000 nines.
    assert page_of(LETTERS, 2, cursor) == (list("ab"), "2")


def test_a_limit_outside_1_to_200_is_refused():
    for limit in (0, 201, "5", None):
        with pytest.raises(InvalidInput):
            page_of(LETTERS, limit, None)


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("42", 42), ("³", None), ("१२", None), ("", None), ("-1", None), ("9" * 19, None)],
)
def test_a_version_or_position_is_ascii_digits_only(text, number):
    # If-Match: "³" and a form's version "²" answered 500 before (int() refuses them).
    assert whole_number(text) == number
