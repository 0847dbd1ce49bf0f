"""Leave's rules without any I/O: kinds per department, balances folded from the ledger, the
application's checks (each bad input refused with its own code), routing up the post chain
past officers who are away, and every transition of its life."""

from datetime import date

import pytest

from common.actor import Actor, Grant
from common.errors import Conflict, NotFound, Refused
from services.leave.domain import applications, balances, offices, rules
from services.leave.domain.applications import Asked

TODAY = date(2026, 3, 10)  # a Tuesday
POLICE, REVENUE = rules.DEPARTMENTS["police"], rules.DEPARTMENTS["revenue"]
CASUAL, EARNED, MEDICAL = POLICE.kind("casual"), POLICE.kind("earned"), POLICE.kind("medical")
BY = {"user_id": "u", "name": "N", "on_behalf_of": None}
AT = "2026-03-10T05:00:00+00:00"


def code(error, call, *args, **kwargs) -> str:
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    return caught.value.code


def asked(kind=CASUAL, starts=date(2026, 3, 12), ends=date(2026, 3, 13), half=None, cert=None):
    return Asked(kind, starts, ends, half, cert)


def never_off(day: date) -> bool:
    return False


def check(a: Asked, others=(), available: float = 100, off_day=never_off) -> None:
    applications.check(a, TODAY, list(others), available, off_day)


# --- kinds per department ------------------------------------------------------------------


def test_each_department_has_its_kinds_and_a_kind_it_lacks_is_refused():
    assert code(Refused, POLICE.kind, "compensatory") == "LEAVE_KIND_NOT_IN_DEPARTMENT"
    assert REVENUE.kind("compensatory").levels == ("reporting",)
    assert code(Refused, rules.department, "municipal") == "LEAVE_NOT_SET_UP_FOR_DEPARTMENT"
    assert code(Refused, rules.department, None) == "LEAVE_NOT_SET_UP_FOR_DEPARTMENT"
    # Casual leave needs the reporting officer only; earned leave every level.
    assert CASUAL.levels == ("reporting",)
    assert EARNED.levels == ("reporting", "controlling", "sanctioning")
    assert POLICE.kind("casual").days == 30 and REVENUE.kind("casual").days == 14
    assert MEDICAL.certificate and not CASUAL.certificate


# --- balances --------------------------------------------------------------------------------


def test_earned_leave_is_credited_half_yearly_and_casual_leave_yearly():
    assert balances.periods(EARNED, date(2025, 9, 1), date(2026, 7, 1)) == [
        ("2025-H2", date(2025, 7, 1)),
        ("2026-H1", date(2026, 1, 1)),
        ("2026-H2", date(2026, 7, 1)),
    ]
    assert balances.periods(CASUAL, date(2026, 3, 1), TODAY) == [("2026", date(2026, 1, 1))]
    assert balances.periods(POLICE.kind("station"), TODAY, TODAY) == []
    due = balances.credits_due("u", EARNED, date(2026, 1, 5), TODAY, [])
    assert [(e["_id"], e["days"]) for e in due] == [("u:earned:credit:2026-H1", 15)]
    # A credit already kept is not due again.
    assert (
        balances.credits_due("u", EARNED, date(2026, 1, 5), TODAY, ["u:earned:credit:2026-H1"])
        == []
    )


def sanctioned(app_id: str, kind: str, starts: str, ends: str, days: float, **more) -> dict:
    return {
        "_id": app_id,
        "user_id": "u",
        "kind": kind,
        "from_date": starts,
        "to_date": ends,
        "days": days,
        "half": None,
        "status": "sanctioned",
        "sanctioned_on": starts,
        "refunded_days": 0,
        **more,
    }


