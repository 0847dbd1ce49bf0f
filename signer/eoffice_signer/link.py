"""The link the sign page shows for one signing, and the line the officer pastes:

    eoffice-sign://sign?office=https://eoffice.example.gov.in&signing=<id>&token=<token>

the office's address, the signing, and the token the office made for that one signing (it
fetches and completes that signing and nothing else, and expires with it). The office writes the
link with this module and the signer reads it with it, so both read it alike. Nothing registers
the scheme with the operating system: the officer pastes the line when the signer asks for it,
or gives the link as the command's argument.

A link is read with suspicion before anything is fetched with it: an office only over https
(plain http only on this very computer), a signing id and a token that belong together, and a
token that has not expired. The office checks the token itself; this is to tell the officer
plainly when a link was cut short, mistyped or put together by someone else.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import SplitResult, parse_qs, urlencode, urlsplit

from eoffice_signer.errors import UNUSABLE, SignerError

SCHEME = "eoffice-sign"
COMMAND = "eoffice-signer"
# The audience of a token good for one signing only (as identity writes it: common/tokens.py).
SIGNING_AUDIENCE_PREFIX = "eoffice-signing:"
SIGNING_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
PARTS = ("office", "signing", "token")


@dataclass(frozen=True)
class Ticket:
    """Where the prepared signing is, and the bearer token that fetches and completes it."""

    url: str
    bearer: str
    person: str | None = None  # whose signing it is, as its token says


def signing_link(office: str, signing_id: str, token: str) -> str:
    """The link for one signing at ``office`` (its address, as printed on letters)."""
    # ":" and "/" left as they are: no "%" for Windows' cmd to read as a variable.
    query = urlencode(
        {"office": office.rstrip("/"), "signing": signing_id, "token": token}, safe=":/"
    )
    return f"{SCHEME}://sign?{query}"


def link_command(link: str) -> str:
    """The one line to run: double quotes read alike by bash, PowerShell and cmd (the link
    holds no ``$``, ``%``, ``!`` or ``"``)."""
    return f'{COMMAND} "{link}"'


def prepared_signing_url(office: str, signing_id: str) -> str:
    """The office's API address of a prepared signing (``/complete`` takes its signature)."""
    return f"{office.rstrip('/')}/api/v1/signing/{signing_id}"


def read_link(line: str, now: float | None = None) -> Ticket:
    """The ticket in a pasted line or a link, or ``SignerError`` saying what is wrong."""
    link = line.strip().strip("\"'")
    parts = urlsplit(link)
    if parts.scheme != SCHEME or parts.netloc != "sign" or parts.path not in ("", "/"):
        raise SignerError(
            f"this is not a signing link: it must begin {SCHEME}://sign? "
            "(copy the whole line from the sign page)",
            UNUSABLE,
        )
    try:
        query = parse_qs(parts.query, strict_parsing=True, max_num_fields=len(PARTS))
    except ValueError:
        query = {}
    if sorted(query) != sorted(PARTS) or any(len(values) != 1 for values in query.values()):
        raise SignerError(
            "the link is cut short or changed: it must carry the office, the signing and its "
            "token, once each (copy the whole line from the sign page)",
            UNUSABLE,
        )
    office, signing_id, token = (query[part][0] for part in PARTS)
    office = _office(office)
    if not SIGNING_ID.fullmatch(signing_id):
        raise SignerError("the link's signing is not an e-Office signing id", UNUSABLE)
    claims = _claims(token)
    if claims.get("aud") != f"{SIGNING_AUDIENCE_PREFIX}{signing_id}":
        raise SignerError(
            "the link's parts do not belong together: its token is not for its signing "
            "(copy the whole line from the sign page again)",
            UNUSABLE,
        )
    expires = claims.get("exp")
    if not isinstance(expires, int | float):
        raise SignerError("the link's token says no time it expires", UNUSABLE)
    if expires <= (time.time() if now is None else now):
        at = datetime.fromtimestamp(expires).strftime("%d %b %Y %H:%M")
        raise SignerError(
            f"this link expired at {at}: prepare your signature again from the file", UNUSABLE
        )
    name = claims.get("name")
    return Ticket(
        url=prepared_signing_url(office, signing_id),
        bearer=token,
        person=name if isinstance(name, str) else None,
    )


def _office(office: str) -> str:
    """The office's address: https, or plain http to this very computer only."""
    try:
        parts = urlsplit(office)
        host = parts.hostname
    except ValueError:  # a broken [IPv6] address
        host = None
    if not host or parts.username or parts.password or parts.query or parts.fragment:
        raise SignerError(f"the link's office {office!r} is not a web address", UNUSABLE)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(host)):
        raise SignerError(
            f"the link's office {office!r} is not reached over https: the signer sends your "
            "signature only to an office over https",
            UNUSABLE,
        )
    return SplitResult(parts.scheme, parts.netloc, parts.path.rstrip("/"), "", "").geturl()


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _claims(token: str) -> dict:
    """What the token says of itself (the office checks its signature; this only reads)."""
    pieces = token.split(".")
    try:
        if len(pieces) != 3:
            raise ValueError
        payload = pieces[1] + "=" * (-len(pieces[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        claims = None
    if not isinstance(claims, dict):
        raise SignerError(
            "the link's token is not one the office makes: was the line cut short? "
            "(then run the whole command the sign page shows)",
            UNUSABLE,
        )
    return claims
