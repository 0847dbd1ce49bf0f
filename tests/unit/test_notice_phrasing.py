"""Notices on the screens, without the services: every kind notify raises is phrased in Hindi and
English (with its params shaped as notify makes them), each with how it went out by email and
SMS; and the screens of notices, preferences, dead letters and circulars against a stand-in for
the services, as a person and as the state e-Office team."""

import re
from typing import Any

import pytest
from flask import g, render_template_string, session

import gateway.auth
from common.actor import Actor, Grant
from common.errors import Forbidden, InvalidInput, Refused
from gateway.app import create_app
from services.notify.domain import messages
from services.notify.domain.notices import KINDS

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
SENT = {
    "number": "7/2026/SP-HTR",
    "subject": "Road repair",
    "from_post_name": {"en": "Reader to SP, Hathras", "hi": "वाचक पुलिस अधीक्षक, हाथरस"},
    "to_post_name": {"en": "Additional SP, Hathras", "hi": "अपर पुलिस अधीक्षक, हाथरस"},
    "remark": "Please see",
}
POST = {"en": "Superintendent of Police, Hathras", "hi": "पुलिस अधीक्षक, हाथरस"}
LEAVE = {
    "item_id": "a1",
    "item_kind": "leave",
    "leave_kind": "earned",
    "from_date": "2032-03-10",
    "to_date": "2032-03-12",
    "days": 2.5,
}
# Each kind with params as notify makes them (services/notify/domain/notices.py, reminders.py,
# service/deliveries.py), and a piece of what the English line must say.
SAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "receipt_received": (
        {"item_id": "r1", "item_kind": "receipt", **SENT},
        "Receipt 7/2026/SP-HTR was sent to you from Reader to SP, Hathras: Road repair",
    ),
    "file_received": (
        {"item_id": "f1", "item_kind": "file", **SENT},
        "File 7/2026/SP-HTR was sent to you from Reader to SP, Hathras: Road repair",
    ),
    "draft_for_approval": (
        {"item_id": "f1", "item_kind": "file", **SENT},
        "with a draft for your approval: Road repair",
    ),
    "file_sent_back": ({"item_id": "f1", "item_kind": "file", **SENT}, "was sent back to you"),
    "file_pulled_back": (
        {"item_id": "f1", "item_kind": "file", **SENT},
        "was taken back by Additional SP, Hathras.",
    ),
    "due_soon": (
        {"item_id": "f1", "item_kind": "file", "number": "A-1/2026", "due_date": "2026-12-10"},
        "A-1/2026 is due on 10-12-2026.",
    ),
    "past_due": (
        {"item_id": "f1", "item_kind": "file", "number": "A-1/2026", "due_date": "2026-12-10"},
        "A-1/2026 was due on 10-12-2026 and is still at your desk.",
    ),
    "overdue_warning": (
        {"item_id": "f1", "item_kind": "file", "working_days": 5},
        "held 5 working days: move it on",
    ),
    "explanation_required": (
        {"item_id": "r1", "item_kind": "receipt", "working_days": 8},
        "held 8 working days: record why",
    ),
    "escalated_to_you": (
        {"item_id": "f1", "item_kind": "file", "working_days": 10},
        "has been escalated to you",
    ),
    "draft_approved": (
        {"item_id": "f1", "item_kind": "file", "issue_number": "SP-HTR-2026-000042"},
        "Your draft was approved; it will be issued as SP-HTR-2026-000042.",
    ),
    "draft_issued": (
        {"item_id": "f1", "item_kind": "file", "issue_number": "SP-HTR-2026-000042"},
        "Your draft was signed and issued as SP-HTR-2026-000042.",
    ),
    "dispatch_failed": (
        {
            "item_id": "f1",
            "item_kind": "file",
            "issue_number": "SP-HTR-2026-000042",
            "to": "ri@up.gov.in",
            "reason": "RECIPIENT_REFUSED",
        },
        "Letter SP-HTR-2026-000042 could not be emailed to ri@up.gov.in: the mail server "
        "refused the address.",
    ),
    "circular": (
        {
            "title": "Holi arrangements",
            "text": "All SHOs to report by 5 pm.",
            "from_office": {"en": "Uttar Pradesh Police", "hi": "उत्तर प्रदेश पुलिस"},
        },
        "Circular from Uttar Pradesh Police: Holi arrangements",
    ),
    "document_signed": (
        {"item_id": "f1", "item_kind": "file"},
        "Your digital signature was applied.",
    ),
    "delegation_started": (
        {
            "post_name": POST,
            "starts": "2026-12-06T04:30:00+00:00",
            "ends": "2026-12-09T12:30:00+00:00",
        },
        "You act for Superintendent of Police, Hathras from 06-12-2026 10:00 IST to 09-12-2026 "
        "18:00 IST.",
    ),
    "delegation_ending": (
        {"post_name": POST, "ends": "2026-12-09T12:30:00+00:00"},
        "Your charge of Superintendent of Police, Hathras ends on 09-12-2026 18:00 IST.",
    ),
    "delegation_ended": (
        {"post_name": POST, "ends": "2026-12-09T12:30:00+00:00"},
        "The delegation of Superintendent of Police, Hathras has ended (09-12-2026 18:00 IST).",
    ),
    "dsc_expiring": (
        {"days": 7, "not_after": "2026-12-13T00:00:00+00:00"},
        "Your DSC expires in 7 days (13-12-2026)",
    ),
    "dsc_expired": (
        {"days": 0, "not_after": "2026-12-13T00:00:00+00:00"},
        "Your DSC expired on 13-12-2026",
    ),
    "vpn_issued": ({"address": "10.61.0.7"}, "Your VPN account is ready (address 10.61.0.7)."),
    "vpn_revoked": ({"address": "10.61.0.7"}, "Your VPN account (address 10.61.0.7) was revoked."),
    "account_disabled": ({}, "Your e-Office account was disabled."),
    "leave_to_act_on": (
        {**LEAVE, "to_post_id": "p2"},
        "A leave application (Earned leave, 10-03-2032 to 12-03-2032, 2.5 days) waits",
    ),
    "leave_cancelled": (
        {**LEAVE, "was": "sanctioned", "curtailed_to": None},
        "(Earned leave, 10-03-2032 to 12-03-2032) that was with you was cancelled",
    ),
    "leave_recommended": (
        {**LEAVE, "to_post_id": "p2", "to_post_name": POST},
        "was recommended and sent to Superintendent of Police, Hathras.",
    ),
    "leave_returned": (
        {**LEAVE, "reason": "Attach the certificate"},
        "was returned for correction: Attach the certificate",
    ),
    "leave_rejected": ({**LEAVE, "reason": "Law and order duty"}, "rejected: Law and order duty"),
    "leave_sanctioned": (LEAVE, "Your leave (Earned leave, 10-03-2032 to 12-03-2032, 2.5 days)"),
}


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})


