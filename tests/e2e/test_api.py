"""The public API, end to end: the whole office running (five services, the broker, the gateway)
and every request made over HTTP exactly as a client would make it.

Each test is a small story told from the user's side and checks what that user would see: the
status, the error code in the envelope ``{"error": {"code", "message", "details"}}``, and the
language of the message. Events travel asynchronously, so what they cause (notices, pendency) is
polled for, never timed.
"""

import base64
import hashlib
import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.identity.domain.tokens import REFRESH_REUSE_GRACE_SECONDS
from tests.support.office import DEMO_PASSWORD
from tests.support.pdfs import broken_pdf, oversized_pdf, pdf

TIMEOUT = 30
UPLOAD_TIMEOUT = 120
EVENT_WAIT_SECONDS = 10
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
NUMBER = re.compile(r"^(\d+)/(\d{4})/SP-HTR$")


# --- the people and their desks ---------------------------------------------------------------


class Desk:
    """One logged-in person talking to the API with their bearer token."""

    def __init__(self, url: str, tokens: dict):
        self.url = url
        self.tokens = tokens
        self.user = tokens["user"]
        self.post_ids = [p["id"] for p in self.user["posts"]]

    def headers(self, extra: dict | None = None) -> dict:
        return {"Authorization": f"Bearer {self.tokens['access_token']}", **(extra or {})}

    def get(self, path: str, headers: dict | None = None, **kw) -> requests.Response:
        return requests.get(self.url + path, headers=self.headers(headers), timeout=TIMEOUT, **kw)

    def post(
        self, path: str, headers: dict | None = None, timeout: float = TIMEOUT, **kw
    ) -> requests.Response:
        return requests.post(self.url + path, headers=self.headers(headers), timeout=timeout, **kw)

    # what people do

    def diarise(
        self,
        content: bytes | None = None,
        filename: str = "letter.pdf",
        content_type: str = "application/pdf",
        headers: dict | None = None,
        **fields,
    ) -> requests.Response:
        form = {
            "subject": f"Complaint about a road {uuid.uuid4().hex[:6]}",
            "sender": "Ram Lal, Sasni",
            "letter_date": "2025-01-15",
            "letter_number": "RL/7",
            **fields,
        }
        form = {k: v for k, v in form.items() if v is not None}
        # Always multipart/form-data, as a browser or client sends it, even with no file.
        parts = [(name, (None, value)) for name, value in form.items()]
        if content is not None:
            parts.append(("pdf", (filename, content, content_type)))
        return self.post("/api/v1/receipts", files=parts, headers=headers, timeout=UPLOAD_TIMEOUT)

    def send(
        self,
        receipt_id: str,
        to_post_id: str,
        remark: str = "Please see",
        headers: dict | None = None,
        **extra,
    ) -> requests.Response:
        return self.post(
            f"/api/v1/receipts/{receipt_id}/send",
            headers=headers,
            json={"to_post_id": to_post_id, "remark": remark, **extra},
        )

    def inbox_items(self) -> list[dict]:
        """Everything in the inbox, following the cursor to the end."""
        items, cursor = [], None
        while True:
            params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            r = self.get("/api/v1/inbox", params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items


@pytest.fixture()
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


@pytest.fixture()
def cru(desk) -> Desk:
    return desk("cru.hathras")


@pytest.fixture()
def reader(desk) -> Desk:
    return desk("reader.hathras")


@pytest.fixture()
def sho(desk) -> Desk:
    return desk("sho.kotwali.hathras")


@pytest.fixture()
def posts(cru) -> dict:
    """The district's posts by abbreviation, as the CRU's 'send to' list shows them."""
    r = cru.get("/api/v1/posts")
    assert r.status_code == 200, r.text
    return {p["abbreviation"]: p for p in r.json()["items"]}


def unique_pdf() -> bytes:
    return pdf(text=f"Letter {uuid.uuid4().hex}")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def assert_error(r: requests.Response, status: int, *codes: str, lang: str = "en") -> dict:
    """The refusal a user sees: the status, one of the codes, a message in their language."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] in codes, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["details"], dict), error
    if lang == "hi":
        assert DEVANAGARI.search(error["message"]), f"not Hindi: {error['message']!r}"
    else:
        assert not DEVANAGARI.search(error["message"]), f"not English: {error['message']!r}"
    return error


def diarised(cru: Desk, content: bytes | None = None, **fields) -> dict:
    r = cru.diarise(content if content is not None else unique_pdf(), **fields)
    assert r.status_code == 201, r.text
    return r.json()


def sent_to_reader(cru: Desk, posts: dict) -> dict:
    receipt = diarised(cru)
    r = cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"])
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(what: str, probe, seconds: float = EVENT_WAIT_SECONDS):
    """Poll ``probe`` until it returns something truthy (events are asynchronous)."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not appear within {seconds} s")
        time.sleep(0.2)


def running_number(receipt: dict) -> int:
    match = NUMBER.match(receipt["number"])
    assert match, receipt["number"]
    return int(match.group(1))


# --- the happy path --------------------------------------------------------------------------


def test_a_letter_is_diarised_sent_to_the_reader_and_opened(cru, reader, sho, posts):
    # The CRU diarist scans an inward letter and enters it in the diary.
    letter = unique_pdf()
    r = cru.diarise(
        letter,
        subject="Request for a new police post at Sasni",
        sender="Gram Pradhan, Sasni",
        grading="confidential",
        category="public",
    )
    assert r.status_code == 201, r.text
    receipt = r.json()
    number = NUMBER.match(receipt["number"])
    assert number, receipt["number"]
    assert int(number.group(2)) == datetime.now(UTC).year
    assert receipt["subject"] == "Request for a new police post at Sasni"
    assert receipt["grading"] == "confidential"
    assert receipt["letter_date"] == "2025-01-15"
    assert receipt["document"] == {"sha256": sha256(letter), "size": len(letter), "pages": 1}
    assert receipt["holder_post_id"] == posts["CRU-SP-HTR"]["id"]
    assert receipt["version"] == 1

    # The Reader's seat is one of the posts it can be marked to.
    reader_post = posts["RDR-SP-HTR"]
    assert reader_post["holder_name"] == reader.user["name_en"]
    assert reader_post["id"] in reader.post_ids

    # The diarist sends it to the Reader.
    r = cru.send(receipt["id"], reader_post["id"], remark="For perusal of SP")
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["holder_post_id"] == reader_post["id"]
    assert sent["version"] == 2
    assert sent["opened_at"] is None

    # The Reader sees it in the inbox, unread, with the remark and where it came from.
    item = next(i for i in reader.inbox_items() if i["id"] == receipt["id"])
    assert item["opened"] is False
    assert item["number"] == receipt["number"]
    assert item["remark"] == "For perusal of SP"
    assert item["from_post_name"] == {
        "en": posts["CRU-SP-HTR"]["name_en"],
        "hi": posts["CRU-SP-HTR"]["name_hi"],
    }

    # A notice tells the Reader that it arrived.
    def notice():
        r = reader.get("/api/v1/notices")
        assert r.status_code == 200, r.text
        return next(
            (n for n in r.json()["items"] if n["params"].get("item_id") == receipt["id"]), None
        )

    arrived = wait_for("the Reader's notice", notice)
    assert arrived["kind"] == "receipt_received"
    assert arrived["post_id"] == reader_post["id"]
    assert arrived["params"]["number"] == receipt["number"]
    assert arrived["read_at"] is None
    r = reader.post(f"/api/v1/notices/{arrived['id']}/read")
    assert r.status_code == 200, r.text
    assert r.json()["read_at"]

    # The pendency report shows work waiting at the Reader's post.
    def pending_at_reader():
        r = reader.get("/api/v1/reports/pendency")
        assert r.status_code == 200, r.text
        return next(
            (p for p in r.json()["posts"] if p["post_id"] == reader_post["id"] and p["items"] >= 1),
            None,
        )

    wait_for("the Reader's pendency", pending_at_reader)

    # The Reader opens it, twice; only the first open is recorded.
    first = reader.get(f"/api/v1/receipts/{receipt['id']}")
    assert first.status_code == 200, first.text
    assert first.json()["opened_at"]
    again = reader.get(f"/api/v1/receipts/{receipt['id']}")
    assert again.status_code == 200, again.text
    assert again.json()["opened_at"] == first.json()["opened_at"]
    assert again.json()["version"] == first.json()["version"]

    r = reader.get(f"/api/v1/receipts/{receipt['id']}/history")
    assert r.status_code == 200, r.text
    actions = [e["action"] for e in r.json()["items"]]
    assert actions == ["diarised", "sent", "opened"]
    assert actions.count("opened") == 1

    r = reader.get(f"/api/v1/receipts/{receipt['id']}/history/verify")
    assert r.status_code == 200, r.text
    assert r.json()["intact"] is True
    assert r.json()["entries"] == 3

    item = next(i for i in reader.inbox_items() if i["id"] == receipt["id"])
    assert item["opened"] is True

    # The scanned letter comes back byte for byte to those it passed through ...
    for person in (reader, cru):
        r = person.get(f"/api/v1/documents/{sha256(letter)}")
        assert r.status_code == 200, r.text[:300]
        assert r.headers["Content-Type"] == "application/pdf"
        assert "Content-Disposition" in r.headers
        assert r.content == letter

    # ... and to nobody else.
    assert_error(sho.get(f"/api/v1/documents/{sha256(letter)}"), 404, "DOCUMENT_NOT_FOUND")


