"""Who is acting, verified by the service that is asked.

Anything that can publish on the broker could put a well-formed actor dict on it, so no service
believes one. Every RPC carries a *credential*, ``{"token": <JWT>, "lang": "en"|"hi"}``:

- a person's access token, signed by identity (EdDSA) and already checked by the gateway; the
  service checks it again itself (signature, audience, expiry, and revocation: disabled people
  and logged-out tokens), with identity's published keys, cached and fetched again on rotation;
- or a service principal's assertion: a short-lived JWT a service signs with its own Ed25519
  key, for work it starts itself (timers, event handlers, seeding). A principal holds only the
  few powers ``PRINCIPALS`` gives it, never "everything".

Events carry a proof too: the producing service signs the event's digest with its principal
key when it relays it, and a consumer refuses an event whose proof does not verify or whose
type that producer may not emit (``common.events.EVENT_TYPES`` names each type's producer).
"""

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from common.actor import Actor, Behalf, Grant
from common.clock import iso, utcnow
from common.config import Settings, data_dir, kept_once, private_directory, setting
from common.errors import Unauthenticated
from common.events import EVENT_TYPES, Event
from common.tokens import AUDIENCE, verify_access_token

PRINCIPAL_ISSUER = "eoffice-principal"
PRINCIPAL_SECONDS = 5 * 60
EVENTS_AUDIENCE = "eoffice-events"
KID_PREFIX = "principal:"
LANGUAGES = ("en", "hi")

# What each service principal may do, and nothing more. Powers are roles checked by the entry
# points that need them; a principal holds no office and no post, so every desk rule refuses it.
PRINCIPALS: dict[str, tuple[str, ...]] = {
    "identity": (),
    "files": ("collect_signed_documents", "seal_documents"),
    "signing": (),
    "notify": ("mail_issued_letters", "read_pending_work"),
    "reports": (),
    "leave": ("collect_signed_documents", "seal_documents"),
    # `make run`'s demo seeding only: its key exists on the one machine that seeds.
    "seed": ("admin",),
}

# Identity's published keys (key id -> PEM), and what it revoked ({"users": [...], "tokens":
# [...]}), as a verifier asks for them.
IdentityKeys = Callable[[], Mapping[str, str]]
Revocations = Callable[[], Mapping[str, Iterable[str]]]


def actor_from_claims(claims: Mapping[str, Any], lang: str, now: str | None = None) -> Actor:
    """The Actor an identity access token describes; delegations count while they are live."""
    now = now or iso(utcnow())
    live = [d for d in claims.get("delegated", ()) if d["starts"] <= now < d["until"]]
    return Actor(
        user_id=claims["sub"],
        name=claims.get("name", ""),
        grants=tuple(Grant(**g) for g in claims.get("grants", ())),
        post_ids=tuple(claims.get("posts", ())) + tuple(d["post_id"] for d in live),
        office_id=claims.get("office"),
        office_path=tuple(claims.get("office_path", ())),
        on_behalf_of={
            d["post_id"]: Behalf(user_id=d["for_user_id"], name=d["for_name"]) for d in live
        },
        lang=lang,
    )


def credential(token: str, lang: str = "en") -> dict[str, str]:
    """What crosses the bus in place of an actor."""
    return {"token": token, "lang": lang}


def principal_actor(name: str) -> Actor:
    """The actor a service principal is: its powers, and no office or post."""
    return Actor(
        user_id=f"service:{name}",
        name=f"{name} service",
        grants=tuple(Grant(role=power, scope=None) for power in PRINCIPALS[name]),
    )


# --- keys ------------------------------------------------------------------------------------


def keys_dir(config: Settings | None = None) -> Path:
    """Where the principals' public keys are (``<name>.pub``); on one machine, their private
    keys beside them (``<name>.key``, mode 0600)."""
    configured = setting(config, "EOFFICE_PRINCIPAL_KEYS_DIR")
    return Path(configured) if configured else data_dir(config) / "keys"


