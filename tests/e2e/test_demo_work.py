"""`make run`'s demo district with its desk work (tools/demo_work.py) and what is behind its
notices (tools/demo_notices.py): an office of its own, started as `make run` starts it, so the
first screens a person opens already have Hathras's figures — the police's dak and files pending
at the SP's office, the revenue department's at the Collectorate, and HQ comparing the two
departments — and its people find a notice of each kind a fresh office can show."""

import subprocess
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from common.clock import IST
from tests.e2e.test_reports_api import AGES, Person, by_node, posts_of, wait_for
from tests.support.browser import log_in
from tests.support.office import Office
from tools import demo_notices
from tools.demo_work import DAK, FILES

# Where the demo's work waits, by the department of the office it waits in.
WAITING = [to for *_, to in DAK] + [to for *_, to in FILES]
WAITING += [f.waits_at for f in demo_notices.FILES]
POLICE_POSTS = {"HC-ESTT-SP-HTR", "RDR-SP-HTR", "CO-SADAR-HTR", "ASP-HTR"}
POLICE = sum(to in POLICE_POSTS for to in WAITING)
REVENUE = len(WAITING) - POLICE


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    running = Office(tmp_path_factory.mktemp("demo"), env={"EOFFICE_DEMO_WORK": "1"}).start()
    yield running
    running.stop()


def totals(person: Person, **params) -> dict:
    r = person.get(AGES, **params)
    return {n: row["total"] for n, row in by_node(r.json()).items()} if r.ok else {}


def test_the_demo_dak_and_files_wait_at_the_desks_they_were_sent_to(office):
    sp, dm = Person(office.url, "sp.hathras"), Person(office.url, "dm.hathras")
    police, revenue = posts_of(sp), posts_of(dm)
    sp_office, collectorate = police["SP-HTR"]["office_id"], revenue["DM-HTR"]["office_id"]
    assert POLICE and REVENUE  # the demo gives both departments work

    at_sp = wait_for(
        "the police's demo work in the SP's report",
        lambda: (t := totals(sp, office=sp_office, level="post")).get(sp_office) == POLICE and t,
    )
    clerk = f"post:{police['HC-ESTT-SP-HTR']['id']}"
    assert at_sp[clerk] == sum(to == "HC-ESTT-SP-HTR" for to in WAITING)
    at_dm = wait_for(
        "the revenue demo work in the DM's report",
        lambda: (t := totals(dm, office=collectorate)).get(collectorate) == REVENUE and t,
    )
    assert at_dm[collectorate] == REVENUE
    # Each department's figures stay its own: the SP does not see the Collectorate's.
    assert sp.get(AGES, office=collectorate).status_code == 404


def test_the_first_screens_show_the_demo_districts_figures(office, page: Page):
    admin = Person(office.url, "admin.up")
    state = admin.ok(AGES)["rows"][0]["node"]

    def by_department() -> dict | None:
        found = totals(admin, office=state, level="department")
        return found if found.get(state) == POLICE + REVENUE else None

    departments = wait_for("both departments' work at HQ", by_department)
    assert sorted(v for n, v in departments.items() if n != state) == sorted([POLICE, REVENUE])

    log_in(page, "sp.hathras")
    page.get_by_role("link", name="Reports").click()
    expect(page.locator("#ages th[data-age='total']")).to_have_text(str(POLICE))
    expect(page.locator("#desks")).to_contain_text("Head Clerk, Establishment")

    page.context.clear_cookies()  # a fresh session for the next person
    log_in(page, "admin.up")
    page.goto("/reports/hq")
    rows = page.locator("#departments tbody tr")
    made = 2  # the column of e-receipts and e-files made
    expect(rows.filter(has_text="Uttar Pradesh Police").locator("td").nth(made)).to_have_text(
        str(POLICE)
    )
    expect(
        rows.filter(has_text="Revenue Department, Uttar Pradesh").locator("td").nth(made)
    ).to_have_text(str(REVENUE))


def notice(person: Person, kind: str, **params) -> dict | None:
    """The person's newest notice of ``kind`` whose params include ``params``, if any."""
    for found in person.ok("/api/v1/notices", limit=200)["items"]:
        if found["kind"] == kind and params.items() <= found["params"].items():
            return found
    return None


def subject(opener: str, to: str) -> str:
    return next(f.subject for f in demo_notices.FILES if (f.opener, f.to) == (opener, to))


