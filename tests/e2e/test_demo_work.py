"""`make run`'s demo district with its desk work (tools/demo_work.py): an office of its own,
started as `make run` starts it, so the first screens a person opens already have Hathras's
figures — the police's dak and file pending at the SP's office, the revenue department's at the
Collectorate, and HQ comparing the two departments."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_reports_api import AGES, Person, by_node, posts_of, wait_for
from tests.support.browser import log_in
from tests.support.office import Office
from tools.demo_work import DAK, FILES

# What the demo sends where, by the department of the office it lands in.
POLICE_POSTS = {"HC-ESTT-SP-HTR", "RDR-SP-HTR", "CO-SADAR-HTR", "ASP-HTR"}
POLICE = sum(to in POLICE_POSTS for *_, to in DAK) + sum(to in POLICE_POSTS for *_, to in FILES)
REVENUE = len(DAK) + len(FILES) - POLICE


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
    assert at_sp[clerk] == sum(to == "HC-ESTT-SP-HTR" for *_, to in DAK)
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
