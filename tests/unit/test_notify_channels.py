"""Notify's outgoing channels against real servers on loopback: a letter mailed in the clear, over
STARTTLS with a login and over TLS arrives whole (in Hindi too); an SMS reaches the gateway as
exactly the JSON its template makes. And each way a mail server or an SMS gateway can fail comes
back as a DeliveryFailed whose reason says what happened and whose ``permanent`` flag says
whether notify should try again, with what the server did get checked as well."""

import os
import time
from email.header import decode_header, make_header
from email.message import EmailMessage

import pytest

from services.notify.channels import DeliveryFailed, email, sms
from services.notify.channels.email import Smtp
from services.notify.channels.sms import SmsGateway
from tests.support.mailserver import MailServer, Received, nothing_listening
from tests.support.smsgateway import Mode, SmsGatewayServer

READER = "reader.hathras@uppolice.gov.in"
SHO = "sho.kotwali@uppolice.gov.in"
HINDI_SUBJECT = "पत्रांक 12/स्थापना: सेवा पुस्तिका का सत्यापन"
HINDI_BODY = "महोदय,\nसंलग्न पत्र अवलोकनार्थ प्रेषित है। — पुलिस अधीक्षक, हाथरस\n"
# Quotes, a newline, a backslash and Devanagari: all must stay valid JSON in the SMS body.
SMS_TEXT = 'डाक "R/2026/114" आपकी डेस्क पर पहुँची\nदेखें: C:\\eoffice'


@pytest.fixture(autouse=True)
def no_channel_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_config falls back to the environment: the tests' settings are only their own."""
    for name in list(os.environ):
        if name.startswith(("EOFFICE_SMTP_", "EOFFICE_SMS_")):
            monkeypatch.delenv(name)


def letter(
    *to: str, subject: str = "Letter No. 12/Estt", body: str = "Please see."
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "dak@htr.up.gov.in"
    message["To"] = ", ".join(to or (READER,))
    message["Subject"] = subject
    message.set_content(body)
    return message


def failure_of(smtp: Smtp, message: EmailMessage) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as failed:
        email.send(smtp, message)
    return failed.value


# Email: what arrives.


def test_a_letter_mailed_in_the_clear_arrives_to_its_addressees() -> None:
    with MailServer() as server:
        email.send(Smtp(port=server.port), letter(READER, SHO))
    [received] = server.accepted
    assert received.mail_from == "dak@htr.up.gov.in"
    assert received.rcpt_tos == (READER, SHO)
    assert received.message["Subject"] == "Letter No. 12/Estt"
    assert received.message.get_content() == "Please see.\n"
    assert (received.tls, received.login) == (False, None)


def test_a_hindi_letter_and_its_pdf_arrive_intact() -> None:
    message = letter(subject=HINDI_SUBJECT, body=HINDI_BODY)
    message.replace_header("From", "पुलिस अधीक्षक हाथरस <dak@htr.up.gov.in>")
    pdf = b"%PDF-1.7\n\xe2\xe3\xcf\xd3 a signed letter\n%%EOF\n"
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="पत्र-12.pdf")
    with MailServer() as server:
        email.send(Smtp(port=server.port), message)
    [got] = server.messages
    assert got["Subject"] == HINDI_SUBJECT
    # Decoded by RFC 2047's own rule: Python 3.11's address parser puts a space where a long
    # name was split into two encoded words (CPython gh-128110), which mail readers do not.
    from_ = str(make_header(decode_header(dict(got.raw_items())["From"])))
    assert from_ == "पुलिस अधीक्षक हाथरस <dak@htr.up.gov.in>"
    text, attachment = got.iter_parts()
    assert text.get_content() == HINDI_BODY
    assert attachment.get_filename() == "पत्र-12.pdf"
    assert attachment.get_content() == pdf


def test_starttls_with_a_login_from_the_settings() -> None:
    with MailServer(security="starttls", auth=("dak.htr", "s3cret")) as server:
        smtp = Smtp.from_config(server.settings())
        email.send(smtp, letter())
    [received] = server.accepted
    assert (received.tls, received.login) == (True, "dak.htr")
    assert received.message["To"] == READER


def test_implicit_tls() -> None:
    with MailServer(security="tls") as server:
        email.send(Smtp(port=server.port, security="tls", ca_file=server.ca_file), letter())
    assert [(r.tls, r.message["Subject"]) for r in server.accepted] == [
        (True, "Letter No. 12/Estt")
    ]


