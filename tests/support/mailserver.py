"""A real SMTP server on loopback (aiosmtpd, in a thread) that keeps what it was sent, for tests of
what notify mails and of how it takes the ways a mail server fails.

    with MailServer(security="starttls", auth=("dak", "secret")) as server:
        send(Smtp(port=server.port, security="starttls", ca_file=server.ca_file, ...), message)
        [message] = server.messages          # as EmailMessage, decoded
        server.accepted[0].rcpt_tos, .tls, .login

Its certificate (for "starttls" and "tls") is issued by a CA of its own, made fresh:
``ca_file`` is that CA's PEM. The faults (``refuse_recipients``, ``temporary_failure``,
``drop_mid_message``, ``stall``) are attributes that may be changed while it runs, and it may be
stopped and started again on the same port (a mail server that is away for a while).
"""

import asyncio
import email
import email.policy
import ipaddress
import shutil
import socket
import ssl
import tempfile
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """A message whose data reached the server, with its envelope and how it came."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: tuple[str, ...]
    tls: bool  # the connection was encrypted (STARTTLS or TLS) when the data came
    login: str | None  # the user it was authenticated as


def nothing_listening() -> int:
    """A loopback port nobody listens on (bound for a moment and let go): connecting is refused."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class _Controller(Controller):
    """aiosmtpd's controller, which learns the port the system gave it (it is told port 0)."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MailServer:
    """An SMTP server on 127.0.0.1 recording what it is sent (see the module's docstring).

    ``accepted``: messages answered 250; ``messages`` the same as EmailMessages.
    ``unaccepted``: messages whose data came but that were answered 451, dropped or stalled.
    ``on_message(received)`` runs once a message is recorded in ``accepted``, before the 250
    goes back: the moment the server has a message its sender does not know it has.
    """

    def __init__(
        self,
        security: str = "plain",  # "plain" | "starttls" | "tls"
        auth: tuple[str, str] | None = None,  # (user, password) it requires
        *,
        port: int = 0,
        refuse_recipients: bool | Collection[str] = False,  # True: every one; or these
        temporary_failure: bool = False,  # 451 to the message's data
        drop_mid_message: bool = False,  # the connection closed instead of an answer to it
        stall: bool = False,  # no answer to it, ever
        on_message: Callable[[Received], None] | None = None,
    ) -> None:
        if security not in ("plain", "starttls", "tls"):
            raise ValueError(f"unknown security {security!r}")
        self.security = security
        self.auth = auth
        self.port = port
        self.refuse_recipients = refuse_recipients
        self.temporary_failure = temporary_failure
        self.drop_mid_message = drop_mid_message
        self.stall = stall
        self.on_message = on_message
        self.accepted: list[Received] = []
        self.unaccepted: list[Received] = []
        self.ca_file: str | None = None
        self._tls: ssl.SSLContext | None = None
        if security != "plain":
            keys = tempfile.mkdtemp(prefix="mailserver-")
            weakref.finalize(self, shutil.rmtree, keys, ignore_errors=True)  # gone with the server
            self.ca_file, self._tls = _certificates(Path(keys))
        self._controller: _Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages it accepted, in order."""
        return [received.message for received in self.accepted]

    def settings(self) -> dict[str, str]:
        """The ``EOFFICE_SMTP_*`` settings that point notify at this server."""
        values = {
            "EOFFICE_SMTP_HOST": HOST,
            "EOFFICE_SMTP_PORT": str(self.port),
            "EOFFICE_SMTP_SECURITY": self.security,
        }
        if self.ca_file:
            values["EOFFICE_SMTP_CA_FILE"] = self.ca_file
        if self.auth:
            values["EOFFICE_SMTP_USER"], values["EOFFICE_SMTP_PASSWORD"] = self.auth
        return values

    def start(self) -> "MailServer":
        """Listen (on the port it had before, after a stop)."""
        controller = _Controller(
            self,
            hostname=HOST,
            port=self.port,
            server_hostname="mail.test",  # not the machine's name, which may take DNS to find
            ssl_context=self._tls if self.security == "tls" else None,
            tls_context=self._tls if self.security == "starttls" else None,
            require_starttls=self.security == "starttls",
            authenticator=self._authenticate if self.auth else None,
            # aiosmtpd counts only STARTTLS as TLS: over implicit TLS it must not insist. (Its
            # own auth_required would warn of that: handle_MAIL requires the login instead.)
            auth_require_tls=self.security == "starttls",
        )
        controller.start()
        self._controller, self.port = controller, controller.port
        return self

    def stop(self) -> None:
        """Stop listening and close every connection (what it recorded stays)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "MailServer":
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # aiosmtpd's handler hooks, run in its event loop's thread.

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refused = self.refuse_recipients
        if refused is True or (refused and address in refused):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.original_content, bytes) and envelope.mail_from is not None
        # Lines end in CRLF on the wire; parsed as a file would be, a text reads as it was written.
        data = envelope.original_content.replace(b"\r\n", b"\n")
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        auth = session.auth_data  # what _authenticate accepted
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        received = Received(
            message=message,
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            tls=server.transport is not None
            and server.transport.get_extra_info("ssl_object") is not None,
            login=login,
        )
        if self.temporary_failure:
            self.unaccepted.append(received)
            return "451 4.3.0 Try again later"
        if self.drop_mid_message or self.stall:
            self.unaccepted.append(received)
            if self.drop_mid_message:
                assert isinstance(server.transport, asyncio.Transport)
                server.transport.abort()  # gone at once: no answer is written after this
            never: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            return await never  # cancelled when the connection is lost or the server stops
        self.accepted.append(received)
        if self.on_message is not None:
            self.on_message(received)
        return "250 OK: queued"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert self.auth is not None
        given = (
            (data.login.decode(), data.password.decode())
            if isinstance(data, LoginPassword)
            else None
        )
        return AuthResult(success=given == self.auth, handled=False, auth_data=data)


def _certificates(directory: Path) -> tuple[str, ssl.SSLContext]:
    """A CA of its own and a certificate from it for 127.0.0.1 and localhost: the CA's PEM file
    (for clients to trust) and the server's TLS context."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test mail server CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "server.pem", "key.pem"))
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return str(ca_file), context


def _usage(
    digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )
