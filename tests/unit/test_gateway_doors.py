"""The gateway's doors, checked without the services (they answer as each test says): what every
response tells the browser, cookies behind TLS and addresses behind a proxy, rate limits on
logging in, activating, verifying and uploading, and verification by number only with the
letter's code."""

import base64
import io
import re
import time
from pathlib import Path
from unittest.mock import MagicMock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eoffice_signer.link import Ticket, read_link

from common.errors import NotFound, Unauthenticated
from common.tokens import AUDIENCE, ISSUER
from gateway.app import create_app
from tests.support.pdfs import pdf

# Identity's token key, as far as the gateway needs it: the clerk's token is signed with it.
IDENTITY_KEY = Ed25519PrivateKey.generate()
CLERK_TOKEN = jwt.encode(
    {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u-clerk",
        "name": "Pooja Yadav",
        "grants": [],
        "posts": [],
        "office_path": [],
        "iat": int(time.time()),
        "exp": int(time.time()) + 3600,
        "jti": "j-clerk",
    },
    IDENTITY_KEY,
    algorithm="EdDSA",
    headers={"kid": "k1"},
)
PUBLIC_KEYS = {
    "k1": IDENTITY_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
}
LETTER = pdf(text="A scanned letter")
SHA256 = "ab" * 32


@pytest.fixture
def gateway(tmp_path, monkeypatch):
    """``gateway(**environment)``: the app with that environment, its services mocked
    (``app.services``), CSRF off (the forms' tokens are not what is tested here)."""
    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path))
    for name in ("EOFFICE_PUBLIC_URL", "EOFFICE_SECURE_COOKIES", "EOFFICE_PROXY_FIX"):
        monkeypatch.delenv(name, raising=False)

    def make(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
        services = MagicMock()
        services.identity.login.side_effect = Unauthenticated("BAD_CREDENTIALS")
        services.identity.activate.side_effect = Unauthenticated("ACTIVATION_INVALID")
        services.files.document.return_value = base64.b64encode(LETTER).decode()
        services.files.diarise.return_value = {"id": "r1", "number": "CRU/1/2026"}
        services.signing.verify.return_value = {"ok": False, "signatures": []}
        services.identity.revocations.return_value = {"users": [], "tokens": []}
        services.identity.public_keys.return_value = PUBLIC_KEYS
        app.extensions["rpc"] = app.extensions["long_rpc"] = services
        app.services = services
        return app

    return make


def clerk(client) -> None:
    with client.session_transaction() as session:
        session["access_token"] = CLERK_TOKEN


BEARER = {"Authorization": f"Bearer {CLERK_TOKEN}"}


# --- what every response tells the browser ----------------------------------------------------


def test_pages_run_only_the_offices_own_scripts_and_no_other_site_may_frame_them(gateway):
    answer = gateway().test_client().get("/login")

    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "sandbox" not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in answer.headers  # not reached over https


def test_no_template_needs_inline_script_or_style():
    templates = Path(__file__).resolve().parents[2] / "gateway" / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template  # onclick, onsubmit …
        assert not re.search(r"\sstyle=|<style", text), template


def test_behind_https_browsers_are_told_to_come_back_only_over_https(gateway):
    answer = gateway(EOFFICE_PUBLIC_URL="https://eoffice.up.gov.in").test_client().get("/login")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_stored_documents_are_sandboxed_on_the_api_and_on_the_pages(gateway):
    client = gateway().test_client()
    clerk(client)
    for answer in (
        client.get(f"/api/v1/documents/{SHA256}", headers=BEARER),
        client.get(f"/documents/{SHA256}"),
    ):
        assert answer.status_code == 200 and answer.data == LETTER
        policy = answer.headers["Content-Security-Policy"]
        assert policy.startswith("sandbox;") and "frame-ancestors 'self'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


# --- cookies and the proxy ----------------------------------------------------------------------


def session_cookie(client) -> str:
    answer = client.get("/lang/hi")
    return next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_cookies_go_only_over_tls_when_the_office_is_reached_over_https(gateway):
    assert "Secure" not in session_cookie(gateway().test_client())
    https = gateway(EOFFICE_PUBLIC_URL="https://eoffice.up.gov.in")
    assert "; Secure" in session_cookie(https.test_client())


def test_the_secure_cookies_setting_still_decides_when_given(gateway):
    plain = gateway(EOFFICE_PUBLIC_URL="https://eoffice.up.gov.in", EOFFICE_SECURE_COOKIES="0")
    assert "Secure" not in session_cookie(plain.test_client())
    forced = gateway(EOFFICE_PUBLIC_URL="http://10.0.0.5:8000", EOFFICE_SECURE_COOKIES="1")
    assert "; Secure" in session_cookie(forced.test_client())


def ready_to_sign(app, token: str = "a.b.c", **headers) -> dict:
    """The API's answer to "sign", with the signing token identity made for it: the link and
    the command for the officer's signer."""
    app.services.files.sign_draft.return_value = {
        "signing_id": "s1",
        "to_sign_b64": "MQ==",
        "algorithm": "sha256_rsa",
        "certificate_sha256": SHA256,
        "expires_at": "2026-01-01T10:10:00+00:00",
        "status": "prepared",
    }
    app.services.identity.signing_token.return_value = {
        "token": token,
        "expires_at": "2026-01-01T10:10:00+00:00",
    }
    answer = app.test_client().post(
        "/api/v1/files/f1/drafts/d1/sign", json={"password": "x"}, headers={**BEARER, **headers}
    )
    assert answer.status_code == 200, answer.data
    return answer.get_json()


def signers_office(app, **headers) -> str:
    """The office the signer's link sends the officer's signature to (no EOFFICE_PUBLIC_URL:
    the address the office was reached by)."""
    link = ready_to_sign(app, **headers)["link"]
    return parse_qs(urlsplit(link).query)["office"][0]


def test_behind_a_trusted_proxy_the_scheme_it_was_reached_by_counts(gateway):
    over_tls = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    # Without the setting, anyone could claim https (or any address) in a header.
    assert signers_office(gateway(), **over_tls) == "http://localhost"
    assert signers_office(gateway(EOFFICE_PROXY_FIX="1"), **over_tls) == "https://localhost"


def test_the_signers_link_leads_to_where_the_office_serves_the_signing(gateway):
    token = jwt.encode({"aud": "eoffice-signing:s1", "exp": time.time() + 600}, "k" * 32)
    app = gateway(EOFFICE_PUBLIC_URL="https://eoffice.up.gov.in/")

    answer = ready_to_sign(app, token)

    served = "https://eoffice.up.gov.in/api/v1/signing/s1"
    assert read_link(answer["link"]) == Ticket(url=served, bearer=token)
    assert answer["command"] == f"eoffice-signer --url {served} --token-env EOFFICE_TOKEN"
    assert token not in answer["command"]


# --- rate limits ----------------------------------------------------------------------------------

LOW_LOGIN_LIMITS = {
    "EOFFICE_RATE_LIMIT_LOGIN_PER_ACCOUNT": "2/minute",
    "EOFFICE_RATE_LIMIT_LOGIN_PER_ADDRESS": "5/minute",
}


def log_in(client, username: str, address: str = "198.51.100.1", **headers):
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": "guess"},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_guessing_one_accounts_password_is_stopped_with_a_clear_answer(gateway):
    app = gateway(**LOW_LOGIN_LIMITS)
    client = app.test_client()

    assert [log_in(client, "sp.hathras").status_code for _ in range(2)] == [401, 401]
    limited = log_in(client, "SP.Hathras")  # the same account, however it is typed

    assert limited.status_code == 429
    error = limited.get_json()["error"]
    assert error["code"] == "RATE_LIMITED"
    assert error["message"] == "Too many attempts. Please wait a little and try again."
    seconds = int(limited.headers["Retry-After"])
    assert 0 < seconds <= 61  # the rest of the minute, rounded up
    assert error["details"] == {"retry_after_seconds": seconds}
    assert app.services.identity.login.call_count == 2  # the third guess never reached identity

    hindi = log_in(client, "sp.hathras", **{"Accept-Language": "hi"}).get_json()["error"]
    assert hindi["code"] == "RATE_LIMITED" and re.search("[\u0900-\u097f]", hindi["message"])

    # The login page is the same door: it does not open a second budget.
    page = client.post(
        "/login",
        data={"username": "sp.hathras", "password": "guess"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert page.status_code == 429 and b"Too many attempts" in page.data
    assert page.headers["Retry-After"]

    # Another person logging in from elsewhere is not held up.
    assert log_in(client, "reader.hathras", "198.51.100.2").status_code == 401


def test_one_address_trying_many_accounts_is_stopped_too(gateway):
    client = gateway(**LOW_LOGIN_LIMITS).test_client()
    names = [f"guess{n}.hathras" for n in range(6)]
    codes = [log_in(client, name, "198.51.100.3").status_code for name in names]
    assert codes == [401] * 5 + [429]
    assert log_in(client, "guess6.hathras", "198.51.100.4").status_code == 401


def test_behind_a_proxy_each_client_has_its_own_budget_and_without_one_none_can_dodge(gateway):
    def from_(client, address: str):
        return log_in(client, f"n{address}", "10.0.0.1", **{"X-Forwarded-For": address})

    direct = gateway(**LOW_LOGIN_LIMITS).test_client()
    codes = [from_(direct, f"203.0.113.{n}").status_code for n in range(6)]
    assert codes[-1] == 429  # a made-up X-Forwarded-For does not make a new address

    behind_ingress = gateway(EOFFICE_PROXY_FIX="1", **LOW_LOGIN_LIMITS).test_client()
    codes = [from_(behind_ingress, f"203.0.113.{n}").status_code for n in range(6)]
    assert codes == [401] * 6


def test_activation_codes_cannot_be_guessed_at_speed(gateway):
    client = gateway(EOFFICE_RATE_LIMIT_ACTIVATION_PER_ACCOUNT="2/minute").test_client()
    body = {"login": "new.person@up.gov.in", "code": "WRONG", "password": "a long password"}
    codes = [client.post("/api/v1/auth/activate", json=body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    page = client.post("/activate", data={**body, "password_again": body["password"]})
    assert page.status_code == 429


def test_verification_is_limited_per_address(gateway):
    app = gateway(EOFFICE_RATE_LIMIT_VERIFICATION_PER_ADDRESS="3/minute")
    app.services.files.issued_letter.side_effect = NotFound("ISSUE_NOT_FOUND")
    client = app.test_client()
    answers = [
        client.get("/api/v1/verify/SP-HTR-2026-000001?code=ABCD2345"),
        client.post("/api/v1/verify", data=LETTER, content_type="application/pdf"),
        client.get("/verify/SP-HTR-2026-000002?code=ABCD2345"),
        client.get("/api/v1/verify/SP-HTR-2026-000003?code=ABCD2345"),
    ]
    assert [a.status_code for a in answers] == [404, 200, 404, 429]
    assert answers[-1].get_json()["error"]["code"] == "RATE_LIMITED"
    assert client.get("/verify").status_code == 200  # the form itself costs nothing


def diarise(client, with_pdf: bool = True):
    data = {"subject": "Complaint", "sender": "SHO Kotwali"}
    if with_pdf:
        data["pdf"] = (io.BytesIO(LETTER), "letter.pdf")
    return client.post(
        "/api/v1/receipts", data=data, headers=BEARER, content_type="multipart/form-data"
    )


def test_uploads_are_limited_per_person_and_a_letter_without_a_scan_is_not_an_upload(gateway):
    app = gateway(EOFFICE_RATE_LIMIT_UPLOAD_PER_ACCOUNT="2/minute")
    client = app.test_client()
    assert [diarise(client).status_code for _ in range(3)] == [201, 201, 429]
    assert diarise(client, with_pdf=False).status_code == 201
    sheet = {"sheet": (io.BytesIO(b"a,b\n"), "staff.csv")}
    app.services.identity.onboarding_dry_run.return_value = {"rows": []}
    answer = client.post(
        "/api/v1/onboarding/sheets", data=sheet, headers=BEARER, content_type="multipart/form-data"
    )
    assert answer.status_code == 429  # the same person's budget

    other = gateway(EOFFICE_RATE_LIMIT_UPLOAD_PER_ACCOUNT="2/minute").test_client()
    assert diarise(other).status_code == 201


def test_a_record_rooms_batch_spends_a_budget_of_its_own(gateway):
    """Hundreds of scans go one by one into a batch: they do not use up the letters' budget,
    and they have a bound of their own."""
    app = gateway(
        EOFFICE_RATE_LIMIT_RECORDS_PER_ACCOUNT="2/minute",
        EOFFICE_RATE_LIMIT_UPLOAD_PER_ACCOUNT="1/minute",
    )
    app.services.files.record_batch.return_value = {"rows": []}
    client = app.test_client()

    def scan() -> int:
        data = {"file": (io.BytesIO(LETTER), "1.pdf"), "batch_id": "b1"}
        return client.post(
            "/api/v1/records/batches", data=data, headers=BEARER, content_type="multipart/form-data"
        ).status_code

    assert [scan() for _ in range(3)] == [201, 201, 429]
    assert diarise(client).status_code == 201  # the letters' budget is untouched


# --- verification by number ---------------------------------------------------------------------


def test_without_the_letters_code_a_number_answers_as_if_never_issued(gateway):
    app = gateway()
    issued = {"issue_number": "SP-HTR-2026-000001", "sha256": SHA256, "pdf_b64": "JVBERg=="}

    def issued_letter(number, code=None):  # as files answers: the code is checked when given
        if number != issued["issue_number"] or (code is not None and code != "ABCD2345"):
            raise NotFound("ISSUE_NOT_FOUND")
        return dict(issued)

    app.services.files.issued_letter.side_effect = issued_letter
    app.services.signing.verify.return_value = {
        "ok": False,
        "signatures": [{"field": "Sig1", "problem": "DOCUMENT_CHANGED_AFTER_SIGNING"}],
    }
    client = app.test_client()
    never = client.get("/api/v1/verify/SP-HTR-2026-999999?code=ABCD2345")
    assert never.status_code == 404
    for asked in ("", "?code=", "?code=%20", "?code=WRONG234"):
        answer = client.get(f"/api/v1/verify/SP-HTR-2026-000001{asked}")
        assert (answer.status_code, answer.data) == (never.status_code, never.data), asked

    found = client.get("/api/v1/verify/SP-HTR-2026-000001?code=ABCD2345")
    assert found.status_code == 200
    (signature,) = found.get_json()["report"]["signatures"]
    assert signature["problem_message"] == (
        "The document was changed after it was signed: what you have is not what was signed."
    )