# Email: what is refused for good.


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_server_whose_certificate_is_not_trusted_gets_nothing(security: str) -> None:
    with MailServer(security=security) as server, MailServer(security="tls") as other:
        for ca_file in (None, other.ca_file):  # the system's roots; another CA
            failed = failure_of(
                Smtp(port=server.port, security=security, ca_file=ca_file), letter()
            )
            assert (failed.reason, failed.permanent) == ("SMTP_TLS_UNTRUSTED", True)
    assert server.accepted == server.unaccepted == []


def test_starttls_is_never_given_up_for_the_clear() -> None:
    with MailServer() as server:  # offers no STARTTLS (or a man in the middle took it out)
        failed = failure_of(Smtp(port=server.port, security="starttls"), letter())
    assert (failed.reason, failed.permanent) == ("SMTP_NOT_SUPPORTED", True)
    assert server.unaccepted == server.accepted == []


def test_a_wrong_password_is_refused_for_good() -> None:
    with MailServer(security="tls", auth=("dak.htr", "s3cret")) as server:
        smtp = Smtp.from_config({**server.settings(), "EOFFICE_SMTP_PASSWORD": "wrong"})
        failed = failure_of(smtp, letter())
    assert (failed.reason, failed.permanent) == ("SMTP_AUTH_FAILED", True)
    assert "535" in failed.detail
    assert server.accepted == []


def test_a_server_that_wants_a_login_takes_nothing_without_one() -> None:
    with MailServer(security="tls", auth=("dak.htr", "s3cret")) as server:
        smtp = Smtp(port=server.port, security="tls", ca_file=server.ca_file)
        failed = failure_of(smtp, letter())
    assert (failed.reason, failed.permanent) == ("SENDER_REFUSED", True)
    assert failed.detail.startswith("530")
    assert server.accepted == []


def test_recipients_the_server_refuses_are_refused_for_good() -> None:
    with MailServer(refuse_recipients=True) as server:
        failed = failure_of(Smtp(port=server.port), letter(READER, SHO))
    assert (failed.reason, failed.permanent) == ("RECIPIENT_REFUSED", True)
    assert READER in failed.detail and SHO in failed.detail and "550" in failed.detail
    assert server.accepted == server.unaccepted == []  # it never got as far as the letter


def test_a_letter_some_recipients_refused_is_not_sent_again_to_the_others() -> None:
    with MailServer(refuse_recipients={SHO}) as server:
        failed = failure_of(Smtp(port=server.port), letter(READER, SHO))
    assert (failed.reason, failed.permanent) == ("SOME_RECIPIENTS_REFUSED", True)
    assert SHO in failed.detail and READER not in failed.detail
    assert [r.rcpt_tos for r in server.accepted] == [(READER,)]


def test_a_missing_ca_file_is_a_configuration_error() -> None:
    smtp = Smtp(port=nothing_listening(), security="tls", ca_file="/nonexistent/ca.pem")
    failed = failure_of(smtp, letter())
    assert (failed.reason, failed.permanent) == ("SMTP_TLS_CONFIG", True)


# Email: what is worth trying again.


def test_a_temporary_failure_is_tried_again_and_then_delivered() -> None:
    with MailServer(temporary_failure=True) as server:
        failed = failure_of(Smtp(port=server.port), letter())
        assert (failed.reason, failed.permanent) == ("MESSAGE_REFUSED", False)
        assert failed.detail.startswith("451")
        assert len(server.unaccepted) == 1 and server.accepted == []
        server.temporary_failure = False
        email.send(Smtp(port=server.port), letter())
    assert len(server.accepted) == 1


def test_a_connection_dropped_before_the_answer_is_transient() -> None:
    with MailServer(drop_mid_message=True) as server:
        failed = failure_of(Smtp(port=server.port), letter())
    assert (failed.reason, failed.permanent) == ("SMTP_DISCONNECTED", False)
    # The server had the whole letter: the sender cannot know whether it was taken.
    assert [r.message["Subject"] for r in server.unaccepted] == ["Letter No. 12/Estt"]
    assert server.accepted == []


def test_tls_spoken_to_a_server_in_the_clear_fails_without_sending() -> None:
    with MailServer() as server, MailServer(security="tls") as other:
        smtp = Smtp(port=server.port, security="tls", ca_file=other.ca_file)
        failed = failure_of(smtp, letter())
    assert (failed.reason, failed.permanent) == ("SMTP_TLS_FAILED", False)
    assert server.accepted == server.unaccepted == []


def test_a_server_that_never_answers_times_out() -> None:
    with MailServer(stall=True) as server:
        started = time.monotonic()
        failed = failure_of(Smtp(port=server.port, timeout=1), letter())
        waited = time.monotonic() - started
    assert (failed.reason, failed.permanent) == ("SMTP_TIMEOUT", False)
    assert 0.9 < waited < 5
    assert len(server.unaccepted) == 1 and server.accepted == []


