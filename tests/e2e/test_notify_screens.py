"""Notices leaving the office, in a real browser: a person chooses what reaches them by email or
SMS (in English, then in Hindi; a refused address is told in their language and kept as typed);
all their notices a page at a time, each phrased with how it went out; the dead-letter list for
the state e-Office team only; a circular sent from the admin's screen reaching a post; and the
desk that dispatched a letter by email seeing how its email went. The choices, the dead letters
and circulars are used on a phone (360 px) as on a desktop: the page never scrolls sideways,
whatever long word was typed, and the phone's links are under its Menu.

The office is the shared one of tests/e2e (no mail server listens there: emails are tried and
retried, never sent). Events reach notify asynchronously, so what they cause is polled for with
a deadline; whoever's choices a test changes gets the defaults back."""

import re
import uuid
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, diarised, wait_for
from tests.e2e.test_notify_api import WAIT, deliveries_of, dispatched_by_email, preferences, put
from tests.e2e.test_phone_layout import one_word
from tests.support.browser import (
    fits_the_screen,
    header,
    log_in,
    on_phone_and_desktop,
    shot,
    size_of,
)

CO, HC, SP = "co.sadar.hathras", "hc.estt.hathras", "sp.hathras"
CRU_POST = "Central Receipt Unit, SP Office Hathras"
CRU_POST_HI = "केंद्रीय आवती इकाई, पुलिस अधीक्षक कार्यालय हाथरस"
PREFERENCES = "/api/v1/me/preferences"
PAGES = 10  # how many pages of notices are looked through for a few fresh ones


def log_out(page: Page) -> None:
    header(page).get_by_role("button", name=re.compile("Log out|लॉग आउट")).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def in_language(page: Page, code: str, path: str) -> None:
    page.goto(f"/lang/{code}?next={quote(path, safe='/')}")


def notices_found(page: Page, first: str, wanted: list[str]) -> dict[str, str]:
    """Each wanted text's notice (its whole text), looking from ``first`` through the older
    pages (other work may reach the desk meanwhile)."""
    found: dict[str, str] = {}
    page.goto(first)
    for _ in range(PAGES):
        for text in page.locator("li.notice").all_inner_texts():
            found.update({w: text for w in wanted if w in text})
        older = page.locator("nav.pages a[rel=next]")
        if len(found) == len(wanted) or not older.count():
            break
        older.click()
    return found