def test_the_balance_is_a_fold_of_openings_credits_debits_and_refunds():
    ledger = [
        balances.opening("u", "earned", 290, date(2025, 12, 31)),
        *balances.credits_due("u", EARNED, date(2026, 1, 1), date(2026, 7, 2), []),
        *balances.credits_due("u", CASUAL, date(2025, 1, 1), TODAY, []),
        *balances.entries_of(sanctioned("a1", "earned", "2026-02-02", "2026-02-11", 10)),
        *balances.entries_of(
            sanctioned(
                "a2", "casual", "2026-02-02", "2026-02-03", 2, status="cancelled", refunded_days=2
            )
        ),
        *balances.entries_of(sanctioned("a3", "casual", "2025-12-01", "2025-12-02", 2)),
    ]
    # Earned: 290 + 15 capped at 300, less 10, plus 15 in July (capped at 300 again).
    assert balances.balance(EARNED, ledger, 2026) == 300
    assert balances.balance(EARNED, [e for e in ledger if e["on"] < "2026-07-01"], 2026) == 290
    # Casual lapses: 2026's 30, the cancelled two refunded; 2025's leave does not count.
    assert balances.balance(CASUAL, ledger, 2026) == 30
    assert balances.balance(CASUAL, ledger, 2025) == 28
    # A kind within a yearly limit: the limit less what was taken that year.
    station = POLICE.kind("station")
    taken = balances.entries_of(sanctioned("a4", "station", "2026-03-01", "2026-03-02", 2))
    assert (
        balances.balance(station, taken, 2026) == 22
        and balances.balance(station, taken, 2027) == 24
    )


def test_what_a_decided_application_writes_in_the_ledger_once():
    assert (
        balances.entries_of(
            {**sanctioned("a", "casual", "2026-03-01", "2026-03-01", 1), "sanctioned_on": None}
        )
        == []
    )
    curtailed = sanctioned(
        "a", "earned", "2026-03-01", "2026-03-10", 10, status="curtailed", refunded_days=4
    )
    entries = balances.entries_of(curtailed)
    assert [(e["_id"], e["entry"], e["days"]) for e in entries] == [
        ("u:earned:debit:a", "debit", 10),
        ("u:earned:refund:a", "refund", 4),
    ]
    on_the_way = [
        {"kind": "casual", "status": "applied", "from_date": "2026-03-12", "days": 2},
        {"kind": "casual", "status": "recommended", "from_date": "2026-04-12", "days": 1},
        {"kind": "casual", "status": "rejected", "from_date": "2026-04-12", "days": 5},
        {"kind": "earned", "status": "applied", "from_date": "2026-04-12", "days": 5},
        {"kind": "casual", "status": "applied", "from_date": "2027-01-12", "days": 5},
    ]
    assert balances.in_flight(on_the_way, "casual", 2026) == 3
    assert balances.days_of(date(2026, 3, 1), date(2026, 3, 1), "forenoon") == 0.5
    assert balances.days_of(date(2026, 3, 1), date(2026, 3, 3), None) == 3


# --- every bad application, refused with its own code ---------------------------------------


def test_a_good_application_passes_every_check():
    check(asked())
    check(asked(MEDICAL, date(2026, 2, 20), date(2026, 3, 1), cert="a" * 64))
    check(asked(starts=date(2026, 3, 12), ends=date(2026, 3, 12), half="forenoon"))


def test_every_bad_application_is_refused_with_its_own_code():
    cases = {
        "LEAVE_DATES_OUT_OF_ORDER": asked(starts=date(2026, 3, 13), ends=date(2026, 3, 12)),
        "LEAVE_HALF_DAY_ONE_DATE": asked(half="forenoon"),
        "LEAVE_HALF_DAY_NOT_ALLOWED": asked(
            EARNED, date(2026, 3, 12), date(2026, 3, 12), half="afternoon"
        ),
        "LEAVE_TOO_FAR_BACK": asked(starts=date(2026, 3, 6), ends=date(2026, 3, 12)),
        "LEAVE_TOO_LONG": asked(starts=date(2026, 3, 12), ends=date(2026, 3, 22)),
        "LEAVE_CERTIFICATE_REQUIRED": asked(MEDICAL),
    }
    for expected, bad in cases.items():
        assert code(Refused, check, bad) == expected
    # Casual leave may start three days back; earned leave not a day.
    check(asked(starts=date(2026, 3, 7), ends=date(2026, 3, 7)))
    assert (
        code(Refused, check, asked(EARNED, date(2026, 3, 9), date(2026, 3, 9)))
        == "LEAVE_TOO_FAR_BACK"
    )