def test_a_mail_server_that_is_away_refuses_until_it_is_back_on_its_port() -> None:
    failed = failure_of(Smtp(port=nothing_listening()), letter())
    assert (failed.reason, failed.permanent) == ("SMTP_REFUSED", False)
    server = MailServer().start()
    port = server.port
    server.stop()
    assert failure_of(Smtp(port=port), letter()).reason == "SMTP_REFUSED"
    with server:
        assert server.port == port
        email.send(Smtp(port=port), letter())
    assert len(server.accepted) == 1


def test_the_servers_hook_runs_once_the_letter_is_recorded_and_before_it_is_answered() -> None:
    seen: list[tuple[int, bool]] = []
    sender_done = False

    def on_message(received: Received) -> None:
        seen.append((len(server.accepted), sender_done))
        assert received is server.accepted[-1]

    with MailServer(on_message=on_message) as server:
        email.send(Smtp(port=server.port), letter())
        sender_done = True
    assert seen == [(1, False)]


# Email: its settings.


def test_settings_default_to_the_usual_port_of_their_security() -> None:
    assert Smtp.from_config({}) == Smtp()
    smtp = Smtp.from_config({"EOFFICE_SMTP_SECURITY": "TLS", "EOFFICE_SMTP_TIMEOUT": "7.5"})
    assert (smtp.security, smtp.port, smtp.timeout) == ("tls", 465, 7.5)
    assert Smtp.from_config({"EOFFICE_SMTP_SECURITY": "starttls"}).port == 587


@pytest.mark.parametrize(
    "settings, names",
    [
        ({"EOFFICE_SMTP_SECURITY": "ssl"}, "plain, starttls, tls"),
        ({"EOFFICE_SMTP_PORT": "smtp"}, "EOFFICE_SMTP_PORT"),
        ({"EOFFICE_SMTP_TIMEOUT": "0"}, "EOFFICE_SMTP_TIMEOUT"),
        ({"EOFFICE_SMTP_TIMEOUT": "soon"}, "EOFFICE_SMTP_TIMEOUT"),
        ({"EOFFICE_SMTP_SECURITY": "tls", "EOFFICE_SMTP_USER": "dak"}, "EOFFICE_SMTP_PASSWORD"),
        ({"EOFFICE_SMTP_USER": "dak", "EOFFICE_SMTP_PASSWORD": "x"}, "in the clear"),
    ],
)
def test_bad_settings_are_refused_naming_what_to_fix(settings: dict[str, str], names: str) -> None:
    with pytest.raises(ValueError, match=names):
        Smtp.from_config(settings)


def test_the_smtp_password_is_not_in_its_repr() -> None:
    smtp = Smtp(security="tls", username="dak", password="s3cret")
    assert "s3cret" not in repr(smtp) and "dak" in repr(smtp)


# SMS.


def test_an_sms_reaches_the_gateway_as_exactly_the_json_of_its_template() -> None:
    with SmsGatewayServer() as server:
        gateway = SmsGateway(url=server.url, headers={"X-Api-Key": "k-123"})
        sent_as = sms.send(gateway, "+919800000001", SMS_TEXT, "notice-77")
    assert sent_as == "1"
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/sms/send")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Api-Key"] == "k-123"
    assert request.json == {"to": "+919800000001", "text": SMS_TEXT, "reference": "notice-77"}
    assert request.body.decode() == (
        '{"to": "+919800000001", "text": "डाक \\"R/2026/114\\" आपकी डेस्क पर पहुँची'
        '\\nदेखें: C:\\\\eoffice", "reference": "notice-77"}'
    )


def test_a_providers_own_body_and_key_from_the_settings() -> None:
    template = (
        '{"sender": "UPPOLC", "messages": [{"msisdn": "{to}", "message": "{text}"}],'
        ' "unicode": true, "client_ref": "{reference}"}'
    )
    with SmsGatewayServer(mode="ok_message_id") as server:
        gateway = SmsGateway.from_config(
            {
                **server.settings(),
                "EOFFICE_SMS_TEMPLATE": template,
                "EOFFICE_SMS_HEADERS": '{"Authorization": "Bearer t0ken"}',
                "EOFFICE_SMS_TIMEOUT": "3",
            }
        )
        assert gateway is not None and gateway.timeout == 3
        assert sms.send(gateway, "9800000001", SMS_TEXT, "notice-78") == "42"
    [request] = server.requests
    assert request.headers["Authorization"] == "Bearer t0ken"
    assert request.json == {
        "sender": "UPPOLC",
        "messages": [{"msisdn": "9800000001", "message": SMS_TEXT}],
        "unicode": True,
        "client_ref": "notice-78",
    }