@on_phone_and_desktop
def test_a_person_chooses_what_reaches_them_in_english_and_in_hindi(page: Page, office, login):
    co = Desk(office.url, login(CO))
    try:
        log_in(page, CO)
        page.goto("/notices/preferences")
        expect(page.get_by_role("heading", name="What reaches me by email or SMS")).to_be_visible()
        circular = page.get_by_label("A circular: Email", exact=True)
        explanation = page.get_by_label("An explanation is required for a delay: Email", exact=True)
        expect(explanation).to_be_checked()  # a default
        page.get_by_label("Email address").fill("co.sadar.htr@uppolice.gov.in")
        page.get_by_label("Mobile number").fill("9876500002")
        page.get_by_label("Language of emails and SMS").select_option("en")
        page.get_by_label("Quiet hours start").fill("21:00")
        page.get_by_label("Quiet hours end").fill("07:00")
        page.get_by_label("A daily digest").check()
        circular.check()
        explanation.uncheck()
        page.get_by_role("button", name="Save my choices").click()
        expect(page.locator("p.flash")).to_have_text("Your choices are saved.")
        expect(circular).to_be_checked()
        expect(explanation).not_to_be_checked()
        expect(page.get_by_label("Quiet hours start")).to_have_value("21:00")
        saved = preferences(co)
        assert (saved["email"], saved["mobile"], saved["language"], saved["digest"]) == (
            "co.sadar.htr@uppolice.gov.in",
            "9876500002",
            "en",
            True,
        )
        assert saved["quiet_hours"] == {"start": "21:00", "end": "07:00"}
        assert saved["channels"]["circular"] == ["email"]
        assert saved["channels"]["explanation_required"] == []
        fits_the_screen(page, "the saved choices")
        shot(page, f"notice-preferences-{size_of(page)}")

        # An address that cannot be written to: told why, and what was typed stays (a long
        # one, pasted without a space, does not widen the page).
        wrong = "co.sadar-at-" + one_word(240)
        page.get_by_label("Email address").fill(wrong)
        receipts = page.get_by_label("A receipt reaches my desk: Email", exact=True)
        receipts.check()
        page.get_by_role("button", name="Save my choices").click()
        expect(page.locator("p.flash.error")).to_have_text(
            "This email address cannot be written to. Check it and try again."
        )
        expect(page.get_by_label("Email address")).to_have_value(wrong)
        fits_the_screen(page, "the refused choices")
        expect(receipts).to_be_checked()
        expect(page.get_by_label("Mobile number")).to_have_value("9876500002")
        unchanged = preferences(co)
        assert unchanged["email"] == "co.sadar.htr@uppolice.gov.in"
        assert unchanged["channels"]["receipt_received"] == []

        # In Hindi: a wrong mobile number is told in Hindi; then the choices are saved.
        in_language(page, "hi", "/notices/preferences")
        expect(page.get_by_role("heading", name="ईमेल या एसएमएस से मुझ तक क्या पहुँचे")).to_be_visible()
        expect(page.get_by_label("ईमेल पता")).to_have_value("co.sadar.htr@uppolice.gov.in")
        page.get_by_label("मोबाइल नंबर").fill("12345")
        page.get_by_role("button", name="मेरे विकल्प सहेजें").click()
        expect(page.locator("p.flash.error")).to_have_text(
            "6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर दें।"
        )
        expect(page.get_by_label("मोबाइल नंबर")).to_have_value("12345")
        page.get_by_label("मोबाइल नंबर").fill("9876500003")
        page.get_by_label("ईमेल और एसएमएस की भाषा").select_option("hi")
        page.get_by_label("परिपत्र: ईमेल", exact=True).uncheck()
        page.get_by_role("button", name="मेरे विकल्प सहेजें").click()
        expect(page.locator("p.flash")).to_have_text("आपके विकल्प सहेज लिए गए।")
        saved = preferences(co)
        assert (saved["mobile"], saved["language"]) == ("9876500003", "hi")
        assert saved["channels"]["circular"] == []
        fits_the_screen(page, "the choices in Hindi")
        shot(page, f"notice-preferences-hi-{size_of(page)}")
    finally:
        assert put(co, PREFERENCES, {}).status_code == 200


def test_all_my_notices_page_by_page_each_phrased_with_how_it_went_out(page: Page, office, login):
    cru, hc = Desk(office.url, login("cru.hathras")), Desk(office.url, login(HC))
    chosen = {"email": "hc.estt.htr@uppolice.gov.in", "channels": {"receipt_received": ["email"]}}
    assert put(hc, PREFERENCES, chosen).status_code == 200
    try:
        posts = {p["abbreviation"]: p["id"] for p in cru.get("/api/v1/posts").json()["items"]}
        sent = []
        for _ in range(3):
            receipt = diarised(cru)
            assert cru.send(receipt["id"], posts["HC-ESTT-SP-HTR"]).status_code == 200
            sent.append(receipt)

        def told_with_their_emails() -> bool:
            answer = hc.get("/api/v1/notices", params={"limit": 200})
            assert answer.status_code == 200, answer.text
            mine = {n["params"].get("item_id"): n for n in answer.json()["items"]}
            # each email is planned as its notice is raised
            return all(r["id"] in mine and mine[r["id"]]["deliveries"] for r in sent)

        wait_for("the head clerk's three notices", told_with_their_emails, WAIT)

        log_in(page, HC)
        page.goto("/notices?limit=2")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Notices")
        expect(page.locator("li.notice")).to_have_count(2)  # a page of two
        expect(page.locator("nav.pages a[rel=next]")).to_have_text("Older")
        english = {
            f"Receipt {r['number']} was sent to you from {CRU_POST}: {r['subject']}": r
            for r in sent
        }
        found = notices_found(page, "/notices?limit=2", list(english))
        assert set(found) == set(english), found
        for text in found.values():
            assert re.search(r"Email: (waiting to be sent|being sent|sent|not sent yet)", text), (
                text
            )
        shot(page, "notices-paged")

        page.get_by_role("button", name="Mark all read").click()
        expect(page).to_have_url(re.compile(r"/notices$"))

        in_language(page, "hi", "/notices?limit=2")
        expect(page.locator("nav.pages a[rel=next]")).to_have_text("पुराने")
        hindi = [f"आवती {r['number']} {CRU_POST_HI} से आपको भेजी गई: {r['subject']}" for r in sent]
        found = notices_found(page, "/notices?limit=2", hindi)
        assert set(found) == set(hindi), found
        assert all("ईमेल:" in text for text in found.values())
    finally:
        assert put(hc, PREFERENCES, {}).status_code == 200


