"""``eoffice-signer``: sign a prepared e-Office signing on your own DSC token.

    eoffice-signer                               asks for the line the sign page shows
    eoffice-signer "eoffice-sign://sign?..."     the same, with the sign page's link
    eoffice-signer --list                        the certificates on your tokens
    eoffice-signer --url https://<office>/api/v1/signing/<id> --token-env VAR   (scripts)
    eoffice-signer --in request.json --out response.json                         (files)

The token's driver is looked for at the usual places (``--module`` or ``EOFFICE_PKCS11_MODULE``
name another). The certificate is the DSC the office enrolled when it names one, else the only
one, else the one the officer picks by its number (``--cert N`` or ``--cert-sha256 HEX`` pick
it without asking). The PIN is asked for with echo off, or read from ``--pin-env VAR``; it is
never printed and never sent anywhere. Only a CMS signed-attributes set (what a PDF signature
signs) is signed: the token is not lent out to sign anything else.

A request (``--in``, or what the office serves) is ``{"signing_id", "to_sign_b64",
"algorithm": "sha256_rsa" | "sha256_ecdsa", "certificate_sha256" (optional)}``; the response
(``--out``) ``{"signing_id", "signature_b64"}``. Online, the signature goes to the prepared
signing's ``/complete``, with the token the office made for this one signing.

Exit 0: signed (and, online, accepted); 1: the token, its PIN, its driver or the certificate;
2: an unusable request, link or arguments; 3: the office refused it or could not be reached.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from eoffice_signer import office
from eoffice_signer.dsc import Certificate, certificates, choose, sign
from eoffice_signer.errors import SIGNED, TOKEN_PROBLEM, UNUSABLE, SignerError
from eoffice_signer.link import COMMAND, SCHEME, Ticket, read_link
from eoffice_signer.modules import ENVIRONMENT, find_modules
from eoffice_signer.request import read_request
from eoffice_signer.signed_attributes import document_digest


def run(args: argparse.Namespace) -> int:
    if args.list:
        show(certificates(find_modules(args.module)), sys.stdout)
        return SIGNED
    ticket = _ticket(args)  # None: the request is in a file
    data = _read_json(args.input) if ticket is None else office.fetch(ticket)
    request = read_request(data)
    _say(f"signing {request.signing_id}: document digest {document_digest(request.to_sign) or '?'}")
    found = certificates(find_modules(args.module))
    asking = _ask_for_one if sys.stdin.isatty() else None
    chosen = choose(found, request, args.cert, args.cert_sha256, asking)
    _say(f"with {chosen.describe(datetime.now(UTC))}")
    pin = _pin(args.pin_env, chosen.token_label)
    signature = base64.b64encode(sign(chosen, pin, request)).decode()
    if ticket is None:
        _write_json(args.output, {"signing_id": request.signing_id, "signature_b64": signature})
        _say(f"signed: {request.signing_id}")
        return SIGNED
    answer = office.complete(ticket, signature)
    _say(f"signed and accepted: {request.signing_id}")
    if args.output:
        _write_json(args.output, answer)
    return SIGNED


def show(found: Sequence[Certificate], out: TextIO) -> None:
    """The certificates, numbered as ``--cert`` takes them."""
    now = datetime.now(UTC)
    for number, certificate in enumerate(found, start=1):
        print(f"{number:>3}. {certificate.describe(now)}", file=out)
        print(f"     SHA-256 {certificate.sha256}", file=out)


def _ticket(args: argparse.Namespace) -> Ticket | None:
    if args.input:
        return None
    if args.url:
        bearer = os.environ.get(args.token_env)
        if not bearer:
            raise SignerError(
                f"the environment variable {args.token_env} holds no signing token", UNUSABLE
            )
        return Ticket(url=args.url, bearer=bearer)
    line = args.link or _typed(
        f"Paste the line from the sign page (it begins {SCHEME}://) and press Enter:\n> "
    )
    ticket = read_link(line)
    _say(f"asking the office: {ticket.url}" + (f" ({ticket.person})" if ticket.person else ""))
    return ticket


def _ask_for_one(found: Sequence[Certificate]) -> Certificate:
    _say("The certificates on your tokens:")
    show(found, sys.stderr)
    while True:
        answer = _typed(f"Which one signs? Type its number (1-{len(found)}) and press Enter: ")
        if answer.strip().isdigit() and 1 <= int(answer) <= len(found):
            return found[int(answer) - 1]
        _say("That is not one of the numbers shown.")


def _typed(prompt: str) -> str:
    """A line the officer types (or pastes); the prompt on stderr, as stdout may be the
    answer (``--out -``)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line.strip():
        raise SignerError("nothing was typed: nothing signed", UNUSABLE)
    return line


def _pin(pin_env: str | None, token_label: str) -> str:
    if pin_env:
        pin = os.environ.get(pin_env)
        if not pin:
            raise SignerError(f"the environment variable {pin_env} holds no PIN", UNUSABLE)
        return pin
    if not sys.stdin.isatty():
        raise SignerError("no PIN: give --pin-env VAR or run this in a terminal", UNUSABLE)
    return getpass.getpass(f"PIN for token {token_label!r}: ")


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise SignerError(f"cannot read {path}: {error.strerror}", UNUSABLE) from None
    except ValueError:
        raise SignerError(f"{path} is not JSON", UNUSABLE) from None


def _write_json(path: str, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text, encoding="utf-8")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=COMMAND,
        description="Sign a prepared e-Office signing on your own DSC token (PKCS#11).",
    )
    p.add_argument(
        "link", nargs="?", help=f"the {SCHEME}:// link from the sign page (asked for if not given)"
    )
    p.add_argument(
        "--module", help=f"your token's PKCS#11 library (.so / .dll), else {ENVIRONMENT} or found"
    )
    p.add_argument("--list", action="store_true", help="show the certificates on your tokens")
    p.add_argument("--cert", type=int, metavar="N", help="sign with certificate N of --list")
    p.add_argument("--cert-sha256", metavar="HEX", help="sign with the certificate of this SHA-256")
    p.add_argument("--pin-env", metavar="VAR", help="environment variable holding the PIN")
    p.add_argument("--in", dest="input", metavar="FILE", help="a prepared signing (JSON; - stdin)")
    p.add_argument(
        "--out", dest="output", metavar="FILE", help="where to write the answer (JSON; - stdout)"
    )
    p.add_argument("--url", help="the prepared signing's address on the office server")
    p.add_argument(
        "--token-env", metavar="VAR", help="environment variable holding this signing's token"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if sum(bool(way) for way in (args.link, args.input, args.url)) > 1:
        p.error("give the link, --url or --in: one of them")
    if args.list and (args.link or args.input or args.url):
        p.error("--list signs nothing: give it alone")
    if args.input and not args.output:
        p.error("--in takes --out")
    if bool(args.url) != bool(args.token_env):
        p.error("--url and --token-env go together")
    if args.cert is not None and args.cert_sha256:
        p.error("give --cert or --cert-sha256, not both")
    try:
        return run(args)
    except SignerError as error:
        print(f"{COMMAND}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{COMMAND}: cancelled, nothing signed", file=sys.stderr)
        return TOKEN_PROBLEM