def test_dates_outside_the_years_kept_are_refused_before_anything_is_counted():
    applications.require_within_years(asked(EARNED, date(2099, 12, 1), date(2099, 12, 31)))
    for starts, ends in (
        (date(2099, 12, 31), date(9999, 12, 31)),  # one day more would not even be a date
        (date(1999, 12, 31), date(2000, 1, 1)),
    ):
        bad = asked(EARNED, starts, ends)
        assert code(Refused, applications.require_within_years, bad) == "LEAVE_DATES_OUT_OF_RANGE"


def test_a_kind_that_may_not_join_a_holiday_is_refused_next_to_one():
    restricted = POLICE.kind("restricted")
    sunday = date(2026, 3, 15)
    off = lambda day: day == sunday  # noqa: E731
    assert (
        code(Refused, check, asked(restricted, date(2026, 3, 14), date(2026, 3, 14)), off_day=off)
        == "LEAVE_JOINS_HOLIDAY"
    )
    assert (
        code(Refused, check, asked(restricted, date(2026, 3, 16), date(2026, 3, 16)), off_day=off)
        == "LEAVE_JOINS_HOLIDAY"
    )
    check(asked(restricted, date(2026, 3, 18), date(2026, 3, 18)), off_day=off)
    check(asked(CASUAL, date(2026, 3, 14), date(2026, 3, 14)), off_day=off)  # casual may


def test_overlapping_leave_is_refused_but_decided_and_other_halves_are_not():
    held = sanctioned("a1", "casual", "2026-03-12", "2026-03-14", 3)
    assert code(Refused, check, asked(), [held]) == "LEAVE_OVERLAPS"
    assert code(Refused, check, asked(), [{**held, "status": "applied"}]) == "LEAVE_OVERLAPS"
    check(asked(), [{**held, "status": "rejected"}])
    check(asked(), [{**held, "status": "cancelled"}])
    # Curtailed: only the days up to its new last day are held.
    curtailed = {
        **held,
        "from_date": "2026-03-10",
        "status": "curtailed",
        "curtailed_to": "2026-03-11",
    }
    check(asked(), [curtailed])
    # Half days of one date: two different halves may both be taken, not the same one twice.
    morning = {**held, "from_date": "2026-03-12", "to_date": "2026-03-12", "half": "forenoon"}
    one_day = date(2026, 3, 12)
    check(asked(starts=one_day, ends=one_day, half="afternoon"), [morning])
    assert (
        code(Refused, check, asked(starts=one_day, ends=one_day, half="forenoon"), [morning])
        == "LEAVE_OVERLAPS"
    )


def test_the_half_days_an_application_holds_and_whether_their_holder_still_does():
    assert applications.days_asked(asked()) == [
        "2026-03-12:am",
        "2026-03-12:pm",
        "2026-03-13:am",
        "2026-03-13:pm",
    ]
    one_day = date(2026, 3, 12)
    assert applications.days_asked(asked(starts=one_day, ends=one_day, half="afternoon")) == [
        "2026-03-12:pm"
    ]
    held = sanctioned("a1", "casual", "2026-03-12", "2026-03-14", 3)
    assert applications.still_holds(held, asked())
    assert not applications.still_holds({**held, "status": "cancelled"}, asked())
    assert not applications.still_holds(None, asked())  # not written (the service waits a while)


def test_more_days_than_the_balance_is_refused_with_what_is_available():
    with pytest.raises(Refused) as caught:
        check(asked(), available=1.5)
    assert caught.value.code == "LEAVE_BALANCE_SHORT"
    assert caught.value.details == {"available": 1.5, "asked": 2.0}
    check(asked(), available=2)


# --- routing up the post chain ----------------------------------------------------------------

CHAIN = ["co", "asp", "sp"]  # above a station officer: circle officer, ASP, SP


