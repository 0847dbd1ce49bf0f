"""Services a signature calls out to, on loopback for tests: an RFC 3161 time-stamp authority
(pyHanko's test stamper, its certificate from the test PKI) and a CRL distribution point."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.support import pki


@contextmanager
def serving(answer: Callable[[bytes], tuple[str, bytes]]) -> Iterator[str]:
    """An HTTP server on loopback answering every request with ``answer(body)``: its URL."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            size = int(self.headers.get("Content-Length") or 0)
            content_type, body = answer(self.rfile.read(size))
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def time_stamp_authority() -> Iterator[str]:
    """A TSA on loopback; yields its URL."""
    issued = pki.officer(
        "Test TSA",
        key_usage={"digital_signature", "non_repudiation"},
        extended_key_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    stamper = DummyTimeStamper(
        tsa_cert=issued.asn1,
        tsa_key=asn1_keys.PrivateKeyInfo.load(issued.key_der()),
        certs_to_embed=SimpleCertificateStore.from_certs([pki.licensed_ca().asn1]),
    )

    def stamp(body: bytes) -> tuple[str, bytes]:
        reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
        return "application/timestamp-reply", reply

    with serving(stamp) as url:
        yield f"{url}/tsa"


@contextmanager
def crl_distribution_point(current: Callable[[], bytes]) -> Iterator[str]:
    """Serves whatever CRL ``current()`` gives at the time of asking; yields its URL."""
    with serving(lambda _body: ("application/pkix-crl", current())) as url:
        yield f"{url}/ca.crl"
