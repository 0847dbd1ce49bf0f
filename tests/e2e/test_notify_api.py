"""Notices leaving the office, over the API as a client sees it: a person's choices of what
reaches them by email or SMS (saved whole and read back; an address that cannot be written to
refused by name in their language; an unknown kind refused as malformed), the admin's
dead-letter list and replay, how an issued letter's emails went, and a circular.

The office is the shared one of tests/e2e (no mail server listens there: an email is tried and
retried, never sent); other tests work in it meanwhile, so nothing here counts what it did not
make. Whoever's choices a test changes gets the defaults back."""

import uuid

import pytest
import requests

from services.notify.domain.delivery import EMAILED_BY_DEFAULT
from services.notify.domain.notices import KINDS
from tests.e2e.test_api import TIMEOUT, Desk, assert_error, wait_for
from tests.support.pdfs import pdf

WAIT = 30  # events reach notify asynchronously
HC, SP = "hc.estt.hathras", "sp.hathras"


def put(person: Desk, path: str, body: dict, lang: str = "en") -> requests.Response:
    return requests.put(
        person.url + path,
        json=body,
        headers=person.headers({"Accept-Language": lang}),
        timeout=TIMEOUT,
    )


def preferences(person: Desk) -> dict:
    r = person.get("/api/v1/me/preferences")
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


@pytest.fixture
def reader(desk):
    """The SP's Reader, given the default choices back afterwards."""
    person = desk("reader.hathras")
    yield person
    assert put(person, "/api/v1/me/preferences", {}).status_code == 200


def dispatched_by_email(desk, to: list[str], subject: str | None = None) -> tuple[Desk, dict]:
    """A letter the head clerk drafts and the SP approves, signs in ink, issues and dispatches
    by email to ``to`` (as the SP's desk); its file and letter have ``subject`` (by default a
    fresh one). Returns the SP and the file (its last draft is the letter)."""
    hc, sp = desk(HC), desk(SP)

    def ok(r: requests.Response, status: int = 200) -> dict:
        assert r.status_code == status, r.text[:500]
        return r.json()

    subject = subject or f"Inspection programme {uuid.uuid4().hex[:6]}"
    file = ok(hc.post("/api/v1/files", json={"subject": subject}), 201)
    letter = {"kind": "letter", "subject": subject, "addressee": "RI", "text": "Please attend."}
    file = ok(hc.post(f"/api/v1/files/{file['id']}/drafts", json=letter), 201)
    draft = f"/api/v1/files/{file['id']}/drafts/{file['drafts'][-1]['id']}"
    to_sp = {"to_post_id": sp.post_ids[0], "version": file["version"]}
    ok(hc.post(f"/api/v1/files/{file['id']}/send", json=to_sp))
    ok(sp.post(f"{draft}/approve", json={"version": 1}))
    scan = [("pdf", ("scan.pdf", pdf(text="Signed in ink"), "application/pdf"))]
    ok(sp.post(f"{draft}/paper-signed", files=scan, timeout=120))
    ok(sp.post(f"{draft}/issue", timeout=120))
    return sp, ok(sp.post(f"{draft}/dispatch", json={"mode": "email", "to": to}))


def deliveries_of(person: Desk, issue_number: str) -> list[dict]:
    r = person.get(f"/api/v1/dispatches/{issue_number}/deliveries")
    assert r.status_code == 200, r.text
    return r.json()["items"]


# --- what reaches me --------------------------------------------------------------------------


def test_my_choices_are_saved_whole_and_read_back(reader):
    before = preferences(reader)
    assert before["kinds"] == list(KINDS) and set(before["channels"]) == set(KINDS)
    assert "email" in before["available_channels"]
    # every kind spelt out, its default included
    assert all(before["channels"][k] == ["email"] for k in EMAILED_BY_DEFAULT)

    chosen = {
        "email": "reader.htr@uppolice.gov.in",
        "mobile": "9876543210",
        "language": "en",
        "channels": {"receipt_received": ["email"], "explanation_required": []},
        "quiet_hours": {"start": "21:00", "end": "07:00"},
        "digest": True,
    }
    r = put(reader, "/api/v1/me/preferences", chosen)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved == preferences(reader)
    assert {k: saved[k] for k in ("email", "mobile", "language", "quiet_hours", "digest")} == {
        k: chosen[k] for k in ("email", "mobile", "language", "quiet_hours", "digest")
    }
    assert saved["channels"]["receipt_received"] == ["email"]
    assert saved["channels"]["explanation_required"] == []  # a default turned off
    assert saved["channels"]["dsc_expiring"] == ["email"]  # a kind not named keeps its default
    assert saved["channels"]["circular"] == []


@pytest.mark.parametrize(
    "body, code",
    [
        ({"email": "reader-at-uppolice.gov.in"}, "INVALID_EMAIL"),
        ({"email": "reader@"}, "INVALID_EMAIL"),
        ({"mobile": "12345"}, "INVALID_MOBILE"),
        ({"mobile": "5876543210"}, "INVALID_MOBILE"),
    ],
)
def test_an_address_that_cannot_be_written_to_is_refused_by_name(reader, body, code):
    saved = put(reader, "/api/v1/me/preferences", {"email": "reader.htr@uppolice.gov.in"})
    assert saved.status_code == 200, saved.text
    english = assert_error(put(reader, "/api/v1/me/preferences", body), 422, code)
    hindi = assert_error(put(reader, "/api/v1/me/preferences", body, "hi"), 422, code, lang="hi")
    if code == "INVALID_EMAIL":
        assert english["message"] == (
            "This email address cannot be written to. Check it and try again."
        )
        assert hindi["message"] == "इस ईमेल पते पर लिखा नहीं जा सकता। इसे जाँचकर फिर प्रयास करें।"
    else:
        assert english["message"] == "Give a 10-digit mobile number starting with 6, 7, 8 or 9."
        assert hindi["message"] == "6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर दें।"
    assert preferences(reader)["email"] == "reader.htr@uppolice.gov.in"  # nothing was saved