def test_a_gateway_that_gives_no_id_has_still_sent_it() -> None:
    with SmsGatewayServer(mode="ok_without_id") as server:
        assert sms.send(SmsGateway(url=server.url), "9800000001", "text", "notice-79") == ""
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "mode, reason, permanent",
    [
        ("error500", "SMS_HTTP_500", False),
        ("busy429", "SMS_HTTP_429", False),
        ("garbage", "SMS_BAD_ANSWER", False),
        ("nothing", "SMS_NO_ANSWER", False),
        ("hang", "SMS_NO_ANSWER", False),
        ("reject400", "SMS_HTTP_400", True),
        ("status_failed", "SMS_REFUSED", True),
    ],
)
def test_each_way_a_gateway_fails(mode: Mode, reason: str, permanent: bool) -> None:
    with SmsGatewayServer(mode=mode) as server:
        started = time.monotonic()
        with pytest.raises(DeliveryFailed) as failed:
            sms.send(SmsGateway(url=server.url, timeout=0.5), "9800000001", "text", "notice-80")
        assert time.monotonic() - started < 3
    assert (failed.value.reason, failed.value.permanent) == (reason, permanent)
    # Tried once (no retry hidden underneath), with the reference a gateway can drop repeats by.
    assert [r.json["reference"] for r in server.requests] == ["notice-80"]


def test_a_gateway_that_is_away_is_no_answer_and_its_key_stays_out_of_the_detail() -> None:
    url = f"http://127.0.0.1:{nothing_listening()}/send?apikey=SECRET-KEY"
    with pytest.raises(DeliveryFailed) as failed:
        sms.send(SmsGateway(url=url), "9800000001", "text", "notice-81")
    assert (failed.value.reason, failed.value.permanent) == ("SMS_NO_ANSWER", False)
    assert "SECRET-KEY" not in str(failed.value)


def test_the_mode_can_change_while_the_gateway_runs() -> None:
    with SmsGatewayServer(mode="error500") as server:
        gateway = SmsGateway(url=server.url)
        with pytest.raises(DeliveryFailed):
            sms.send(gateway, "9800000001", "text", "notice-82")
        server.mode = "ok"
        assert sms.send(gateway, "9800000001", "text", "notice-82") == "2"
    assert [r.json["reference"] for r in server.requests] == ["notice-82", "notice-82"]


@pytest.mark.parametrize(
    "template, complaint",
    [
        ('{"to": "{to}", "text": "{text}", "sender": "{sender}"}', "unknown field.*sender"),
        ('{"to": "{to}", "reference": "{reference}"}', "missing field.*text"),
        ('{"to": {to}, "text": "{text}"}', "not JSON"),
    ],
)
def test_a_body_template_that_cannot_work_is_refused(template: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        SmsGateway(url="http://127.0.0.1/sms", body_template=template)
    with pytest.raises(ValueError, match=complaint):
        SmsGateway.from_config(
            {"EOFFICE_SMS_URL": "http://127.0.0.1/sms", "EOFFICE_SMS_TEMPLATE": template}
        )


def test_sms_is_off_without_a_gateway_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SmsGateway.from_config({}) is None
    assert SmsGateway.from_config(None) is None
    monkeypatch.setenv("EOFFICE_SMS_URL", "  ")
    assert SmsGateway.from_config({}) is None
    monkeypatch.setenv("EOFFICE_SMS_URL", "https://sms.example.in/v1/send")
    assert SmsGateway.from_config({}) == SmsGateway(url="https://sms.example.in/v1/send")


@pytest.mark.parametrize(
    "settings, complaint",
    [
        ({"EOFFICE_SMS_HEADERS": "X-Api-Key: k"}, "EOFFICE_SMS_HEADERS"),
        ({"EOFFICE_SMS_HEADERS": '{"X-Retries": 3}'}, "EOFFICE_SMS_HEADERS"),
        ({"EOFFICE_SMS_TIMEOUT": "-1"}, "EOFFICE_SMS_TIMEOUT"),
        ({"EOFFICE_SMS_URL": "sms.example.in/send"}, "http"),
    ],
)
def test_bad_sms_settings_are_refused(settings: dict[str, str], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        SmsGateway.from_config({"EOFFICE_SMS_URL": "http://127.0.0.1/sms", **settings})


def test_the_gateways_key_is_not_in_its_repr() -> None:
    gateway = SmsGateway(url="https://sms.example.in/send", headers={"X-Api-Key": "k-123"})
    assert "k-123" not in repr(gateway) and "sms.example.in" in repr(gateway)
