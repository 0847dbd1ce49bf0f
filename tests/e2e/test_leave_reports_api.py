"""The leave reports over HTTP, after real leave work by the demo district's people: the SHO of
Kotwali applies, his application waits at each officer in turn in the SP's report of leave
pending, its sanctioned days count in leave taken for its month and go back when it is
cancelled; an office outside the viewer's scope does not exist for them, as in the other
reports; a year that is not one is refused.

The office is shared by every e2e test: this file's leave is in March 2032 (no other test's),
and every number is compared with what it was before."""

from tests.e2e.test_api import Desk, assert_error
from tests.e2e.test_leave_api import ASP, CO, SHO, SP, act, apply, earned, ok
from tests.e2e.test_reports_api import Person as Viewer
from tests.e2e.test_reports_api import posts_of, wait_for

PENDING = "/api/v1/reports/leave-pending"
TAKEN = "/api/v1/reports/leave-taken"
MONTH = "2032-03"


def waiting_at(viewer: Viewer, post_id: str) -> int:
    r = viewer.get(PENDING)
    assert r.status_code in (200, 404), r.text  # 404: no event of the office seen yet
    officers = r.json()["officers"] if r.ok else []
    return sum(o["total"] for o in officers if o["post_id"] == post_id)


def taken_in(viewer: Viewer, month: str, kind: str) -> float:
    r = viewer.get(TAKEN, year=month[:4])
    assert r.status_code in (200, 404), r.text
    if not r.ok:
        return 0
    own = r.json()["rows"][0]
    return sum(m["kinds"].get(kind, 0) for m in own["months"] if m["month"] == month)


def test_leave_waits_at_each_officer_then_counts_as_taken_until_cancelled(office, login):
    sho, co, asp, sp = (Desk(office.url, login(u)) for u in (SHO, CO, ASP, SP))
    viewer = Viewer(office.url, SP)
    posts = posts_of(viewer)
    co_post, asp_post = posts["CO-SADAR-HTR"]["id"], posts["ASP-HTR"]["id"]
    was = {p: waiting_at(viewer, p) for p in (co_post, asp_post)}
    taken_before = taken_in(viewer, MONTH, "earned")

    app = apply(sho, earned("2032-03-08", "2032-03-10"))
    wait_for(
        "the application at the circle officer", lambda: waiting_at(viewer, co_post) > was[co_post]
    )
    app = act(co, app, "recommend")
    wait_for("the application at the ASP", lambda: waiting_at(viewer, asp_post) > was[asp_post])
    assert waiting_at(viewer, co_post) == was[co_post]

    answer = ok(viewer.get(PENDING))
    own = answer["rows"][0]
    assert own["node"] == answer["office_id"] and own["total"] == sum(own["ages"].values())
    assert own["total"] >= sum(o["total"] for o in answer["officers"] if o["post_id"] == asp_post)
    assert own["ages"]["0-7"] >= 1 and own["kinds"].get("earned", 0) >= 1

    app = act(asp, app, "recommend")
    app = act(sp, app, "sanction")
    wait_for("the sanctioned days", lambda: taken_in(viewer, MONTH, "earned") == taken_before + 3)
    assert waiting_at(viewer, asp_post) == was[asp_post]
    year = ok(viewer.get(TAKEN, year="2032"))
    assert year["year"] == 2032 and year["rows"][0]["total"] >= 3

    act(sho, app, "cancel")
    wait_for("the days refunded", lambda: taken_in(viewer, MONTH, "earned") == taken_before)


def test_a_leave_report_of_an_office_outside_the_viewers_scope_does_not_exist(office):
    sp, dm = Viewer(office.url, SP), Viewer(office.url, "dm.hathras")
    collectorate = posts_of(dm)["DM-HTR"]["office_id"]
    sp_office = posts_of(sp)["SP-HTR"]["office_id"]
    Viewer(office.url, "cru.collectorate.hathras").diarise()  # known to reports from now on
    wait_for("the Collectorate in the DM's report", lambda: dm.get(PENDING, office=collectorate).ok)
    wait_for("the SP's office in the SP's report", lambda: sp.get(PENDING, office=sp_office).ok)

    for path in (PENDING, TAKEN):
        assert_error(sp.get(path, office=collectorate), 404, "OFFICE_NOT_FOUND")
        assert_error(dm.get(path, office=sp_office), 404, "OFFICE_NOT_FOUND")
        assert_error(sp.get(path, office="no-such-office"), 404, "OFFICE_NOT_FOUND")
    # The SP's rows under their office never reach into the revenue department's.
    rows = ok(sp.get(TAKEN, level="office", year="2032"))["rows"]
    assert all(collectorate not in r["path"] for r in rows)


def test_a_year_that_is_not_a_year_is_refused(office):
    sp = Viewer(office.url, SP)
    for year in ("twenty", "1999", "2100"):
        assert_error(sp.get(TAKEN, year=year), 400, "LEAVE_YEAR_INVALID")
