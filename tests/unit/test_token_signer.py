"""The officer's signer (the ``eoffice-signer`` command of the signer package), from the
officer's side: the certificates it shows and the one it signs with, what it signs, what it
refuses, and what it says when the PIN, the token or the certificate is wrong. Run as its own
process against a SoftHSM2 token holding two certificates (RSA and EC) beside their keys, and
online against a small HTTP server standing in for the office."""

import base64
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from eoffice_signer.link import signing_link

from common.errors import Refused
from services.signing.domain import token_signing
from services.signing.render.stamp import Stamp
from tests.support import pdfs, pki
from tests.support.terminal import on_a_terminal
from tests.support.token import PIN_ENV, SIGNER, soft_token

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


def request_for(
    prepared: token_signing.Prepared, signing_id: str = "sg-42", enrolled: str | None = None
) -> dict:
    request = {
        "signing_id": signing_id,
        "to_sign_b64": base64.b64encode(prepared.signed_attrs).decode(),
        "algorithm": prepared.algorithm,
    }
    return request if enrolled is None else {**request, "certificate_sha256": enrolled}


def signer(argv, env, typed=None):
    """The command as a script runs it: no terminal; ``typed`` is what comes on its stdin."""
    return subprocess.run(
        [SIGNER, *argv],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        input=typed,
        stdin=subprocess.DEVNULL if typed is None else None,
    )


def run_signer(token, args, request=None, tmp_path=None, pin=None, key="rsa"):
    """With ``key``, its certificate chosen by SHA-256 and the PIN from the environment;
    without, only the token's library."""
    argv = (token.signer_args(key)[1:] if key else ["--module", token.module]) + args
    if request is not None:
        (tmp_path / "request.json").write_text(json.dumps(request))
        argv += ["--in", str(tmp_path / "request.json"), "--out", str(tmp_path / "out.json")]
    return signer(argv, token.env(pin=pin))


def signed_by(token, key: str, prepared, tmp_path) -> None:
    answer = json.loads((tmp_path / "out.json").read_text())
    assert set(answer) == {"signing_id", "signature_b64"}
    signature = base64.b64decode(answer["signature_b64"])
    token_signing.check_token_signature(token.keys[key].der, prepared.signed_attrs, signature)


@pytest.mark.parametrize("key", ["rsa", "ec"])
def test_the_signature_written_out_is_by_the_key_on_the_token(token, prepared, tmp_path, key):
    done = run_signer(token, [], request_for(prepared[key]), tmp_path, key=key)

    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text())["signing_id"] == "sg-42"
    signed_by(token, key, prepared[key], tmp_path)
    # the officer is shown the document digest, to compare with what the office shows
    assert prepared[key].document_digest.hex() in done.stderr
    assert token.pin not in done.stdout + done.stderr


# --- the certificates on the token, and the one chosen ----------------------------------------


def test_the_certificates_are_listed_with_who_issued_them_until_when_and_their_key(token):
    done = signer(["--list"], token.env())

    assert done.returncode == 0, done.stderr
    until = {key: token.keys[key].cert.not_valid_after_utc.date().isoformat() for key in token.keys}
    assert done.stdout.splitlines() == [
        f"  1. Pooja Yadav - EC key, issued by {pki.LICENSED_CA_NAME}, valid until {until['ec']}; "
        "token 'Officer Token', label 'ec'",
        f"     SHA-256 {token.keys['ec'].sha256}",
        f"  2. Pooja Yadav - RSA key, issued by {pki.LICENSED_CA_NAME}, valid until "
        f"{until['rsa']}; token 'Officer Token', label 'rsa'",
        f"     SHA-256 {token.keys['rsa'].sha256}",
    ]


def test_only_certificates_an_officer_signs_with_are_offered(tmp_path):
    token = soft_token(tmp_path / "token", key_types=("rsa",))
    encryption = pki.officer("Pooja Yadav", key_usage={"key_encipherment"}).cert
    token.put_others(root=pki.root_ca().cert, ca=pki.licensed_ca().cert, encryption=encryption)

    done = signer(["--list"], token.env())

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("SHA-256") == 1 and "label 'rsa'" in done.stdout


