"""Identity over HTTP: what a nodal officer and a disabled person see through the gateway."""

import time

import pyotp
import requests

from tests.support.sheets import csv_sheet, person

TIMEOUT = 60


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_disabling_a_person_ends_their_session_at_once(office, login):
    hc = login("hc.estt.hathras")
    nodal = login("asp.hathras")
    assert (
        requests.get(f"{office.url}/api/v1/me", headers=bearer(hc), timeout=TIMEOUT).status_code
        == 200
    )

    r = requests.post(
        f"{office.url}/api/v1/users/{hc['user']['id']}/disable",
        headers=bearer(nodal),
        timeout=TIMEOUT,
    )
    assert r.status_code == 200 and r.json()["disabled"] is True

    deadline = time.monotonic() + 10  # the gateway asks identity at most once a second
    while time.monotonic() < deadline:
        r = requests.get(f"{office.url}/api/v1/me", headers=bearer(hc), timeout=TIMEOUT)
        if r.status_code == 401:
            break
        time.sleep(0.2)
    assert r.status_code == 401 and r.json()["error"]["code"] == "ACCOUNT_DISABLED"
    refreshed = requests.post(
        f"{office.url}/api/v1/auth/refresh",
        json={"refresh_token": hc["refresh_token"]},
        timeout=TIMEOUT,
    )
    assert refreshed.status_code == 401

    requests.post(
        f"{office.url}/api/v1/users/{hc['user']['id']}/enable",
        headers=bearer(nodal),
        timeout=TIMEOUT,
    )
    assert login("hc.estt.hathras")["user"]["id"] == hc["user"]["id"]


