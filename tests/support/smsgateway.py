"""A real HTTP SMS gateway on loopback (a stdlib server in a thread) that records every request it
gets and answers as its ``mode`` says, for tests of how notify sends SMS and takes the ways a
gateway fails. It drops no repeats: a test counts what it received.

    with SmsGatewayServer() as gateway:
        send(SmsGateway(url=gateway.url), "+919800000001", "text", "ref-1")
        gateway.requests[0].json, .headers, .body
        gateway.mode = "error500"            # from the next request on
"""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

Mode = Literal[
    "ok",  # 200 {"status": "ok", "id": "<n>"}, n counting the requests received
    "ok_message_id",  # 200 {"status": "accepted", "message_id": 42}
    "ok_without_id",  # 200 {"status": "queued"}
    "error500",  # 500 with a text body
    "busy429",  # 429 Too Many Requests
    "reject400",  # 400 {"status": "error", "message": "invalid number"}
    "status_failed",  # 200 {"status": "failed"}
    "garbage",  # 200 with <html>oops
    "nothing",  # the connection closed without an answer
    "hang",  # no answer until the server stops: past any client's timeout
]
ANSWERS: dict[str, tuple[int, str, bytes]] = {
    "ok_message_id": (200, "application/json", b'{"status": "accepted", "message_id": 42}'),
    "ok_without_id": (200, "application/json", b'{"status": "queued"}'),
    "error500": (500, "text/plain", b"Internal Server Error"),
    "busy429": (429, "application/json", b'{"status": "error", "message": "slow down"}'),
    "reject400": (400, "application/json", b'{"status": "error", "message": "invalid number"}'),
    "status_failed": (200, "application/json", b'{"status": "failed"}'),
    "garbage": (200, "text/html", b"<html>oops"),
}


@dataclass(frozen=True)
class Request:
    """One request as the gateway got it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any  # the body parsed, None if it is not JSON


class SmsGatewayServer:
    """An SMS gateway on 127.0.0.1: ``url`` to post to, ``requests`` received, ``mode``."""

    def __init__(self, mode: Mode = "ok") -> None:
        self.mode: Mode = mode
        self.requests: list[Request] = []
        self.url = ""
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def settings(self) -> dict[str, str]:
        """The ``EOFFICE_SMS_*`` settings that point notify at this gateway."""
        return {"EOFFICE_SMS_URL": self.url}

    def start(self) -> "SmsGatewayServer":
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}/sms/send"
        # Polled often, so that stopping takes a moment, not half a second.
        serve = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        serve.start()
        return self

    def stop(self) -> None:
        """Stop answering; requests left hanging end without an answer."""
        if self._server is not None:
            self._stopping.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SmsGatewayServer":
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                gateway.requests.append(
                    Request(self.command, self.path, dict(self.headers.items()), body, parsed)
                )
                mode = gateway.mode
                if mode == "hang":
                    gateway._stopping.wait()
                if mode in ("nothing", "hang"):
                    self.close_connection = True
                    return
                if mode == "ok":
                    answer = {"status": "ok", "id": str(len(gateway.requests))}
                    status, kind, content = 200, "application/json", json.dumps(answer).encode()
                else:
                    status, kind, content = ANSWERS[mode]
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the tests say what matters

        return Handler