def test_letters_diarised_at_the_same_moment_get_distinct_consecutive_numbers(cru):
    def one(i: int) -> requests.Response:
        return cru.diarise(unique_pdf(), subject=f"Simultaneous letter {i}")

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(one, range(10)))

    assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
    receipts = [a.json() for a in answers]
    numbers = sorted(running_number(r) for r in receipts)
    assert numbers == list(range(numbers[0], numbers[0] + 10)), numbers
    assert len({r["id"] for r in receipts}) == 10

    inbox = {i["id"] for i in cru.inbox_items()}
    assert {r["id"] for r in receipts} <= inbox


def test_the_inbox_pages_with_a_cursor(cru):
    for i in range(3):
        diarised(cru, subject=f"Paged letter {i}")
    everything = [i["id"] for i in cru.inbox_items()]
    assert len(everything) >= 3

    seen, cursor = [], None
    while True:
        r = cru.get("/api/v1/inbox", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == everything

    assert_error(cru.get("/api/v1/inbox", params={"limit": 0}), 400, "BAD_LIMIT")
    assert_error(cru.get("/api/v1/inbox", params={"limit": "lots"}), 400, "BAD_LIMIT")
    assert_error(cru.get("/api/v1/inbox", params={"limit": 201}), 400, "BAD_LIMIT")


def test_a_diarisation_retried_with_its_idempotency_key_gives_back_the_same_receipt(cru):
    key = {"Idempotency-Key": f"clerk-{uuid.uuid4()}"}
    letter = unique_pdf()
    first = cru.diarise(letter, subject="A letter whose answer was lost", headers=key)
    assert first.status_code == 201, first.text
    again = cru.diarise(letter, subject="A letter whose answer was lost", headers=key)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    mine = [i for i in cru.inbox_items() if i["id"] == first.json()["id"]]
    assert len(mine) == 1
    # The next letter takes the very next number: the retry used none up.
    assert running_number(diarised(cru)) == running_number(first.json()) + 1

    bad = cru.diarise(
        unique_pdf(), headers={"Idempotency-Key": "two words", "Accept-Language": "hi"}
    )
    assert_error(bad, 400, "BAD_IDEMPOTENCY_KEY", lang="hi")


def test_notices_page_with_a_cursor(reader, cru, posts):
    for _ in range(3):
        sent_to_reader(cru, posts)

    def all_notices(limit: int) -> list[str]:
        seen, cursor = [], None
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            r = reader.get("/api/v1/notices", params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            assert len(page["items"]) <= limit
            seen += [n["id"] for n in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                return seen

    everything = wait_for("three notices", lambda: len(all_notices(200)) >= 3 and all_notices(200))
    assert all_notices(2) == everything
    assert_error(reader.get("/api/v1/notices", params={"limit": 201}), 400, "BAD_LIMIT")


# --- bad input: a clear refusal and nothing half-written ---------------------------------------


@pytest.fixture()
def nothing_written(cru):
    """The diarist's inbox is the same size after the refused request as before it."""
    before = len(cru.inbox_items())
    yield
    assert len(cru.inbox_items()) == before


def field_problems(error: dict) -> dict[str, str]:
    return {f["field"]: f["problem"] for f in error["details"]["fields"]}


def test_an_unknown_field_is_refused_and_named(cru, nothing_written):
    error = assert_error(cru.diarise(unique_pdf(), colour="red"), 400, "INVALID_FIELDS")
    assert "colour" in field_problems(error)


def test_a_missing_subject_is_refused_and_named(cru, nothing_written):
    error = assert_error(cru.diarise(unique_pdf(), subject=None), 400, "INVALID_FIELDS")
    assert "subject" in field_problems(error)


def test_a_blank_sender_counts_as_missing(cru, nothing_written):
    error = assert_error(cru.diarise(unique_pdf(), sender="   "), 400, "INVALID_FIELDS")
    assert "sender" in field_problems(error)


def test_a_letter_without_its_pdf_is_refused(cru, nothing_written):
    assert_error(cru.diarise(None), 400, "PDF_MISSING")


@pytest.mark.parametrize(
    "field, value",
    [
        ("letter_date", "not-a-date"),
        ("letter_date", "2025-02-30"),
        ("grading", "ultra"),
        ("delivery_mode", "pigeon"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_and_named(cru, nothing_written, field, value):
    error = assert_error(cru.diarise(unique_pdf(), **{field: value}), 400, "INVALID_FIELDS")
    assert field in field_problems(error)


def test_json_sent_to_the_upload_endpoint_is_refused(cru, nothing_written):
    r = cru.post(
        "/api/v1/receipts",
        json={
            "subject": "A letter",
            "sender": "Ram Lal",
            "pdf": base64.b64encode(unique_pdf()).decode(),
        },
    )
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(cru, nothing_written):
    fake = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 200
    assert_error(cru.diarise(fake, filename="scan.pdf"), 415, "NOT_A_PDF")
    assert_error(
        cru.diarise(b"Dear Sir, please find attached ...", filename="scan.pdf"), 415, "NOT_A_PDF"
    )


def test_a_broken_pdf_is_refused(cru, nothing_written):
    assert_error(cru.diarise(broken_pdf()), 400, "PDF_UNREADABLE")


def test_a_pdf_over_20_mb_is_refused(cru, nothing_written):
    big = oversized_pdf(20 * 1024 * 1024 + 1000)
    assert len(big) > 20 * 1024 * 1024
    error = assert_error(cru.diarise(big), 413, "REQUEST_TOO_LARGE", "PDF_TOO_LARGE")
    if error["code"] == "PDF_TOO_LARGE":
        assert error["details"]["limit_bytes"] == 20 * 1024 * 1024


def test_a_real_pdf_is_accepted_whatever_its_name_says(cru):
    content = unique_pdf()
    r = cru.diarise(content, filename="scan.txt", content_type="text/plain")
    assert r.status_code == 201, r.text
    assert r.json()["document"]["sha256"] == sha256(content)


def test_refused_letters_use_up_no_diary_number(cru):
    before = running_number(diarised(cru))
    cru.diarise(unique_pdf(), colour="red")
    cru.diarise(broken_pdf())
    cru.diarise(b"not a pdf at all")
    assert running_number(diarised(cru)) == before + 1


def test_a_send_that_is_not_json_is_refused_and_moves_nothing(cru, posts):
    receipt = diarised(cru)
    path = f"/api/v1/receipts/{receipt['id']}/send"
    reader_post = posts["RDR-SP-HTR"]["id"]

    assert_error(cru.post(path, data={"to_post_id": reader_post}), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(
        cru.post(
            path,
            data=json.dumps([{"to_post_id": reader_post}]),
            headers={"Content-Type": "application/json"},
        ),
        400,
        "BODY_NOT_AN_OBJECT",
    )
    assert_error(
        cru.post(path, data="{not json", headers={"Content-Type": "application/json"}),
        400,
        "BODY_NOT_AN_OBJECT",
    )
    error = assert_error(cru.send(receipt["id"], reader_post, colour="red"), 400, "INVALID_FIELDS")
    assert "colour" in field_problems(error)
    error = assert_error(cru.post(path, json={"remark": "no addressee"}), 400, "INVALID_FIELDS")
    assert "to_post_id" in field_problems(error)
    assert_error(cru.send(receipt["id"], "no-such-post"), 422, "UNKNOWN_POST")
    assert_error(cru.send(receipt["id"], receipt["holder_post_id"]), 409, "ALREADY_WITH_THAT_POST")

    r = cru.get(f"/api/v1/receipts/{receipt['id']}")
    assert r.status_code == 200, r.text
    assert r.json()["holder_post_id"] == receipt["holder_post_id"]
    assert r.json()["version"] == 1
    r = cru.get(f"/api/v1/receipts/{receipt['id']}/history")
    assert [e["action"] for e in r.json()["items"]] == ["diarised"]


# --- who may call --------------------------------------------------------------------------


def test_without_a_token_the_api_asks_you_to_log_in(office):
    r = requests.get(f"{office.url}/api/v1/inbox", timeout=TIMEOUT)
    assert_error(r, 401, "NO_TOKEN")
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": "Basic eDp5"}, timeout=TIMEOUT
    )
    assert_error(r, 401, "NO_TOKEN")
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": "Bearer "}, timeout=TIMEOUT
    )
    assert_error(r, 401, "NO_TOKEN")


def test_a_garbage_token_is_refused(office):
    for garbage in ("garbage", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30.AAAA"):
        r = requests.get(
            f"{office.url}/api/v1/inbox",
            headers={"Authorization": f"Bearer {garbage}"},
            timeout=TIMEOUT,
        )
        assert_error(r, 401, "TOKEN_MALFORMED", "TOKEN_INVALID", "TOKEN_UNKNOWN_KEY")


def forged(real_token: str, **changes) -> str:
    """The real token's key id and claims, changed as asked, signed with a key of our own."""
    header = jwt.get_unverified_header(real_token)
    claims = {**jwt.decode(real_token, options={"verify_signature": False}), **changes}
    return jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": header["kid"]}
    )


def test_a_token_signed_by_another_key_is_refused(office, cru):
    token = forged(cru.tokens["access_token"])
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert_error(r, 401, "TOKEN_INVALID")


def test_a_forged_token_claiming_more_posts_is_refused(office, cru, posts):
    token = forged(
        cru.tokens["access_token"], posts=[p["id"] for p in posts.values()], roles=["admin"]
    )
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert_error(r, 401, "TOKEN_INVALID")


def test_an_expired_forged_token_is_refused(office, cru):
    an_hour_ago = int(time.time()) - 3600
    token = forged(cru.tokens["access_token"], iat=an_hour_ago - 900, exp=an_hour_ago)
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    # Only a token signed by the office's own key may be told it has expired; a forged one is
    # judged by its signature first.
    error = assert_error(r, 401, "TOKEN_INVALID", "TOKEN_EXPIRED")
    assert error["code"] == "TOKEN_INVALID"


def test_a_token_with_an_unknown_key_id_is_refused(office, cru):
    claims = jwt.decode(cru.tokens["access_token"], options={"verify_signature": False})
    token = jwt.encode(
        claims,
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": "not-a-key-of-ours"},
    )
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert_error(r, 401, "TOKEN_UNKNOWN_KEY", "TOKEN_INVALID")


def test_an_unsigned_token_is_refused(office, cru):
    header = jwt.get_unverified_header(cru.tokens["access_token"])
    claims = jwt.decode(cru.tokens["access_token"], options={"verify_signature": False})

    def b64(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    token = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{b64(claims)}."
    r = requests.get(
        f"{office.url}/api/v1/inbox", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    assert_error(r, 401, "TOKEN_INVALID", "TOKEN_MALFORMED")


def login_request(office, username: str, password: str) -> requests.Response:
    return requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": username, "password": password},
        timeout=TIMEOUT,
    )


def test_a_wrong_password_is_refused_the_same_way_as_an_unknown_name(office):
    assert_error(
        login_request(office, "cru.hathras", "wrong-" + DEMO_PASSWORD), 401, "BAD_CREDENTIALS"
    )
    assert_error(login_request(office, "nobody.hathras", DEMO_PASSWORD), 401, "BAD_CREDENTIALS")
    r = requests.post(
        f"{office.url}/api/v1/auth/login", json={"username": "cru.hathras"}, timeout=TIMEOUT
    )
    assert "password" in field_problems(assert_error(r, 400, "INVALID_FIELDS"))


def test_login_gives_tokens_and_me_says_who_i_am(office, cru):
    assert cru.tokens["expires_in"] > 0
    r = cru.get("/api/v1/me")
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["username"] == "cru.hathras"
    assert [p["abbreviation"] for p in me["posts"]] == ["CRU-SP-HTR"]


def refresh(office, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{office.url}/api/v1/auth/refresh", json={"refresh_token": refresh_token}, timeout=TIMEOUT
    )


def test_a_refresh_token_rotates(office):
    first = login_request(office, "hc.estt.hathras", DEMO_PASSWORD).json()
    r = refresh(office, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["user"]["username"] == "hc.estt.hathras"

    r = requests.get(
        f"{office.url}/api/v1/me",
        timeout=TIMEOUT,
        headers={"Authorization": f"Bearer {second['access_token']}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "hc.estt.hathras"

    r = refresh(office, second["refresh_token"])
    assert r.status_code == 200, r.text


def test_a_refresh_token_used_twice_ends_the_whole_login(office):
    first = login_request(office, "hc.estt.hathras", DEMO_PASSWORD).json()
    r = refresh(office, first["refresh_token"])
    assert r.status_code == 200, r.text
    newer = r.json()
    # A second tab refreshing with the same token at the same moment is not a thief.
    r = refresh(office, first["refresh_token"])
    assert r.status_code == 200, r.text
    second_tab = r.json()

    # The old token shows up again later: someone has a copy. The login is ended everywhere ...
    time.sleep(REFRESH_REUSE_GRACE_SECONDS + 1)
    assert_error(refresh(office, first["refresh_token"]), 401, "REFRESH_TOKEN_REUSED")
    # ... so the newer tokens of the same login are refused too.
    for ended in (newer, second_tab):
        assert_error(refresh(office, ended["refresh_token"]), 401, "REFRESH_TOKEN_REVOKED")

    # Logging in again starts a new login that works.
    again = login_request(office, "hc.estt.hathras", DEMO_PASSWORD).json()
    assert refresh(office, again["refresh_token"]).status_code == 200


def test_a_made_up_refresh_token_is_refused(office):
    assert_error(refresh(office, "x" * 43), 401, "REFRESH_TOKEN_INVALID")


def test_after_logout_the_refresh_token_is_refused(office):
    tokens = login_request(office, "hc.estt.hathras", DEMO_PASSWORD).json()
    r = requests.post(
        f"{office.url}/api/v1/auth/logout",
        json={"refresh_token": tokens["refresh_token"]},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    r = refresh(office, tokens["refresh_token"])
    assert_error(r, 401, "REFRESH_TOKEN_REVOKED")


# --- other people's receipts ----------------------------------------------------------------


def test_another_office_cannot_even_learn_that_a_receipt_exists(cru, sho, posts):
    receipt = diarised(cru)
    for path in (
        f"/api/v1/receipts/{receipt['id']}",
        f"/api/v1/receipts/{receipt['id']}/history",
        f"/api/v1/receipts/{receipt['id']}/history/verify",
    ):
        assert_error(sho.get(path), 404, "RECEIPT_NOT_FOUND")
    assert_error(sho.send(receipt["id"], posts["SHO-KOTWALI-HTR"]["id"]), 404, "RECEIPT_NOT_FOUND")
    assert receipt["id"] not in {i["id"] for i in sho.inbox_items()}

    # A made-up id looks exactly the same.
    made_up = uuid.uuid4().hex
    assert_error(sho.get(f"/api/v1/receipts/{made_up}"), 404, "RECEIPT_NOT_FOUND")
    assert_error(cru.get(f"/api/v1/receipts/{made_up}"), 404, "RECEIPT_NOT_FOUND")
    assert_error(cru.get(f"/api/v1/receipts/{made_up}/history"), 404, "RECEIPT_NOT_FOUND")
    assert_error(cru.send(made_up, posts["RDR-SP-HTR"]["id"]), 404, "RECEIPT_NOT_FOUND")
    assert_error(cru.get(f"/api/v1/documents/{'0' * 64}"), 404, "DOCUMENT_NOT_FOUND")


def test_you_cannot_send_a_receipt_you_no_longer_hold(cru, posts):
    receipt = sent_to_reader(cru, posts)
    # The CRU still sees it (it passed through) but cannot move it.
    r = cru.get(f"/api/v1/receipts/{receipt['id']}")
    assert r.status_code == 200, r.text
    assert_error(cru.send(receipt["id"], posts["SP-HTR"]["id"]), 409, "RECEIPT_NOT_WITH_YOU")
    r = cru.get(f"/api/v1/receipts/{receipt['id']}")
    assert r.json()["holder_post_id"] == posts["RDR-SP-HTR"]["id"]


def test_a_stale_version_is_refused_and_the_current_one_accepted(cru, reader, posts):
    receipt = sent_to_reader(cru, posts)
    opened = reader.get(f"/api/v1/receipts/{receipt['id']}")
    assert opened.status_code == 200, opened.text
    current = opened.json()["version"]
    stale = current - 1
    sp = posts["SP-HTR"]["id"]

    conflict = assert_error(reader.send(receipt["id"], sp, version=stale), 409, "VERSION_CONFLICT")
    assert_error(
        reader.send(receipt["id"], sp, headers={"If-Match": f'"{stale}"'}), 409, "VERSION_CONFLICT"
    )
    assert_error(
        reader.send(receipt["id"], sp, headers={"If-Match": str(stale)}), 409, "VERSION_CONFLICT"
    )

    r = reader.get(f"/api/v1/receipts/{receipt['id']}")
    assert r.json()["holder_post_id"] == posts["RDR-SP-HTR"]["id"]
    assert r.json()["version"] == current

    r = reader.send(receipt["id"], sp, headers={"If-Match": f'"{current}"'})
    assert r.status_code == 200, r.text
    assert r.json()["holder_post_id"] == sp
    assert r.json()["version"] == current + 1

    # The refusal said which version is current, as a number a client can send back.
    assert conflict["details"]["current_version"] == current


# --- language --------------------------------------------------------------------------------


def test_refusals_speak_hindi_to_those_who_ask(office, cru):
    made_up = uuid.uuid4().hex
    hindi = {"Accept-Language": "hi"}

    english = assert_error(cru.get(f"/api/v1/receipts/{made_up}"), 404, "RECEIPT_NOT_FOUND")
    assert english["message"] == "No such receipt."

    error = assert_error(
        cru.get(f"/api/v1/receipts/{made_up}", headers=hindi), 404, "RECEIPT_NOT_FOUND", lang="hi"
    )
    assert error["message"] != english["message"]
    assert_error(
        cru.get(f"/api/v1/receipts/{made_up}", params={"lang": "hi"}),
        404,
        "RECEIPT_NOT_FOUND",
        lang="hi",
    )
    assert_error(
        cru.get(
            f"/api/v1/receipts/{made_up}", headers={"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"}
        ),
        404,
        "RECEIPT_NOT_FOUND",
        lang="hi",
    )

    r = requests.get(f"{office.url}/api/v1/inbox", headers=hindi, timeout=TIMEOUT)
    assert_error(r, 401, "NO_TOKEN", lang="hi")
    assert_error(
        cru.diarise(unique_pdf(), grading="ultra", headers=hindi), 400, "INVALID_FIELDS", lang="hi"
    )
    r = requests.post(
        f"{office.url}/api/v1/auth/login",
        headers=hindi,
        timeout=TIMEOUT,
        json={"username": "cru.hathras", "password": "wrong"},
    )
    assert_error(r, 401, "BAD_CREDENTIALS", lang="hi")
    assert_error(cru.get("/api/v1/no-such-thing", headers=hindi), 404, "NOT_FOUND", lang="hi")


def test_hindi_text_is_kept_as_written(cru):
    subject = "सासनी में नई पुलिस चौकी हेतु प्रार्थना पत्र"
    r = cru.diarise(unique_pdf(), subject=subject, sender="ग्राम प्रधान, सासनी")
    assert r.status_code == 201, r.text
    assert r.json()["subject"] == subject
    assert subject in r.text  # readable UTF-8, not \u escapes
    r = cru.get(f"/api/v1/receipts/{r.json()['id']}")
    assert r.json()["sender"] == "ग्राम प्रधान, सासनी"


# --- probes and the API description ---------------------------------------------------------


def test_the_probes_answer(office):
    r = requests.get(f"{office.url}/healthz", timeout=TIMEOUT)
    assert r.status_code == 200 and r.json() == {"ok": True}

    r = requests.get(f"{office.url}/readyz", timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "ok": True,
        "services": {
            "identity": True,
            "files": True,
            "signing": True,
            "notify": True,
            "reports": True,
            "leave": True,
        },
    }

    for service in ("identity", "files", "signing", "notify", "reports", "leave"):
        r = requests.get(f"{office.url}/readyz/{service}", timeout=TIMEOUT)
        assert r.status_code == 200 and r.json() == {"ok": True}, (service, r.text)


def test_probing_a_service_that_does_not_exist_is_a_json_404(office):
    # The OpenAPI document promises the error envelope for this probe's 404.
    assert_error(requests.get(f"{office.url}/readyz/nope", timeout=TIMEOUT), 404, "NOT_FOUND")


def test_an_unknown_api_path_or_method_answers_in_the_envelope(office, cru):
    assert_error(cru.get("/api/v1/no-such-thing"), 404, "NOT_FOUND")
    r = requests.delete(f"{office.url}/api/v1/inbox", timeout=TIMEOUT)
    assert_error(r, 405, "METHOD_NOT_ALLOWED")


# Every route these tests exercise, as (method, OpenAPI path).
EXERCISED = {
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/posts"),
    ("post", "/api/v1/receipts"),
    ("get", "/api/v1/receipts/{receipt_id}"),
    ("post", "/api/v1/receipts/{receipt_id}/send"),
    ("get", "/api/v1/receipts/{receipt_id}/history"),
    ("get", "/api/v1/receipts/{receipt_id}/history/verify"),
    ("get", "/api/v1/inbox"),
    ("get", "/api/v1/notices"),
    ("post", "/api/v1/notices/{notice_id}/read"),
    ("get", "/api/v1/reports/pendency"),
    ("get", "/api/v1/documents/{sha256}"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/readyz/{service}"),
}


def served_api_routes(monkeypatch) -> set[tuple[str, str]]:
    """Every /api/v1 route of the gateway app as built by its factory, in OpenAPI spelling."""
    monkeypatch.setenv("EOFFICE_SECRET_KEY", "only-to-list-routes")
    from gateway.app import create_app

    app = create_app()
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(
            r"<(?:[A-Za-z_]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>", r"{\1}", rule.rule
        )
        routes |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_describes_every_route(office, monkeypatch):
    r = requests.get(f"{office.url}/api/v1/openapi.json", timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["openapi"].startswith("3.1")
    documented = {(method, path) for path, ops in doc["paths"].items() for method in ops}

    assert EXERCISED - documented == set()
    served = served_api_routes(monkeypatch)
    assert {("post", "/api/v1/receipts"), ("get", "/api/v1/inbox")} <= served
    assert served - documented == set()

    upload = doc["paths"]["/api/v1/receipts"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    assert "pdf" in json.dumps(upload["multipart/form-data"]["schema"])
    send = doc["paths"]["/api/v1/receipts/{receipt_id}/send"]["post"]
    assert "409" in send["responses"]
    assert send["security"] == [{"bearer": []}]
    assert "security" not in doc["paths"]["/api/v1/auth/login"]["post"]
    for ref in re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc)):
        assert ref in doc["components"]["schemas"], ref
