"""The officer's command-line signer, from the officer's side: what it signs, what it refuses,
and what it says when the PIN, the token or the key is wrong. Run as its own process against a
SoftHSM2 token, and in ``--url`` mode against a small HTTP server standing in for the office."""

import base64
import json
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from common.errors import Refused
from services.signing.domain import token_signing
from services.signing.render.stamp import Stamp
from tests.support import pdfs, pki
from tests.support.token import soft_token

ROOT = Path(__file__).resolve().parents[2]
CHAIN = [pki.licensed_ca().der, pki.root_ca().der]
STAMP = Stamp(
    name_en="Pooja Yadav",
    name_hi="पूजा यादव",
    designation_en="Superintendent of Police",
    designation_hi="पुलिस अधीक्षक",
    office_en="District Police Office, Raipur",
    office_hi="ज़िला पुलिस कार्यालय, रायपुर",
    signed_at=datetime.now(UTC),
)


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    return soft_token(tmp_path_factory.mktemp("token"), label="Officer Token")


@pytest.fixture(scope="module")
def prepared(token):
    """One prepared signing per key type (what the office serves at GET /signing/{id})."""
    return {
        key: token_signing.prepare(pdfs.pdf(), token.keys[key].der, CHAIN, STAMP, "Sig1")
        for key in ("rsa", "ec")
    }


def request_for(prepared: token_signing.Prepared, signing_id: str = "sg-42") -> dict:
    return {
        "signing_id": signing_id,
        "to_sign_b64": base64.b64encode(prepared.signed_attrs).decode(),
        "algorithm": prepared.algorithm,
    }


def run_signer(token, args, request=None, tmp_path=None, pin=None, key="rsa"):
    argv = token.signer_args(key) + args
    if request is not None:
        (tmp_path / "request.json").write_text(json.dumps(request))
        argv += ["--in", str(tmp_path / "request.json"), "--out", str(tmp_path / "out.json")]
    return subprocess.run(
        argv,
        env=token.env(pin=pin),
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("key", ["rsa", "ec"])
def test_the_signature_written_out_is_by_the_key_on_the_token(token, prepared, tmp_path, key):
    done = run_signer(token, [], request_for(prepared[key]), tmp_path, key=key)

    assert done.returncode == 0, done.stderr
    answer = json.loads((tmp_path / "out.json").read_text())
    assert set(answer) == {"signing_id", "signature_b64"} and answer["signing_id"] == "sg-42"
    signature = base64.b64decode(answer["signature_b64"])
    token_signing.check_token_signature(token.keys[key].der, prepared[key].signed_attrs, signature)
    # the officer is shown the document digest, to compare with what the office shows
    assert prepared[key].document_digest.hex() in done.stderr
    assert token.pin not in done.stdout + done.stderr


def test_a_wrong_pin_is_named_as_such(token, prepared, tmp_path):
    done = run_signer(token, [], request_for(prepared["rsa"]), tmp_path, pin="999999")

    assert done.returncode == 1
    assert "wrong PIN" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_token_that_is_not_there_is_named_with_the_ones_that_are(token, prepared, tmp_path):
    argv = token.signer_args("rsa", token_label="Someone Else") + [
        "--in",
        str(tmp_path / "request.json"),
        "--out",
        str(tmp_path / "out.json"),
    ]
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["rsa"])))
    done = subprocess.run(
        argv, env=token.env(), cwd=ROOT, check=False, capture_output=True, text=True
    )

    assert done.returncode == 1
    assert "no token labelled 'Someone Else'" in done.stderr
    assert "'Officer Token'" in done.stderr


def test_a_key_that_is_not_on_the_token_is_named(token, prepared, tmp_path):
    done = run_signer(token, [], request_for(prepared["rsa"]), tmp_path, key="dsc-2019")

    assert done.returncode == 1
    assert "no RSA private key labelled 'dsc-2019'" in done.stderr


def test_an_rsa_request_is_not_signed_with_the_ec_key(token, prepared, tmp_path):
    done = run_signer(token, [], request_for(prepared["rsa"]), tmp_path, key="ec")

    assert done.returncode == 1
    assert "no RSA private key labelled 'ec'" in done.stderr


