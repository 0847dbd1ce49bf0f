"""SMS out through an HTTP/JSON gateway. Offices buy SMS from different providers, so there is one
adapter, configured by the gateway's URL, its headers (an API key) and a template of the JSON
body it expects, and every answer it can give is told apart into sent (with the provider's
message id) or a DeliveryFailed saying whether trying again later can help."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from common.config import setting
from services.notify.channels import DeliveryFailed, seconds

DEFAULT_TEMPLATE = '{"to": "{to}", "text": "{text}", "reference": "{reference}"}'
FIELDS = ("to", "text", "reference")
REQUIRED = ("to", "text")  # a gateway may have no use for our reference; it must for these
PLACEHOLDER = re.compile(r"\{(\w+)\}")  # JSON's own braces are followed by a quote or a brace
REFUSED = {"error", "failed", "rejected"}  # a 2xx answer's "status" that means not sent
RETRY_LATER = {408, 429}  # the 4xx answers that say "not now" rather than "never"


@dataclass(frozen=True)
class SmsGateway:
    """Where SMS go (the ``EOFFICE_SMS_*`` settings). ``body_template`` is the JSON text the
    gateway expects, with ``{to}``, ``{text}`` and (if the gateway keeps it) ``{reference}``
    inside its strings; each is replaced by its value escaped for a JSON string."""

    url: str
    body_template: str = DEFAULT_TEMPLATE
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)  # an API key
    timeout: float = 10.0

    def __post_init__(self) -> None:
        where = urlsplit(self.url)
        if where.scheme not in ("http", "https") or not where.netloc:
            raise ValueError(f"the SMS gateway's URL must be http(s)://…, not {self.url!r}")
        named = set(PLACEHOLDER.findall(self.body_template))
        problems = []
        if unknown := named - set(FIELDS):
            problems.append(f"names unknown field(s) {sorted(unknown)}")
        if missing := set(REQUIRED) - named:
            problems.append(f"is missing field(s) {sorted(missing)}")
        if problems:
            raise ValueError(
                f"the SMS body template {' and '.join(problems)}:"
                " it may use {to}, {text} and {reference} (EOFFICE_SMS_TEMPLATE)"
            )
        try:
            json.loads(self.body("x", "x", "x"))
        except ValueError as exc:
            raise ValueError(
                "the SMS body template is not JSON once filled in (each field goes inside a"
                f" JSON string, in quotes): {exc} (EOFFICE_SMS_TEMPLATE)"
            ) from None

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> "SmsGateway | None":
        """The gateway of Nameko's config or the environment; None when no URL is set (the
        office sends no SMS)."""
        url = (setting(config, "EOFFICE_SMS_URL") or "").strip()
        if not url:
            return None
        headers_text = setting(config, "EOFFICE_SMS_HEADERS", "{}")
        try:
            headers = json.loads(headers_text)
        except ValueError:
            headers = None
        if not isinstance(headers, dict) or not all(
            isinstance(value, str) for value in headers.values()
        ):
            raise ValueError('EOFFICE_SMS_HEADERS must be a JSON object of strings: {"Name": "…"}')
        return cls(
            url=url,
            body_template=setting(config, "EOFFICE_SMS_TEMPLATE", DEFAULT_TEMPLATE),
            headers=headers,
            timeout=seconds(config, "EOFFICE_SMS_TIMEOUT", 10.0),
        )

    def body(self, to: str, text: str, reference: str) -> str:
        """The request's JSON: the template with each field's value escaped for a JSON string."""
        values = {"to": to, "text": text, "reference": reference}
        return PLACEHOLDER.sub(
            lambda name: json.dumps(values[name[1]], ensure_ascii=False)[1:-1], self.body_template
        )


def send(gateway: SmsGateway, to: str, text: str, reference: str) -> str:
    """Post one SMS to the gateway: the provider's message id (``id`` or ``message_id`` of its
    JSON answer; "" if it gives none), or DeliveryFailed.

    Pass the same ``reference`` (the notice's own id) with every attempt at one SMS: after a
    transient failure once the gateway had the request (no answer, one that cannot be read) the
    SMS may have gone out, and a gateway that keeps references can drop the repeat.
    """
    try:
        answer = requests.post(
            gateway.url,
            data=gateway.body(to, text, reference).encode(),
            headers={**gateway.headers, "Content-Type": "application/json"},
            timeout=gateway.timeout,
            allow_redirects=False,  # a redirected POST comes back a GET, without the SMS
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise DeliveryFailed("SMS_NO_ANSWER", _told(exc, gateway.url)) from exc
    except requests.RequestException as exc:  # the answer broke off while being read
        raise DeliveryFailed("SMS_BAD_ANSWER", _told(exc, gateway.url)) from exc
    said = f"{answer.status_code} {_snippet(answer.content)}"
    if not 200 <= answer.status_code < 300:
        transient = answer.status_code >= 500 or answer.status_code in RETRY_LATER
        raise DeliveryFailed(f"SMS_HTTP_{answer.status_code}", said, permanent=not transient)
    try:
        outcome = json.loads(answer.content)
    except ValueError:
        outcome = None
    if not isinstance(outcome, dict):
        raise DeliveryFailed("SMS_BAD_ANSWER", f"not a JSON object: {said}")
    status = outcome.get("status")
    if isinstance(status, str) and status.lower() in REFUSED:
        raise DeliveryFailed("SMS_REFUSED", said, permanent=True)
    sent_as = outcome.get("id", outcome.get("message_id"))
    return "" if sent_as is None else str(sent_as)


def _told(exc: requests.RequestException, url: str) -> str:
    """What went wrong, without the URL's query (some gateways take their API key there)."""
    query = urlsplit(url).query
    return str(exc).replace(query, "…") if query else str(exc)


def _snippet(content: bytes) -> str:
    """The start of a gateway's answer, for a person reading the failure."""
    text = content.decode(errors="replace").strip()
    return text if len(text) <= 200 else text[:200] + "…"