def test_the_certificate_is_picked_by_its_number_in_the_list(token, prepared, tmp_path):
    args = ["--module", token.module, "--cert", "1", "--pin-env", PIN_ENV]
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["ec"])))
    done = signer(
        [*args, "--in", str(tmp_path / "request.json"), "--out", str(tmp_path / "out.json")],
        token.env(),
    )

    assert done.returncode == 0, done.stderr
    assert "with Pooja Yadav - EC key" in done.stderr
    signed_by(token, "ec", prepared["ec"], tmp_path)


def test_the_certificate_is_picked_by_its_sha256_as_the_office_shows_it(token, prepared, tmp_path):
    fingerprint = token.keys["rsa"].sha256.upper()
    colons = ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2))
    argv = ["--cert-sha256", colons, "--pin-env", PIN_ENV]
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["rsa"])))
    done = signer(
        [*argv, "--in", str(tmp_path / "request.json"), "--out", str(tmp_path / "out.json")],
        token.env(),
    )

    assert done.returncode == 0, done.stderr
    signed_by(token, "rsa", prepared["rsa"], tmp_path)


def test_in_a_terminal_the_officer_picks_the_certificate_by_its_number(token, prepared, tmp_path):
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["rsa"])))
    argv = [SIGNER, "--in", str(tmp_path / "request.json"), "--out", str(tmp_path / "out.json")]
    env = token.env()
    env.pop(PIN_ENV)

    code, said = on_a_terminal(
        argv, env, [("Which one signs?", "7"), ("Which one signs?", "2"), ("PIN for", token.pin)]
    )

    assert code == 0, said
    assert "  1. Pooja Yadav - EC key" in said and "  2. Pooja Yadav - RSA key" in said
    assert "That is not one of the numbers shown." in said
    assert token.pin not in said  # typed with echo off
    signed_by(token, "rsa", prepared["rsa"], tmp_path)


def test_the_dsc_the_office_enrolled_is_picked_by_itself(token, prepared, tmp_path):
    request = request_for(prepared["rsa"], enrolled=token.keys["rsa"].sha256)
    done = run_signer(token, ["--pin-env", PIN_ENV], request, tmp_path, key=None)

    assert done.returncode == 0, done.stderr
    signed_by(token, "rsa", prepared["rsa"], tmp_path)


def test_another_certificate_than_the_enrolled_dsc_is_not_signed_with(token, prepared, tmp_path):
    request = request_for(prepared["ec"], enrolled=token.keys["rsa"].sha256)
    done = run_signer(token, [], request, tmp_path, key="ec")

    assert done.returncode == 1
    assert (
        f"the office enrolled another certificate as your DSC (SHA-256 {token.keys['rsa'].sha256})"
        in done.stderr
    )
    assert not (tmp_path / "out.json").exists()


def test_an_enrolled_dsc_that_is_not_on_the_token_is_named_with_those_that_are(
    token, prepared, tmp_path
):
    request = request_for(prepared["rsa"], enrolled="ab" * 32)
    done = run_signer(token, ["--pin-env", PIN_ENV], request, tmp_path, key=None)

    assert done.returncode == 1
    assert f"your DSC enrolled with the office (SHA-256 {'ab' * 32}) is not on" in done.stderr
    assert f"Pooja Yadav ({token.keys['rsa'].sha256[:12]}…)" in done.stderr


def test_with_two_certificates_and_no_terminal_it_says_how_to_choose(token, prepared, tmp_path):
    done = run_signer(
        token, ["--pin-env", PIN_ENV], request_for(prepared["rsa"]), tmp_path, key=None
    )

    assert done.returncode == 2
    assert "the tokens hold 2 certificates: choose one with --cert N" in done.stderr


def test_a_number_not_in_the_list_is_refused(token, prepared, tmp_path):
    done = run_signer(
        token,
        ["--cert", "3", "--pin-env", PIN_ENV],
        request_for(prepared["rsa"]),
        tmp_path,
        key=None,
    )

    assert done.returncode == 2
    assert "there is no certificate 3: the tokens hold 2" in done.stderr


