"""Sign a prepared signing on your own DSC token, over PKCS#11. The key never leaves the token.

    python -m tools.token_signer --module /usr/lib/softhsm/libsofthsm2.so \\
        --token-label LABEL --key-label LABEL [--pin-env VAR] --in request.json --out response.json

    python -m tools.token_signer --module ... --token-label ... --key-label ... \\
        --url https://office.example/api/v1/signing/ID --token-env EOFFICE_TOKEN

The request is ``{"signing_id": ..., "to_sign_b64": ..., "algorithm": "sha256_rsa" |
"sha256_ecdsa"}``; the response ``{"signing_id": ..., "signature_b64": ...}``. With ``--url``
the request is fetched from the URL and the signature posted to ``URL/complete`` with
``Authorization: Bearer $VAR``, where VAR holds the token the office made for this one signing
(shown on the sign page, and as ``signing_token`` in the API's answer to "sign"): it fetches
and completes that signing and can do nothing else, and it expires with the signing. The PIN
comes from ``--pin-env`` or is asked for; it is never printed. Only a CMS signed-attributes
set (what a PDF signature signs) is signed: the token is not lent out to sign anything else.

RSA signs with CKM_SHA256_RSA_PKCS. EC tokens (SoftHSM2 among them) may lack CKM_ECDSA_SHA256,
so the SHA-256 is taken here and signed with CKM_ECDSA, and r‖s is DER-encoded.

Exit 0: signed (and, with --url, accepted); 1: token, PIN or key problem; 2: unusable request
or arguments; 3: the office refused it or could not be reached.

Needs python-pkcs11 (and asn1crypto, which it brings) and, for --url, requests; nothing else.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pkcs11
from eoffice_signer.signed_attributes import document_digest, is_signed_attributes
from pkcs11 import KeyType, Mechanism, ObjectClass
from pkcs11 import exceptions as p11
from pkcs11.types import SignMixin
from pkcs11.util.ec import encode_ecdsa_signature

if TYPE_CHECKING:
    import requests  # only --url needs it, imported there
    from pkcs11._pkcs11 import lib as Library

ALGORITHMS = {"sha256_rsa": KeyType.RSA, "sha256_ecdsa": KeyType.EC}
MAX_TO_SIGN = 8192  # signed attributes are a few hundred bytes


class SignerError(Exception):
    """A problem the officer can act on; ``exit_code`` as in the module docstring."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Request:
    signing_id: str
    to_sign: bytes
    algorithm: str


