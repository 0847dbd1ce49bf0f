"""Leave over the real broker, by the demo district's people: the SHO of Kotwali applies, the
circle officer, the ASP and the SP act in turn up his post chain; an application not at your
post is not yours to know of; a stale screen, an overlap, a kind the police lack, sanctioning
twice are refused; an officer on leave is passed over, a delegated post waits for its delegate."""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time

import pytest
from nameko.standalone.events import event_dispatcher

from common.clock import IST, iso, utcnow
from common.errors import Conflict, NotFound, Refused, Unauthenticated
from common.events import LeaveSanctioned, new_event
from common.trust import Principal, Verifier, keys_dir, principal_actor
from tests.service.conftest import eventually
from tests.service.desks import refused
from tests.service.test_offices_and_posts import new_person

SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"
# A sanction issues its order under the office's seal.
pytestmark = pytest.mark.usefixtures("sealed")


def day(offset: int) -> str:
    return (utcnow().astimezone(IST).date() + timedelta(days=offset)).isoformat()


def earned(starts: int, days: int = 3, **fields) -> dict:
    return {
        "kind": "earned",
        "from_date": day(starts),
        "to_date": day(starts + days - 1),
        "reason": "बहन का विवाह",
        "address": "ग्राम नगला, सासनी",
        **fields,
    }


def casual(starts: int, days: int = 1, **fields) -> dict:
    return {**earned(starts, days), "kind": "casual", **fields}


def balance_of(leave, actor, kind: str, starts: int) -> dict:
    """The balance of a kind in the year of the leave beginning ``starts`` days from today
    (leave asked for late in December counts in the next year)."""
    year = int(day(starts)[:4])
    return next(k for k in leave.balance(actor, year)["kinds"] if k["kind"] == kind)


def test_earned_leave_goes_up_the_chain_and_the_sp_sanctions_it(office, desks):
    leave = office.rpc.leave
    sho, co, asp, sp = desks[SHO], desks[CO], desks[ASP], desks[SP]
    assert balance_of(leave, sho, "earned", 0)["balance"] == 15  # this half-year's credit
    app = leave.apply(sho, earned(10))
    before = balance_of(leave, sho, "earned", 10)
    assert (app["status"], app["at_post_id"], app["level"]) == (
        "applied",
        desks.post("CO-SADAR-HTR"),
        "reporting",
    )
    assert [a["id"] for a in leave.my_applications(sho)["items"]] == [app["id"]]
    assert [a["id"] for a in leave.to_act_on(co)["items"]] == [app["id"]]
    assert before["on_the_way"] == 3 and before["available"] == before["balance"] - 3

    # Not at the ASP's post yet: not theirs to know of. A stale version: a conflict.
    assert refused(NotFound, leave.recommend, asp, app["id"], {"version": 1}) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert refused(Conflict, leave.recommend, co, app["id"], {"version": 2}) == "VERSION_CONFLICT"
    # The circle officer recommends; it is not theirs to sanction.
    assert refused(Refused, leave.sanction, co, app["id"], {"version": 1}) == (
        "LEAVE_NOT_SANCTIONING_LEVEL"
    )
    app = leave.recommend(co, app["id"], {"version": 1, "remark": "संस्तुत"})
    assert (app["at_post_id"], app["level"], app["version"]) == (
        desks.post("ASP-HTR"),
        "controlling",
        2,
    )
    assert leave.to_act_on(co)["items"] == []
    app = leave.recommend(asp, app["id"], {"version": 2})
    assert (app["at_post_id"], app["level"]) == (desks.post("SP-HTR"), "sanctioning")
    assert refused(Refused, leave.recommend, sp, app["id"], {"version": 3}) == (
        "LEAVE_SANCTION_NOT_RECOMMEND"
    )
    app = leave.sanction(sp, app["id"], {"version": 3})
    assert (app["status"], app["at_post_id"], app["version"]) == ("sanctioned", None, 4)
    assert [h["action"] for h in app["history"]] == [
        "applied",
        "recommended",
        "recommended",
        "sanctioned",
    ]
    assert app["history"][-1]["by"]["user_id"] == sp["user_id"]
    # Sanctioning twice: refused, and the balance is debited once.
    assert refused(Conflict, leave.sanction, sp, app["id"], {"version": 4}) == (
        "LEAVE_ALREADY_DECIDED"
    )
    after = balance_of(leave, sho, "earned", 10)
    assert (after["balance"], after["on_the_way"]) == (before["balance"] - 3, 0)
    # The applicant and the posts it passed may read it; anyone else may not.
    assert leave.application(co, app["id"])["status"] == "sanctioned"
    assert refused(NotFound, leave.application, desks["hc.estt.hathras"], app["id"]) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )
    # Its events left through the outbox.
    assert eventually(lambda: not _outbox(office, app["id"]))

    # Cancelled before it begins: its days come back.
    cancelled = leave.cancel(sho, app["id"], {"version": 4})
    assert cancelled["status"] == "cancelled" and cancelled["refunded_days"] == 3
    assert balance_of(leave, sho, "earned", 10)["balance"] == before["balance"]