def test_an_rsa_request_is_not_signed_with_the_ec_certificate(token, prepared, tmp_path):
    done = run_signer(token, [], request_for(prepared["rsa"]), tmp_path, key="ec")

    assert done.returncode == 1
    assert "asks for a signature by an RSA key, but Pooja Yadav's certificate" in done.stderr
    assert "(label 'ec') is for an EC key" in done.stderr


# --- the token, its driver and its PIN --------------------------------------------------------


def test_a_wrong_pin_is_named_as_such(token, prepared, tmp_path):
    done = run_signer(token, [], request_for(prepared["rsa"]), tmp_path, pin="999999")

    assert done.returncode == 1
    assert "wrong PIN" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_token_that_is_not_plugged_in_is_told(tmp_path, prepared):
    nothing = tmp_path / "no-token"
    (nothing / "tokens").mkdir(parents=True)
    (nothing / "softhsm2.conf").write_text(f"directories.tokendir = {nothing / 'tokens'}\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(nothing / "softhsm2.conf")}

    done = signer(["--list"], env)

    assert done.returncode == 1
    assert "no token with a signing certificate is plugged in" in done.stderr


def test_the_driver_is_named_by_the_environment_when_it_is_elsewhere(token):
    done = signer(["--list"], {**token.env(), "EOFFICE_PKCS11_MODULE": "/opt/none/libx.so"})

    assert done.returncode == 2
    assert "there is no PKCS#11 library at /opt/none/libx.so (EOFFICE_PKCS11_MODULE)" in done.stderr
    named = signer(["--list"], {**token.env(), "EOFFICE_PKCS11_MODULE": token.module})
    assert named.returncode == 0 and named.stdout.count("SHA-256") == 2


def test_a_library_that_is_no_pkcs11_library_is_told(token, tmp_path):
    fake = tmp_path / "libnot.so"
    fake.write_bytes(b"not a library")

    done = signer(["--list", "--module", str(fake)], token.env())

    assert done.returncode == 1
    assert f"cannot load the PKCS#11 library {fake}" in done.stderr


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
        (
            {
                "signing_id": "s",
                "to_sign_b64": "AAAA",
                "algorithm": "sha256_rsa",
                "certificate_sha256": "x",
            },
            "certificate_sha256 is not a SHA-256",
        ),
    ],
)
def test_a_malformed_request_is_refused_before_the_token_is_opened(token, tmp_path, broken, said):
    done = run_signer(token, [], broken, tmp_path)

    assert done.returncode == 2
    assert said in done.stderr


def test_without_a_pin_and_without_a_terminal_it_says_how_to_give_one(token, prepared, tmp_path):
    (tmp_path / "request.json").write_text(json.dumps(request_for(prepared["rsa"])))
    argv = token.signer_args("rsa")[1:-2] + [
        "--in",
        str(tmp_path / "request.json"),
        "--out",
        str(tmp_path / "out.json"),
    ]
    done = signer(argv, token.env())

    assert done.returncode == 2
    assert "--pin-env" in done.stderr


# --- online: the office's link, or --url ------------------------------------------------------


class Office:
    """Just enough of the office's two routes: GET the prepared signing, POST its completion."""

    def __init__(
        self,
        prepared: token_signing.Prepared,
        cert_der: bytes,
        enrolled: str | None = None,
        refuse: str | None = None,
    ):
        self.prepared, self.cert_der, self.refuse = prepared, cert_der, refuse
        self.seen: list[tuple[str, str, str | None]] = []
        office = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                office.seen.append(("GET", self.path, self.headers.get("Authorization")))
                self._answer(200, request_for(office.prepared, "sg-7", enrolled))

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
        self.address = f"http://127.0.0.1:{self.server.server_port}"
        self.url = f"{self.address}/api/v1/signing/sg-7"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def office(token, prepared):
    """The office, which enrolled the token's RSA certificate as the officer's DSC."""
    office = Office(prepared["rsa"], token.keys["rsa"].der, enrolled=token.keys["rsa"].sha256)
    yield office
    office.close()


