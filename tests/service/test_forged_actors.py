"""An attacker who reached the broker: a raw Nameko proxy, no key of the office's, calling every
RPC entry point of every service (found from the service classes, so a new one is covered the
day it is written) as a forged, expired, wrongly-signed, wrongly-addressed or missing actor.
Every one is refused as unauthenticated before it does anything; and a forged event changes
nothing."""

import inspect
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from kombu import Connection, Exchange, Producer
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.rpc import Rpc
from nameko.standalone.events import event_dispatcher

from common.errors import Forbidden, NotFound, Unauthenticated
from common.events import DocumentSigned, new_event
from common.secrets_at_rest import SecretBox, secrets_key
from common.trust import EVENTS_AUDIENCE, PRINCIPAL_ISSUER, Principal, principal_actor
from services.identity import store as identity_store
from tests.service.conftest import SERVICES, eventually

# Entry points anyone may call, each for a reason: they take no actor at all.
PUBLIC = {
    "identity.health": "a probe",
    "identity.login": "proves who you are with a password",
    "identity.refresh": "proves who you are with a refresh token",
    "identity.logout": "ends the refresh token it is given",
    "identity.public_keys": "what everyone verifies tokens with",
    "identity.revocations": "revocation list for verifiers",
    "identity.activate": "a new person's activation code is the proof",
    "identity.onboarding_template": "an empty sheet",
    "identity.working_calendar": "a holiday list is public; every clock reads it",
    "identity.holiday_template": "an empty holiday sheet",
    "files.health": "a probe",
    "files.issued_letter": "public verification; needs the letter's code",
    "signing.health": "a probe",
    "signing.verify": "public verification of an uploaded PDF",
    "notify.health": "a probe",
    "reports.health": "a probe",
    "leave.health": "a probe",
    "leave.issued_order": "public verification; needs the order's code",
}


def rpc_entry_points() -> list[tuple[str, str, list[str]]]:
    """(service, method, parameter names after self) for every @rpc of every service."""
    found = []
    for name, cls in SERVICES.items():
        for attr, member in inspect.getmembers(cls, inspect.isfunction):
            entrypoints = getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ())
            if any(isinstance(e, Rpc) for e in entrypoints):
                params = list(inspect.signature(member).parameters)[1:]
                found.append((name, attr, params))
    return found


def test_the_sweep_finds_every_service_and_a_credible_number_of_entry_points():
    points = rpc_entry_points()
    assert {service for service, _, _ in points} == set(SERVICES)
    assert len(points) > 80


def test_every_entry_point_either_takes_an_actor_first_or_is_public_for_a_stated_reason():
    without_actor = {
        f"{service}.{method}"
        for service, method, params in rpc_entry_points()
        if not params or params[0] != "actor"
    }
    assert without_actor == set(PUBLIC)


def _identity_key(office) -> dict:
    """Identity's token signing key, opened: what an intruder who also stole the database and
    the secrets key would have (to show that even a correctly signed token must be current)."""
    container = office.containers["identity"]
    (storage,) = [d for d in container.dependencies if d.attr_name == "storage"]
    key = identity_store.active_signing_key(storage.storage.db)
    box = SecretBox(secrets_key(office.config))
    opened = box.open(key["private_pem"], identity_store.sealed_for("signing_key", key["_id"]))
    return {**key, "private_pem": opened}


def _person_claims(office, username: str) -> dict:
    token = office.actor(username)["token"]
    return jwt.decode(token, options={"verify_signature": False})


def assertion(name: str, key: Ed25519PrivateKey, kid_name: str) -> dict:
    """A service principal's assertion claiming ``name``, signed with ``key`` under the key id
    of ``kid_name``."""
    now = int(time.time())
    claims = {
        "iss": PRINCIPAL_ISSUER,
        "aud": "eoffice",
        "sub": f"service:{name}",
        "iat": now,
        "exp": now + 60,
    }
    return {
        "token": jwt.encode(
            claims, key, algorithm="EdDSA", headers={"kid": f"principal:{kid_name}"}
        )
    }


def forged_credentials(office) -> dict[str, object]:
    """Every way an intruder on the broker might claim to be someone."""
    claims = _person_claims(office, "admin.up")  # logging in gives identity a key, too
    key = _identity_key(office)
    stranger = Ed25519PrivateKey.generate()
    now = int(time.time())
    seed = Principal.load("seed", office.config)
    return {
        "no actor": None,
        "a plain actor dict (what the bus used to believe)": {
            "user_id": "intruder",
            "name": "x",
            "grants": [{"role": "system", "scope": None}],
        },
        "a credential without a token": {"lang": "en"},
        "not a JWT": {"token": "not-a-token", "lang": "en"},
        "unsigned (alg none)": {
            "token": jwt.encode(claims, None, algorithm="none", headers={"kid": key["_id"]})
        },
        "signed by a stranger under identity's key id": {
            "token": jwt.encode(claims, stranger, algorithm="EdDSA", headers={"kid": key["_id"]})
        },
        "expired, though signed by identity": {
            "token": jwt.encode(
                {**claims, "iat": now - 3600, "exp": now - 1800},
                key["private_pem"],
                algorithm="EdDSA",
                headers={"kid": key["_id"]},
            )
        },
        "for another audience (a single signing)": {
            "token": jwt.encode(
                {**claims, "aud": "eoffice-signing:abc"},
                key["private_pem"],
                algorithm="EdDSA",
                headers={"kid": key["_id"]},
            )
        },
        "a principal that does not exist": assertion("root", stranger, "root"),
        "the seed principal, signed by a stranger": assertion("seed", stranger, "seed"),
        "the seed principal, expired": {"token": seed._sign({"exp": now - 10}, "eoffice")},
        "one principal's key claiming to be another": assertion(
            "seed", Principal.load("notify", office.config)._key, "notify"
        ),
    }


