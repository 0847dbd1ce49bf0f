"""Notify's rules for what leaves the office: channels by preference, addresses checked,
quiet hours, backoff, the wording in each language, and reminders in working days."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from common.events import (
    DelegationEnded,
    Event,
    FileSent,
    FileStatusChanged,
    Names,
    PostDelegated,
)
from common.workdays import Calendar
from services.notify.domain import delivery, messages, reminders
from services.notify.domain.delivery import Preferences, QuietHours
from services.notify.domain.notices import KINDS

NAMES = Names(en="SP Hathras", hi="पुलिस अधीक्षक हाथरस")
# 2026-12-07 is a Monday; the 12th is the second Saturday, the 13th a Sunday.
MONDAY = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # 10:00 IST


def event(payload, type_: str, at: datetime = MONDAY) -> Event:
    return Event(
        event_id="e1",
        type=type_,
        occurred_at=at,
        actor=None,
        office_path=["up", "htr"],
        payload=payload.model_dump(),
    )


def sent(due: str | None, how: str = "sent") -> Event:
    body = FileSent(
        file_id="f1",
        number="HTR/ESTT/1",
        subject="Transfers",
        how=how,
        from_post_id="hc",
        from_post_name=NAMES,
        to_post_id="asp",
        to_post_name=NAMES,
        to_office_id="htr",
        to_office_path=["up", "htr"],
        due_date=due,
        seq=1,
    )
    return event(body, "file.sent")


# --- channels and addresses ------------------------------------------------------------------


def test_a_person_who_chose_nothing_gets_by_email_only_what_they_must_not_miss():
    prefs = Preferences(email="sp@up.gov.in")
    assert delivery.channels_for(prefs, "dsc_expiring", post_work=False) == ["email"]
    assert delivery.channels_for(prefs, "escalated_to_you", post_work=True) == ["email"]
    assert delivery.channels_for(prefs, "file_received", post_work=True) == []


def test_chosen_channels_win_and_the_digest_takes_the_place_of_single_mails_of_work():
    prefs = Preferences(channels={"file_received": ["sms", "email"], "dsc_expiring": []})
    assert delivery.channels_for(prefs, "file_received", True) == ["email", "sms"]
    assert delivery.channels_for(prefs, "dsc_expiring", False) == []  # chose none
    digest = prefs.model_copy(update={"digest": True})
    assert delivery.channels_for(digest, "file_received", True) == ["sms"]
    assert delivery.channels_for(digest, "escalated_to_you", True) == ["email"]  # still mailed
    assert delivery.wanted(prefs) == ["file_received"]


@pytest.mark.parametrize(
    "channels",
    [{"no_such_kind": ["email"]}, {"file_received": ["fax"]}],
)
def test_an_unknown_kind_or_channel_is_refused(channels):
    with pytest.raises(ValidationError):
        Preferences(channels=channels)


def test_every_kind_has_its_wording_in_both_languages():
    assert set(messages.LINES) == set(KINDS)
    assert all(set(w) == {"hi", "en"} for w in messages.LINES.values())


@pytest.mark.parametrize(
    "channel, address, problem",
    [
        ("email", "sp-htr.up@gov.in", None),
        ("email", "sp at gov", "INVALID_EMAIL"),
        ("email", "", "NO_ADDRESS"),
        ("sms", "+91 98765 43210", None),
        ("sms", "09876543210", None),
        ("sms", "12345", "INVALID_MOBILE"),
        ("sms", "5876543210", "INVALID_MOBILE"),  # Indian mobiles begin with 6-9
    ],
)
def test_addresses_are_checked_before_anything_is_tried(channel, address, problem):
    assert delivery.address_problem(channel, address) == problem


def test_an_invalid_address_is_dead_at_once_with_its_reason_and_never_tried():
    notice = {"_id": "n1", "kind": "dsc_expiring", "params": {}, "post_id": None}
    planned = delivery.planned(notice, "u1", "email", Preferences(email="nope"), MONDAY)
    assert (planned["_id"], planned["status"], planned["reason"]) == (
        "n1:email",
        "dead",
        "INVALID_EMAIL",
    )
    good = delivery.planned(notice, "u1", "sms", Preferences(mobile="9876543210"), MONDAY)
    assert (good["status"], good["to"], good["next_try"]) == (
        "pending",
        "9876543210",
        MONDAY.isoformat(timespec="microseconds"),
    )


# --- quiet hours and retries --------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, ist, waits_until_ist",
    [
        ("22:00", "07:00", "23:30", "07:00+1"),  # across midnight, before it
        ("22:00", "07:00", "03:00", "07:00"),  # across midnight, after it
        ("22:00", "07:00", "12:00", None),
        ("13:00", "14:00", "13:30", "14:00"),  # lunch
        ("13:00", "14:00", "14:00", None),  # the end is outside
    ],
)
def test_nothing_goes_out_in_quiet_hours_it_waits_for_their_end(start, end, ist, waits_until_ist):
    hour, minute = map(int, ist.split(":"))
    local_day = datetime(2026, 12, 7, hour, minute, tzinfo=delivery.IST)
    now = local_day.astimezone(UTC)
    after = delivery.after_quiet_hours(QuietHours(start=start, end=end), now)
    if waits_until_ist is None:
        assert after == now
    else:
        clock, _, next_day = waits_until_ist.partition("+")
        h, m = map(int, clock.split(":"))
        expected = local_day.replace(hour=h, minute=m) + timedelta(days=1 if next_day else 0)
        assert after == expected
    assert delivery.after_quiet_hours(None, now) == now


def test_retries_back_off_exponentially_and_stop_at_the_limit():
    waits = [delivery.backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [60, 120, 240, 480]
    assert max(waits) == delivery.LONGEST_WAIT_SECONDS
    assert delivery.after_failure(1, False, MONDAY) == {
        "status": "failed",
        "next_try": (MONDAY + timedelta(minutes=1)).isoformat(timespec="microseconds"),
    }
    assert delivery.after_failure(delivery.MAX_ATTEMPTS, False, MONDAY) == {"status": "dead"}
    assert delivery.after_failure(1, True, MONDAY) == {"status": "dead"}  # no retry storm


# --- wording ---------------------------------------------------------------------------------


def test_a_notice_reads_in_the_persons_language_with_names_in_it_and_no_subject():
    params = {
        "item_id": "f1",
        "item_kind": "file",
        "number": "HTR/ESTT/1",
        "subject": "गोपनीय: निलंबन",
        "from_post_name": NAMES.model_dump(),
    }
    hi = messages.notice_email(
        "file_received", params, "hi", "dak@up", "a@up.gov.in", "https://e", "n1:email"
    )
    en = messages.notice_sms("file_received", params, "en", "https://e")
    assert hi["Subject"] == "फ़ाइल HTR/ESTT/1 पुलिस अधीक्षक हाथरस से आपकी डेस्क पर आई है"
    assert "https://e/files/f1" in hi.get_content()
    assert (
        en == "e-Office: File HTR/ESTT/1 has reached your desk from SP Hathras https://e/files/f1"
    )
    assert "निलंबन" not in hi.as_string() and "निलंबन" not in en


def test_a_wording_whose_field_the_notice_lacks_is_refused_by_name():
    with pytest.raises(messages.TemplateFieldMissing, match="file_received.from_post_name"):
        messages.line("file_received", {"number": "HTR/1"}, "en")
    with pytest.raises(messages.TemplateFieldMissing):
        messages.line("a_kind_from_a_newer_notify", {}, "en")


# --- reminders ---------------------------------------------------------------------------------


def test_a_due_date_is_reminded_the_working_day_before_and_after():
    # Due Monday 14th: the working day before is Friday 11th (the 12th is the second Saturday).
    calendar = Calendar.of([])
    found = {r["kind"]: r for r in reminders.for_due_date(sent("2026-12-14"), calendar, MONDAY)}
    assert found["due_soon"]["fire_at"] == "2026-12-11T04:30:00.000000+00:00"
    assert found["past_due"]["fire_at"] == "2026-12-15T04:30:00.000000+00:00"
    assert found["due_soon"]["recipient"] == "asp" and found["due_soon"]["key"] == "f1@asp"
    assert found["past_due"]["params"]["due_date"] == "2026-12-14"


def test_a_holiday_moves_the_reminder_to_a_working_day():
    calendar = Calendar.of([date(2026, 12, 15)])
    (after,) = [
        r
        for r in reminders.for_due_date(sent("2026-12-14"), calendar, MONDAY)
        if r["kind"] == "past_due"
    ]
    assert after["fire_at"].startswith("2026-12-16")


def test_no_reminder_before_a_due_date_already_at_hand_and_none_for_a_pull_back():
    kinds = [r["kind"] for r in reminders.for_due_date(sent("2026-12-07"), Calendar.of([]), MONDAY)]
    assert kinds == ["past_due"]
    assert reminders.for_due_date(sent(None), Calendar.of([]), MONDAY) == []
    assert reminders.for_due_date(sent("2026-12-14", "pulled_back"), Calendar.of([]), MONDAY) == []


def test_moving_on_closing_or_ending_early_cancels_what_was_to_be_reminded():
    assert reminders.cancelled_by(sent("2026-12-14")) == "f1@hc"
    closed = FileStatusChanged(
        file_id="f1",
        number="N",
        status="closed",
        post_id="asp",
        post_name=NAMES,
        office_path=["up"],
        seq=2,
    )
    assert reminders.cancelled_by(event(closed, "file.status_changed")) == "f1@asp"
    parked = closed.model_copy(update={"status": "parked"})
    assert reminders.cancelled_by(event(parked, "file.status_changed")) is None
    ended = DelegationEnded(
        delegation_id="d1",
        post_id="sp",
        post_name=NAMES,
        holder_user_id="sp-u",
        delegate_user_id="asp-u",
        ended_at="x",
    )
    assert reminders.cancelled_by(event(ended, "post.delegation_ended")) == "delegation:d1"


def test_a_delegation_is_reminded_the_day_before_it_ends_and_told_to_both_when_it_ends():
    body = PostDelegated(
        delegation_id="d1",
        post_id="sp",
        post_name=NAMES,
        holder_user_id="sp-u",
        delegate_user_id="asp-u",
        starts="2026-12-07T04:30:00.000000+00:00",
        ends="2026-12-10T12:30:00.000000+00:00",
    )
    found = reminders.for_delegation(event(body, "post.delegated"), MONDAY)
    assert sorted((r["kind"], r["recipient"], r["fire_at"][:13]) for r in found) == [
        ("delegation_ended", "asp-u", "2026-12-10T12"),
        ("delegation_ended", "sp-u", "2026-12-10T12"),
        ("delegation_ending", "asp-u", "2026-12-09T12"),
    ]
    notice = reminders.notice_of(found[0])
    assert notice["_id"] == found[0]["_id"] and notice["user_id"] == found[0]["recipient"]
