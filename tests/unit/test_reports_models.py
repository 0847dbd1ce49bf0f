"""The reports' read models from events: kept once, in any order, rebuilt to the same numbers,
rolled up the office tree, and the HQ feed's cursor."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import litemongo
import pytest

from common.actor import Actor, Grant
from common.errors import InvalidInput, NotFound, Refused
from common.events import (
    DscEnrolled,
    Event,
    FileCreated,
    FileSent,
    FileStatusChanged,
    LeaveApplied,
    LeaveCancelled,
    LeaveRecommended,
    LeaveSanctioned,
    Names,
    PersonOnboarded,
    ReceiptDelayExplained,
    ReceiptDiarised,
    ReceiptOverdue,
    ReceiptSent,
    VpnIssued,
    new_event,
)
from common.workdays import Calendar
from services.reports import answers, projection, store
from services.reports.domain import cursor, leave, scope

HATHRAS = ["up", "police", "agra-zone", "aligarh-range", "hathras"]
ALIGARH = ["up", "police", "agra-zone", "aligarh-range", "aligarh"]
TEHSIL = ["up", "revenue", "hathras-dm", "sadar"]
CLERK = Actor(user_id="u1", name="Pooja", post_ids=("cru",), office_id="hathras")
NAME = Names(en="CRU", hi="सीआरयू")
NOW = datetime(2026, 3, 20, 6, tzinfo=UTC)


def at(day: int, hour: int = 6) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def event(payload: Any, path: list[str], when: datetime) -> Event:
    return Event.model_validate(new_event(payload, CLERK, path, when))


def office_story() -> list[Event]:
    """Receipts and files in two districts and a tehsil, people onboarded."""
    return [
        event(
            ReceiptDiarised(
                receipt_id="r1",
                number="1",
                subject="s",
                office_id="hathras",
                post_id="cru",
                post_name=NAME,
                seq=1,
            ),
            HATHRAS,
            at(2),
        ),
        event(
            ReceiptSent(
                receipt_id="r1",
                number="1",
                subject="s",
                from_post_id="cru",
                from_post_name=NAME,
                to_post_id="reader",
                to_post_name=NAME,
                to_office_id="hathras",
                to_office_path=HATHRAS,
                seq=2,
            ),
            HATHRAS,
            at(3),
        ),
        event(
            FileCreated(
                file_id="f1",
                number="F1",
                subject="s",
                office_id="aligarh",
                post_id="hc",
                post_name=NAME,
                seq=1,
            ),
            ALIGARH,
            at(10),
        ),
        event(
            FileSent(
                file_id="f1",
                number="F1",
                subject="s",
                how="send",
                from_post_id="hc",
                from_post_name=NAME,
                to_post_id="sp",
                to_post_name=NAME,
                to_office_id="aligarh",
                to_office_path=ALIGARH,
                priority="urgent",
                seq=2,
            ),
            ALIGARH,
            at(19),
        ),
        event(
            ReceiptDiarised(
                receipt_id="r2",
                number="2",
                subject="s",
                office_id="sadar",
                post_id="tcru",
                post_name=NAME,
                seq=1,
            ),
            TEHSIL,
            at(19, 20),
        ),
        event(
            PersonOnboarded(user_id="p1", username="p1", name=NAME, office_id="hathras"),
            HATHRAS,
            at(1),
        ),
        event(VpnIssued(user_id="p1", district_id="hathras", address="10.0.0.2"), HATHRAS, at(2)),
    ]


@pytest.fixture
def db(tmp_path: Any) -> Any:
    database = litemongo.connect(str(tmp_path / "db"))["eoffice_reports"]
    store.ensure_indexes(database)
    return database


def take_all(db: Any, events: list[Event]) -> None:
    for e in events:
        projection.take(db, e.model_dump(mode="json"), e)


def models(db: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        name: sorted(db[name].find({}, {"applied_events": 0}), key=lambda d: d["_id"])
        for name in store.MODELS
    }


def pendency(db: Any, node: str, level: str | None = None) -> list[dict[str, Any]]:
    rows = answers.rows_of(db, node, level, None)
    return answers.pendency(db, rows, lambda state, year: Calendar(), NOW)


def test_the_state_sees_every_pending_item_by_age_kind_and_priority(db: Any) -> None:
    take_all(db, office_story())
    (state,) = pendency(db, "up")
    assert state["total"] == 3 and state["kinds"] == {"receipt": 2, "file": 1}
    assert state["priorities"] == {"normal": 2, "urgent": 1}
    # r1 since 3 March (14 working days to 20 March), f1 and r2 since 19/20 March (IST).
    assert state["ages"] == {"0-7": 2, "8-15": 1, "16-30": 0, "over_30": 0}
    assert state["oldest_day"] == "2026-03-03"
    # The tehsil's receipt diarised at 20:00 UTC on the 19th landed on its own IST day.
    (tehsil,) = pendency(db, "sadar")
    assert tehsil["oldest_day"] == "2026-03-20"


def test_rollups_go_up_the_tree_and_by_department(db: Any) -> None:
    take_all(db, office_story())
    rows = {r["node"]: r["total"] for r in pendency(db, "up", "department")}
    assert rows == {"up": 3, "police": 2, "revenue": 1}
    rows = {r["node"]: r["total"] for r in pendency(db, "aligarh-range", "child")}
    assert rows == {"aligarh-range": 2, "hathras": 1, "aligarh": 1}
    posts = {r["node"]: r["total"] for r in pendency(db, "hathras", "post")}
    assert posts == {"hathras": 1, "post:cru": 0, "post:reader": 1}


def test_the_same_events_twice_and_in_any_order_give_the_same_numbers(
    db: Any, tmp_path: Any
) -> None:
    story = office_story()
    take_all(db, story)
    shuffled = story * 2
    random.Random(7).shuffle(shuffled)
    other = litemongo.connect(str(tmp_path / "other"))["eoffice_reports"]
    store.ensure_indexes(other)
    take_all(other, shuffled)
    assert store.last_change(other) == len(story)  # each kept once
    assert pendency(other, "up") == pendency(db, "up")
    assert answers.adoption(other, answers.rows_of(other, "up", "child", None)) == answers.adoption(
        db, answers.rows_of(db, "up", "child", None)
    )


def test_a_rebuild_from_the_log_gives_exactly_the_live_numbers(db: Any) -> None:
    take_all(db, office_story())
    live = models(db)
    assert projection.rebuild(db) == {"applied": 7, "kept": 0}
    assert models(db) == live


def sent(seq: int, to_post: str, when: datetime) -> Event:
    """r1 sent on within Hathras (its ``seq``-th move)."""
    payload = ReceiptSent(
        receipt_id="r1",
        number="1",
        subject="s",
        from_post_id="cru",
        from_post_name=NAME,
        to_post_id=to_post,
        to_post_name=NAME,
        to_office_id="hathras",
        to_office_path=HATHRAS,
        seq=seq,
    )
    return event(payload, HATHRAS, when)


def mixed_story() -> list[Event]:
    """The office story and more, as a consumer may get it: a move arriving before the one it
    follows, a redelivery, the rule's marks, a file closed, a person's DSC."""
    story = office_story()
    third, second = sent(4, "sho", at(9)), sent(3, "so", at(6))
    overdue = ReceiptOverdue(
        receipt_id="r1", holder_post_id="sho", working_days=8, stage="warning", seq=4
    )
    explained = ReceiptDelayExplained(receipt_id="r1", post_id="sho", working_days=9, seq=4)
    closed = FileStatusChanged(
        file_id="f1",
        number="F1",
        status="closed",
        post_id="sp",
        post_name=NAME,
        office_path=ALIGARH,
        seq=3,
    )
    dsc = DscEnrolled(user_id="p1", subject_cn="P1", sha256="0" * 64, not_after="2027-01-01")
    return [
        *story,
        third,
        second,  # older than the move before it: r1 stays with the SHO
        story[1],  # redelivered
        event(overdue, HATHRAS, at(19)),
        event(explained, HATHRAS, at(19, 9)),
        event(closed, ALIGARH, at(19, 12)),
        third,  # redelivered
        event(dsc, HATHRAS, at(18)),
    ]


@pytest.mark.parametrize("batch", [projection.REBUILD_BATCH, 1, 5])
def test_a_rebuild_writing_many_events_at_once_gives_the_numbers_of_one_at_a_time(
    db: Any, monkeypatch: Any, batch: int
) -> None:
    story = mixed_story()
    take_all(db, story)
    assert store.last_change(db) == len({e.event_id for e in story})
    live = models(db)
    (state,) = pendency(db, "up")
    assert state["total"] == 2 and state["late"]["warning"] == 1 and state["late_explained"] == 1
    assert store.staff_at(db, "hathras") == {"100": 0, "110": 0, "111": 1}
    monkeypatch.setattr(projection, "REBUILD_BATCH", batch)  # written every few events, or once
    assert projection.rebuild(db) == {"applied": 13, "kept": 0}
    assert models(db) == live
    assert pendency(db, "up") == [state]


def test_counts_moved_before_a_failure_are_written_with_their_items(
    db: Any, monkeypatch: Any
) -> None:
    def broken(event: Event) -> list[Any]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(projection.effects, "flows", broken)
    first = office_story()[0]
    with pytest.raises(RuntimeError):
        take_all(db, [first])
    # The item was counted (its ``counted`` says so), so its count is written too, as when each
    # count was written the moment it moved; the event stays "new", not "applied".
    assert db.pending_items.find_one({"_id": "r1"})["counted"]
    assert sum(store.pending_counts_at(db, "hathras")[0]["c"].values()) == 1
    assert db.events.find_one({"_id": first.event_id})["status"] == "new"


def test_an_event_of_an_unknown_type_or_version_is_kept_not_applied_and_not_fatal(db: Any) -> None:
    later = office_story()[0].model_copy(update={"event_id": "v2", "v": 2})
    unknown = later.model_copy(update={"event_id": "x1", "v": 1, "type": "file.teleported"})
    take_all(db, [later, unknown])
    kept = {e["_id"]: (e["status"], e["problem"]) for e in db.events.find({})}
    assert kept == {"v2": ("kept", "unknown_version"), "x1": ("kept", "unknown_type")}
    assert store.office(db, "up") is None  # nothing applied
    assert projection.rebuild(db) == {"applied": 0, "kept": 2}


def test_adoption_counts_staff_with_gov_id_and_vpn_and_what_they_made(db: Any) -> None:
    take_all(db, office_story())
    here, *_ = answers.adoption(db, answers.rows_of(db, "hathras", None, None))
    assert (here["staff_onboarded"], here["staff_with_vpn"], here["share_with_vpn"]) == (1, 1, 1.0)
    assert (here["receipts_created"], here["movements"], here["first_day"]) == (1, 1, "2026-03-01")
    assert here["weeks"][0]["week"] == "2026-W09"
    assert answers.monthly(db, "up") == [
        {
            "month": "2026-03",
            "receipts_created": 2,
            "files_created": 1,
            "received": 2,
            "sent": 2,
            "closed": 0,
        }
    ]
    (line,) = answers.register(db, "diary", "hathras", "2026-03")
    assert line["number"] == "1"


def test_unknown_offices_levels_departments_and_registers_are_named(db: Any) -> None:
    take_all(db, office_story())
    with pytest.raises(NotFound, match="OFFICE_NOT_FOUND"):
        answers.rows_of(db, "mars", None, None)
    with pytest.raises(Refused, match="UNKNOWN_LEVEL"):
        answers.rows_of(db, "up", "galaxy", None)
    with pytest.raises(NotFound, match="DEPARTMENT_NOT_FOUND"):
        answers.rows_of(db, "up", "child", "hathras")  # an office, not a department
    with pytest.raises(NotFound, match="REGISTER_NOT_FOUND"):
        answers.register(db, "gossip", "hathras", None)


def test_a_viewer_sees_their_part_of_the_tree_and_a_desk_its_own() -> None:
    viewer = Actor(user_id="h", name="HQ", grants=(Grant(role="hq_viewer", scope="hathras"),))
    assert scope.sees(viewer, HATHRAS) and not scope.sees(viewer, ALIGARH)
    assert not scope.sees(CLERK, HATHRAS) and scope.sees(CLERK, [*HATHRAS, "post:cru"], "cru")
    assert scope.default_node(CLERK) == "post:cru"


def test_a_cursor_is_refused_when_forged_too_old_or_from_another_scope() -> None:
    key = b"k" * 32
    good = cursor.make(key, 41, "hathras|", NOW)
    assert cursor.read(key, good, "hathras|", NOW + timedelta(days=1)) == 41
    for bad, code in [
        (cursor.make(b"other", 41, "hathras|", NOW), "CURSOR_INVALID"),
        ("not-a-cursor", "CURSOR_INVALID"),
        (good[:-2] + "xx", "CURSOR_INVALID"),
        (cursor.make(key, 41, "hathras|", NOW - timedelta(days=31)), "CURSOR_EXPIRED"),
        (cursor.make(key, 41, "aligarh|", NOW), "CURSOR_OTHER_SCOPE"),
    ]:
        with pytest.raises(Refused, match=code) as refused:
            cursor.read(key, bad, "hathras|", NOW)
        assert "without a cursor" in refused.value.details["restart"]


def leave_story() -> list[Event]:
    """The SHO's earned leave up the chain, sanctioned, then cut short (1.5 days refunded); a
    casual leave of his waiting at the circle officer since 1 March."""
    facts = {
        "applicant_user_id": "sho-u",
        "applicant_post_id": "sho",
        "kind": "earned",
        "from_date": "2026-04-06",
        "to_date": "2026-04-08",
        "days": 3,
    }
    first = {**facts, "application_id": "a1"}
    other = {**facts, "application_id": "a2", "kind": "casual", "days": 1}
    return [
        event(LeaveApplied(**first, to_post_id="co", level="reporting", seq=1), HATHRAS, at(2)),
        event(
            LeaveRecommended(**first, by_post_id="co", to_post_id="sp", level="x", seq=2),
            HATHRAS,
            at(3),
        ),
        event(LeaveSanctioned(**first, by_post_id="sp", seq=3), HATHRAS, at(4)),
        event(
            LeaveCancelled(
                **first, was="sanctioned", curtailed_to="2026-04-06", refunded_days=1.5, seq=4
            ),
            HATHRAS,
            at(5),
        ),
        event(LeaveApplied(**other, to_post_id="co", level="reporting", seq=1), HATHRAS, at(1)),
    ]


def leave_answers(db: Any, node: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    pending = leave.pending_rows(store.leave_pending_at(db, node), NOW.date())
    return pending, leave.taken_row(store.leave_taken_at(db, node), 2026, node=node)


def test_leave_waits_at_its_newest_officer_and_its_days_taken_add_up_in_any_order(
    db: Any, tmp_path: Any
) -> None:
    story = leave_story()
    take_all(db, story)
    pending, taken = leave_answers(db, "up")
    # a1 is decided: only a2 waits, at the circle officer since 1 March (19 days by 20 March).
    assert pending == [
        {
            "post_id": "co",
            "total": 1,
            "ages": {"0-7": 0, "8-15": 0, "16-30": 1, "over_30": 0},
            "kinds": {"casual": 1},
            "oldest_day": "2026-03-01",
        }
    ]
    assert taken["kinds"] == {"earned": 1.5} and taken["total"] == 1.5
    assert [m["month"] for m in taken["months"]] == ["2026-04"]
    assert leave.taken_row(store.leave_taken_at(db, "up"), 2027)["months"] == []

    shuffled = story * 2
    random.Random(3).shuffle(shuffled)
    other = litemongo.connect(str(tmp_path / "other"))["eoffice_reports"]
    store.ensure_indexes(other)
    take_all(other, shuffled)
    for node in ("up", "hathras"):
        assert leave_answers(other, node) == leave_answers(db, node)

    live = models(db)
    assert projection.rebuild(db) == {"applied": 5, "kept": 0}
    assert models(db) == live


def test_a_year_of_leave_taken_outside_the_years_kept_is_refused() -> None:
    assert leave.year_asked(None, 2026) == 2026
    assert leave.year_asked(2032, 2026) == 2032
    for year in (1999, 2100, True, "2032"):
        with pytest.raises(InvalidInput):
            leave.year_asked(year, 2026)