def signing_token(signing_id="sg-7", expires_in=600, name="Pooja Yadav") -> str:
    """A token as identity makes one for a signing (its signature is the office's to check)."""
    claims = {"aud": f"eoffice-signing:{signing_id}", "exp": int(time.time()) + expires_in}
    return jwt.encode({**claims, "name": name}, "not-the-office-key-" * 2, algorithm="HS256")


def test_with_the_link_it_fetches_the_signing_and_sends_the_signature_back(token, office):
    bearer = signing_token()
    link = signing_link(office.address, "sg-7", bearer)

    done = signer([link, "--pin-env", PIN_ENV], token.env())

    assert done.returncode == 0, done.stderr
    assert f"asking the office: {office.url} (Pooja Yadav)" in done.stderr
    assert "with Pooja Yadav - RSA key" in done.stderr  # the enrolled DSC, of the two
    assert "signed and accepted: sg-7" in done.stderr
    assert office.seen == [
        ("GET", "/api/v1/signing/sg-7", f"Bearer {bearer}"),
        ("POST", "/api/v1/signing/sg-7/complete", f"Bearer {bearer}"),
    ]


def test_the_line_from_the_sign_page_is_pasted_when_asked_for(token, office):
    link = signing_link(office.address, "sg-7", signing_token())

    done = signer(["--pin-env", PIN_ENV], token.env(), typed=f'  "{link}"  \n')

    assert done.returncode == 0, done.stderr
    assert "Paste the line from the sign page" in done.stderr
    assert "signed and accepted: sg-7" in done.stderr


def test_a_forged_link_is_refused_before_anything_is_asked_of_the_office(token, office):
    """Someone else's link: its signing changed to another, or its office to a server of
    theirs (not over https). What is wrong with a link, each way, is in test_signer_link."""
    for link, said in (
        (signing_link(office.address, "sg-8", signing_token()), "its token is not for its signing"),
        (
            signing_link("http://10.0.0.5:8000", "sg-7", signing_token()),
            "the link's office 'http://10.0.0.5:8000' is not reached over https",
        ),
    ):
        done = signer([link, "--pin-env", PIN_ENV], token.env())

        assert done.returncode == 2
        assert said in done.stderr
    assert office.seen == []


def test_with_url_it_fetches_the_signing_and_posts_the_signature_back(token, office):
    argv = ["--url", office.url, "--token-env", "EOFFICE_TOKEN", "--pin-env", PIN_ENV]

    done = signer(argv, {**token.env(), "EOFFICE_TOKEN": "jwt-of-pooja"})

    assert done.returncode == 0, done.stderr
    assert "signed and accepted: sg-7" in done.stderr
    assert office.seen == [
        ("GET", "/api/v1/signing/sg-7", "Bearer jwt-of-pooja"),
        ("POST", "/api/v1/signing/sg-7/complete", "Bearer jwt-of-pooja"),
    ]


def test_the_offices_refusal_is_shown(token, prepared):
    office = Office(prepared["rsa"], token.keys["rsa"].der, refuse="SIGNING_EXPIRED")
    try:
        done = signer(
            [signing_link(office.address, "sg-7", signing_token()), *token.signer_args("rsa")[1:]],
            token.env(),
        )
    finally:
        office.close()

    assert done.returncode == 3
    assert "409: SIGNING_EXPIRED (This signing has expired.)" in done.stderr


def test_an_office_that_does_not_answer_is_told(token):
    link = signing_link("http://127.0.0.1:9", "sg-7", signing_token())

    done = signer([link, *token.signer_args("rsa")[1:]], token.env())

    assert done.returncode == 3
    assert "cannot reach the office at http://127.0.0.1:9/api/v1/signing/sg-7" in done.stderr


def test_the_signer_needs_no_server_code():
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, eoffice_signer.cli; print(sorted({m.split('.')[0] for m in sys.modules}"
            " & {'pyhanko', 'services', 'common', 'gateway', 'tools', 'cryptography', 'nameko',"
            " 'requests'}))",
        ],
        cwd=ROOT / "signer",
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "[]"
