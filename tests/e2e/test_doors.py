"""The office's doors, end to end on the whole office: what the real server tells browsers, a
letter's verification only for whoever holds its code, a changed letter called what it is, a
dealing hand told plainly who may approve a draft. (A garbled token signature is refused as bad
input in tests/service/test_drafts_and_signing.py: the signer's route takes only the token of
an existing signing.)"""

import hashlib
import uuid

import requests

from tests.support.pdfs import pdf

TIMEOUT = 60
HC, SP, CRU = "hc.estt.hathras", "sp.hathras", "cru.hathras"
INK = b"Signed in ink"


def call(
    office, tokens: dict | None, method: str, path: str, lang: str = "en", headers=None, **kwargs
):
    headers = {"Accept-Language": lang, **(headers or {})}
    if tokens:
        headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return requests.request(
        method, f"{office.url}/api/v1{path}", headers=headers, timeout=TIMEOUT, **kwargs
    )


def ok(response: requests.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text[:500]
    return response.json()


def error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    return response.json()["error"]


def test_the_real_server_sends_its_policies_and_sandboxes_stored_documents(office, login):
    page = requests.get(f"{office.url}/login", timeout=TIMEOUT)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"

    letter = pdf(text=f"A complaint {uuid.uuid4().hex[:6]}")
    cru = login(CRU)
    form = [("subject", (None, "A complaint")), ("sender", (None, "Ram Lal, Sasni"))]
    ok(call(office, cru, "POST", "/receipts", files=[*form, ("pdf", ("a.pdf", letter))]), 201)
    stored = call(office, cru, "GET", f"/documents/{hashlib.sha256(letter).hexdigest()}")
    assert stored.status_code == 200 and stored.content == letter
    assert stored.headers["Content-Security-Policy"].startswith("sandbox;")
    assert stored.headers["X-Content-Type-Options"] == "nosniff"


def issued_letter(office, login) -> tuple[dict, dict, bytes]:
    """A letter the head clerk drafts and the SP approves, signs in ink and issues (sealed by
    the office). Returns the SP's tokens, the issued draft, and the issued PDF."""
    hc, sp = login(HC), login(SP)
    file = ok(call(office, hc, "POST", "/files", json={"subject": "वार्षिक निरीक्षण"}), 201)
    draft_fields = {"kind": "order", "subject": "निरीक्षण", "addressee": "समस्त थानाध्यक्ष"}
    file = ok(
        call(office, hc, "POST", f"/files/{file['id']}/drafts", json={**draft_fields, "text": "x"}),
        201,
    )
    draft = f"/files/{file['id']}/drafts/{file['drafts'][-1]['id']}"

    # The head clerk wrote it and holds the file, but may not approve it.
    for lang, message in (
        ("en", "Only a Section Officer or above may approve a draft."),
        ("hi", "केवल अनुभाग अधिकारी या उससे ऊपर के अधिकारी ही मसौदा अनुमोदित कर सकते हैं।"),
    ):
        approval = call(office, hc, "POST", f"{draft}/approve", lang, json={"version": 1})
        refused = error(approval, 409)
        assert (refused["code"], refused["message"]) == ("DRAFT_APPROVAL_NEEDS_OFFICER", message)

    to_sp = {"to_post_id": sp["user"]["posts"][0]["id"], "version": file["version"]}
    ok(call(office, hc, "POST", f"/files/{file['id']}/send", json=to_sp))
    ok(call(office, sp, "POST", f"{draft}/approve", json={"version": 1}))
    scan = [("pdf", ("scan.pdf", pdf(text=INK.decode()), "application/pdf"))]
    ok(call(office, sp, "POST", f"{draft}/paper-signed", files=scan))
    file = ok(call(office, sp, "POST", f"{draft}/issue"))
    issued = call(office, sp, "GET", f"{draft}/pdf", params={"which": "issued"})
    assert issued.status_code == 200
    return sp, file["drafts"][-1], issued.content


def test_a_letter_is_verified_by_number_only_with_its_code_and_a_changed_one_is_called_so(
    office, login
):
    sp, draft, issued = issued_letter(office, login)
    number, code = draft["issue_number"], draft["verification_code"]

    # Anyone can walk through the numbers; only the code printed on the letter opens one.
    never = call(office, None, "GET", "/verify/SP-HTR-2026-999999", params={"code": code})
    assert error(never, 404)["code"] == "ISSUE_NOT_FOUND"
    for given in (None, "", "WRONG234"):
        answer = call(office, None, "GET", f"/verify/{number}", params={"code": given})
        assert (answer.status_code, answer.content) == (404, never.content), given
    opened = ok(call(office, None, "GET", f"/verify/{number}", params={"code": code}))
    assert opened["sha256"] == hashlib.sha256(issued).hexdigest() and opened["report"]["ok"]
    (seal,) = opened["report"]["signatures"]
    assert seal["problem"] is None and seal["problem_message"] is None

    # One byte of the issued letter changed: the report says plainly what is wrong.
    at = issued.index(INK)
    forged = issued[:at] + b"Signed in inq" + issued[at + len(INK) :]
    for lang, message in (
        ("en", "The document was changed after it was signed"),
        ("hi", "हस्ताक्षर के बाद दस्तावेज़ बदला गया है"),
    ):
        as_pdf = {"Content-Type": "application/pdf"}
        report = ok(call(office, None, "POST", "/verify", lang, headers=as_pdf, data=forged))
        (seal,) = report["signatures"]
        assert report["ok"] is False and seal["intact"] is False
        assert seal["signature_valid"] is False
        assert seal["problem"] == "DOCUMENT_CHANGED_AFTER_SIGNING"
        assert seal["problem_message"].startswith(message)
