"""Notices that leave the office, end to end: a real SMTP server and a real SMS gateway on
loopback, the whole office started as `make run` starts it. A person's choices decide what
goes out; a mail server that fails for a while gets the message once when it returns; one that
refuses puts it on the admin's dead-letter list, from which it is replayed (over the API, and
on the admin's screen on a phone and on a desktop); an event delivered twice sends nothing
twice; notify killed between sending and recording never sends again by itself (the admin sees
it was cut off)."""

import json
import os
import signal
import time

import pytest
import requests
from kombu import Connection, Exchange, Queue
from playwright.sync_api import Page, expect

from tests.e2e.test_api import Desk, assert_error, diarised, wait_for
from tests.e2e.test_phone_layout import one_word
from tests.support.browser import (
    fits_the_screen,
    header,
    log_in,
    on_phone_and_desktop,
    shot,
    size_of,
    within_the_screen,
)
from tests.support.mailserver import MailServer, Received
from tests.support.office import DEMO_PASSWORD, Office
from tests.support.smsgateway import SmsGatewayServer

WAIT = 60
MARKED_TO_DIE = "kill-notify"


@pytest.fixture(scope="module")
def mail():
    with MailServer() as server:
        yield server


@pytest.fixture(scope="module")
def sms():
    with SmsGatewayServer() as server:
        yield server


@pytest.fixture(scope="module")
def office(tmp_path_factory, mail, sms):
    env = {
        **mail.settings(),
        **sms.settings(),
        "EOFFICE_NOTIFY_FIRST_RETRY_SECONDS": "1",
        "EOFFICE_NOTIFY_LEASE_SECONDS": "3",
        "EOFFICE_DIGEST_AT": "00:00",  # any time of day is after it
    }
    running = Office(tmp_path_factory.mktemp("notify"), env=env).start()
    yield running
    running.stop()


def _text(body: str | bytes) -> str:
    return body if isinstance(body, str) else body.decode()


def login(office, username: str) -> Desk:
    r = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return Desk(office.url, r.json())