def test_every_entry_point_refuses_every_forged_actor(office):
    forged = forged_credentials(office)
    outcomes = {}
    for service, method, params in rpc_entry_points():
        if f"{service}.{method}" in PUBLIC:
            continue
        call = getattr(getattr(office.rpc, service), method)
        for what, actor in forged.items():
            try:
                call(actor, *[None] * (len(params) - 1))
                outcome = "ANSWERED"
            except Unauthenticated:
                continue
            except Exception as exc:  # anything but a refusal of the actor is a finding
                outcome = f"{type(exc).__name__} {getattr(exc, 'code', exc)}"
            outcomes[f"{service}.{method} as {what}"] = outcome
    assert outcomes == {}


def test_a_real_credential_still_works_and_a_principal_has_only_its_powers(office):
    """The sweep's counterpart: the genuine article is believed, within its powers."""
    assert office.rpc.identity.me(office.actor("sp.hathras"))["username"] == "sp.hathras"
    notify = Principal.load("notify", office.config).credential()
    with pytest.raises(Forbidden):  # notify may read issued letters to mail them, not seal
        office.rpc.signing.seal_document(notify, "", [], None)
    with pytest.raises(Forbidden):
        office.rpc.signing.signed_document(notify, "any")
    with pytest.raises(Forbidden):
        office.rpc.identity.rotate_signing_key(notify)
    with pytest.raises(NotFound):  # within its powers: asked, and answered (no such letter)
        office.rpc.files.letter_to_mail(notify, "NO/SUCH/1")


def _publish(config, event_type: str, event: dict) -> None:
    dispatch = event_dispatcher(config)
    dispatch("signing", event_type, event)


def test_a_forged_event_is_refused_and_changes_nothing(office, desks):
    """A forged `document.signed` would file any PDF under any draft: without its producer's
    proof, or proved by a service that may not emit it, or altered after it was proved, it is
    dropped. The draft stays awaiting signature."""
    hc = desks["hc.estt.hathras"]
    desks.set_up_head()
    file = desks.open_file()
    draft = office.rpc.files.create_draft(
        hc, file["id"], {"kind": "letter", "subject": "x", "addressee": "y", "text": "z"}
    )["drafts"][-1]
    payload = DocumentSigned(
        signing_id=uuid.uuid4().hex,
        purpose={"kind": "draft", "file_id": file["id"], "draft_id": draft["id"]},
        signer_user_id=hc["user_id"],
        signer_name="Intruder",
        signed_at="2026-01-01T00:00:00+00:00",
        certificate_sha256="0" * 64,
        sha256="0" * 64,
    )
    event = new_event(payload, principal_actor("signing"), [])
    files_key = Principal.load("files", office.config)  # a real key, of the wrong producer
    signing_key = Principal.load("signing", office.config)
    altered = {**signing_key.seal_event(event), "actor": {"user_id": "x", "name": "y"}}
    forged = [
        event,  # no proof at all
        files_key.seal_event(event),  # files may not emit document.signed
        altered,  # proved, then changed
        {
            **event,
            "proof": jwt.encode(
                {
                    "iss": PRINCIPAL_ISSUER,
                    "aud": EVENTS_AUDIENCE,
                    "sub": "service:signing",
                    "iat": int(time.time()),
                    "digest": "0",
                },
                Ed25519PrivateKey.generate(),
                algorithm="EdDSA",
                headers={"kid": "principal:signing"},
            ),
        },
    ]
    for each in forged:
        _publish(office.config, "document.signed", each)
    time.sleep(2)  # the consumer has had every chance to act on them
    assert eventually(lambda: office.rpc.files.get_file(hc, file["id"])) is not None
    after = office.rpc.files.get_file(hc, file["id"])["drafts"][-1]
    assert after["status"] == draft["status"] and after.get("signed_sha256") is None


def test_a_request_nobody_can_answer_does_not_stop_a_service(office):
    """Published straight on the RPC exchange without a `reply_to`, to a method that exists
    and to one that does not: dropped, and every service keeps answering (it used to stop,
    and the redelivered message stopped it again at every restart)."""
    with Connection(office.config["AMQP_URI"]) as conn:
        producer = Producer(conn.default_channel)
        for service in SERVICES:
            for method in ("health", "no_such_method"):
                producer.publish(
                    {"args": [], "kwargs": {}},
                    exchange=Exchange("nameko-rpc", type="topic", durable=True),
                    routing_key=f"{service}.{method}",
                )
    time.sleep(1)
    for service in SERVICES:
        assert getattr(office.rpc, service).health() == {"service": service, "ok": True}
        assert office.containers[service]._died.ready() is False