def test_the_token_signs_nothing_but_a_pdf_signatures_attributes(token, tmp_path):
    for to_sign in (b"login challenge 12345", b"\x30\x03\x02\x01\x01"):
        request = {
            "signing_id": "sg-9",
            "to_sign_b64": base64.b64encode(to_sign).decode(),
            "algorithm": "sha256_rsa",
        }
        done = run_signer(token, [], request, tmp_path)

        assert done.returncode == 2
        assert "not a PDF signature's signed attributes" in done.stderr


@pytest.mark.parametrize(
    "broken, said",
    [
        ({"to_sign_b64": "AAAA", "algorithm": "sha256_rsa"}, "no signing_id"),
        ({"signing_id": "s", "to_sign_b64": "AAAA", "algorithm": "md5_rsa"}, "unknown algorithm"),
        ({"signing_id": "s", "to_sign_b64": "***", "algorithm": "sha256_rsa"}, "not base64"),
    ],
)
def test_a_malformed_request_is_refused_before_the_token_is_opened(token, tmp_path, broken, said):
    done = run_signer(token, [], broken, tmp_path)

    assert done.returncode == 2
    assert said in done.stderr


def test_without_a_pin_and_without_a_terminal_it_says_how_to_give_one(token, prepared, tmp_path):
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["rsa"])))
    argv = token.signer_args("rsa")[:-2] + [
        "--in",
        str(tmp_path / "request.json"),
        "--out",
        str(tmp_path / "out.json"),
    ]
    done = subprocess.run(
        argv,
        env=token.env(),
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 2
    assert "--pin-env" in done.stderr


class Office:
    """Just enough of the office's two routes: GET the prepared signing, POST its completion."""

    def __init__(
        self, prepared: token_signing.Prepared, cert_der: bytes, refuse: str | None = None
    ):
        self.prepared, self.cert_der, self.refuse = prepared, cert_der, refuse
        self.seen: list[tuple[str, str, str | None]] = []
        office = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                office.seen.append(("GET", self.path, self.headers.get("Authorization")))
                self._answer(200, request_for(office.prepared, "sg-7"))

            def do_POST(self):
                office.seen.append(("POST", self.path, self.headers.get("Authorization")))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if office.refuse:
                    error = {"code": office.refuse, "message": "This signing has expired."}
                    return self._answer(409, {"error": error})
                try:
                    token_signing.check_token_signature(
                        office.cert_der,
                        office.prepared.signed_attrs,
                        base64.b64decode(body["signature_b64"]),
                    )
                except Refused as refused:
                    return self._answer(422, {"error": {"code": refused.code}})
                self._answer(200, {"signing_id": "sg-7", "status": "signed"})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v1/signing/sg-7"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run_against(office: Office, token, bearer="jwt-of-pooja"):
    argv = token.signer_args("rsa") + ["--url", office.url, "--token-env", "EOFFICE_TOKEN"]
    env = {**token.env(), "EOFFICE_TOKEN": bearer}
    return subprocess.run(
        argv, env=env, cwd=ROOT, check=False, capture_output=True, text=True, timeout=60
    )


def test_with_url_it_fetches_the_signing_and_posts_the_signature_back(token, prepared):
    office = Office(prepared["rsa"], token.keys["rsa"].der)
    try:
        done = run_against(office, token)
    finally:
        office.close()

    assert done.returncode == 0, done.stderr
    assert "signed and accepted: sg-7" in done.stderr
    assert office.seen == [
        ("GET", "/api/v1/signing/sg-7", "Bearer jwt-of-pooja"),
        ("POST", "/api/v1/signing/sg-7/complete", "Bearer jwt-of-pooja"),
    ]


def test_with_url_the_offices_refusal_is_shown(token, prepared):
    office = Office(prepared["rsa"], token.keys["rsa"].der, refuse="SIGNING_EXPIRED")
    try:
        done = run_against(office, token)
    finally:
        office.close()

    assert done.returncode == 3
    assert "409: SIGNING_EXPIRED (This signing has expired.)" in done.stderr


def test_the_token_signer_needs_no_server_code():
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tools.token_signer; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'pyhanko', 'services', 'common', 'gateway', 'cryptography', 'nameko'}))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "[]"
