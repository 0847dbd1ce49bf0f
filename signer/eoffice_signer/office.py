"""Speaking to the office: fetch a prepared signing, send its signature back. Python's own HTTP
client (one package less on the officer's computer), with the token for this signing only.

Redirects are not followed: the token would go along to wherever the answer points."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from eoffice_signer.errors import OFFICE_REFUSED, SignerError
from eoffice_signer.link import COMMAND, Ticket

TIMEOUT = 30


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer is then an error, told as the office's


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(ticket: Ticket) -> dict[str, Any]:
    """The prepared signing: what the token must sign."""
    return _call(ticket, "GET", ticket.url)


def complete(ticket: Ticket, signature_b64: str) -> dict[str, Any]:
    """Send the token's signature; the office checks it against the enrolled DSC and embeds
    it."""
    return _call(
        ticket, "POST", f"{ticket.url.rstrip('/')}/complete", {"signature_b64": signature_b64}
    )


def _call(ticket: Ticket, method: str, url: str, body: dict | None = None) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {ticket.bearer}",
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": COMMAND,
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            status, reason, data = response.status, response.reason, response.read()
    except urllib.error.HTTPError as answered:
        status, reason, data = answered.code, answered.reason, answered.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        why = getattr(error, "reason", None) or type(error).__name__
        raise SignerError(f"cannot reach the office at {url}: {why}", OFFICE_REFUSED) from None
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
    if status >= 300:
        problem = answer.get("error")
        refusal = problem if isinstance(problem, dict) else {}
        said = refusal.get("code") or reason
        if refusal.get("message"):
            said = f"{said} ({refusal['message']})"
        raise SignerError(f"the office said {status}: {said}", OFFICE_REFUSED)
    if not answer:
        raise SignerError(
            "the office answered with something that is not a JSON object", OFFICE_REFUSED
        )
    return answer
