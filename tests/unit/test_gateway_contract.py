"""The gateway's contract, checked without the services: the OpenAPI document is generated from
the routes, and every screen and message exists in Hindi."""

import re
import subprocess
from pathlib import Path

from babel.messages import pofile

from gateway.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_every_api_route_is_in_the_openapi_document(tmp_path, monkeypatch):
    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path))
    app = create_app({"TESTING": True})
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    served = {
        (re.sub(r"<(?:[^:>]+:)?([a-z0-9_]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "meta.openapi_json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert served and served <= documented
    diarise = spec["paths"]["/api/v1/receipts"]["post"]
    assert "multipart/form-data" in diarise["requestBody"]["content"]
    assert {"400", "401", "413", "415"} <= set(diarise["responses"])
    form = diarise["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"subject", "sender", "pdf"} <= set(form["properties"])


def test_every_string_of_every_screen_has_a_hindi_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(ROOT / ".venv/bin/pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(pot, "rb") as f:
        wanted = {m.id for m in pofile.read_po(f) if m.id}
    with open(ROOT / "gateway/translations/hi/LC_MESSAGES/messages.po", "rb") as f:
        hindi = {m.id: m for m in pofile.read_po(f) if m.id}
    missing = sorted(i for i in wanted if i not in hindi or not hindi[i].string or hindi[i].fuzzy)
    assert missing == []
    assert any("\u0900" <= ch <= "\u097f" for m in hindi.values() for ch in m.string)


def test_errors_are_phrased_in_the_callers_language(tmp_path, monkeypatch):
    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path))
    client = create_app({"TESTING": True}).test_client()
    english = client.get("/api/v1/me").get_json()["error"]
    hindi = client.get("/api/v1/me", headers={"Accept-Language": "hi"}).get_json()["error"]
    assert english == {"code": "NO_TOKEN", "message": "Please log in first.", "details": {}}
    assert hindi["code"] == "NO_TOKEN" and hindi["message"] == "कृपया पहले लॉग इन करें।"


def test_every_error_code_a_service_raises_has_a_message():
    from gateway.messages import MESSAGES

    errors = (
        "InvalidInput|Unauthenticated|Forbidden|NotFound|Conflict|TooLarge|UnsupportedMedia|Refused"
        "|Unavailable"
    )
    pattern = re.compile(rf'(?:(?:{errors})\(|_reason\(\s*"\w+",)\s*"([A-Z0-9_]+)"')
    raised = set()
    for path in [
        *ROOT.glob("services/**/*.py"),
        *ROOT.glob("common/*.py"),
        *ROOT.glob("gateway/**/*.py"),
    ]:
        raised |= set(pattern.findall(path.read_text()))
    # codes raised through a variable (notify refuses an address by what is wrong with it)
    raised |= {
        "ACCOUNT_LOCKED",
        "LOGIN_TOO_SOON",
        "VPN_ADDRESS_INVALID",
        "INVALID_EMAIL",
        "INVALID_MOBILE",
    }
    assert raised and sorted(raised - set(MESSAGES)) == []


def test_a_method_an_address_does_not_take_says_which_it_does(tmp_path, monkeypatch):
    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path))
    client = create_app({"TESTING": True}).test_client()
    r = client.delete("/api/v1/receipts")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert set(r.headers["Allow"].split(", ")) >= {"POST"}


def test_a_page_size_out_of_range_is_refused_before_any_service_is_asked(tmp_path, monkeypatch):
    from common.errors import InvalidInput
    from gateway.api.common import page_limit

    monkeypatch.setenv("EOFFICE_DATA_DIR", str(tmp_path))
    app = create_app({"TESTING": True})
    for query, most, refusal in [
        ("limit=0", 200, "BAD_LIMIT"),
        ("limit=201", 200, "BAD_LIMIT"),
        ("limit=٣", 200, "BAD_LIMIT"),  # an Arabic-Indic 3: no integer as the document says
        ("limit=501", 500, "BAD_REGISTER_LIMIT"),
    ]:
        with app.test_request_context(f"/?{query}"):
            try:
                page_limit(most, refusal)
            except InvalidInput as refused:
                assert refused.code == refusal
            else:
                raise AssertionError(f"{query} was taken")
    with app.test_request_context("/?limit=500"):
        assert page_limit(500, "BAD_REGISTER_LIMIT") == 500
    with app.test_request_context("/"):
        assert page_limit() == 50
