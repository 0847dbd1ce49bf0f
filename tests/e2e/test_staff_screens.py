"""The nodal officer's screens in a real browser (headless Chromium, Playwright's sync API).

Hathras's nodal officer (the Addl SP) creates posts for new constables, downloads the master
data sheet template, uploads a filled sheet with one bad row, reads the dry-run report in
English and in Hindi, applies it and gets the activation slips; a new constable activates their
account and logs in; on the staff list the new people have their posts, one gets a VPN account
and its config, one is disabled and enabled again; a post is given as additional charge, and one
is delegated for a week and the delegation ended. A clerk gets none of these screens.

Screenshots land in /tmp/shots/staff-*.png for a human to look at.
"""

import random
import re
import string

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, shot
from tests.support.sheets import csv_sheet, person

pytestmark = pytest.mark.slow

NODAL = "asp.hathras"
CLERK = "cru.hathras"
GMAIL_REASON = "Only an official government email is allowed (not gmail and the like)."
GMAIL_REASON_HI = "केवल आधिकारिक सरकारी ईमेल मान्य है (gmail आदि नहीं)।"
NEW_PASSWORD = "Kotwali-Nagar-2025"
# (English name, Hindi name) of the people on the sheet; the third row is the bad one.
PEOPLE = [
    ("Sunita Devi", "सुनीता देवी"),
    ("Arvind Singh", "अरविंद सिंह"),
    ("Mohan Lal", "मोहन लाल"),
    ("Kavita Sharma", "कविता शर्मा"),
    ("Imran Ali", "इमरान अली"),
]
BAD = 2


def suffix() -> str:
    """Letters only (names allow no digits), different on every run."""
    return "".join(random.choices(string.ascii_uppercase, k=4))


@pytest.fixture(scope="module")
def run() -> str:
    return suffix()


@pytest.fixture(scope="module")
def vpn_pool(office, login):
    """The state team gives Hathras a VPN address pool (once; the demo district has none)."""
    admin = {"Authorization": f"Bearer {login('admin.up')['access_token']}"}
    district = requests.get(f"{office.url}/api/v1/offices/SP-HTR", headers=admin, timeout=30)
    if not district.json().get("vpn_pool"):
        r = requests.patch(
            f"{office.url}/api/v1/offices/SP-HTR",
            headers=admin,
            json={"vpn_pool": "10.61.0.0/22"},
            timeout=30,
        )
        assert r.status_code == 200, r.text


def staff_row(page: Page, login: str):
    return page.locator(f"table.staff tbody tr[data-login='{login}']")


def create_post(page: Page, abbreviation: str, name_en: str, name_hi: str) -> None:
    page.get_by_role("link", name="Posts", exact=True).click()
    form = page.locator("form.create-post")
    form.locator("select[name=office_code]").select_option("SP-HTR")
    form.get_by_label("Marking abbreviation").fill(abbreviation)
    form.get_by_label("Name in English").fill(name_en)
    form.get_by_label("Name in Hindi").fill(name_hi)
    form.locator("select[name=reports_to]").select_option("SHO-KOTWALI-HTR")
    form.get_by_role("button", name="Create the post").click()
    expect(page.locator(".flash").first).to_have_text(f"Post {abbreviation} created: {name_en}.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name_en} ({abbreviation})")