def test_logging_out_ends_the_access_token_too(office, login):
    """A token copied before logout (a shared computer, a leaked log) is refused after it."""
    tokens, other = login("reader.hathras"), login("reader.hathras")
    me = f"{office.url}/api/v1/me"
    assert requests.get(me, headers=bearer(tokens), timeout=TIMEOUT).status_code == 200
    r = requests.post(
        f"{office.url}/api/v1/auth/logout",
        json={"refresh_token": tokens["refresh_token"]},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200

    deadline = time.monotonic() + 10  # the gateway asks identity at most once a second
    while time.monotonic() < deadline:
        r = requests.get(me, headers=bearer(tokens), timeout=TIMEOUT)
        if r.status_code == 401:
            break
        time.sleep(0.2)
    assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_REVOKED"
    assert r.json()["error"]["message"] == "This session has ended. Please log in again."
    assert requests.get(me, headers=bearer(other), timeout=TIMEOUT).status_code == 200


def test_a_nodal_officer_cannot_act_outside_their_district(office, login):
    admin, nodal = login("admin.up"), login("asp.hathras")
    r = requests.post(
        f"{office.url}/api/v1/offices",
        headers=bearer(admin),
        timeout=TIMEOUT,
        json={
            "code": "SP-ALG-E2E",
            "name_en": "SP Office Aligarh",
            "name_hi": "पुलिस अधीक्षक कार्यालय अलीगढ़",
            "level": "district",
            "parent_code": "ALIGARH-RANGE",
        },
    )
    assert r.status_code == 201, r.text
    r = requests.post(
        f"{office.url}/api/v1/posts",
        headers={**bearer(nodal), "Accept-Language": "hi"},
        timeout=TIMEOUT,
        json={
            "office_code": "SP-ALG-E2E",
            "abbreviation": "RDR-SP-ALG-E2E",
            "name_en": "Reader",
            "name_hi": "वाचक",
        },
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "OUTSIDE_YOUR_SCOPE"
    assert "कार्यालयों" in r.json()["error"]["message"]
    r = requests.get(
        f"{office.url}/api/v1/users",
        params={"office": "SP-ALG-E2E"},
        headers=bearer(nodal),
        timeout=TIMEOUT,
    )
    assert r.status_code == 403


def test_a_sheet_report_explains_each_rejected_row_in_the_uploaders_language(office, login):
    nodal = login("asp.hathras")
    sheet = csv_sheet(
        [person(901), person(902, email="x@gmail.com"), person(903, date_of_birth="31-02-1990")]
    )
    r = requests.post(
        f"{office.url}/api/v1/onboarding/sheets",
        headers={**bearer(nodal), "Accept-Language": "hi"},
        files={"sheet": ("staff.csv", sheet, "text/csv")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["summary"] == {"create": 1, "update": 0, "unchanged": 0, "reject": 2}
    reasons = {row["employee_code"]: row["reasons"] for row in report["rows"]}
    assert [x["code"] for x in reasons["UPP000902"]] == ["EMAIL_NOT_GOVERNMENT"]
    assert reasons["UPP000902"][0]["message"].startswith("केवल आधिकारिक सरकारी ईमेल")
    assert [x["code"] for x in reasons["UPP000903"]] == ["DATE_NOT_REAL"]

    applied = requests.post(
        f"{office.url}/api/v1/onboarding/sheets/{report['id']}/apply",
        headers=bearer(nodal),
        timeout=TIMEOUT,
    ).json()
    (slip,) = applied["activations"]
    r = requests.post(
        f"{office.url}/api/v1/auth/activate",
        timeout=TIMEOUT,
        json={"login": slip["login"], "code": slip["code"], "password": "new-Password-1"},
    )
    assert r.status_code == 200
    r = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": slip["login"], "password": "new-Password-1"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200


def test_files_that_are_no_sheet_are_refused_with_a_reason(office, login):
    nodal = login("asp.hathras")
    too_many = csv_sheet([person(n) for n in range(20_001)])
    for content, code in (
        (b"\x89PNG\r\n\x1a\n not a sheet", "SHEET_NOT_SPREADSHEET"),
        (too_many, "SHEET_TOO_MANY_ROWS"),
    ):
        r = requests.post(
            f"{office.url}/api/v1/onboarding/sheets",
            headers=bearer(nodal),
            files={"sheet": ("staff.xlsx", content)},
            timeout=TIMEOUT,
        )
        assert r.status_code == 400 and r.json()["error"]["code"] == code


def test_totp_is_enrolled_and_removed_only_with_the_password_and_a_current_code(office, login):
    """A stolen bearer token alone cannot put the thief's phone on someone's account."""
    nodal = login("asp.hathras")
    created = requests.post(
        f"{office.url}/api/v1/users",
        headers=bearer(nodal),
        json={
            "username": "totp.e2e.hathras",
            "name_en": "Kavita Singh",
            "name_hi": "कविता सिंह",
            "password": "Kavita-pass-1",
            "office_code": "SP-HTR",
            "roles": ["dealing_hand"],
        },
        timeout=TIMEOUT,
    )
    assert created.status_code == 201, created.text
    tokens = requests.post(
        f"{office.url}/api/v1/auth/login",
        json={"username": "totp.e2e.hathras", "password": "Kavita-pass-1"},
        timeout=TIMEOUT,
    ).json()
    url = f"{office.url}/api/v1/me/totp"

    bare = requests.post(url, headers=bearer(tokens), json={}, timeout=TIMEOUT)
    assert bare.status_code == 400 and bare.json()["error"]["code"] == "INVALID_FIELDS"
    guessed = requests.post(url, headers=bearer(tokens), json={"password": "x"}, timeout=TIMEOUT)
    assert guessed.status_code == 401 and guessed.json()["error"]["code"] == "WRONG_PASSWORD"

    begun = requests.post(
        url, headers=bearer(tokens), json={"password": "Kavita-pass-1"}, timeout=TIMEOUT
    )
    assert begun.status_code == 200
    totp = pyotp.TOTP(begun.json()["secret"])
    confirmed = requests.post(
        f"{url}/confirm", headers=bearer(tokens), json={"code": totp.now()}, timeout=TIMEOUT
    )
    assert confirmed.json() == {"totp_enabled": True}

    again = requests.post(
        url, headers=bearer(tokens), json={"password": "Kavita-pass-1"}, timeout=TIMEOUT
    )
    assert again.status_code == 401 and again.json()["error"]["code"] == "OTP_REQUIRED"
    assert again.json()["error"]["message"] == "Enter the 6-digit code from your authenticator app."

    removed = requests.post(
        f"{url}/remove",
        headers=bearer(tokens),
        json={"password": "Kavita-pass-1", "otp": totp.at(time.time() + totp.interval)},
        timeout=TIMEOUT,
    )
    assert removed.status_code == 200 and removed.json() == {"totp_enabled": False}