def _public_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_principal_key(name: str, config: Settings | None = None) -> Ed25519PrivateKey:
    """This principal's private key: ``EOFFICE_PRINCIPAL_KEY_FILE`` (a Kubernetes secret), or
    on one machine the one kept under the keys directory, made on first start."""
    configured = setting(config, "EOFFICE_PRINCIPAL_KEY_FILE")
    path = Path(configured) if configured else keys_dir(config) / f"{name}.key"
    if configured and not path.exists():
        raise RuntimeError(f"EOFFICE_PRINCIPAL_KEY_FILE {path} does not exist")
    if not configured:
        private_directory(path.parent)
    pem = kept_once(path, lambda: _new_private_pem())
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 key")
    if not configured:  # the public half beside it, for every verifier on this machine
        kept_once(path.with_suffix(".pub"), lambda: _public_pem(key), mode=0o644)
    return key


def _new_private_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Principal:
    """A service acting on its own account: it signs short-lived assertions of who it is."""

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        if name not in PRINCIPALS:
            raise ValueError(f"no principal named {name}")
        self.name = name
        self._key = key
        self._kid = KID_PREFIX + name
        self._cached: tuple[float, dict[str, str]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, name: str, config: Settings | None = None) -> "Principal":
        return cls(name, load_principal_key(name, config))

    def _sign(self, claims: dict[str, Any], audience: str) -> str:
        now = int(time.time())
        return jwt.encode(
            {
                "iss": PRINCIPAL_ISSUER,
                "aud": audience,
                "sub": f"service:{self.name}",
                "iat": now,
                **claims,
            },
            self._key,
            algorithm="EdDSA",
            headers={"kid": self._kid},
        )

    def credential(self) -> dict[str, str]:
        """A credential for calls this service makes on its own account (renewed before it
        runs out)."""
        with self._lock:
            if self._cached is None or self._cached[0] - time.time() < 60:
                expires = time.time() + PRINCIPAL_SECONDS
                token = self._sign({"exp": int(expires)}, AUDIENCE)
                self._cached = (expires, credential(token))
            return self._cached[1]

    def seal_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The event with a proof that this service produced it, as it is."""
        body = {k: v for k, v in event.items() if k != "proof"}
        return {**body, "proof": self._sign({"digest": event_digest(body)}, EVENTS_AUDIENCE)}


def event_digest(event: Mapping[str, Any]) -> str:
    """The SHA-256 of an event's canonical JSON (sorted keys, no spaces), which its proof signs."""
    return hashlib.sha256(
        json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


# --- verification ----------------------------------------------------------------------------


class Verifier:
    """Checks credentials and event proofs. ``identity_keys`` and ``revocations`` ask identity
    (or, inside identity, its own store); both are called rarely: keys when an unknown key id
    shows up (at most every few seconds), revocations at most once a second."""

    KEYS_REFETCH_SECONDS = 5.0
    REVOCATIONS_SECONDS = 1.0
    CACHE_SIZE = 4096

    def __init__(
        self,
        identity_keys: IdentityKeys,
        revocations: Revocations,
        principal_keys_dir: Path | None,
    ) -> None:
        self._identity_keys_source = identity_keys
        self._revocations_source = revocations
        self._principal_dir = principal_keys_dir
        self._identity_keys: dict[str, str] = {}
        self._keys_at = float("-inf")
        self._principal_keys: dict[str, PublicKeyTypes] = {}
        self._principal_at = float("-inf")
        self._revoked_users: frozenset[str] = frozenset()
        self._revoked_tokens: frozenset[str] = frozenset()
        self._revoked_at = float("-inf")
        # (audience, token) -> verified claims
        self._claims: dict[tuple[str | tuple[str, ...], str], dict[str, Any]] = {}
        self._lock = threading.RLock()

    # A person or a principal, from a credential.
    def actor(self, raw: object, audience: str | tuple[str, ...] = AUDIENCE) -> Actor:
        if not isinstance(raw, dict) or not isinstance(raw.get("token"), str):
            raise Unauthenticated("NO_ACTOR")
        token, lang = raw["token"], raw.get("lang", "en")
        if lang not in LANGUAGES:
            lang = "en"
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise Unauthenticated("TOKEN_MALFORMED") from None
        if isinstance(kid, str) and kid.startswith(KID_PREFIX):
            name = kid[len(KID_PREFIX) :]
            self._cached(token, audience, lambda: self._principal_claims(token, name, audience))
            who = principal_actor(name)
        else:
            claims = self._cached(token, audience, lambda: self._verify_person(token, audience))
            self._refuse_revoked(claims)
            who = actor_from_claims(claims, lang)
        return who.with_credential({"token": token, "lang": lang})

    def event(self, raw: object) -> Event:
        """An event whose proof shows it comes, unchanged, from the service that may emit it."""
        if not isinstance(raw, dict) or not isinstance(raw.get("proof"), str):
            raise Unauthenticated("EVENT_UNPROVEN")
        body = {k: v for k, v in raw.items() if k != "proof"}
        try:
            kid = jwt.get_unverified_header(raw["proof"]).get("kid")
        except jwt.PyJWTError:
            raise Unauthenticated("EVENT_UNPROVEN") from None
        if not (isinstance(kid, str) and kid.startswith(KID_PREFIX)):
            raise Unauthenticated("EVENT_UNPROVEN")
        producer = kid[len(KID_PREFIX) :]
        claims = self._principal_claims(raw["proof"], producer, EVENTS_AUDIENCE, expires=False)
        if claims.get("digest") != event_digest(body):
            raise Unauthenticated("EVENT_ALTERED")
        event_type = body.get("type")
        known = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
        if known is None or known[0] != producer:
            raise Unauthenticated("EVENT_NOT_YOURS", {"producer": producer})
        try:
            return Event.model_validate(body)
        except ValueError:
            raise Unauthenticated("EVENT_MALFORMED") from None

    def _cached(
        self,
        token: str,
        audience: str | tuple[str, ...],
        verify: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """A token verified once is believed again until it expires (only its revocation is
        checked again at every call)."""
        claims = self._claims.get((audience, token))
        if claims is None or claims["exp"] <= time.time():
            claims = verify()
            with self._lock:
                if len(self._claims) >= self.CACHE_SIZE:
                    self._claims.clear()
                self._claims[(audience, token)] = claims
        return claims

    def _refuse_revoked(self, claims: Mapping[str, Any]) -> None:
        self._refresh_revocations()
        if claims["sub"] in self._revoked_users:
            raise Unauthenticated("ACCOUNT_DISABLED")
        if claims.get("jti") in self._revoked_tokens:
            raise Unauthenticated("TOKEN_REVOKED")

    def _verify_person(self, token: str, audience: str | tuple[str, ...]) -> dict[str, Any]:
        try:
            return verify_access_token(token, self._identity_keys, audience)
        except Unauthenticated as exc:
            if exc.code != "TOKEN_UNKNOWN_KEY":
                raise
        with self._lock:
            if time.monotonic() - self._keys_at >= self.KEYS_REFETCH_SECONDS:
                self._identity_keys = dict(self._identity_keys_source())
                self._keys_at = time.monotonic()
        return verify_access_token(token, self._identity_keys, audience)

    def _refresh_revocations(self) -> None:
        if time.monotonic() - self._revoked_at <= self.REVOCATIONS_SECONDS:
            return
        with self._lock:
            if time.monotonic() - self._revoked_at > self.REVOCATIONS_SECONDS:
                ended = self._revocations_source()
                self._revoked_users = frozenset(ended.get("users", ()))
                self._revoked_tokens = frozenset(ended.get("tokens", ()))
                self._revoked_at = time.monotonic()

    def _principal_key(self, name: str) -> PublicKeyTypes | None:
        """A principal's public key; the folder is read again when a known principal's key is
        not there yet (services make theirs when they first start)."""
        key = self._principal_keys.get(name)
        if key is None and name in PRINCIPALS and self._principal_dir is not None:
            with self._lock:
                # At most once a second: a forged key id must not make every call read files.
                if time.monotonic() - self._principal_at >= self.REVOCATIONS_SECONDS:
                    self._principal_keys = _read_public_keys(self._principal_dir)
                    self._principal_at = time.monotonic()
                key = self._principal_keys.get(name)
        return key

    def _principal_claims(
        self, token: str, name: str, audience: str | tuple[str, ...], expires: bool = True
    ) -> dict[str, Any]:
        key = self._principal_key(name)
        if key is None:
            raise Unauthenticated("TOKEN_UNKNOWN_KEY")
        if not isinstance(key, Ed25519PublicKey):  # an EdDSA signature cannot verify with it
            raise Unauthenticated("TOKEN_INVALID")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["EdDSA"],
                audience=audience,
                issuer=PRINCIPAL_ISSUER,
                options={"require": ["iat", "sub", *(["exp"] if expires else [])]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("TOKEN_EXPIRED") from None
        except jwt.PyJWTError:
            raise Unauthenticated("TOKEN_INVALID") from None
        if claims["sub"] != f"service:{name}":
            raise Unauthenticated("TOKEN_INVALID")
        return claims


def _read_public_keys(folder: Path) -> dict[str, PublicKeyTypes]:
    keys: dict[str, PublicKeyTypes] = {}
    for name in PRINCIPALS:
        path = folder / f"{name}.pub"
        if path.exists():
            keys[name] = serialization.load_pem_public_key(path.read_bytes())
    return keys


# --- in a Nameko service ---------------------------------------------------------------------


class Trusted:
    """What an entry point uses: ``actor(raw)`` and ``event(raw)`` verify, ``own()`` is this
    service's credential for work it starts itself, ``seal_event`` proves what it publishes."""

    def __init__(self, verifier: Verifier, principal: Principal) -> None:
        self._verifier = verifier
        self.principal = principal

    def actor(self, raw: object, audience: str | tuple[str, ...] = AUDIENCE) -> Actor:
        return self._verifier.actor(raw, audience)

    def event(self, raw: object) -> Event:
        return self._verifier.event(raw)

    def own(self) -> dict[str, str]:
        return self.principal.credential()

    def own_actor(self) -> Actor:
        return principal_actor(self.principal.name).with_credential(self.own())

    def seal_event(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.principal.seal_event(event)


class Trust(DependencyProvider):  # type: ignore[misc]  # nameko ships no types
    """Verifies who calls this service and lets it act as its own principal.

    Identity's keys and revocations are asked of identity over RPC (its own standalone client,
    rarely: see ``Verifier``). Identity itself passes ``local``: given the service instance, the
    two functions that read them from its own store."""

    def __init__(
        self, local: Callable[[Any], tuple[IdentityKeys, Revocations]] | None = None
    ) -> None:
        self._local = local
        self._verifier: Verifier | None = None
        self._cluster: ClusterRpcProxy | None = None
        self._identity: Any = None  # identity's RPC proxy, while connected

    def setup(self) -> None:
        config = self.container.config
        self._principal = Principal.load(self.container.service_name, config)
        self._keys_dir = keys_dir(config)
        self._rpc_lock = threading.Lock()
        if self._local is None:
            self._verifier = Verifier(
                lambda: self._ask_identity("public_keys"),
                lambda: self._ask_identity("revocations"),
                self._keys_dir,
            )

    def _ask_identity(self, method: str, *args: object) -> Any:
        with self._rpc_lock:
            try:
                if self._identity is None:
                    self._cluster = ClusterRpcProxy(self.container.config, timeout=10)
                    self._identity = self._cluster.start().identity
                return getattr(self._identity, method)(*args)
            except Exception:
                self._drop_client()
                raise

    def _drop_client(self) -> None:
        cluster, self._cluster, self._identity = self._cluster, None, None
        if cluster is not None:
            # A broken connection may fail to close; it is dropped either way.
            with contextlib.suppress(Exception):
                cluster.stop()

    def stop(self) -> None:
        self._drop_client()

    def kill(self) -> None:
        self._drop_client()

    def get_dependency(self, worker_ctx: Any) -> Trusted:
        if self._verifier is None:
            assert self._local is not None  # setup made the verifier unless identity is local
            keys, revocations = self._local(worker_ctx.service)
            self._verifier = Verifier(keys, revocations, self._keys_dir)
        return Trusted(self._verifier, self._principal)