def _outbox(office, application_id: str) -> list:
    container = office.containers["leave"]
    (storage,) = [d for d in container.dependencies if d.attr_name == "storage"]
    found = storage.storage.db.applications.find_one({"_id": application_id})
    return found.get("outbox", [])


def test_overlaps_a_kind_the_police_lack_and_a_missing_certificate_are_refused(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    app = leave.apply(sho, casual(5, 2))
    # Casual leave needs the reporting officer alone: the circle officer sanctions it.
    assert (app["level"], app["at_post_id"]) == ("reporting", desks.post("CO-SADAR-HTR"))
    assert refused(Refused, leave.apply, sho, casual(6)) == "LEAVE_OVERLAPS"
    assert refused(Refused, leave.apply, sho, earned(4, 3)) == "LEAVE_OVERLAPS"
    assert refused(Refused, leave.apply, sho, {**casual(20), "kind": "compensatory"}) == (
        "LEAVE_KIND_NOT_IN_DEPARTMENT"
    )
    assert refused(Refused, leave.apply, sho, {**earned(20), "kind": "medical"}) == (
        "LEAVE_CERTIFICATE_REQUIRED"
    )
    assert refused(Refused, leave.apply, sho, earned(10, 100)) == "LEAVE_BALANCE_SHORT"
    assert refused(Refused, leave.apply, sho, earned(-1)) == "LEAVE_TOO_FAR_BACK"
    before = balance_of(leave, sho, "casual", 5)
    app = leave.sanction(co, app["id"], {"version": 1})
    assert app["status"] == "sanctioned"
    after = balance_of(leave, sho, "casual", 5)
    assert (after["balance"], after["available"]) == (before["balance"] - 2, before["available"])


def test_returned_for_correction_corrected_and_rejected_with_a_reason(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    available = balance_of(leave, sho, "casual", 6)["available"]
    app = leave.apply(sho, casual(5))
    assert refused(Refused, leave.return_for_correction, co, app["id"], {"version": 1}) == (
        "LEAVE_REASON_REQUIRED"
    )
    app = leave.return_for_correction(co, app["id"], {"version": 1, "remark": "तिथि जाँचें"})
    assert (app["status"], app["at_post_id"]) == ("returned", desks.post("SHO-KOTWALI-HTR"))
    assert leave.to_act_on(co)["items"] == []
    corrected = {"version": 2, "from_date": day(6), "to_date": day(6)}
    assert refused(NotFound, leave.resubmit, co, app["id"], corrected) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert refused(Conflict, leave.resubmit, sho, app["id"], {**corrected, "version": 1}) == (
        "VERSION_CONFLICT"
    )
    app = leave.resubmit(sho, app["id"], corrected)
    assert (app["status"], app["from_date"], app["at_post_id"]) == (
        "applied",
        day(6),
        desks.post("CO-SADAR-HTR"),
    )
    app = leave.reject(co, app["id"], {"version": 3, "remark": "मेला ड्यूटी"})
    assert app["status"] == "rejected" and app["history"][-1]["remark"] == "मेला ड्यूटी"
    assert balance_of(leave, sho, "casual", 6)["available"] == available


def test_an_officer_on_leave_is_passed_over_and_a_delegated_post_waits_for_its_delegate(
    office, desks
):
    leave = office.rpc.leave
    sho, co, asp = desks[SHO], desks[CO], desks[ASP]
    # The circle officer takes today off; the ASP (his reporting officer) sanctions it.
    own = leave.apply(co, casual(0))
    assert own["at_post_id"] == desks.post("ASP-HTR")
    leave.sanction(asp, own["id"], {"version": 1})

    app = leave.apply(sho, earned(10))
    assert (app["at_post_id"], app["level"]) == (desks.post("ASP-HTR"), "controlling")
    assert app["history"][0]["skipped"] == [
        {"post_id": desks.post("CO-SADAR-HTR"), "level": "reporting", "reason": "on_leave"}
    ]
    # He comes in after all (his day off cancelled); now his post is delegated for a day,
    # to the ASP: the SHO's leave waits at the circle officer's post for the ASP to act for it.
    leave.cancel(co, own["id"], {"version": 2})
    leave.cancel(sho, app["id"], {"version": 1})
    office.rpc.identity.delegate_post(
        co,
        desks.post("CO-SADAR-HTR"),
        {"to_user_id": asp["user_id"], "ends": iso(utcnow() + timedelta(days=1))},
    )

    # Leave learns of the delegation from identity's event: until then there is no mark.
    app = eventually(lambda: _applied_while_delegated(leave, sho))
    assert app is not None and app["at_post_id"] == desks.post("CO-SADAR-HTR")
    assert app["history"][0]["skipped"] == [] and app["level"] == "reporting"
    acting_for_co = office.actor(ASP)  # logged in again: the delegation is in her token now
    done = leave.sanction(acting_for_co, app["id"], {"version": 1})
    assert done["status"] == "sanctioned"
    assert done["history"][-1]["by"]["on_behalf_of"]["user_id"] == co["user_id"]


def _applied_while_delegated(leave, sho) -> dict | None:
    """Apply; if leave did not know of the delegation yet, withdraw it (to try again)."""
    app = leave.apply(sho, casual(3))
    if app["history"][0].get("delegated"):
        return app
    leave.cancel(sho, app["id"], {"version": 1})
    return None


def test_an_officer_or_applicant_moved_off_their_post_is_refused_with_their_old_token(
    office, desks
):
    """Identity's word at this moment counts, not the token's list of posts: the circle officer
    whose post was given to a successor cannot recommend from it, nor can a station officer
    moved off his post apply from it."""
    leave, identity = office.rpc.leave, office.rpc.identity
    sho, co = desks[SHO], desks[CO]  # logged in before the moves
    app = leave.apply(sho, earned(40))
    nodal = office.actor("asp.hathras")
    for post, successor in (
        ("CO-SADAR-HTR", "co2.sadar.hathras"),
        ("SHO-KOTWALI-HTR", "sho2.kotwali.hathras"),
    ):
        made = identity.create_user(nodal, new_person(successor, "SP-HTR"))
        identity.assign_post(nodal, desks.post(post), {"user_id": made["id"]})

    assert refused(NotFound, leave.recommend, co, app["id"], {"version": 1}) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert refused(Refused, leave.apply, sho, casual(60)) == "LEAVE_NO_POST_OF_YOURS"


def test_the_applicant_joins_back_early_and_the_days_not_taken_come_back(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    # Casual leave from the day before yesterday to tomorrow, sanctioned by the circle officer.
    app = leave.apply(sho, casual(-2, 4))
    before = balance_of(leave, sho, "casual", -2)
    app = leave.sanction(co, app["id"], {"version": 1})
    assert balance_of(leave, sho, "casual", -2)["balance"] == before["balance"] - 4
    # Not his to report, nor at a stale version.
    assert refused(NotFound, leave.join, co, app["id"], {"version": 2, "joined_on": day(0)}) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )
    assert refused(Conflict, leave.join, sho, app["id"], {"version": 1, "joined_on": day(0)}) == (
        "VERSION_CONFLICT"
    )
    assert refused(Refused, leave.join, sho, app["id"], {"version": 2, "joined_on": day(-2)}) == (
        "LEAVE_JOINING_BEFORE_START"
    )
    # Back today: the two days before were taken, today and tomorrow come back.
    joined = leave.join(sho, app["id"], {"version": 2, "joined_on": day(0)})
    assert (joined["status"], joined["joined_on"], joined["curtailed_to"]) == (
        "joined",
        day(0),
        day(-1),
    )
    assert joined["refunded_days"] == 2 and joined["history"][-1]["action"] == "joined"
    assert balance_of(leave, sho, "casual", -2)["balance"] == before["balance"] - 2
    assert refused(Conflict, leave.join, sho, app["id"], {"version": 3, "joined_on": day(0)}) == (
        "LEAVE_ALREADY_JOINED"
    )
    assert leave.application(co, app["id"])["status"] == "joined"
    # Leave not sanctioned yet is not joined from.
    waiting = leave.apply(sho, casual(5))
    assert refused(
        Conflict, leave.join, sho, waiting["id"], {"version": 1, "joined_on": day(0)}
    ) == ("LEAVE_NOT_SANCTIONED")


def _delegations(office, actor, post_id: str) -> dict:
    return {d["id"]: d for d in office.rpc.identity.delegations(actor, post_id)}


def test_the_post_of_an_officer_on_leave_is_delegated_for_its_days_and_cancelling_ends_it(
    office, desks
):
    leave = office.rpc.leave
    sho, co, asp, sp = desks[SHO], desks[CO], desks[ASP], desks[SP]
    reader = desks["reader.hathras"]
    post = desks.post("SHO-KOTWALI-HTR")
    assert refused(Refused, leave.apply, sho, earned(10, delegate_to_user_id=sho["user_id"])) == (
        "DELEGATE_IS_HOLDER"
    )
    app = leave.apply(sho, earned(10, delegate_to_user_id=reader["user_id"]))
    assert app["delegate_to_user_id"] == reader["user_id"]
    app = leave.recommend(co, app["id"], {"version": 1})
    app = leave.recommend(asp, app["id"], {"version": 2})
    assert _delegations(office, sho, post) == {}  # nothing until it is sanctioned
    app = leave.sanction(sp, app["id"], {"version": 3})

    # Identity hears of the sanction and delegates the post for exactly those days (IST).
    wanted = f"leave-{app['id']}"
    made = eventually(lambda: _delegations(office, sho, post).get(wanted))
    assert made is not None
    first = datetime.combine(date.fromisoformat(day(10)), clock_time(), IST)
    assert (made["delegate_user_id"], made["reason"], made["live"]) == (
        reader["user_id"],
        "leave",
        False,  # it begins in ten days
    )
    assert (made["starts"], made["ends"]) == (iso(first), iso(first + timedelta(days=3)))
    # Leave follows identity's delegation too (its routing passes over the delegated post).
    assert eventually(lambda: _leave_knows(office, wanted))

    # Cancelled before it begins: the delegation ends now.
    leave.cancel(sho, app["id"], {"version": 4})
    ended = eventually(lambda: _delegations(office, sho, post)[wanted]["ended_at"])
    assert ended is not None and not _delegations(office, sho, post)[wanted]["live"]


def _leave_knows(office, delegation_id: str) -> bool:
    container = office.containers["leave"]
    (storage,) = [d for d in container.dependencies if d.attr_name == "storage"]
    return storage.storage.db.delegations.find_one({"_id": delegation_id}) is not None


def test_a_forged_sanction_delegates_nothing(office, desks):
    """Only leave may say leave was sanctioned: the same event proved by files' key is refused
    by the trust layer, and identity delegates nothing."""
    sho, reader = desks[SHO], desks["reader.hathras"]
    post = desks.post("SHO-KOTWALI-HTR")
    payload = LeaveSanctioned(
        application_id="forged",
        applicant_user_id=sho["user_id"],
        applicant_post_id=post,
        kind="earned",
        from_date=day(1),
        to_date=day(2),
        days=2,
        seq=4,
        by_post_id=desks.post("SP-HTR"),
        delegate_to_user_id=reader["user_id"],
    )
    event = new_event(payload, principal_actor("leave"), ["UP"])
    forged = Principal.load("files", office.config).seal_event(event)
    verifier = Verifier(lambda: {}, lambda: {}, keys_dir(office.config))
    with pytest.raises(Unauthenticated) as caught:
        verifier.event(forged)
    assert caught.value.code == "EVENT_NOT_YOURS"
    dispatch = event_dispatcher(office.config)
    dispatch("leave", "leave.sanctioned", forged)
    dispatch("leave", "leave.sanctioned", event)  # no proof at all
    time.sleep(2)  # identity has had every chance to act on them
    assert "leave-forged" not in _delegations(office, sho, post)
    # The genuine article, proved by leave's key, is acted on (so the wait above was enough).
    dispatch("leave", "leave.sanctioned", Principal.load("leave", office.config).seal_event(event))
    assert eventually(lambda: _delegations(office, sho, post).get("leave-forged"))


def test_leave_cut_short_or_joined_back_early_ends_the_delegation_sooner(office, desks):
    leave = office.rpc.leave
    sho, co, asp, reader = desks[SHO], desks[CO], desks[ASP], desks["reader.hathras"]
    co_post, sho_post = desks.post("CO-SADAR-HTR"), desks.post("SHO-KOTWALI-HTR")
    # The circle officer's leave began yesterday and runs to three days ahead.
    app = leave.apply(co, casual(-1, 5, delegate_to_user_id=reader["user_id"]))
    app = leave.sanction(asp, app["id"], {"version": 1})
    whole = f"leave-{app['id']}"
    made = eventually(lambda: _delegations(office, co, co_post).get(whole))
    assert made is not None and made["live"]
    # Cut short after tomorrow: that delegation ends now, another runs to the end of tomorrow.
    leave.cancel(co, app["id"], {"version": 2, "last_day": day(1)})
    rest = f"{whole}-to-{day(1)}"
    after = eventually(lambda: _delegations(office, co, co_post).get(rest))
    assert after is not None and after["live"] and after["delegate_user_id"] == reader["user_id"]
    start_of_day_after = datetime.combine(date.fromisoformat(day(2)), clock_time(), IST)
    assert after["ends"] == iso(start_of_day_after)
    assert _delegations(office, co, co_post)[whole]["ended_at"] is not None

    # The SHO joins back today from leave that was to run to two days ahead: ended now.
    app = leave.apply(sho, casual(-1, 4, delegate_to_user_id=reader["user_id"]))
    # The circle officer is on leave: his post's delegate, the Reader, acts for it (or, if
    # leave has not heard of that delegation yet, the post is passed over to the ASP).
    acting = office.actor("reader.hathras") if app["at_post_id"] == co_post else asp
    app = leave.sanction(acting, app["id"], {"version": 1})
    mine = f"leave-{app['id']}"
    assert eventually(lambda: _delegations(office, sho, sho_post).get(mine))
    leave.join(sho, app["id"], {"version": 2, "joined_on": day(0)})
    ended = eventually(lambda: _delegations(office, sho, sho_post)[mine]["ended_at"])
    assert ended is not None and not _delegations(office, sho, sho_post)[mine]["live"]
    assert [d for d in _delegations(office, sho, sho_post) if d.startswith(mine)] == [mine]


def test_the_same_leave_sent_twice_at_once_is_applied_for_once(office, desks):
    """A double click, or a phone's retry racing the first try: the two applications are
    checked at the same moment (each asks identity the way up between its check and its
    write), yet only one holds the days; the other is refused as an overlap, and a day given
    up (the first withdrawn) can be asked for again."""
    leave, sho = office.rpc.leave, desks[SHO]
    body = casual(40, 2)
    for _ in range(3):
        tries = [leave.apply.call_async(sho, body) for _ in range(4)]
        applied, refusals = [], []
        for answer in tries:
            try:
                applied.append(answer.result())
            except Refused as exc:
                refusals.append(exc.code)
        assert len(applied) == 1 and refusals == ["LEAVE_OVERLAPS"] * 3
        leave.cancel(sho, applied[0]["id"], {"version": 1})