def read_request(data: dict) -> Request:
    """Check a prepared signing before the token sees it."""
    if not isinstance(data, dict):
        raise SignerError("the request is not a JSON object", 2)
    signing_id = data.get("signing_id")
    algorithm = data.get("algorithm")
    if not isinstance(signing_id, str) or not signing_id:
        raise SignerError("the request has no signing_id", 2)
    if algorithm not in ALGORITHMS:
        raise SignerError(
            f"unknown algorithm {algorithm!r}: expected one of {sorted(ALGORITHMS)}", 2
        )
    try:
        to_sign = base64.b64decode(data.get("to_sign_b64") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise SignerError("to_sign_b64 is not base64", 2) from None
    if not to_sign or len(to_sign) > MAX_TO_SIGN:
        raise SignerError("to_sign_b64 is empty or too long to be signed attributes", 2)
    if not is_signed_attributes(to_sign):
        raise SignerError("what the office sent is not a PDF signature's signed attributes", 2)
    return Request(signing_id=signing_id, to_sign=to_sign, algorithm=algorithm)


def sign(module: str, token_label: str, key_label: str, pin: str, request: Request) -> bytes:
    """Sign ``request.to_sign`` with the private key labelled ``key_label`` on the token."""
    key_type = ALGORITHMS[request.algorithm]
    try:
        library = pkcs11.lib(module)
    except (OSError, RuntimeError, p11.PKCS11Error) as error:
        raise SignerError(f"cannot load the PKCS#11 module {module}: {error}") from None
    try:
        token = library.get_token(token_label=token_label)
    except p11.NoSuchToken:
        raise SignerError(
            f"no token labelled {token_label!r}: is it plugged in? "
            f"(tokens seen: {', '.join(_token_labels(library)) or 'none'})"
        ) from None
    except p11.MultipleTokensReturned:
        raise SignerError(f"more than one token is labelled {token_label!r}") from None
    try:
        with token.open(user_pin=pin) as session:
            key = _private_key(session, key_label, key_type, request.algorithm)
            if key_type == KeyType.RSA:
                return key.sign(request.to_sign, mechanism=Mechanism.SHA256_RSA_PKCS)
            digest = hashlib.sha256(request.to_sign).digest()
            return encode_ecdsa_signature(key.sign(digest, mechanism=Mechanism.ECDSA))
    except p11.PinIncorrect:
        raise SignerError("wrong PIN (a few more wrong tries will lock the token)") from None
    except p11.PinLocked:
        raise SignerError("the token's PIN is locked: ask your CA or token admin") from None
    except (p11.PinLenRange, p11.PinInvalid):
        raise SignerError(
            "that PIN cannot be right for this token (length or characters)"
        ) from None
    except (p11.TokenNotPresent, p11.DeviceRemoved):
        raise SignerError("the token was removed") from None
    except p11.PKCS11Error as error:
        raise SignerError(f"the token refused: {type(error).__name__}") from None


def _private_key(
    session: pkcs11.Session, key_label: str, key_type: KeyType, algorithm: str
) -> SignMixin:
    try:
        key = session.get_key(
            object_class=ObjectClass.PRIVATE_KEY, key_type=key_type, label=key_label
        )
        return cast(SignMixin, key)  # a private key of a signing type
    except p11.NoSuchKey:
        raise SignerError(
            f"no {key_type.name} private key labelled {key_label!r} on the token "
            f"(the office asks for {algorithm})"
        ) from None
    except p11.MultipleObjectsReturned:
        raise SignerError(f"more than one private key is labelled {key_label!r}") from None


def _token_labels(library: Library) -> list[str]:
    try:
        tokens = [slot.get_token() for slot in library.get_slots(token_present=True)]
        return [repr(token.label) for token in tokens if token.label.strip()]
    except p11.PKCS11Error:
        return []


def _pin(pin_env: str | None, token_label: str) -> str:
    if pin_env:
        pin = os.environ.get(pin_env)
        if not pin:
            raise SignerError(f"the environment variable {pin_env} holds no PIN", 2)
        return pin
    if not sys.stdin.isatty():
        raise SignerError("no PIN: give --pin-env VAR or run this in a terminal", 2)
    return getpass.getpass(f"PIN for token {token_label!r}: ")


def _read_json(path: str) -> dict:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise SignerError(f"cannot read {path}: {error.strerror}", 2) from None
    except ValueError:
        raise SignerError(f"{path} is not JSON", 2) from None


def _write_json(path: str, data: dict) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")


def _office(token_env: str) -> requests.Session:
    """A ``requests`` session that speaks to the office with the token for this signing."""
    import requests  # only --url needs it

    bearer = os.environ.get(token_env)
    if not bearer:
        raise SignerError(f"the environment variable {token_env} holds no signing token", 2)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {bearer}"
    return session


def _call(session: requests.Session, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    import requests

    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as error:
        raise SignerError(f"cannot reach the office at {url}: {type(error).__name__}", 3) from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if response.status_code >= 400:
        problem = body.get("error")
        refusal = problem if isinstance(problem, dict) else {}
        said = refusal.get("code") or response.reason
        if refusal.get("message"):
            said = f"{said} ({refusal['message']})"
        raise SignerError(f"the office said {response.status_code}: {said}", 3)
    if not body:
        raise SignerError("the office answered with something that is not a JSON object", 3)
    return body


def run(args: argparse.Namespace) -> int:
    session = None
    if args.url:
        session = _office(args.token_env)
        data = _call(session, "GET", args.url)
    else:
        data = _read_json(args.input)
    request = read_request(data)
    print(
        f"signing {request.signing_id}: document digest {document_digest(request.to_sign) or '?'}",
        file=sys.stderr,
    )
    pin = _pin(args.pin_env, args.token_label)
    signature = sign(args.module, args.token_label, args.key_label, pin, request)
    response = {
        "signing_id": request.signing_id,
        "signature_b64": base64.b64encode(signature).decode(),
    }
    if session is not None:
        answer = _call(
            session,
            "POST",
            args.url.rstrip("/") + "/complete",
            json={"signature_b64": response["signature_b64"]},
        )
        print(f"signed and accepted: {request.signing_id}", file=sys.stderr)
        if args.output:
            _write_json(args.output, answer)
        return 0
    _write_json(args.output, response)
    print(f"signed: {request.signing_id}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.token_signer",
        description="Sign a prepared e-Office signing on your DSC token (PKCS#11).",
    )
    p.add_argument("--module", required=True, help="the token's PKCS#11 library (.so / .dll)")
    p.add_argument("--token-label", required=True)
    p.add_argument("--key-label", required=True, help="label of the signing key on the token")
    p.add_argument("--pin-env", help="environment variable holding the PIN (else asked)")
    p.add_argument("--in", dest="input", help="the prepared signing (JSON; - for stdin)")
    p.add_argument("--out", dest="output", help="where to write the signature (JSON; - stdout)")
    p.add_argument("--url", help="the prepared signing's URL on the office server")
    p.add_argument(
        "--token-env", help="environment variable holding the token for this signing (sign page)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.url:
        if args.input or not args.token_env:
            p.error("--url takes --token-env and no --in")
    elif not (args.input and args.output):
        p.error("give --in and --out, or --url and --token-env")
    try:
        return run(args)
    except SignerError as error:
        print(f"token_signer: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("token_signer: cancelled", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