def test_the_demo_people_have_a_notice_of_each_kind_a_fresh_office_can_show(office):
    people = {u: Person(office.url, u) for u in ("sp.hathras", "asp.hathras", "reader.hathras")}
    people |= {u: Person(office.url, u) for u in ("co.sadar.hathras", "sho.kotwali.hathras")}
    people |= {u: Person(office.url, u) for u in ("tehsildar.sadar.hathras", "adm.hathras")}
    today = datetime.now(IST).date()

    def told(username: str, kind: str, **params) -> dict:
        return wait_for(
            f"{username}'s {kind} notice", lambda: notice(people[username], kind, **params)
        )

    # The SP's DSC expires in 20 days: the first warning (30 days) is his.
    expiring = told("sp.hathras", "dsc_expiring", days=30)
    left = datetime.fromisoformat(expiring["params"]["not_after"]) - datetime.now(IST)
    assert timedelta(days=19) < left <= timedelta(days=20)
    assert expiring["user_id"] == people["sp.hathras"].tokens["user"]["id"]
    # He is on leave until tomorrow evening: the Addl SP acts for his post.
    started = told("asp.hathras", "delegation_started")
    assert started["params"]["post_name"]["en"] == "Superintendent of Police, Hathras"
    ends = datetime.fromisoformat(started["params"]["ends"]).astimezone(IST)
    assert ends.date() == today + timedelta(days=1)
    # He sent the Reader's file back; the Head Clerk took hers back from the Circle Officer.
    told("reader.hathras", "file_sent_back", subject=subject("reader.hathras", "SP-HTR"))
    told("co.sadar.hathras", "file_pulled_back", subject=subject("hc.estt.hathras", "CO-SADAR-HTR"))
    # VPN accounts from each district's pool; the SHO's first one was revoked.
    for username in ("co.sadar.hathras", "sho.kotwali.hathras", "tehsildar.sadar.hathras"):
        told(username, "vpn_issued")
    told("sho.kotwali.hathras", "vpn_revoked")

    # Files due tomorrow and today reached the Addl SP and the ADM, their due dates on them.
    for username, to, due in (("asp.hathras", "ASP-HTR", 1), ("adm.hathras", "ADM-E-HTR", 0)):
        opener = next(f.opener for f in demo_notices.FILES if f.to == to and f.due_in_days == due)
        received = told(username, "file_received", subject=subject(opener, to))
        items = people[username].ok("/api/v1/inbox", limit=200)["items"]
        item = next(i for i in items if i["id"] == received["params"]["item_id"])
        assert date.fromisoformat(item["due_date"]) == today + timedelta(days=due)
    # The relieving order was approved, signed on paper and issued under the office's seal.
    # It reached the Addl SP as a draft for approval; the Head Clerk who wrote it heard it was
    # approved and issued.
    issued = next(f for f in demo_notices.FILES if f.then == "issued")
    received = told("asp.hathras", "draft_for_approval", subject=issued.subject)
    file = people["asp.hathras"].ok(f"/api/v1/files/{received['params']['item_id']}")
    assert [(d["status"], d["signed_on_paper"]) for d in file["drafts"]] == [("issued", True)]
    people["hc.estt.hathras"] = Person(office.url, "hc.estt.hathras")
    for kind in ("draft_approved", "draft_issued"):
        assert told("hc.estt.hathras", kind)["params"]["item_id"] == file["id"]
    # The state's circular reached every desk, in both departments.
    for username in ("reader.hathras", "adm.hathras"):
        circular = told(username, "circular")
        assert circular["params"]["title"] == demo_notices.CIRCULAR[1]["title"]


def test_the_demo_record_room_holds_four_old_files_scanned_in_hindi(office, tmp_path):
    """tools/demo_records.py: the Head Clerk's ZIP of real scans, recorded on first run; each
    an image with no text layer, so only OCR finds "चौकीदार" in it."""
    from tools.demo_records import FILES as OLD_FILES

    clerk = Person(office.url, "hc.estt.hathras")
    due = clerk.get("/api/v1/records/due-for-review", to="2099-12-31").json()["items"]
    demo = {d["old_number"]: d for d in due if d["number"].startswith("LEGACY/SP-HTR/")}
    kept_for_ever = {old for old, _, category, *_ in OLD_FILES if category == "A"}
    assert set(demo) == {old for old, *_ in OLD_FILES} - kept_for_ever
    record = clerk.get(f"/api/v1/files/{next(iter(demo.values()))['id']}").json()
    assert record["status"] == "recorded" and record["legacy"]["pages"] == 1
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(clerk.get(f"/api/v1/documents/{record['legacy']['sha256']}").content)
    text = subprocess.run(["pdftotext", str(scan), "-"], capture_output=True, check=True)
    assert text.stdout.strip() == b""
