"""The working-day clock, as a desk counts it: Sundays, second Saturdays and gazetted holidays
stop it; restricted holidays do not (they are never on the calendar)."""

from datetime import UTC, date, datetime

import pytest

from common.clock import IST
from common.workdays import Calendar

# December 2026: Tuesday 1st; Saturday 12th is the second Saturday; Friday 25th is Christmas.
DECEMBER = Calendar.of(["2026-12-25"])


def at(day: int, hour: int = 11, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=IST)


def test_the_day_of_arrival_is_day_one_and_sunday_does_not_count():
    # Received Friday 4th; Saturday 5th is the first Saturday (a working day); Sunday 6th is off.
    assert DECEMBER.working_days_held(at(4), at(4)) == 1
    assert DECEMBER.working_days_held(at(4), at(5)) == 2
    assert DECEMBER.working_days_held(at(4), at(6)) == 2
    assert DECEMBER.working_days_held(at(4), at(7)) == 3


def test_the_second_saturday_is_off_and_the_fourth_only_where_the_state_says_so():
    assert not DECEMBER.is_working_day(date(2026, 12, 12))
    assert DECEMBER.is_working_day(date(2026, 12, 26))
    bihar_like = Calendar.of([], fourth_saturday=True)
    assert not bihar_like.is_working_day(date(2026, 12, 26))
    no_saturdays_off = Calendar.of([], second_saturday=False)
    assert no_saturdays_off.is_working_day(date(2026, 12, 12))


def test_a_gazetted_holiday_stops_the_clock_across_a_weekend():
    # Received Thursday 24th: 24 (1), 25 Christmas, 26 fourth Saturday (2), 27 Sunday, 28 (3).
    assert DECEMBER.working_days_held(at(24), at(28)) == 3
    without_christmas = Calendar.of([])
    assert without_christmas.working_days_held(at(24), at(28)) == 4


def test_an_item_received_on_a_holiday_starts_counting_on_the_next_working_day():
    assert DECEMBER.working_days_held(at(25), at(25)) == 0
    assert DECEMBER.working_days_held(at(25), at(26)) == 1


def test_the_eighth_working_day_falls_past_a_second_saturday_and_a_sunday():
    # From Monday 7th: 7,8,9,10,11 (5), 12 off, 13 off, 14 (6), 15 (7), 16 (8).
    assert DECEMBER.working_day(at(7), 5) == date(2026, 12, 11)
    assert DECEMBER.working_day(at(7), 8) == date(2026, 12, 16)
    assert DECEMBER.working_days_held(at(7), at(16)) == 8
    with pytest.raises(ValueError):
        DECEMBER.working_day(at(7), 0)


def test_days_are_indian_days_not_utc_days():
    # 19:00 UTC on Saturday 12th is 00:30 IST on Sunday 13th: both off; 18:00 UTC Friday 11th
    # is 23:30 IST the same Friday.
    friday_night = datetime(2026, 12, 11, 18, 0, tzinfo=UTC)
    assert DECEMBER.working_days_held(friday_night, at(14)) == 2
    with pytest.raises(ValueError):
        DECEMBER.working_days_held(datetime(2026, 12, 11), at(14))