@on_phone_and_desktop
def test_the_dead_letter_list_and_circulars_are_for_the_state_team_only(page: Page):
    log_in(page, "cru.hathras")
    nav = header(page).locator("nav")
    expect(nav.get_by_role("link", name="Notices", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Dead letters")).to_have_count(0)
    expect(nav.get_by_role("link", name="Circulars")).to_have_count(0)
    for path in ("/admin/deliveries", "/admin/circulars"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 403, path
        expect(page.locator("p.flash.error")).to_have_text(
            "Only the state e-Office team can open this page."
        )
    log_out(page)

    log_in(page, "admin.up")
    header(page).locator("nav").get_by_role("link", name="Dead letters", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/deliveries$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dead letters")
    rows = page.locator("table.dead-letters tbody tr")
    if rows.count():
        expect(rows.first.get_by_role("button", name="Replay")).to_be_visible()
    else:
        expect(page.locator("p.empty")).to_contain_text("No dead letters")
    fits_the_screen(page, "the dead letters")
    shot(page, f"dead-letters-{size_of(page)}")


@on_phone_and_desktop
def test_a_circular_from_the_admin_screen_reaches_a_post(page: Page, office, login):
    title = f"Holi arrangements {uuid.uuid4().hex[:6]} {one_word(250)}"
    text = f"All SHOs to report the arrangements by 5 pm: {one_word(600)}"
    log_in(page, "admin.up")
    header(page).locator("nav").get_by_role("link", name="Circulars", exact=True).click()
    code = page.get_by_label("Office code")
    expect(code).to_have_value("UP-POLICE")  # the admin's own office
    code.fill("PS-KOTWALI-HTR")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text").fill(text)
    fits_the_screen(page, "the circular typed")
    page.get_by_role("button", name="Send the circular").click()
    expect(page.locator("p.flash")).to_have_text(
        re.compile(r"^The circular was sent\. Posts it reached: [1-9]\d*\.$")
    )
    fits_the_screen(page, "the circular sent")
    shot(page, f"circular-sent-{size_of(page)}")
    log_out(page)

    sho = Desk(office.url, login("sho.kotwali.hathras"))

    def told() -> bool:
        r = sho.get("/api/v1/notices", params={"limit": 200})
        assert r.status_code == 200, r.text
        return any(n["params"].get("title") == title for n in r.json()["items"])

    wait_for("the SHO's circular", told, WAIT)
    log_in(page, "sho.kotwali.hathras")
    page.goto("/notices")
    notice = page.locator("li.notice", has_text=title)
    expect(notice).to_contain_text(f"Circular from Police Station Kotwali Nagar, Hathras: {title}")
    expect(notice.locator(".circular-text")).to_have_text(text)
    fits_the_screen(page, "the circular among the notices")
    in_language(page, "hi", "/notices")
    expect(notice).to_contain_text(f"थाना कोतवाली नगर, हाथरस का परिपत्र: {title}")


def test_the_desk_that_dispatched_a_letter_by_email_sees_how_its_email_went(
    page: Page, office, login
):
    sp, file = dispatched_by_email(
        lambda who: Desk(office.url, login(who)), ["ri.hathras@uppolice.gov.in"]
    )
    draft = file["drafts"][-1]
    wait_for("the letter's email", lambda: deliveries_of(sp, draft["issue_number"]), WAIT)
    status = re.compile(
        r"^(Being emailed\.|Emailed on .+|Not delivered yet; will try again .+|"
        r"Could not be emailed: .+|Not known whether it was emailed\.)$"
    )
    log_in(page, SP)
    page.goto("/dispatch-register")
    row = page.locator("table.dispatch-register tbody tr", has_text=draft["issue_number"])
    expect(row.locator(".delivery-status")).to_have_text(status)
    page.goto(f"/files/{file['id']}")
    dispatched = page.locator(f"#draft-{draft['id']} li.dispatched")
    expect(dispatched.locator(".delivery-status")).to_have_text(status)
    shot(page, "dispatch-email-status")