def here(post: str) -> str | None:
    return None


def test_each_level_goes_to_the_next_officer_up_and_the_last_sanctions():
    levels = EARNED.levels
    first = applications.next_stop(levels, CHAIN, -1, 0, here)
    assert (first.post_id, first.level, first.sanctions) == ("co", "reporting", False)
    second = applications.next_stop(levels, CHAIN, 0, 1, here)
    assert (second.post_id, second.level, second.sanctions) == ("asp", "controlling", False)
    third = applications.next_stop(levels, CHAIN, 1, 2, here)
    assert (third.post_id, third.level, third.sanctions) == ("sp", "sanctioning", True)
    # Casual leave: the reporting officer sanctions it.
    casual = applications.next_stop(CASUAL.levels, CHAIN, -1, 0, here)
    assert (casual.post_id, casual.level, casual.sanctions) == ("co", "reporting", True)
    # A short chain: its top sanctions whatever levels are left.
    short = applications.next_stop(levels, ["asp", "sp"], 0, 1, here)
    assert (short.post_id, short.level, short.sanctions) == ("sp", "sanctioning", True)


def test_an_officer_away_is_passed_over_to_the_next_level_and_the_history_says_why():
    away = {"co": "on_leave", "asp": "vacant"}.get
    stop = applications.next_stop(EARNED.levels, CHAIN, -1, 0, away)
    assert (stop.post_id, stop.level, stop.delegated) == ("sp", "sanctioning", False)
    assert list(stop.skipped) == [
        {"post_id": "co", "level": "reporting", "reason": "on_leave"},
        {"post_id": "asp", "level": "controlling", "reason": "vacant"},
    ]
    # The sanctioning officer away: the next officer up sanctions.
    stop = applications.next_stop(EARNED.levels, [*CHAIN, "dig"], 1, 2, {"sp": "vacant"}.get)
    assert (stop.post_id, stop.level, stop.sanctions) == ("dig", "sanctioning", True)
    assert (
        code(Refused, applications.next_stop, CASUAL.levels, ["co"], -1, 0, {"co": "vacant"}.get)
        == "LEAVE_NO_OFFICER_TO_ACT"
    )
    assert (
        code(Refused, applications.next_stop, CASUAL.levels, [], -1, 0, here)
        == "LEAVE_NO_OFFICER_TO_ACT"
    )


def test_a_delegated_post_keeps_the_application_for_its_delegate_and_the_history_says_so():
    """The officer on leave named who holds his post meanwhile (the link officer): the
    application waits there for the delegate rather than passing him over; at the top of
    the chain too, where passing over would leave nobody to sanction."""
    away = {"co": "on_leave", "asp": "delegated"}.get
    stop = applications.next_stop(EARNED.levels, CHAIN, -1, 0, away)
    assert (stop.post_id, stop.level, stop.delegated) == ("asp", "controlling", True)
    assert list(stop.skipped) == [{"post_id": "co", "level": "reporting", "reason": "on_leave"}]
    top = applications.next_stop(CASUAL.levels, ["sp"], -1, 0, {"sp": "delegated"}.get)
    assert (top.post_id, top.sanctions, top.delegated) == ("sp", True, True)


def test_why_an_officer_is_away():
    now = "2026-03-10T06:00:00+00:00"
    live = {"starts": "2026-03-10T00:00:00+00:00", "ends": "2026-03-11T00:00:00+00:00"}
    assert applications.away(None, [], False, now) == "vacant"
    assert applications.away("u", [live], False, now) == "delegated"
    assert (
        applications.away("u", [{**live, "ended_at": "2026-03-10T05:00:00+00:00"}], False, now)
        is None
    )
    assert (
        applications.away("u", [{**live, "starts": "2026-03-10T07:00:00+00:00"}], False, now)
        is None
    )
    assert applications.away("u", [{"ended_at": now}], True, now) == "on_leave"  # an end seen first
    assert applications.away("u", [], False, now) is None
    leave = sanctioned("a", "casual", "2026-03-09", "2026-03-12", 4)
    assert applications.on_leave([leave], TODAY)
    assert not applications.on_leave([{**leave, "status": "applied"}], TODAY)
    assert not applications.on_leave(
        [{**leave, "status": "curtailed", "curtailed_to": "2026-03-09"}], TODAY
    )