def test_the_nodal_officer_onboards_a_sheet_and_sets_up_the_new_people(
    page: Page, browser, office, run, vpn_pool, tmp_path
):
    posts = [f"CONST{i}-KOT-HTR-{run}" for i in range(len(PEOPLE) + 1)]
    names = [(f"{en} {run.title()}", hi) for en, hi in PEOPLE]
    codes = [f"E2E-{run}-{i}" for i in range(len(PEOPLE))]

    # 1. The nodal officer sees the setup screens and creates the posts. ---------------------
    log_in(page, NODAL)
    nav = page.locator("header nav")
    for link in ("Onboarding", "Staff", "Posts"):
        expect(nav.get_by_role("link", name=link, exact=True)).to_be_visible()
    for i, abbreviation in enumerate(posts):
        create_post(
            page, abbreviation, f"Constable {i}, SP Office {run}", f"आरक्षी {i}, पु.अ. कार्यालय"
        )

    # 2. Template and upload. -----------------------------------------------------------------
    nav.get_by_role("link", name="Onboarding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template (XLSX)").click()
    template = download.value
    assert template.suggested_filename.endswith(".xlsx")
    assert open(template.path(), "rb").read(2) == b"PK"
    shot(page, "staff-onboarding")

    rows = [
        person(
            0,
            name_en=en,
            name_hi=hi,
            employee_code=codes[i],
            mobile=f"9{random.randrange(10**8, 10**9)}",
            post=posts[i],
            email="mohan.lal@gmail.com" if i == BAD else "",
        )
        for i, (en, hi) in enumerate(names)
    ]
    sheet = tmp_path / "hathras-staff.csv"
    sheet.write_bytes(csv_sheet(rows))
    page.get_by_label("Master data sheet (XLSX or CSV)").set_input_files(sheet)
    page.get_by_role("button", name="Check the sheet").click()

    # 3. The dry-run report, row by row, in English and then in Hindi. -----------------------
    expect(page.get_by_role("heading", level=1)).to_have_text("Sheet report: hathras-staff.csv")
    report_url = page.url
    summary = page.locator("ul.summary")
    expect(summary.locator("[data-action=create]")).to_have_text("4")
    expect(summary.locator("[data-action=reject]")).to_have_text("1")
    expect(summary.locator("[data-action=update]")).to_have_text("0")
    table = page.locator("table.report tbody tr")
    expect(table).to_have_count(5)
    for i in range(5):
        row = table.nth(i)
        expect(row.locator("td").nth(0)).to_have_text(str(i + 2))  # the headings are row 1
        expect(row.locator("td").nth(1)).to_have_text(codes[i])
        expect(row.locator("td.action")).to_have_text("Rejected" if i == BAD else "Create")
        if i != BAD:
            expect(row.locator("td").nth(2)).to_have_text(names[i][0])
    bad = table.nth(BAD)
    expect(bad.locator("ul.reasons li")).to_have_text(
        [f"Official email: {GMAIL_REASON} (domain gmail.com)"]
    )
    expect(page.get_by_role("button", name="Apply")).to_be_visible()
    shot(page, "staff-report")

    page.get_by_role("link", name="हिन्दी").click()
    expect(page).to_have_url(re.compile(re.escape(report_url) + r"\??$"))
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(bad.locator("td.action")).to_have_text("अस्वीकृत")
    expect(bad.locator("ul.reasons li")).to_have_text(
        [f"आधिकारिक ईमेल: {GMAIL_REASON_HI} (डोमेन gmail.com)"]
    )
    expect(table.nth(0).locator("td").nth(2)).to_have_text(names[0][1])
    shot(page, "staff-report-hi")

    # 4. Apply (still in Hindi): the activation slips, shown once. ----------------------------
    page.get_by_role("button", name="लागू करें").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("सक्रियण पर्चियाँ")
    expect(page.get_by_role("alert")).to_contain_text("ये सक्रियण कोड केवल एक बार दिखाए जाते हैं।")
    slips = page.locator("section.slip")
    expect(slips).to_have_count(4)
    good = [i for i in range(5) if i != BAD]
    expect(slips.locator("dd.name")).to_have_text([names[i][1] for i in good])
    logins = slips.locator("dd.login").all_inner_texts()
    activation_codes = slips.locator("dd.code").all_inner_texts()
    assert all(re.fullmatch(r"[a-z.]+\d*@up\.gov\.in", login) for login in logins), logins
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", code) for code in activation_codes)
    expect(slips.first).to_contain_text(f"{office.url}/activate")
    expect(slips.first).to_contain_text("पुलिस अधीक्षक कार्यालय, हाथरस")
    shot(page, "staff-slips-hi")

    # Switching language afterwards lands on the report, applied; the codes are not shown again.
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(report_url)
    expect(page.locator("p.meta")).to_contain_text("Applied")
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(activation_codes[0])
    expect(page.locator("table.report td.action")).to_have_text(
        ["Rejected" if i == BAD else "Create" for i in range(5)]
    )

    # 5. A new constable activates their account on the page the slip names, and logs in. ----
    newcomer = browser.new_context(base_url=office.url, locale="en-IN")
    try:
        fresh = newcomer.new_page()
        fresh.goto("/activate")
        fresh.get_by_label("Login (Gov ID)").fill(logins[0])
        fresh.get_by_label("Activation code").fill("ABCDEFGHJK")
        fresh.get_by_label("New password (at least 8 characters)").fill(NEW_PASSWORD)
        fresh.get_by_label("New password again").fill(NEW_PASSWORD)
        fresh.get_by_role("button", name="Set my password").click()
        expect(fresh.get_by_role("alert")).to_contain_text(
            "The login or the activation code is wrong"
        )
        fresh.get_by_label("Activation code").fill(activation_codes[0].lower())
        fresh.get_by_label("New password (at least 8 characters)").fill(NEW_PASSWORD)
        fresh.get_by_label("New password again").fill(NEW_PASSWORD)
        shot(fresh, "staff-activate")
        fresh.get_by_role("button", name="Set my password").click()
        expect(fresh).to_have_url(re.compile(r"/login$"))
        expect(fresh.locator(".flash")).to_have_text(
            "Your password is set. Log in with your login and the new password."
        )
        log_in(fresh, logins[0], NEW_PASSWORD)
        expect(fresh).to_have_url(re.compile(r"/inbox$"))
        expect(fresh.locator("header .who")).to_have_text(names[0][0])
        expect(fresh.locator("header nav").get_by_role("link", name="Staff")).to_have_count(0)
    finally:
        newcomer.close()

    # 6. The staff list: the new people with their posts; VPN; disable and enable. -----------
    nav.get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff")
    for n, i in enumerate(good):
        row = staff_row(page, logins[n])
        expect(row).to_have_count(1)
        expect(row.locator("td.name")).to_contain_text(names[i][0])
        expect(row.locator("td.posts .abbreviation")).to_have_text([posts[i]])
        expect(row.locator("td.roles div")).to_have_text(["Dealing hand"])
        expect(row.locator("td.dsc")).to_have_text("none")
        expect(row.locator("td.vpn")).to_have_text("none")
    expect(page.locator("table.staff")).not_to_contain_text(names[BAD][0])
    nodal_row = staff_row(page, NODAL)
    expect(nodal_row.locator("td.roles div")).to_have_text(["Officer", "Nodal officer"])

    first = staff_row(page, logins[0])
    first.get_by_role("button", name="Issue VPN").click()
    flash = page.locator(".flash")
    expect(flash).to_have_text(re.compile(r"^VPN account issued: address 10\.61\.\d+\.\d+\.$"))
    address = re.search(r"10\.61\.\d+\.\d+", flash.inner_text()).group(0)
    expect(first.locator("td.vpn .address")).to_have_text(address)
    with page.expect_download() as download:
        first.get_by_role("link", name="Download config").click()
    config = open(download.value.path(), encoding="utf-8").read()
    assert "[Interface]" in config and address in config and "[Peer]" in config
    assert download.value.suggested_filename == f"eoffice-{logins[0]}.conf"
    shot(page, "staff-people")

    expect(first.get_by_role("button", name="Issue VPN")).to_have_count(0)
    first.get_by_role("button", name="Revoke VPN").click()
    expect(flash).to_have_text(f"VPN account {address} revoked.")
    expect(first.locator("td.vpn")).to_have_text("none")

    second = staff_row(page, logins[1])
    second.get_by_role("button", name="Disable").click()
    expect(flash).to_have_text(f"{names[good[1]][0]} is disabled and logged out everywhere.")
    expect(second.locator(".badge")).to_have_text("Disabled")
    second.get_by_role("button", name="Enable").click()
    expect(flash).to_have_text(f"{names[good[1]][0]} can log in again.")
    expect(second.locator(".badge")).to_have_count(0)

    page.get_by_role("link", name="हिन्दी").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("कर्मचारी")
    expect(staff_row(page, logins[0]).locator("td.name")).to_contain_text(names[0][1])
    shot(page, "staff-people-hi")
    page.get_by_role("link", name="English").click()

    # 7. Posts: an additional charge, and a delegation for a week, ended early. --------------
    nav.get_by_role("link", name="Posts", exact=True).click()
    listed = page.locator(f"table.posts tr[data-abbreviation='{posts[0]}']")
    expect(listed.locator("td.holder")).to_have_text(names[0][0])
    expect(listed).to_contain_text("Regular")
    spare = page.locator(f"table.posts tr[data-abbreviation='{posts[-1]}']")
    expect(spare.locator("td.holder")).to_have_text("vacant")
    spare.get_by_role("link", name=posts[-1]).click()
    assign = page.locator("form.assign")
    assign.locator("select[name=user_id]").select_option(label=f"{names[3][0]} · {logins[2]}")
    assign.get_by_label("Additional charge").check()
    assign.get_by_role("button", name="Save the posting").click()
    expect(page.locator(".flash")).to_have_text(
        f"{names[3][0]} now holds additional charge of Constable {len(PEOPLE)}, SP Office {run}."
    )
    expect(page.locator("dd.holder")).to_have_text(f"{names[3][0]} · Additional charge")

    nav.get_by_role("link", name="Posts", exact=True).click()
    page.locator(f"table.posts tr[data-abbreviation='{posts[0]}']").get_by_role(
        "link", name=posts[0]
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Constable 0, SP Office {run} ({posts[0]})"
    )
    expect(page.locator("p.empty")).to_have_text("This post has never been delegated.")
    delegate = page.locator("form.delegate")
    delegate.locator("select[name=to_user_id]").select_option(label=f"{names[1][0]} · {logins[1]}")
    delegate.get_by_label("Reason").fill("On leave / अवकाश पर")
    delegate.get_by_role("button", name="Delegate").click()
    expect(page.locator(".flash")).to_have_text(
        re.compile(rf"^Constable 0, SP Office {run} is delegated from .+ IST until .+ IST\.$")
    )
    delegations = page.locator("table.delegations tbody tr")
    expect(delegations).to_have_count(1)
    expect(delegations.first).to_contain_text(names[1][0])
    expect(delegations.first).to_contain_text("On leave / अवकाश पर")
    expect(delegations.first.locator("td.state")).to_have_text("In force")
    shot(page, "staff-post")

    page.get_by_role("link", name="हिन्दी").click()
    expect(delegations.first.locator("td.state")).to_have_text("प्रभावी")
    shot(page, "staff-post-hi")
    page.get_by_role("link", name="English").click()

    delegations.first.get_by_role("button", name="End now").click()
    expect(page.locator(".flash")).to_have_text("The delegation has ended.")
    expect(delegations.first.locator("td.state")).to_have_text("Ended early")
    expect(delegations.first.get_by_role("button")).to_have_count(0)

    # A refusal is a message, not a crash: a delegation that ends before it starts.
    delegate.locator("select[name=to_user_id]").select_option(label=f"{names[1][0]} · {logins[1]}")
    delegate.get_by_label("Until (Indian time)").fill("2020-01-01T10:00")
    delegate.get_by_role("button", name="Delegate").click()
    expect(page.locator(".flash.error")).to_have_text(
        "The delegation must end after it starts, and in the future."
    )
    expect(delegations).to_have_count(1)

    nav.get_by_role("link", name="Posts", exact=True).click()
    shot(page, "staff-posts")