def notice(kind: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": f"n-{kind}",
        "kind": kind,
        "post_id": "p1",
        "user_id": None,
        "params": params,
        "created_at": "2026-12-06T04:30:00+00:00",
        "read_at": None,
        "deliveries": [],
        **extra,
    }


def rendered(app: Any, source: str, lang: str = "en", **context: Any) -> str:
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        return render_template_string(source, **context)


def line(app: Any, n: dict[str, Any], lang: str = "en") -> str:
    html = rendered(
        app,
        '{% from "_notice.html" import notice_line with context %}{{ notice_line(n) }}',
        lang,
        n=n,
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_every_kind_notify_raises_has_a_sample_shaped_as_notify_makes_it():
    assert set(SAMPLES) == set(KINDS)
    for kind, (params, _said) in SAMPLES.items():
        # what notify's own email wording needs of a kind, its notice carries here too
        fields = set(re.findall(r"{(\w+)}", messages.LINES[kind]["en"]))
        assert fields <= set(params), (kind, fields - set(params))


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_phrased_in_english_and_in_hindi(app, kind):
    params, said = SAMPLES[kind]
    english, hindi = line(app, notice(kind, params)), line(app, notice(kind, params), "hi")
    assert said in english
    assert "%(" not in english and "%(" not in hindi
    assert DEVANAGARI.search(hindi) and hindi != english
    assert not DEVANAGARI.search(english)


def test_work_links_to_its_item_and_what_concerns_a_person_does_not(app):
    html = rendered(
        app,
        '{% from "_notice.html" import notice_line with context %}'
        "{% for n in ns %}{{ notice_line(n) }}|{% endfor %}",
        ns=[
            notice("receipt_received", SAMPLES["receipt_received"][0]),
            notice("past_due", SAMPLES["past_due"][0]),
            notice("file_pulled_back", SAMPLES["file_pulled_back"][0]),
            notice("vpn_issued", SAMPLES["vpn_issued"][0]),
        ],
    ).split("|")
    assert '<a href="/receipts/r1">' in html[0]
    assert '<a href="/files/f1">' in html[1]
    assert "<a " not in html[2]  # taken back: it is no longer at this desk
    assert "<a " not in html[3]


def test_leave_notices_name_where_it_went_when_known_and_never_link_to_a_file(app):
    params, _ = SAMPLES["leave_recommended"]
    unnamed = {k: v for k, v in params.items() if k != "to_post_name"}
    assert "sent to the next officer." in line(app, notice("leave_recommended", unnamed))
    curtailed = {**SAMPLES["leave_cancelled"][0], "curtailed_to": "2032-03-11"}
    assert "the last day is 11-03-2032." in line(app, notice("leave_cancelled", curtailed))
    html = rendered(
        app,
        '{% from "_notice.html" import notice_line with context %}{{ notice_line(n) }}',
        n=notice("leave_to_act_on", SAMPLES["leave_to_act_on"][0]),
    )
    assert "<a " not in html


def test_a_subject_and_a_circular_are_shown_as_text_never_as_markup(app):
    params = {**SAMPLES["receipt_received"][0], "subject": "<script>x()</script>"}
    html = rendered(
        app,
        '{% from "_notice.html" import notice_item with context %}{{ notice_item(n) }}',
        n=notice("receipt_received", params),
    )
    assert "<script>" not in html and "<bdi>&lt;script&gt;x()&lt;/script&gt;</bdi>" in html
    circular = rendered(
        app,
        '{% from "_notice.html" import notice_item with context %}{{ notice_item(n) }}',
        n=notice("circular", SAMPLES["circular"][0]),
    )
    assert '<div class="circular-text">All SHOs to report by 5 pm.</div>' in circular


def test_each_notice_says_how_it_went_out_by_email_and_sms(app):
    deliveries = [
        {"channel": "email", "status": "sent", "reason": None},
        {"channel": "sms", "status": "failed", "reason": "SMS_NO_ANSWER"},
        {"channel": "email", "status": "dead", "reason": "NO_ADDRESS"},
    ]
    n = notice("file_received", SAMPLES["file_received"][0], deliveries=deliveries)
    source = '{% from "_notice.html" import notice_item with context %}{{ notice_item(n) }}'
    english = rendered(app, source, n=n)
    assert '<span class="badge delivery sent">Email: sent</span>' in english
    assert (
        "SMS: not sent yet, will try again (the SMS gateway could not be reached or refused it)"
        in english
    )
    assert "Email: could not be sent (there is no address to send it to)" in english
    assert 'title="NO_ADDRESS"' in english
    assert "06-12-2026 10:00 IST" in english
    hindi = rendered(app, source, "hi", n=n)
    assert "ईमेल: भेजा गया" in hindi and "एसएमएस: अभी नहीं गया" in hindi


def test_an_email_dispatch_says_whether_it_went(app):
    source = (
        '{% from "_notice.html" import dispatch_status with context %}{{ dispatch_status(ds) }}'
    )

    def said(status: str, lang: str = "en", **fields: Any) -> str:
        d = {"status": status, "reason": None, "attempts": 0, "sent_at": None, **fields}
        return re.sub(r"<[^>]+>", "", rendered(app, source, lang, ds=[d])).strip()

    assert said("sent", sent_at="2026-12-06T04:30:00+00:00") == "Emailed on 06-12-2026 10:00 IST."
    assert said("pending") == "Being emailed."
    assert said("failed", attempts=2, reason="SMTP_UNREACHABLE") == (
        "Not delivered yet; will try again (tries so far: 2): the mail server could not be "
        "reached or refused it."
    )
    assert said("dead", reason="RECIPIENT_REFUSED") == (
        "Could not be emailed: the mail server refused the address."
    )
    assert DEVANAGARI.search(said("dead", "hi", reason="RECIPIENT_REFUSED"))


# --- the screens, against a stand-in for the services -------------------------------------------


class Notify:
    """What the screens ask notify, answered from memory."""

    def __init__(self) -> None:
        self.saved: dict[str, Any] | None = None
        self.circulated: dict[str, Any] | None = None
        self.replayed: list[str] = []
        self.pages: list[tuple[int, str | None]] = []
        self.looked_up: list[str] = []

    def unread(self, actor: dict) -> int:
        return 3

    def notices(self, actor: dict, limit: int, cursor: str | None = None) -> dict:
        self.pages.append((limit, cursor))
        items = [notice(k, SAMPLES[k][0]) for k in ("file_received", "circular")]
        return {"items": items, "unread": 3, "next_cursor": "2" if cursor is None else None}

    def preferences(self, actor: dict) -> dict:
        return {
            "email": "reader@up.gov.in",
            "mobile": None,
            "language": "hi",
            "channels": {k: (["email"] if k == "dsc_expiring" else []) for k in KINDS},
            "quiet_hours": None,
            "digest": False,
            "kinds": list(KINDS),
            "available_channels": ["email"],
        }

    def set_preferences(self, actor: dict, request: dict) -> dict:
        if "@" not in (request["email"] or "@"):
            raise Refused("INVALID_EMAIL", {"address": request["email"]})
        self.saved = request
        return self.preferences(actor)

    def dead_letters(self, actor: dict, limit: int, cursor: str | None = None) -> dict:
        if not g.actor.has_role("admin"):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        item = {
            "id": "ev1:dispatch",
            "channel": "email",
            "kind": "letter_dispatch",
            "to": "ri@up.gov.in",
            "status": "dead",
            "reason": "RECIPIENT_REFUSED",
            "attempts": 1,
            "next_try": None,
            "created_at": "2026-12-06T04:30:00+00:00",
            "sent_at": None,
            "dispatch_of": "SP-HTR-2026-000042",
            "tries": [{"at": "2026-12-06T04:31:00+00:00", "outcome": "RECIPIENT_REFUSED"}],
        }
        return {"items": [item], "next_cursor": None}

    def replay(self, actor: dict, delivery_id: str) -> dict:
        self.replayed.append(delivery_id)
        return {**self.dead_letters(actor, 1)["items"][0], "status": "pending"}

    def dispatch_deliveries(self, actor: dict, issue_number: str) -> dict:
        self.looked_up.append(issue_number)
        sent = {"status": "sent", "sent_at": "2026-12-06T04:31:00+00:00", "reason": None}
        failed = {"status": "failed", "attempts": 2, "reason": "SMTP_UNREACHABLE"}
        return {
            "items": [
                {"id": "e1:dispatch", "to": "ri@up.gov.in", "attempts": 1, **sent},
                {"id": "e2:dispatch", "to": "sho@up.gov.in, co@up.gov.in", **failed},
            ],
            "next_cursor": None,
        }

    def circulate(self, actor: dict, request: dict) -> dict:
        if not request["title"]:
            raise InvalidInput("INVALID_FIELDS", {"fields": [{"field": "title"}]})
        self.circulated = request
        return {"id": "circular-1", "posts": 12}


class Files:
    def dispatch_register(self, actor: dict, limit: int) -> dict:
        def entry(n: int, mode: str, to: list[str], issue: str) -> dict:
            return {
                "id": f"d{n}",
                "register_number": f"{n}/2026/SP-HTR",
                "office_id": "o1",
                "issue_number": issue,
                "file_id": "f1",
                "file_number": "A-11011/1/2026-ESTT",
                "draft_id": "dr1",
                "subject": "Inspection",
                "mode": mode,
                "to": to,
                "remark": "",
                "at": "2026-12-06T04:30:00+00:00",
                "by": {"name": "Rajesh Kumar Singh"},
            }

        return {
            "items": [
                entry(3, "email", ["ri@up.gov.in"], "SP-HTR-2026-000042"),
                entry(2, "email", ["sho@up.gov.in", "co@up.gov.in"], "SP-HTR-2026-000042"),
                entry(1, "post", ["RI, Police Lines"], "SP-HTR-2026-000041"),
            ]
        }


class Identity:
    def offices_under(self, actor: dict, code: str | None = None) -> dict:
        return {
            "items": [
                {"code": "UP-POLICE", "name_en": "Uttar Pradesh Police", "name_hi": "उप्र पुलिस"},
                {"code": "SP-HTR", "name_en": "SP Office, Hathras", "name_hi": "पुअ कार्यालय"},
            ]
        }


class Services:
    def __init__(self) -> None:
        self.notify, self.identity, self.files = Notify(), Identity(), Files()

    def reset(self) -> None:
        pass


@pytest.fixture
def services(app, monkeypatch) -> Services:
    stand_in = Services()
    monkeypatch.setitem(app.extensions, "rpc", stand_in)
    return stand_in


def signed_in(app: Any, monkeypatch, *roles: str) -> Any:
    """A browser logged in as a person with these roles (the token's check stood in for)."""
    actor = Actor(
        user_id="u1",
        name="Suresh",
        grants=tuple(Grant(role=r, scope=None) for r in roles),
        post_ids=("p1",),
    )

    def verified(token: str, audience: str = "") -> dict:
        g.actor = actor
        return {"token": token}

    monkeypatch.setattr(gateway.auth, "_actor", verified)
    client = app.test_client()
    with client.session_transaction() as session:
        session["access_token"] = "token"
        session["user_name"] = session["user_name_hi"] = "Suresh"
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_all_my_notices_a_page_at_a_time(app, services, monkeypatch):
    client = signed_in(app, monkeypatch, "dealing_hand")
    page = client.get("/notices?limit=2").get_data(as_text=True)
    assert services.notify.pages == [(2, None)]
    assert "File 7/2026/SP-HTR was sent to you from Reader to SP, Hathras" in text_of(page)
    assert "Circular from Uttar Pradesh Police: Holi arrangements" in text_of(page)
    assert 'href="/notices?cursor=2&amp;limit=2" rel="next"' in page
    assert 'rel="first"' not in page
    older = client.get("/notices?cursor=2&limit=2").get_data(as_text=True)
    assert services.notify.pages[-1] == (2, "2")
    assert 'rel="next"' not in older and 'href="/notices?limit=2" rel="first"' in older
    assert client.get("/notices?limit=500").status_code == 400
    assert ">Dead letters<" not in page  # the state team's link only


def test_choices_are_saved_whole_and_a_refused_address_is_kept_as_typed(app, services, monkeypatch):
    client = signed_in(app, monkeypatch, "dealing_hand")
    form = client.get("/notices/preferences").get_data(as_text=True)
    assert 'value="reader@up.gov.in"' in form
    assert 'value="dsc_expiring:email" aria-label="My DSC is expiring: Email" checked' in form
    assert 'value="circular:sms"' not in form  # the office has no SMS gateway

    saved = client.post(
        "/notices/preferences",
        data={
            "email": " reader@up.gov.in ",
            "mobile": "",
            "language": "en",
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "digest": "1",
            "channel": ["circular:email", "due_soon:email"],
        },
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Your choices are saved." in saved.get_data(as_text=True)
    wanted = services.notify.saved
    assert wanted is not None
    assert (wanted["email"], wanted["mobile"], wanted["language"], wanted["digest"]) == (
        "reader@up.gov.in",
        None,
        "en",
        True,
    )
    assert wanted["quiet_hours"] == {"start": "21:00", "end": "07:00"}
    # every kind is sent, so one left unticked loses its default (dsc_expiring here)
    assert wanted["channels"] == {
        k: (["email"] if k in ("circular", "due_soon") else []) for k in KINDS
    }

    services.notify.saved = None
    with client.session_transaction() as session:
        session["lang"] = "hi"
    refused = client.post(
        "/notices/preferences",
        data={"email": "reader-at-up.gov.in", "language": "en", "channel": ["circular:email"]},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and services.notify.saved is None
    assert "इस ईमेल पते पर लिखा नहीं जा सकता। इसे जाँचकर फिर प्रयास करें।" in page
    assert 'value="reader-at-up.gov.in"' in page
    assert 'value="circular:email" aria-label="परिपत्र: ईमेल" checked' in page
    assert 'value="dsc_expiring:email" aria-label="मेरा डीएससी समाप्त होने वाला हो: ईमेल" >' in page
    assert '<option value="en" lang="en" selected>' in page

    half = client.post("/notices/preferences", data={"email": "", "quiet_start": "21:00"})
    assert half.status_code == 400 and services.notify.saved is None
    assert "शांत समय का आरंभ और अंत दोनों दें" in half.get_data(as_text=True)
    assert 'name="quiet_start" value="21:00"' in half.get_data(as_text=True)


def test_the_dead_letter_list_and_circulars_are_the_state_teams(app, services, monkeypatch):
    clerk = signed_in(app, monkeypatch, "dealing_hand")
    for path in ("/admin/deliveries", "/admin/circulars"):
        refused = clerk.get(path)
        assert refused.status_code == 403
        assert "Only the state e-Office team can open this page." in refused.get_data(as_text=True)
    assert clerk.post("/admin/deliveries/ev1:dispatch/replay").status_code == 403
    assert services.notify.replayed == []

    admin = signed_in(app, monkeypatch, "admin")
    page = admin.get("/admin/deliveries").get_data(as_text=True)
    row = text_of(page)
    assert "An issued letter sent by email SP-HTR-2026-000042" in row
    assert "ri@up.gov.in" in row and "the mail server refused the address RECIPIENT_REFUSED" in row
    assert 'action="/admin/deliveries/ev1:dispatch/replay"' in page
    assert '<a href="/admin/deliveries">Dead letters</a>' in page
    replayed = admin.post("/admin/deliveries/ev1:dispatch/replay", follow_redirects=True)
    assert services.notify.replayed == ["ev1:dispatch"]
    assert "Sent again to ri@up.gov.in: it will be tried in a moment." in replayed.get_data(
        as_text=True
    )


def test_a_circular_defaults_to_the_admins_office_and_says_how_many_posts_it_reached(
    app, services, monkeypatch
):
    admin = signed_in(app, monkeypatch, "admin")
    form = admin.get("/admin/circulars").get_data(as_text=True)
    assert (
        'name="office_code" required maxlength="50" list="office-codes" value="UP-POLICE"' in form
    )
    sent = admin.post(
        "/admin/circulars",
        data={"office_code": "SP-HTR", "title": "Holi", "text": "Report by 5 pm."},
        follow_redirects=True,
    )
    assert "The circular was sent. Posts it reached: 12." in sent.get_data(as_text=True)
    assert services.notify.circulated == {
        "office_code": "SP-HTR",
        "title": "Holi",
        "text": "Report by 5 pm.",
    }
    refused = admin.post("/admin/circulars", data={"office_code": "SP-HTR", "text": "kept"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Some fields are missing or wrong." in page and ">kept</textarea>" in page


def test_the_dispatch_register_says_how_each_email_dispatch_went(app, services, monkeypatch):
    client = signed_in(app, monkeypatch, "officer")
    rows = client.get("/dispatch-register").get_data(as_text=True).split("<tr>")[2:]
    assert "Emailed on 06-12-2026 10:01 IST." in text_of(rows[0])
    assert (
        "Not delivered yet; will try again (tries so far: 2): the mail server could not be "
        "reached or refused it." in text_of(rows[1])
    )
    assert "delivery-status" not in rows[2]  # by post
    assert services.notify.looked_up == ["SP-HTR-2026-000042"]  # once per letter and page


def test_an_issued_letter_on_its_file_says_how_its_email_dispatch_went(app, services, monkeypatch):
    signed_in(app, monkeypatch, "officer")
    version = {
        "n": 1,
        "source": "written",
        "created_by": {"name": "Mohd. Iqbal Khan"},
        "created_at": "2026-12-06T04:00:00+00:00",
        "pages": 1,
    }
    draft = {
        "id": "dr1",
        "kind": "letter",
        "subject": "Inspection",
        "addressee": "RI",
        "text": None,
        "status": "dispatched",
        "versions": [version],
        "approved": None,
        "issue_number": "SP-HTR-2026-000042",
        "verification_code": "ABCD2345",
        "signatures": [],
        "signed_sha256": None,
        "signed_on_paper": False,
        "pending_signing": None,
        "issued": None,
        "dispatches": [
            {"mode": "post", "to": ["RI, Police Lines"], "at": version["created_at"]},
            {"mode": "email", "to": ["ri@up.gov.in"], "at": version["created_at"]},
        ],
    }
    for d in draft["dispatches"]:
        d["register_number"] = "1/2026/SP-HTR"
    with app.test_request_context("/files/f1"):
        session["access_token"] = "token"
        html = render_template_string(
            '{% include "_drafts.html" %}', f={"id": "f1", "drafts": [draft]}, can_act=False
        )
    by_post, by_email = html.split('<li class="dispatched">')[1:]
    assert "delivery-status" not in by_post
    assert "Emailed on 06-12-2026 10:01 IST." in text_of(by_email)