# --- the application's life -------------------------------------------------------------------


def new_application(kind=EARNED, away=here) -> dict:
    a = asked(kind, date(2026, 3, 12), date(2026, 3, 13))
    stop = applications.next_stop(kind.levels, CHAIN, -1, 0, away)
    return applications.new(
        "a1",
        {"user_id": "u", "post_id": "sho", "office_path": ["up"], "department": "police"},
        a,
        kind.levels,
        CHAIN,
        stop,
        BY,
        AT,
    )


def applied(app: dict, change: tuple[dict, dict]) -> dict:
    """The application after a change is written (as the store writes it)."""
    fields, entry = change
    version = app["version"] + 1
    return {
        **app,
        **fields,
        "version": version,
        "history": [*app["history"], {**entry, "n": version}],
    }


def test_applied_recommended_level_by_level_then_sanctioned():
    app = new_application()
    assert (app["status"], app["at_post_id"], app["level"], app["version"]) == (
        "applied",
        "co",
        "reporting",
        1,
    )
    assert app["history"][0]["action"] == "applied" and app["history"][0]["to_post_id"] == "co"
    applications.require_turn(app, "co", 1)
    # Not yet at the sanctioning level: it cannot be sanctioned there.
    assert (
        code(Refused, applications.sanction, app, BY, AT, TODAY, None)
        == "LEAVE_NOT_SANCTIONING_LEVEL"
    )
    app = applied(
        app,
        applications.recommend(
            app, applications.next_stop(EARNED.levels, CHAIN, 0, 1, here), BY, AT, "ok"
        ),
    )
    assert (app["status"], app["at_post_id"], app["level"]) == ("recommended", "asp", "controlling")
    app = applied(
        app,
        applications.recommend(
            app, applications.next_stop(EARNED.levels, CHAIN, 1, 2, here), BY, AT, None
        ),
    )
    assert (app["at_post_id"], app["level"], app["version"]) == ("sp", "sanctioning", 3)
    # The sanctioning officer sanctions; they do not recommend.
    assert (
        code(Refused, applications.recommend, app, None, BY, AT, None)
        == "LEAVE_SANCTION_NOT_RECOMMEND"
    )
    app = applied(app, applications.sanction(app, BY, AT, TODAY, None))
    assert (app["status"], app["at_post_id"], app["decided_post_id"]) == ("sanctioned", None, "sp")
    assert app["sanctioned_on"] == "2026-03-10"
    assert [h["action"] for h in app["history"]] == [
        "applied",
        "recommended",
        "recommended",
        "sanctioned",
    ]
    assert [h["n"] for h in app["history"][1:]] == [2, 3, 4]
    # Sanctioning twice: the officer who decided it is told so.
    assert code(Conflict, applications.require_turn, app, "sp", 4) == "LEAVE_ALREADY_DECIDED"