def test_a_bad_post_or_sheet_is_refused_with_a_message(page: Page, tmp_path):
    log_in(page, NODAL)
    page.get_by_role("link", name="Posts", exact=True).click()
    form = page.locator("form.create-post")
    form.get_by_label("Marking abbreviation").fill("RDR-SP-HTR")  # the Reader's: taken
    form.get_by_label("Name in English").fill("Second Reader")
    form.get_by_label("Name in Hindi").fill("द्वितीय वाचक")
    form.get_by_role("button", name="Create the post").click()
    expect(form.get_by_role("alert")).to_have_text("A post with this abbreviation already exists.")
    expect(form.get_by_label("Name in Hindi")).to_have_value("द्वितीय वाचक")  # kept

    page.get_by_role("link", name="Onboarding", exact=True).click()
    not_a_sheet = tmp_path / "staff.xlsx"
    not_a_sheet.write_bytes(b"\x89PNG\r\n\x1a\n not a sheet")
    page.get_by_label("Master data sheet (XLSX or CSV)").set_input_files(not_a_sheet)
    page.get_by_role("button", name="Check the sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onboarding")
    expect(page.locator(".flash.error")).to_have_text(
        "The file is not a spreadsheet. Upload the sheet as .xlsx or as CSV (UTF-8)."
    )


