"""Email out over SMTP: one message a call, handed to the office's mail server in the clear, over
STARTTLS or over TLS (the server's certificate always verified), and every way it can fail told
apart into a DeliveryFailed that says whether trying again later can help."""

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from common.config import setting
from services.notify.channels import DeliveryFailed, seconds

SECURITIES = ("plain", "starttls", "tls")
# The ports these are served on by convention, for a configuration that names no port.
USUAL_PORTS = {"plain": 25, "starttls": 587, "tls": 465}


@dataclass(frozen=True)
class Smtp:
    """Where and how notify hands its mail over (the ``EOFFICE_SMTP_*`` settings)."""

    host: str = "127.0.0.1"
    port: int = 25
    security: str = "plain"  # "plain" | "starttls" | "tls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a log line
    timeout: float = 30.0  # seconds, for each step of the conversation
    ca_file: str | None = None  # a CA bundle for the server's certificate; None: the system's

    def __post_init__(self) -> None:
        if self.security not in SECURITIES:
            raise ValueError(
                f"SMTP security must be one of {', '.join(SECURITIES)}, not {self.security!r}"
                " (EOFFICE_SMTP_SECURITY)"
            )
        if (self.username is None) != (self.password is None):
            raise ValueError("EOFFICE_SMTP_USER and EOFFICE_SMTP_PASSWORD go together")
        if self.username is not None and self.security == "plain":
            raise ValueError(
                "a password is never sent to the mail server in the clear:"
                " with EOFFICE_SMTP_USER, set EOFFICE_SMTP_SECURITY to starttls or tls"
            )

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> "Smtp":
        """The mail server of Nameko's config or the environment; its port, if not set, the
        usual one for its security (25, 587 for STARTTLS, 465 for TLS)."""
        security = setting(config, "EOFFICE_SMTP_SECURITY", "plain").strip().lower()
        port = setting(config, "EOFFICE_SMTP_PORT")
        try:
            number = USUAL_PORTS.get(security, 25) if port is None else int(port)
        except ValueError:
            raise ValueError(f"EOFFICE_SMTP_PORT must be a port number, not {port!r}") from None
        return cls(
            host=setting(config, "EOFFICE_SMTP_HOST", "127.0.0.1"),
            port=number,
            security=security,
            username=setting(config, "EOFFICE_SMTP_USER"),
            password=setting(config, "EOFFICE_SMTP_PASSWORD"),
            timeout=seconds(config, "EOFFICE_SMTP_TIMEOUT", 30.0),
            ca_file=setting(config, "EOFFICE_SMTP_CA_FILE"),
        )


def send(smtp: Smtp, message: EmailMessage) -> None:
    """Hand ``message`` to the mail server, to the addresses in its headers, or raise
    DeliveryFailed.

    A transient failure after the message's data went out (the answer lost to a timeout or a
    dropped connection) leaves it unknown whether the server took it: a retry may deliver it
    twice, which beats never. A message some recipients refused while others took it fails
    permanently (``SOME_RECIPIENTS_REFUSED``): sending it again would repeat it to the others.
    """
    try:
        tls = ssl.create_default_context(cafile=smtp.ca_file) if smtp.security != "plain" else None
    except OSError as exc:  # ssl.SSLError is one
        raise DeliveryFailed(
            "SMTP_TLS_CONFIG", f"cannot use the CA file {smtp.ca_file}: {exc}", permanent=True
        ) from exc
    client: smtplib.SMTP | None = None
    try:
        # The host goes to the constructor, which connects: TLS checks the certificate against it.
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=tls)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            client.starttls(context=tls)
        if smtp.username is not None and smtp.password is not None:
            client.login(smtp.username, smtp.password)
        refused = client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        if client is not None:
            client.close()
        raise _failure(exc) from exc
    try:
        client.quit()  # the message is the server's now: how the goodbye goes changes nothing
    except (smtplib.SMTPException, OSError):
        client.close()
    if refused:
        raise DeliveryFailed(
            "SOME_RECIPIENTS_REFUSED",
            f"delivered to the others; refused {_refusals(refused)}",
            permanent=True,
        )


def _failure(exc: smtplib.SMTPException | OSError) -> DeliveryFailed:
    """What a conversation with the mail server that broke off means for the message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        return DeliveryFailed("RECIPIENT_REFUSED", _refusals(exc.recipients), permanent)
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # no STARTTLS or AUTH on offer
        return DeliveryFailed("SMTP_NOT_SUPPORTED", str(exc), permanent=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = {
            smtplib.SMTPAuthenticationError: "SMTP_AUTH_FAILED",
            smtplib.SMTPSenderRefused: "SENDER_REFUSED",
            smtplib.SMTPDataError: "MESSAGE_REFUSED",
        }.get(type(exc), "SMTP_ERROR")
        return DeliveryFailed(reason, _said(exc.smtp_code, exc.smtp_error), exc.smtp_code >= 500)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        # smtplib reports a reply that timed out as a disconnection, the timeout as its context.
        timed_out = isinstance(exc.__context__, TimeoutError)
        return DeliveryFailed("SMTP_TIMEOUT" if timed_out else "SMTP_DISCONNECTED", str(exc))
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryFailed("SMTP_TLS_UNTRUSTED", str(exc), permanent=True)
    if isinstance(exc, ssl.SSLError):
        return DeliveryFailed("SMTP_TLS_FAILED", str(exc))
    if isinstance(exc, ConnectionRefusedError):
        return DeliveryFailed("SMTP_REFUSED", str(exc))
    if isinstance(exc, TimeoutError):
        return DeliveryFailed("SMTP_TIMEOUT", str(exc))
    if isinstance(exc, ConnectionError):
        return DeliveryFailed("SMTP_DISCONNECTED", str(exc))
    if isinstance(exc, OSError):  # no route, no such host
        return DeliveryFailed("SMTP_UNREACHABLE", str(exc))
    return DeliveryFailed("SMTP_ERROR", str(exc))


def _said(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address}: {_said(*answer)}" for address, answer in refused.items())