def test_acting_on_one_not_at_your_post_or_at_a_stale_version_is_refused():
    app = new_application()
    assert code(NotFound, applications.require_turn, app, "asp", 1) == "LEAVE_APPLICATION_NOT_FOUND"
    assert code(NotFound, applications.require_turn, app, None, 1) == "LEAVE_APPLICATION_NOT_FOUND"
    with pytest.raises(Conflict) as caught:
        applications.require_turn(app, "co", 2)
    assert caught.value.code == "VERSION_CONFLICT" and caught.value.details == {
        "current_version": 1
    }
    assert (
        code(NotFound, applications.require_applicant, app, "someone-else", 1)
        == "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert code(Conflict, applications.require_applicant, app, "u", 3) == "VERSION_CONFLICT"


def test_returned_for_correction_then_resubmitted_and_rejected_with_a_reason():
    app = new_application(CASUAL)
    assert (
        code(Refused, applications.return_for_correction, app, BY, AT, "  ")
        == "LEAVE_REASON_REQUIRED"
    )
    app = applied(
        app, applications.return_for_correction(app, BY, AT, "Give the dates of your duty")
    )
    assert (app["status"], app["at_post_id"], app["position"]) == ("returned", "sho", -1)
    # Back with its applicant: no officer's decision to take on it, the applicant's neither.
    assert code(NotFound, applications.require_turn, app, "sho", 2) == "LEAVE_APPLICATION_NOT_FOUND"
    assert app["history"][-1]["remark"] == "Give the dates of your duty"
    fixed = asked(CASUAL, date(2026, 3, 16), date(2026, 3, 16))
    stop = applications.next_stop(CASUAL.levels, CHAIN, -1, 0, here)
    app = applied(app, applications.resubmit(app, fixed, stop, BY, AT))
    assert (app["status"], app["at_post_id"], app["days"]) == ("applied", "co", 1.0)
    assert code(Conflict, applications.resubmit, app, fixed, stop, BY, AT) == "LEAVE_NOT_RETURNED"
    assert code(Refused, applications.reject, app, BY, AT, None) == "LEAVE_REASON_REQUIRED"
    app = applied(app, applications.reject(app, BY, AT, "Station duty at the fair"))
    assert (app["status"], app["at_post_id"], app["decided_post_id"]) == ("rejected", None, "co")
    assert code(Conflict, applications.cancel, app, BY, AT, TODAY, None) == "LEAVE_ALREADY_DECIDED"


def test_cancelled_before_it_begins_refunds_all_during_it_curtails_after_it_cannot():
    app = new_application(CASUAL)
    fields, entry = applications.cancel(app, BY, AT, TODAY, None)
    assert fields["status"] == "cancelled" and "refunded_days" not in fields  # nothing debited
    app = applied(app, applications.sanction(app, BY, AT, TODAY, None))  # 12th-13th, 2 days
    fields, _ = applications.cancel(app, BY, AT, TODAY, None)
    assert (fields["status"], fields["refunded_days"]) == ("cancelled", 2)
    # On the 13th: the 12th was taken, the 13th given back.
    fields, entry = applications.cancel(app, BY, AT, date(2026, 3, 13), None)
    assert (fields["status"], fields["curtailed_to"], fields["refunded_days"]) == (
        "curtailed",
        "2026-03-12",
        1,
    )
    assert entry["action"] == "curtailed" and entry["last_day"] == "2026-03-12"
    assert (
        code(Refused, applications.cancel, app, BY, AT, date(2026, 3, 13), date(2026, 3, 13))
        == "LEAVE_CURTAIL_DATE_OUTSIDE"
    )
    assert (
        code(Conflict, applications.cancel, app, BY, AT, date(2026, 3, 14), None)
        == "LEAVE_ALREADY_TAKEN"
    )


# --- an office's leave ----------------------------------------------------------------------


def test_an_officer_sees_their_office_and_below_and_a_nodal_officer_their_scope():
    station, circle, district = ["up", "sp", "co", "ps"], ["up", "sp", "co"], ["up", "sp"]
    co = Actor(user_id="u", name="CO", grants=(Grant(role="officer", scope=None),), office_id="co")
    assert offices.sees(co, circle) and offices.sees(co, station)
    assert not offices.sees(co, district)  # above them
    assert not offices.sees(co, ["up", "dm"])  # another department
    clerk = co.model_copy(update={"grants": (Grant(role="dealing_hand", scope=None),)})
    assert not offices.sees(clerk, circle)  # their own office, but not an officer
    nodal = co.model_copy(
        update={"grants": (Grant(role="nodal_officer", scope="sp"),), "office_id": "elsewhere"}
    )
    assert offices.sees(nodal, district) and offices.sees(nodal, station)
    assert not offices.sees(nodal, ["up", "dm"])


def test_a_month_of_leave_is_each_day_someone_is_away_a_cut_short_leave_to_its_last_day():
    assert offices.month_days("2034-02") == (date(2034, 2, 1), date(2034, 2, 28))
    assert offices.month_days("2032-02") == (date(2032, 2, 1), date(2032, 2, 29))
    assert offices.month_days("2034-12") == (date(2034, 12, 1), date(2034, 12, 31))
    away = [
        {"_id": "a", "from_date": "2034-02-27", "to_date": "2034-03-02"},
        {
            "_id": "b",
            "from_date": "2034-03-02",
            "to_date": "2034-03-09",
            "curtailed_to": "2034-03-03",
        },
    ]
    assert offices.last_day(away[1]) == "2034-03-03"
    assert offices.away_on(away, date(2034, 3, 1), date(2034, 3, 31)) == [
        {"date": "2034-03-01", "application_ids": ["a"]},
        {"date": "2034-03-02", "application_ids": ["a", "b"]},
        {"date": "2034-03-03", "application_ids": ["b"]},
    ]
    assert offices.away_on([], date(2034, 3, 1), date(2034, 3, 31)) == []


def test_joining_early_cuts_the_leave_short_and_joining_twice_or_too_soon_is_refused():
    app = new_application(CASUAL)  # the 12th and 13th
    assert (
        code(Conflict, applications.join, app, BY, AT, TODAY, date(2026, 3, 13))
        == "LEAVE_NOT_SANCTIONED"
    )
    app = applied(app, applications.sanction(app, BY, AT, TODAY, None))
    on_14th = date(2026, 3, 14)
    for joined_on in (date(2026, 3, 11), date(2026, 3, 12)):
        assert (
            code(Refused, applications.join, app, BY, AT, on_14th, joined_on)
            == "LEAVE_JOINING_BEFORE_START"
        )
    assert (
        code(Refused, applications.join, app, BY, AT, date(2026, 3, 12), date(2026, 3, 13))
        == "LEAVE_JOINING_IN_FUTURE"
    )
    # Back on the 13th: the 12th taken, the 13th given back, as cancelling it would.
    early = applied(app, applications.join(app, BY, AT, on_14th, date(2026, 3, 13)))
    assert (early["status"], early["joined_on"], early["curtailed_to"], early["refunded_days"]) == (
        "joined",
        "2026-03-13",
        "2026-03-12",
        1,
    )
    assert early["history"][-1]["action"] == "joined"
    assert [e["entry"] for e in balances.entries_of(early)] == ["debit", "refund"]
    assert applications.on_leave([early], date(2026, 3, 12))
    assert not applications.on_leave([early], date(2026, 3, 13))
    # Back on the day after it ended (or later): nothing given back.
    on_time = applied(app, applications.join(app, BY, AT, on_14th, on_14th))
    assert (on_time["curtailed_to"], on_time["refunded_days"]) == (None, 0)
    assert (
        code(Conflict, applications.join, early, BY, AT, on_14th, on_14th) == "LEAVE_ALREADY_JOINED"
    )
    assert code(Conflict, applications.cancel, early, BY, AT, on_14th, None) == (
        "LEAVE_ALREADY_DECIDED"
    )


def test_an_opening_stands_for_everything_up_to_its_day_and_a_later_one_replaces_it():
    credits = balances.credits_due("u", EARNED, date(2025, 1, 1), date(2026, 7, 2), [])
    taken = balances.entries_of(sanctioned("a1", "earned", "2026-02-02", "2026-02-11", 10))
    assert balances.balance(EARNED, [*credits, *taken], 2026) == 50  # 4 credits of 15, less 10
    # The office's record: 100 days at the end of 2026-03-31 (the credit of January and the
    # leave of February are in that figure); July's credit comes on top.
    opened = balances.opening("u", "earned", 100, date(2026, 3, 31))
    assert balances.balance(EARNED, [*credits, *taken, opened], 2026) == 115
    assert balances.balance(EARNED, [*credits, *taken, opened], 2025) == 30  # before it
    # One opening per person and kind: a corrected sheet's figure takes its place.
    again = balances.opening("u", "earned", 80, date(2026, 1, 1))
    assert again["_id"] == opened["_id"] == "u:earned:opening"
    assert balances.balance(EARNED, [*credits, *taken, again], 2026) == 85  # 80 + 15 - 10
    # A lapsing kind's opening counts in its year only.
    casual = balances.opening("u", "casual", 7, date(2026, 3, 1))
    assert balances.balance(CASUAL, [casual], 2026) == 7
    assert balances.balance(CASUAL, [casual], 2027) == 0


def test_an_opening_sheet_keeps_its_good_rows_and_says_why_each_bad_one_is_not():
    from services.leave.domain import opening

    people = {
        "sho.kotwali": opening.Person("u1", "ps", True),
        "u2": opening.Person("u2", "ps", True),
        "dm.hathras": opening.Person("u3", "dm", False),
        "rev.clerk": opening.Person("u4", "tehsil", True),
    }
    departments = {"ps": POLICE, "tehsil": REVENUE}

    def row(n, person, kind, days, as_on="01-04-2026", formulas=()):
        return {
            "row": n,
            "person": person,
            "kind": kind,
            "days": days,
            "as_on": as_on,
            "formulas": list(formulas),
        }

    kept = {"u2:earned:opening": balances.opening("u2", "earned", 20, date(2026, 4, 1))}
    rows = opening.check_rows(
        [
            row(2, "sho.kotwali", "Earned", "120.5"),
            row(3, "u2", "earned", "20"),
            row(4, "u2", "casual", "5,5", "2026-04-01"),
            row(5, "nobody", "earned", "3"),
            row(6, "dm.hathras", "earned", "3"),
            row(7, "sho.kotwali", "compensatory", "3"),
            row(8, "rev.clerk", "compensatory", "3"),
            row(9, "u2", "medical", "-2"),
            row(10, "u2", "medical", "ten"),
            row(11, "sho.kotwali", "earned", "100"),
            row(12, "u2", "station", "3", "31-02-2026"),
            row(13, "u2", "station", "3", "01-04-2027"),
            row(14, "u2", "restricted", "", formulas=("days",)),
            row(15, "u2", "medical", "1e9"),
            row(16, "u2", "medical", "nan"),
        ],
        people,
        departments.get,
        kept,
        TODAY.replace(month=12),
    )
    got = [(r.row, r.as_dict()["action"], [x["code"] for x in r.reasons]) for r in rows]
    assert got == [
        (2, "open", []),
        (3, "unchanged", []),
        (4, "open", []),
        (5, "reject", ["PERSON_UNKNOWN"]),
        (6, "reject", ["PERSON_OUTSIDE_YOUR_OFFICES"]),
        (7, "reject", ["LEAVE_KIND_NOT_IN_DEPARTMENT"]),
        (8, "open", []),  # revenue has compensatory leave
        (9, "reject", ["LEAVE_OPENING_DAYS_INVALID"]),
        (10, "reject", ["LEAVE_OPENING_DAYS_INVALID"]),
        (11, "reject", ["LEAVE_OPENING_DUPLICATE_ROW"]),
        (12, "reject", ["DATE_NOT_REAL"]),
        (13, "reject", ["LEAVE_OPENING_DATE_OUT_OF_RANGE"]),
        (14, "reject", ["FORMULA_NOT_ALLOWED"]),
        (15, "reject", ["LEAVE_OPENING_DAYS_TOO_MANY"]),
        (16, "reject", ["LEAVE_OPENING_DAYS_INVALID"]),
    ]
    assert rows[9].reasons[0]["details"] == {"first_row": 2}
    assert rows[0].entry() == {
        **balances.opening("u1", "earned", 120.5, date(2026, 4, 1)),
    }
    assert rows[2].as_dict()["days"] == 5.5
    changed = opening.check_rows(
        [row(3, "u2", "earned", "25")], people, departments.get, kept, date(2026, 12, 1)
    )
    assert changed[0].action == "replace"
    assert opening.summarise(rows) == {"open": 3, "replace": 0, "unchanged": 1, "reject": 11}