def test_a_clerk_gets_no_staff_screens(page: Page):
    log_in(page, CLERK)
    expect(page).to_have_url(re.compile(r"/inbox$"))
    nav = page.locator("header nav")
    expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    for link in ("Onboarding", "Staff", "Posts"):
        expect(nav.get_by_role("link", name=link, exact=True)).to_have_count(0)
    for path in ("/staff/people", "/staff/posts", "/staff/onboarding"):
        answer = page.goto(path)
        assert answer.status == 403, path
        expect(page.get_by_role("alert")).to_have_text(
            "Only the district's nodal officer and the state e-Office team can open this page."
        )
    shot(page, "staff-forbidden")

    # Nor can a form be posted past the screens (with a good CSRF token): the same refusal.
    page.goto("/inbox")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    nodal = page.request.post(f"/staff/people/{NODAL}/disable", form={"csrf_token": token})
    assert nodal.status == 403


def test_the_state_team_sees_the_staff_of_every_office(page: Page):
    log_in(page, "admin.up")
    page.locator("header nav").get_by_role("link", name="Staff", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff")
    expect(page.locator("table.staff tbody tr[data-login='sho.kotwali.hathras']")).to_have_count(1)
    page.locator("select[name=office]").select_option("PS-KOTWALI-HTR")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("table.staff tbody tr")).to_have_count(1)
    expect(page.locator("table.staff tbody tr td.login")).to_have_text("sho.kotwali.hathras")
    page.locator("header nav").get_by_role("link", name="Posts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Posts")