def choose(person: Desk, **prefs) -> dict:
    r = requests.put(
        f"{person.url}/api/v1/me/preferences",
        json=prefs,
        headers=person.headers(),
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()


def received_by(person: Desk, office, subject: str = "") -> dict:
    """A new receipt diarised at the CRU and sent to ``person``'s first post."""
    cru = login(office, "cru.hathras")
    receipt = diarised(cru, subject=subject or f"Road repair {time.monotonic_ns()}")
    r = cru.send(receipt["id"], person.post_ids[0])
    assert r.status_code == 200, r.text
    return receipt


def mails_about(mail: MailServer, number: str) -> list:
    return [m for m in mail.messages if number in str(m["Subject"])]


def notice_of(person: Desk, item_id: str) -> dict | None:
    r = person.get("/api/v1/notices", params={"limit": 200})
    assert r.status_code == 200, r.text
    return next((n for n in r.json()["items"] if n["params"].get("item_id") == item_id), None)


def delivered(person: Desk, item_id: str, channel: str, status: str):
    def probe():
        notice = notice_of(person, item_id)
        found = [d for d in (notice or {}).get("deliveries", []) if d["channel"] == channel]
        return found[0] if found and found[0]["status"] == status else None

    return wait_for(f"{channel} {status}", probe, WAIT)


def test_a_receipt_reaches_its_desk_by_email_in_hindi_and_by_sms_once_even_if_told_twice(
    office, mail, sms
):
    reader = login(office, "reader.hathras")
    choose(
        reader,
        email="reader.htr@uppolice.gov.in",
        mobile="+91 98765 43210",
        language="hi",
        channels={"receipt_received": ["email", "sms"]},
    )
    # Listen to the files service's events as notify does, to tell notify the same one again.
    with Connection(office.amqp_uri) as conn:
        exchange = Exchange("files.events", type="topic", durable=True)
        copy = Queue("copy-of-receipt-sent", exchange, routing_key="receipt.sent", durable=False)
        copy(conn).declare()
        receipt = received_by(reader, office)
        number = receipt["number"]

        wait_for("the mail", lambda: mails_about(mail, number), WAIT)
        (message,) = mails_about(mail, number)
        assert message["To"] == "reader.htr@uppolice.gov.in"
        assert "आपकी डेस्क पर आई है" in str(message["Subject"])
        assert f"/receipts/{receipt['id']}" in message.get_content()
        assert receipt["subject"] not in message.as_string()  # never the subject
        texts = lambda: [r.json for r in sms.requests if number in (r.json or {}).get("text", "")]  # noqa: E731
        (text,) = wait_for("the SMS", texts, WAIT)
        assert text["to"] == "+91 98765 43210" and text["reference"].endswith(":sms")

        # The same event, delivered again (as the broker may after a lost acknowledgement).
        def take():
            found = copy(conn).get(no_ack=True)
            return found if found and number in _text(found.body) else None

        event = wait_for("the event on the bus", take, WAIT)
        producer = conn.Producer()
        producer.publish(
            json.loads(_text(event.body)),
            exchange=exchange,
            routing_key="receipt.sent",
            serializer="json",
        )
        copy(conn).delete()
    time.sleep(5)  # what a second sending would take, many times over
    assert len(mails_about(mail, number)) == 1
    assert len(texts()) == 1
    delivered(reader, receipt["id"], "email", "sent")
    delivered(reader, receipt["id"], "sms", "sent")


def test_a_mail_server_away_for_a_while_gets_the_message_once_when_it_returns(office, mail):
    sho = login(office, "sho.kotwali.hathras")
    choose(sho, email="sho.kotwali@uppolice.gov.in", channels={"receipt_received": ["email"]})
    mail.temporary_failure = True
    try:
        receipt = received_by(sho, office)
        failed = delivered(sho, receipt["id"], "email", "failed")
        assert failed["reason"] == "MESSAGE_REFUSED"  # 451: tried again later
    finally:
        mail.temporary_failure = False
    delivered(sho, receipt["id"], "email", "sent")
    assert len(mails_about(mail, receipt["number"])) == 1


def test_a_refused_address_goes_to_the_dead_letter_list_and_is_replayed_by_the_admin(office, mail):
    co = login(office, "co.sadar.hathras")
    choose(co, email="co.sadar@uppolice.gov.in", channels={"receipt_received": ["email"]})
    mail.refuse_recipients = True
    try:
        receipt = received_by(co, office)
        dead = delivered(co, receipt["id"], "email", "dead")
    finally:
        mail.refuse_recipients = False
    assert dead["reason"] == "RECIPIENT_REFUSED"  # permanent: not retried, no storm

    admin = login(office, "admin.up")
    letters = admin.get("/api/v1/deliveries/dead", params={"limit": 200}).json()["items"]
    (letter,) = [d for d in letters if d["to"] == "co.sadar@uppolice.gov.in"]
    assert (letter["reason"], letter["attempts"]) == ("RECIPIENT_REFUSED", 1)
    # Not an admin: as if it did not exist.
    assert_error(co.post(f"/api/v1/deliveries/{letter['id']}/replay"), 404, "DELIVERY_NOT_FOUND")

    r = admin.post(f"/api/v1/deliveries/{letter['id']}/replay")
    assert r.status_code == 200, r.text
    delivered(co, receipt["id"], "email", "sent")
    assert len(mails_about(mail, receipt["number"])) == 1
    assert_error(admin.post(f"/api/v1/deliveries/{letter['id']}/replay"), 409, "DELIVERY_NOT_DEAD")


@on_phone_and_desktop
def test_the_admin_replays_a_dead_letter_from_the_screen(page: Page, office, mail):
    sp = login(office, "sp.hathras")
    address = f"{one_word(60)}@{one_word(60).lower()}.uppolice.gov.in"  # one long word
    choose(sp, email=address, channels={"receipt_received": ["email"]})
    mail.refuse_recipients = True
    try:
        receipt = received_by(sp, office)
        delivered(sp, receipt["id"], "email", "dead")
    finally:
        mail.refuse_recipients = False

    log_in(page, "admin.up")
    header(page).locator("nav").get_by_role("link", name="Dead letters", exact=True).click()
    row = page.locator("table.dead-letters tbody tr", has_text=address)
    expect(row.locator(".to")).to_have_text(address)
    expect(row.locator(".reason")).to_contain_text("RECIPIENT_REFUSED")
    fits_the_screen(page, "the dead letters")  # the table scrolls inside its own box
    shot(page, f"dead-letters-replay-{size_of(page)}")
    replay = row.get_by_role("button", name="Replay")
    within_the_screen(replay)  # on a phone, the table's own scroll brings it in
    replay.click()
    expect(page.locator("p.flash")).to_have_text(
        f"Sent again to {address}: it will be tried in a moment."
    )
    fits_the_screen(page, "the dead letters after a replay")
    delivered(sp, receipt["id"], "email", "sent")
    assert len(mails_about(mail, receipt["number"])) == 1


@pytest.mark.parametrize(
    "mode, reason", [("error500", "SMS_HTTP_500"), ("garbage", "SMS_BAD_ANSWER")]
)
def test_an_sms_gateway_that_fails_is_tried_again_until_it_answers(office, sms, mode, reason):
    tehsildar = login(office, "tehsildar.sadar.hathras")
    choose(tehsildar, mobile="9876500001", channels={"receipt_received": ["sms"]})
    sms.mode = mode
    try:
        receipt = received_by(tehsildar, office)
        failed = delivered(tehsildar, receipt["id"], "sms", "failed")
        assert failed["reason"] == reason
    finally:
        sms.mode = "ok"
    delivered(tehsildar, receipt["id"], "sms", "sent")
    tries = [r for r in sms.requests if receipt["number"] in (r.json or {}).get("text", "")]
    assert len(tries) >= 2
    assert len({r.json["reference"] for r in tries}) == 1  # the gateway can tell a retry


def test_notify_killed_between_sending_and_recording_never_sends_again_by_itself(office, mail):
    asp = login(office, "asp.hathras")
    choose(asp, email="asp.htr@uppolice.gov.in", channels={"receipt_received": ["email"]})

    def kill_notify(received: Received) -> None:
        if received.message["To"] == "asp.htr@uppolice.gov.in":
            os.kill(office.pids("notify")[-1], signal.SIGKILL)

    killed = office.pids("notify")[-1]
    mail.on_message = kill_notify
    try:
        receipt = received_by(asp, office)
        wait_for("the mail", lambda: mails_about(mail, receipt["number"]), WAIT)
    finally:
        mail.on_message = None
    wait_for("notify restarted", lambda: office.pids("notify")[-1] != killed, WAIT)
    unknown = delivered(asp, receipt["id"], "email", "unknown")
    assert unknown["reason"] == "INTERRUPTED_WHILE_SENDING"
    time.sleep(5)  # retries come a second apart here: none must come
    assert len(mails_about(mail, receipt["number"])) == 1
    admin = login(office, "admin.up")
    letters = admin.get("/api/v1/deliveries/dead", params={"limit": 200}).json()["items"]
    assert any(d["to"] == "asp.htr@uppolice.gov.in" and d["status"] == "unknown" for d in letters)


def test_one_who_chose_the_digest_gets_one_mail_of_what_waits_oldest_first(office, mail):
    hc = login(office, "hc.estt.hathras")
    first, second = received_by(hc, office), received_by(hc, office)
    choose(hc, email="hc.estt@uppolice.gov.in", language="en", digest=True)

    def digests():
        return [m for m in mail.messages if m["To"] == "hc.estt@uppolice.gov.in"]

    (digest,) = wait_for("the digest", digests, WAIT)
    assert "pending at your desk" in str(digest["Subject"])
    body = digest.get_content()
    assert body.index(first["number"]) < body.index(second["number"])  # oldest first
    assert first["subject"] not in body
    time.sleep(12)  # the next check finds today's digest sent
    assert len(digests()) == 1
