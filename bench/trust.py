"""What verifying the actor costs each call, against the bare dict the bus used to believe.

    .venv/bin/python -m bench.trust     (writes bench/results/trust-latest.json as well)

Figures (per operation, p50/p95 in microseconds, and as a ratio to the bare baseline in the same
run): reading a bare actor dict (the old, forgeable way), verifying a person's access token the
first time and again (cached), a service principal's assertion, and proving and checking an
event. No broker and no store: keys are made here, so only the verification itself is timed.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.office import run_facts, save_and_print
from common.actor import Actor
from common.events import ReceiptOpened, new_event
from common.tokens import AUDIENCE, ISSUER
from common.trust import Principal, Verifier, credential, principal_actor

RESULTS = Path(__file__).resolve().parent / "results" / "trust-latest.json"
ROUNDS = 3000


def timed(operation, rounds: int = ROUNDS) -> dict:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        operation(i)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return {
        "p50_us": round(statistics.median(samples), 1),
        "p95_us": round(samples[int(len(samples) * 0.95)], 1),
        "per_second": round(1e6 / statistics.mean(samples)),
    }


def person_token(key: Ed25519PrivateKey, n: int) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": f"u{n}",
        "name": "Pooja Yadav",
        "grants": [{"role": "officer", "scope": "o-htr"}],
        "posts": ["p-cru"],
        "delegated": [],
        "office": "o-htr",
        "office_path": ["o-up", "o-htr"],
        "iat": now,
        "exp": now + 900,
        "jti": f"j{n}",
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "k1"})


def main() -> int:
    began, load_before = time.monotonic(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-trust-") as tmp:
        config = {"EOFFICE_DATA_DIR": tmp}
        identity_key = Ed25519PrivateKey.generate()
        public_pem = (
            identity_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        files = Principal.load("files", config)
        verifier = Verifier(
            lambda: {"k1": public_pem},
            lambda: {"users": [], "tokens": []},
            Path(tmp) / "keys",
        )
        fresh = [person_token(identity_key, n) for n in range(ROUNDS)]
        reused = credential(person_token(identity_key, -1))
        bare = Actor(user_id="u1", name="Pooja Yadav", post_ids=("p-cru",)).model_dump()
        event = new_event(
            ReceiptOpened(receipt_id="r1", number="CRU/1/2026", post_id="p-cru", seq=2),
            principal_actor("files"),
            ["o-up", "o-htr"],
        )
        sealed = files.seal_event(event)
        figures = {
            "bare_actor_dict": timed(lambda i: Actor.model_validate(bare)),
            "person_token_first_time": timed(lambda i: verifier.actor(credential(fresh[i]))),
            "person_token_cached": timed(lambda i: verifier.actor(reused)),
            "principal_assertion": timed(lambda i: verifier.actor(files.credential())),
            "event_seal": timed(lambda i: files.seal_event(event)),
            "event_verify": timed(lambda i: verifier.event(sealed)),
        }
    baseline = figures["bare_actor_dict"]["p50_us"]
    for figure in figures.values():
        figure["ratio_to_bare_p50"] = round(figure["p50_us"] / baseline, 1)
    result = {
        **run_facts(load_before),
        "rounds": ROUNDS,
        "figures": figures,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


def print_report(result: dict) -> None:
    print(f"[bench] verifying who acts, {result['rounds']} rounds each (microseconds)")
    print(f"  {'operation':<26} {'p50':>8} {'p95':>8} {'per s':>9} {'x bare':>7}")
    for name, f in result["figures"].items():
        print(
            f"  {name:<26} {f['p50_us']:>8} {f['p95_us']:>8} {f['per_second']:>9}"
            f" {f['ratio_to_bare_p50']:>7}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
