"""A phone on a bad link sends an action again when it cannot tell whether it arrived: with the
same Idempotency-Key the office applies it once and gives the same answer; the same key with
another body is refused. Reads carry an ETag, so a phone refreshes for the price of a 304."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.e2e.test_api import Desk, assert_error, diarised

TIMEOUT = 30


@pytest.fixture
def desk(office, login):
    return lambda username: Desk(office.url, login(username))


@pytest.fixture
def cru(desk) -> Desk:
    return desk("cru.hathras")


@pytest.fixture
def posts(cru) -> dict:
    return {p["abbreviation"]: p for p in cru.get("/api/v1/posts").json()["items"]}


def key() -> dict:
    return {"Idempotency-Key": f"phone-{uuid.uuid4().hex}"}


def test_a_send_repeated_with_its_key_is_applied_once_and_answered_the_same(cru, posts):
    receipt = diarised(cru)
    to, once = posts["RDR-SP-HTR"]["id"], key()
    first = cru.send(receipt["id"], to, headers=once)
    again = cru.send(receipt["id"], to, headers=once)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert again.json() == first.json()
    history = cru.get(f"/api/v1/receipts/{receipt['id']}/history").json()["items"]
    assert [e["action"] for e in history].count("sent") == 1

    # The same key with another body: refused, and nothing more is done.
    other = cru.send(receipt["id"], to, remark="Another remark", headers=once)
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED")
    # Without a key the same send is a new action, refused because it has moved on.
    assert cru.send(receipt["id"], to).status_code in (409, 422)


def test_a_note_sent_twice_at_once_with_one_key_is_written_once(desk):
    clerk: Desk = desk("hc.estt.hathras")
    r = clerk.post("/api/v1/files", json={"subject": f"Idempotent notes {uuid.uuid4().hex[:6]}"})
    assert r.status_code == 201, r.text
    file, once = r.json(), key()

    def write():
        return clerk.post(f"/api/v1/files/{file['id']}/notes", json={"text": "Seen."}, headers=once)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: write(), range(2)))
    codes = sorted(a.status_code for a in answers)
    # Both answered as the first (or the second told the first is still being applied).
    assert codes in ([201, 201], [200, 200], [201, 409], [200, 409]), [a.text for a in answers]
    assert write().json() == next(a for a in answers if a.status_code < 300).json()
    notes = clerk.get(f"/api/v1/files/{file['id']}").json()["notes"]
    assert [n["text"] for n in notes] == ["Seen."]


def test_a_malformed_key_is_refused_and_a_read_ignores_the_key(cru, posts):
    receipt = diarised(cru)
    bad = cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"], headers={"Idempotency-Key": "a b"})
    assert_error(bad, 400, "BAD_IDEMPOTENCY_KEY")
    assert cru.get("/api/v1/inbox", headers=key()).status_code == 200


def test_reads_carry_an_etag_and_an_unchanged_one_is_answered_304(cru, posts):
    receipt = diarised(cru)
    path = f"/api/v1/receipts/{receipt['id']}"
    first = cru.get(path)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag
    unchanged = cru.get(path, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    inbox = cru.get("/api/v1/inbox")
    assert (
        cru.get("/api/v1/inbox", headers={"If-None-Match": inbox.headers["ETag"]}).status_code
        == 304
    )

    # Changed since: the whole answer again, with a new tag.
    assert cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"]).status_code == 200
    changed = cru.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    # Another person's answer is their own (a tag is no key to someone else's data).
    assert (
        requests.get(
            f"{cru.url}{path}", headers={"If-None-Match": tag}, timeout=TIMEOUT
        ).status_code
        == 401
    )