@pytest.mark.parametrize(
    "channels",
    [{"no_such_kind": ["email"]}, {"circular": ["fax"]}, {"circular": "email"}],
)
def test_an_unknown_kind_or_channel_is_malformed(reader, channels):
    r = put(reader, "/api/v1/me/preferences", {"channels": channels})
    assert_error(r, 400, "INVALID_FIELDS")


def test_sms_is_refused_where_the_office_cannot_send_it(reader):
    if "sms" in preferences(reader)["available_channels"]:
        pytest.skip("this office has an SMS gateway")
    r = put(reader, "/api/v1/me/preferences", {"channels": {"circular": ["sms"]}})
    assert_error(r, 422, "SMS_NOT_CONFIGURED")


# --- the admin's dead letters and replay -----------------------------------------------------


def test_the_dead_letter_list_is_the_admins(desk):
    clerk = desk("reader.hathras")
    assert_error(clerk.get("/api/v1/deliveries/dead"), 403, "OUTSIDE_YOUR_SCOPE")
    assert_error(
        clerk.get("/api/v1/deliveries/dead", headers={"Accept-Language": "hi"}),
        403,
        "OUTSIDE_YOUR_SCOPE",
        lang="hi",
    )
    admin = desk("admin.up")
    r = admin.get("/api/v1/deliveries/dead", params={"limit": 5})
    assert r.status_code == 200, r.text
    page = r.json()
    assert len(page["items"]) <= 5 and set(page) == {"items", "next_cursor"}
    assert all(d["status"] in ("dead", "unknown") for d in page["items"])
    assert_error(admin.get("/api/v1/deliveries/dead", params={"limit": 0}), 400, "BAD_LIMIT")


def test_an_issued_letters_emails_are_told_to_its_desk_and_kept_from_everyone_else(desk):
    sp, file = dispatched_by_email(desk, ["ri.hathras@uppolice.gov.in"])
    number = file["drafts"][-1]["issue_number"]

    (sent,) = wait_for("the letter's email", lambda: deliveries_of(sp, number), WAIT)
    assert (sent["dispatch_of"], sent["channel"], sent["kind"]) == (
        number,
        "email",
        "letter_dispatch",
    )
    assert sent["to"] == "ri.hathras@uppolice.gov.in"
    assert sent["status"] in ("pending", "sending", "sent", "failed", "dead", "unknown")

    # Anyone else (another desk of the office, one of another office) hears of none of it.
    for stranger in ("reader.hathras", "sho.kotwali.hathras"):
        assert deliveries_of(desk(stranger), number) == []
    assert deliveries_of(sp, "SP-HTR-2026-999999") == []  # no such letter: nothing, not 404

    # Replaying it: a desk (even the one that sent it) is told it does not exist, exactly as
    # for an id nobody issued; the admin over its office finds it, and it is not dead.
    admin = desk("admin.up")
    made_up = assert_error(
        admin.post(f"/api/v1/deliveries/{uuid.uuid4().hex}/replay"), 404, "DELIVERY_NOT_FOUND"
    )
    for person in (desk("reader.hathras"), sp):
        hidden = assert_error(
            person.post(f"/api/v1/deliveries/{sent['id']}/replay"), 404, "DELIVERY_NOT_FOUND"
        )
        assert hidden == made_up
    now = next(d for d in deliveries_of(sp, number) if d["id"] == sent["id"])
    if now["status"] not in ("dead", "unknown"):
        assert_error(
            admin.post(f"/api/v1/deliveries/{sent['id']}/replay"), 409, "DELIVERY_NOT_DEAD"
        )


# --- circulars --------------------------------------------------------------------------------


def test_a_circular_reaches_the_posts_under_an_office_within_the_admins_scope(desk):
    admin, sho = desk("admin.up"), desk("sho.kotwali.hathras")
    title = f"Holi arrangements {uuid.uuid4().hex[:6]}"
    body = {"office_code": "PS-KOTWALI-HTR", "title": title, "text": "Report by 5 pm."}
    r = admin.post("/api/v1/circulars", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["posts"] >= 1 and r.json()["id"]

    def told():
        r = sho.get("/api/v1/notices", params={"limit": 200})
        assert r.status_code == 200, r.text
        found = [n for n in r.json()["items"] if n["params"].get("title") == title]
        return found[0] if found else None

    notice = wait_for("the SHO's circular", told, WAIT)
    assert notice["kind"] == "circular" and notice["post_id"] == sho.post_ids[0]
    assert notice["params"]["text"] == "Report by 5 pm."
    assert notice["params"]["from_office"]["en"] == "Police Station Kotwali Nagar, Hathras"

    # A nodal officer and a desk are not the state's e-Office team, even over their district.
    for person in (desk("asp.hathras"), desk("reader.hathras")):
        refused = person.post("/api/v1/circulars", json={**body, "office_code": "SP-HTR"})
        assert_error(refused, 403, "OUTSIDE_YOUR_SCOPE")
    unknown = admin.post("/api/v1/circulars", json={**body, "office_code": "NO-SUCH-OFFICE"})
    assert_error(unknown, 404, "OFFICE_NOT_FOUND")
    assert_error(admin.post("/api/v1/circulars", json={**body, "title": ""}), 400, "INVALID_FIELDS")
