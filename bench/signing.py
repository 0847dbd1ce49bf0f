"""How fast does the office sign, seal and verify, and what does an officer's token cost?

The domain costs only, in-process: services.signing.domain called directly, with no
Nameko, no RabbitMQ, no HTTP and no database (through the office, the signing service adds an
RPC, the PDF in base64 both ways, a database write and a blob on top; bench.office shows what an
RPC costs). On this machine, in this order:

1. seal     The office's seal as `make run` makes it (tools.demo_pki: an encrypted PKCS#8 PEM,
            RSA-2048, under a demo root), loaded once with ``Seal.load``, then ``seal.sign(pdf,
            stamp, field)`` over and over on a 1-page and a 10-page PDF (tests.support.pdfs),
            with the bilingual stamp the signing service draws, and on the 10-page PDF padded
            to 2 MB (the bytes of a scan, not its images). Single thread: per-signature p50/p95
            and signatures per second on one core. Then os.cpu_count() worker processes
            (multiprocessing, spawn), each loading the seal once and warming up before a common
            start: total signatures per second, and per core.
            Baselines from the same run: the same signature with the key parsed and decrypted
            from the encrypted PEM every time (``Seal.load`` + ``sign``, what SIGNING-NOTES warns
            about), the key parsing alone, and the floor: a bare RSA-2048 PKCS#1 v1.5 signature
            over 32 bytes with ``cryptography`` and the same key.
2. verify   ``verification.verify(signed_pdf, roots)`` on a sealed 1-page PDF (one signature)
            and the same PDF sealed again as an incremental update (two signatures).
3. token    An officer's signature on a SoftHSM2 token (tests.support.token.soft_token: an
            RSA-2048 key made on the token, its certificate from tests.support.pki), the round
            trip as the office and the officer run it: ``token_signing.prepare`` → the officer's
            tool, ``eoffice-signer --in request.json --out response.json`` (signer/) as a
            subprocess (interpreter start, imports, loading the PKCS#11 library, C_Login, one
            signature, the JSON files) → ``token_signing.finish`` (which checks the signature
            against the certificate first, as the service's ``complete`` does).
            ``check_token_signature`` is also timed alone, apart from the total. The last signed
            PDF is verified (untimed).
            To show what is process start and what is signing: ``python -c pass`` and
            ``python -c "import eoffice_signer.cli"`` as subprocesses, and, inside one
            long-lived process with python-pkcs11, the library load, C_Login (open session with
            the PIN, then close it) and C_Sign with one login and many signatures.

Each phase is bounded by a count and a time, whichever comes first, after a short warm-up that
is discarded. Latencies and throughput count successful operations only; failures (exceptions,
a verification that does not come out ``ok``, a token signer that exits non-zero) are counted
and printed, never dropped. Beside the clock, each phase reports the CPU time per operation
(this process, its ended children, or the sealing workers): other work on the machine slows
the clock figures but hardly this one, so 1000 / cpu ms is signatures per second per core
when the core is all yours. The load average before and after is printed with the results.
Everything runs on one machine, the bench's own bookkeeping included: compare runs on one
machine only.

    .venv/bin/python -m bench.signing     (writes bench/results/signing-latest.json as well)
"""

import base64
import contextlib
import hashlib
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from bench.office import Failed, ms, percentile, ratio, run_facts, save_and_print
from services.signing.domain import token_signing, verification
from services.signing.domain.seal import Seal
from services.signing.render.stamp import Stamp, bilingual_font
from tests.support import pki
from tests.support.pdfs import pdf
from tests.support.token import soft_token
from tools import demo_pki

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "signing-latest.json"
WORKERS = os.cpu_count() or 1
# name -> (max operations, max seconds) per measured phase; warm-up is separate and discarded.
LIMITS = {
    "floor": (5000, 5),
    "key_parse": (200, 5),
    "seal_1p": (400, 15),
    "seal_10p": (400, 15),
    "seal_10p_2mb": (200, 10),
    "seal_1p_procs": (1000, 15),
    "seal_10p_procs": (1000, 15),
    "seal_reparse_1p": (200, 15),
    "verify_1sig": (400, 12),
    "verify_2sig": (400, 12),
    "python_start": (30, 8),
    "signer_import": (30, 8),
    "token_login": (100, 5),
    "token_sign": (2000, 5),
    "round_trip": (80, 30),
}
WARMUP = (3, 5)
SCAN_BYTES = 2_000_000  # about what a 10-page scan weighs
SUBPROCESS_TIMEOUT = 60


# --- measuring ----------------------------------------------------------------------------------


def _problem(exc: BaseException) -> str:
    return str(exc)[:200] if isinstance(exc, Failed) else f"{type(exc).__name__}: {exc}"[:200]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def summary(
    latencies: list[float], failures: Counter, wall: float, cpu: float | None = None
) -> dict:
    """The figures of one phase (or one step of it): successful operations only, except
    ``cpu_ms_per_op``: the CPU time spent per operation started (failed ones included),
    which another busy process on the machine does not inflate as it does the latencies."""
    latencies = sorted(latencies)
    started = len(latencies) + sum(failures.values())
    return {
        "ok": len(latencies),
        "failed": sum(failures.values()),
        "seconds": round(wall, 2),
        "per_second": round(len(latencies) / wall, 2) if wall else 0.0,
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "cpu_ms_per_op": ms(cpu / started) if cpu is not None and started else None,
        "failures": dict(failures.most_common(10)),
    }


def timed(operation: Callable[[], object], max_ops: int, max_seconds: float) -> dict:
    """Run ``operation()`` in this thread until ``max_ops`` have started or ``max_seconds`` have
    passed. An operation that returns ``{step: (seconds, CPU seconds)}`` has each step
    summarised as well."""
    latencies: list[float] = []
    steps: dict[str, list[float]] = {}
    steps_cpu: Counter = Counter()
    failures: Counter = Counter()
    deadline = time.monotonic() + max_seconds
    started = 0
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    while started < max_ops and time.monotonic() < deadline:
        started += 1
        t = time.perf_counter()
        try:
            parts = operation()
        except Exception as exc:  # counted, never dropped
            failures[_problem(exc)] += 1
            continue
        latencies.append(time.perf_counter() - t)
        if isinstance(parts, dict):
            for step, (seconds, cpu_spent) in parts.items():
                steps.setdefault(step, []).append(seconds)
                steps_cpu[step] += cpu_spent
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    result = summary(latencies, failures, wall, cpu)
    if steps:
        result["steps"] = {
            step: summary(values, Counter(), wall, steps_cpu[step])
            for step, values in steps.items()
        }
    return result


def phase(name: str, operation: Callable[[], object]) -> dict:
    """A warm-up (discarded), then the phase within its LIMITS."""
    print(f"[bench] {name} ...", flush=True)
    timed(operation, *WARMUP)
    return {**timed(operation, *LIMITS[name]), "load_avg_1min_after": load_average()}


def load_average() -> float:
    """The 1-minute load average: above the CPU count, others compete for the CPUs."""
    return round(os.getloadavg()[0], 2)


# --- the seal -----------------------------------------------------------------------------------


def seal_material(data_dir: Path) -> dict:
    """The demo seal as `make run` has it, read as the signing service reads it (SealKeys)."""
    settings = demo_pki.ensure(data_dir)
    chain = [
        c.public_bytes(serialization.Encoding.DER)
        for c in x509.load_pem_x509_certificates(
            Path(settings["EOFFICE_SEAL_CERT_FILE"]).read_bytes()
        )
    ]
    return {
        "pem": Path(settings["EOFFICE_SEAL_KEY_FILE"]).read_bytes(),
        "password": settings["EOFFICE_SEAL_PASSWORD"].encode(),
        "cert": chain[0],
        "chain": chain[1:],
        "roots": [
            c.public_bytes(serialization.Encoding.DER)
            for c in x509.load_pem_x509_certificates(
                Path(settings["EOFFICE_SEAL_TRUST_ROOTS"]).read_bytes()
            )
        ],
    }


def load_seal(material: dict) -> Seal:
    return Seal.load(material["pem"], material["password"], material["cert"], material["chain"])


def seal_stamp() -> Stamp:
    """What the signing service's seal stamp says (SealKeys.stamp), with a verification line."""
    return Stamp(
        name_en="Digitally sealed by e-Office",
        name_hi="ई-ऑफ़िस द्वारा डिजिटल मुहर",
        designation_en="Office seal",
        designation_hi="कार्यालय मुहर",
        office_en="Office of the Superintendent of Police, Hathras",
        office_hi="पुलिस अधीक्षक कार्यालय, हाथरस",
        signed_at=datetime.now(UTC),
        extra_lines=("Issue No. SP/HTR/17/2026", "Verify: https://eoffice.example/v/3F7QK2"),
    )


def officer_stamp() -> Stamp:
    return Stamp(
        name_en="Pooja Yadav",
        name_hi="पूजा यादव",
        designation_en="Superintendent of Police",
        designation_hi="पुलिस अधीक्षक",
        office_en="District Police Office, Hathras",
        office_hi="ज़िला पुलिस कार्यालय, हाथरस",
        signed_at=datetime.now(UTC),
        extra_lines=("Letter No. SP/HTR/42/2026",),
    )


def _seal_worker(material, pages, max_ops, max_seconds, counter, barrier, results) -> None:
    """One of the parallel sealing processes: load once, warm up, wait for the others, seal."""
    latencies: list[float] = []
    failures: Counter = Counter()
    start = end = time.monotonic()
    cpu = 0.0
    try:
        seal = load_seal(material)
        document = pdf(pages=pages, text="Bench letter")
        seal.sign(document, seal_stamp(), "Seal-1")  # warm-up: the stamp font, imports
    except Exception as exc:
        failures[f"worker setup: {_problem(exc)}"] += 1
        barrier.abort()
        results.put(
            {"latencies": [], "failures": dict(failures), "start": start, "end": end, "cpu": cpu}
        )
        return
    barrier.wait()
    start, cpu0 = time.monotonic(), time.process_time()
    deadline = start + max_seconds
    while True:
        with counter.get_lock():
            if counter.value >= max_ops or time.monotonic() >= deadline:
                break
            counter.value += 1
        t = time.perf_counter()
        try:
            seal.sign(document, seal_stamp(), "Seal-1")
        except Exception as exc:
            failures[_problem(exc)] += 1
            continue
        latencies.append(time.perf_counter() - t)
    end, cpu = time.monotonic(), time.process_time() - cpu0
    results.put(
        {"latencies": latencies, "failures": dict(failures), "start": start, "end": end, "cpu": cpu}
    )


def seal_in_processes(name: str, material: dict, pages: int) -> dict:
    """Sealing in WORKERS processes at once: total throughput and per core."""
    print(f"[bench] {name} ({WORKERS} processes) ...", flush=True)
    max_ops, max_seconds = LIMITS[name]
    ctx = multiprocessing.get_context("spawn")
    counter, barrier, results = ctx.Value("i", 0), ctx.Barrier(WORKERS + 1), ctx.Queue()
    workers = [
        ctx.Process(
            target=_seal_worker,
            args=(material, pages, max_ops, max_seconds, counter, barrier, results),
            daemon=True,
        )
        for _ in range(WORKERS)
    ]
    for w in workers:
        w.start()
    failures: Counter = Counter()
    with contextlib.suppress(threading.BrokenBarrierError):  # a worker that could not start
        barrier.wait(timeout=120)  # says why in its report
    reports = []
    for _ in workers:
        try:
            reports.append(results.get(timeout=max_seconds + 120))
        except queue.Empty:
            failures["a worker process reported nothing"] += 1
    for w in workers:
        w.join(timeout=30)
        if w.is_alive():
            w.terminate()
            failures["a worker process did not end"] += 1
    latencies = [x for r in reports for x in r["latencies"]]
    for r in reports:
        failures.update(r["failures"])
    wall = (max(r["end"] for r in reports) - min(r["start"] for r in reports)) if reports else 0.0
    cpu = sum(r["cpu"] for r in reports)
    result = {**summary(latencies, failures, wall, cpu), "processes": WORKERS}
    result["load_avg_1min_after"] = load_average()
    result["per_core_per_second"] = round(result["per_second"] / WORKERS, 2)
    return result


def measure_seal(material: dict) -> tuple[dict, dict]:
    """Phases of part 1, and the sealed PDFs that part 2 verifies."""
    key = serialization.load_pem_private_key(material["pem"], password=material["password"])
    digest = hashlib.sha256(b"what a seal signs is 32 bytes of digest").digest()
    seal = load_seal(material)
    one, ten = pdf(pages=1, text="Bench letter"), pdf(pages=10, text="Bench letter")
    scan = pdf(pages=10, text="Bench letter", padding=SCAN_BYTES - len(ten))
    bilingual_font()  # built once per process (~1 s): not a signature's cost

    def floor():
        key.sign(digest, padding.PKCS1v15(), hashes.SHA256())

    def key_parse():
        serialization.load_pem_private_key(material["pem"], password=material["password"])

    def reparse():
        load_seal(material).sign(one, seal_stamp(), "Seal-1")

    phases = {
        "floor": phase("floor", floor),
        "key_parse": phase("key_parse", key_parse),
        "seal_1p": phase("seal_1p", lambda: seal.sign(one, seal_stamp(), "Seal-1")),
        "seal_10p": phase("seal_10p", lambda: seal.sign(ten, seal_stamp(), "Seal-1")),
        "seal_10p_2mb": phase("seal_10p_2mb", lambda: seal.sign(scan, seal_stamp(), "Seal-1")),
        "seal_1p_procs": seal_in_processes("seal_1p_procs", material, 1),
        "seal_10p_procs": seal_in_processes("seal_10p_procs", material, 10),
        "seal_reparse_1p": phase("seal_reparse_1p", reparse),
    }
    sealed = seal.sign(one, seal_stamp(), "Seal-1")
    documents = {
        "pdf_1p_bytes": len(one),
        "pdf_10p_bytes": len(ten),
        "pdf_10p_2mb_bytes": len(scan),
        "sealed_1p_bytes": len(sealed),
        "sealed": sealed,
        "sealed_twice": seal.sign(sealed, seal_stamp(), "Seal-2"),
    }
    documents["sealed_twice_bytes"] = len(documents["sealed_twice"])
    return phases, documents


# --- verification -------------------------------------------------------------------------------


def measure_verify(documents: dict, roots: list[bytes]) -> dict:
    def verifier(signed: bytes, signatures: int) -> Callable[[], None]:
        def verify():
            report = verification.verify(signed, roots)
            if not report["ok"] or len(report["signatures"]) != signatures:
                problems = [s["problem"] or s["changes_after"] for s in report["signatures"]]
                raise Failed(
                    f"verify: ok={report['ok']}, {len(report['signatures'])} signature(s), "
                    f"{problems}"
                )

        return verify

    return {
        "verify_1sig": phase("verify_1sig", verifier(documents["sealed"], 1)),
        "verify_2sig": phase("verify_2sig", verifier(documents["sealed_twice"], 2)),
    }


# --- the officer's token ------------------------------------------------------------------------


def _token_worker(conf, module, label, pin, to_sign, limits, results) -> None:
    """One long-lived process with python-pkcs11: load the library once, log in once, sign
    many times; and, apart, how long a login (open a session with the PIN, close it) takes."""
    out: dict = {"failures": {}}
    try:
        os.environ["SOFTHSM2_CONF"] = conf
        t = time.perf_counter()
        import pkcs11
        from pkcs11 import KeyType, Mechanism, ObjectClass

        out["import_ms"] = ms(time.perf_counter() - t)
        t = time.perf_counter()
        token = pkcs11.lib(module).get_token(token_label=label)
        out["library_load_ms"] = ms(time.perf_counter() - t)

        def login():
            with token.open(user_pin=pin):
                pass

        login()  # warm-up
        out["login"] = timed(login, *limits["token_login"])
        with token.open(user_pin=pin) as session:
            t = time.perf_counter()
            key = session.get_key(
                object_class=ObjectClass.PRIVATE_KEY, key_type=KeyType.RSA, label="rsa"
            )
            out["find_key_ms"] = ms(time.perf_counter() - t)
            signatures = []

            def sign():
                signatures.append(key.sign(to_sign, mechanism=Mechanism.SHA256_RSA_PKCS))

            sign()  # warm-up
            out["sign"] = timed(sign, *limits["token_sign"])
            out["first_signature"] = signatures[0]
    except Exception as exc:
        out["failures"] = {f"token worker: {_problem(exc)}": 1}
    results.put(out)


def run_token_worker(token, to_sign: bytes) -> dict:
    print("[bench] token_login, token_sign (one long-lived process) ...", flush=True)
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    worker = ctx.Process(
        target=_token_worker,
        args=(str(token.conf), token.module, token.label, token.pin, to_sign, LIMITS, results),
        daemon=True,
    )
    worker.start()
    budget = LIMITS["token_login"][1] + LIMITS["token_sign"][1] + 60
    try:
        out = results.get(timeout=budget)
    except queue.Empty:
        out = {"failures": {"the token process reported nothing": 1}}
    worker.join(timeout=30)
    if worker.is_alive():
        worker.terminate()
    return out


def run_python(code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        check=False,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    if done.returncode:
        raise Failed(f"python -c {code!r}: exit {done.returncode}")


def measure_token(work: Path) -> tuple[dict, dict]:
    token = soft_token(work / "token", key_types=("rsa",))  # its certificate from pki's CA
    cert = token.keys["rsa"].der
    chain, roots = [pki.licensed_ca().der, pki.root_ca().der], [pki.root_ca().der]
    document = pdf(pages=1, text="Bench draft")
    request, response = work / "request.json", work / "response.json"
    env = token.env()
    last: dict = {}

    def round_trip() -> dict:
        t0, c0 = time.perf_counter(), cpu_seconds()
        prepared = token_signing.prepare(document, cert, chain, officer_stamp(), "Signature-1")
        t1, c1 = time.perf_counter(), cpu_seconds()
        request.write_text(
            json.dumps(
                {
                    "signing_id": "sg-bench",
                    "to_sign_b64": base64.b64encode(prepared.signed_attrs).decode(),
                    "algorithm": prepared.algorithm,
                }
            )
        )
        response.unlink(missing_ok=True)
        done = subprocess.run(
            token.signer_args("rsa") + ["--in", str(request), "--out", str(response)],
            env=env,
            cwd=ROOT,
            check=False,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
        )
        if done.returncode:
            said = (done.stderr.strip().splitlines() or ["(nothing)"])[-1]
            raise Failed(f"eoffice-signer exit {done.returncode}: {said}")
        signature = base64.b64decode(json.loads(response.read_text())["signature_b64"])
        t2, c2 = time.perf_counter(), cpu_seconds()
        token_signing.check_token_signature(cert, prepared.signed_attrs, signature)
        t3, c3 = time.perf_counter(), cpu_seconds()
        last["signed"] = token_signing.finish(prepared, cert, chain, signature)
        t4, c4 = time.perf_counter(), cpu_seconds()
        last["signed_attrs"] = prepared.signed_attrs
        return {  # (seconds, CPU seconds); the subprocess's CPU counts once it has ended
            "prepare": (t1 - t0, c1 - c0),
            "token_signer": (t2 - t1, c2 - c1),
            "check": (t3 - t2, c3 - c2),
            "finish": (t4 - t3, c4 - c3),
            # as the service runs it: the check is inside finish
            "total": ((t2 - t0) + (t4 - t3), (c2 - c0) + (c4 - c3)),
        }

    phases = {
        "python_start": phase("python_start", lambda: run_python("pass")),
        "signer_import": phase("signer_import", lambda: run_python("import eoffice_signer.cli")),
        "round_trip": phase("round_trip", round_trip),
    }
    checks: dict = {"round_trip_pdf_verified": None}
    if "signed" in last:
        report = verification.verify(last["signed"], roots)
        checks["round_trip_pdf_verified"] = report["ok"]
        checks["round_trip_pdf_bytes"] = len(last["signed"])
        if not report["ok"]:
            phases["round_trip"]["failures"]["last signed PDF does not verify"] = 1
            phases["round_trip"]["failed"] += 1
    to_sign = (
        last.get("signed_attrs")
        or token_signing.prepare(document, cert, chain, officer_stamp(), "Signature-1").signed_attrs
    )
    raw = run_token_worker(token, to_sign)
    for name in ("login", "sign"):
        phases[f"token_{name}"] = raw.get(name) or summary([], Counter(), 0.0)
        phases[f"token_{name}"]["load_avg_1min_after"] = load_average()
    phases["token_sign"]["failures"].update(raw["failures"])
    phases["token_sign"]["failed"] += sum(raw["failures"].values())
    if raw.get("first_signature") is not None:
        try:
            token_signing.check_token_signature(cert, to_sign, raw["first_signature"])
            checks["raw_token_signature_valid"] = True
        except Exception as exc:
            checks["raw_token_signature_valid"] = False
            phases["token_sign"]["failures"][f"raw signature: {_problem(exc)}"] = 1
            phases["token_sign"]["failed"] += 1
    checks.update(
        {k: raw.get(k) for k in ("import_ms", "library_load_ms", "find_key_ms")},
    )
    return phases, checks


# --- report -------------------------------------------------------------------------------------

LABELS = {
    "floor": "RSA-2048 PKCS#1 v1.5 sign, 32 B (floor)",
    "key_parse": "seal key: parse + decrypt PEM only",
    "seal_1p": "seal, loaded key, 1 page",
    "seal_10p": "seal, loaded key, 10 pages",
    "seal_10p_2mb": "seal, loaded key, 10 pages padded to 2 MB",
    "seal_1p_procs": "seal, loaded key, 1 page, {n} procs",
    "seal_10p_procs": "seal, loaded key, 10 pages, {n} procs",
    "seal_reparse_1p": "seal, key re-parsed each time, 1 page",
    "verify_1sig": "verify, 1 signature",
    "verify_2sig": "verify, 2 signatures (incremental)",
    "python_start": "python -c pass (process start)",
    "signer_import": "python -c 'import eoffice_signer.cli'",
    "token_login": "token: open session + C_Login, close",
    "token_sign": "token: C_Sign, one login, many signs",
    "round_trip": "officer round trip",
}
STEP_LABELS = {
    "prepare": "  prepare (token_signing.prepare)",
    "token_signer": "  eoffice-signer subprocess",
    "check": "  check_token_signature (alone)",
    "finish": "  finish (+ check_token_signature)",
    "total": "  total (prepare + token + finish)",
}


def ratios(phases: dict) -> dict:
    p = phases
    trip = p["round_trip"].get("steps", {})
    step = {name: trip.get(name, {}).get("p50_ms") for name in STEP_LABELS}
    return {
        "reparse_vs_loaded_p50": ratio(p["seal_reparse_1p"]["p50_ms"], p["seal_1p"]["p50_ms"]),
        "loaded_vs_reparse_throughput": ratio(
            p["seal_1p"]["per_second"], p["seal_reparse_1p"]["per_second"]
        ),
        "seal_vs_floor_p50": ratio(p["seal_1p"]["p50_ms"], p["floor"]["p50_ms"]),
        "floor_vs_seal_throughput": ratio(p["floor"]["per_second"], p["seal_1p"]["per_second"]),
        "seal_10p_vs_1p_p50": ratio(p["seal_10p"]["p50_ms"], p["seal_1p"]["p50_ms"]),
        "procs_vs_one_thread_throughput_1p": ratio(
            p["seal_1p_procs"]["per_second"], p["seal_1p"]["per_second"]
        ),
        "procs_vs_one_thread_throughput_10p": ratio(
            p["seal_10p_procs"]["per_second"], p["seal_10p"]["per_second"]
        ),
        "verify_2sig_vs_1sig_p50": ratio(p["verify_2sig"]["p50_ms"], p["verify_1sig"]["p50_ms"]),
        "seal_vs_verify_1sig_p50": ratio(p["seal_1p"]["p50_ms"], p["verify_1sig"]["p50_ms"]),
        "round_trip_total_vs_token_signer_p50": ratio(step["total"], step["token_signer"]),
        "token_signer_vs_raw_sign_p50": ratio(step["token_signer"], p["token_sign"]["p50_ms"]),
        "token_signer_vs_python_start_p50": ratio(
            step["token_signer"], p["python_start"]["p50_ms"]
        ),
    }


def seal_per_core(phases: dict) -> dict:
    """Seal signatures per second per core, by the clock and by CPU time."""

    def by_cpu(figures: dict) -> float | None:
        cpu = figures["cpu_ms_per_op"]
        return round(1000 / cpu, 2) if cpu else None

    out = {}
    for pages, key in (("1 page", "seal_1p"), ("10 pages", "seal_10p")):
        one, procs = phases[key], phases[f"{key}_procs"]
        out[pages] = {
            "one_thread": one["per_second"],
            "one_thread_by_cpu": by_cpu(one),
            "processes": procs["processes"],
            "processes_total": procs["per_second"],
            "processes_per_core": procs["per_core_per_second"],
            "processes_by_cpu": by_cpu(procs),
        }
    return out


def _row(label: str, r: dict) -> str:
    return (
        f"{label:<42}{r['ok']:>6}{r['failed']:>7}{r['seconds']:>7}{r['per_second']:>9}"
        f"{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}{r['max_ms']!s:>9}{r['cpu_ms_per_op']!s:>9}"
        f"{r.get('load_avg_1min_after', ''):>6}"
    )


def print_report(result: dict) -> None:
    machine, phases, r = result["machine"], result["phases"], result["ratios"]
    print(
        f"\nSigning, domain costs in-process (no Nameko, no HTTP), {machine['cpus']} CPUs "
        f"(1-min load average before start {machine['load_avg_1min_before']}, "
        f"after {machine['load_avg_1min_after']}; 'load' is the 1-min load average after each "
        "phase: above the CPU count, other work slows the clock figures, much less the cpu ms)"
    )
    print(
        f"{'phase':<42}{'ok':>6}{'failed':>7}{'s':>7}{'per s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu ms':>9}{'load':>6}"
    )
    for name, figures in phases.items():
        print(_row(LABELS[name].format(n=WORKERS), figures))
        for step, label in STEP_LABELS.items():
            if step in figures.get("steps", {}):
                print(_row(label, figures["steps"][step]))
    print("\nSeal signatures per second per core (by the clock; by CPU time: 1000 / cpu ms per op)")
    for pages, c in result["seal_per_core"].items():
        print(
            f"  {pages:<8} one thread {c['one_thread']} (by CPU {c['one_thread_by_cpu']});  "
            f"{WORKERS} processes {c['processes_total']} in all, {c['processes_per_core']} per "
            f"core (by CPU {c['processes_by_cpu']})"
        )
    print("\nRatios (how many times slower / more per second)")
    print(
        f"  key re-parsed each time vs loaded once: p50 x{r['reparse_vs_loaded_p50']}, "
        f"loaded/re-parsed throughput x{r['loaded_vs_reparse_throughput']}"
    )
    print(
        f"  seal (1 page) vs bare RSA signature: p50 x{r['seal_vs_floor_p50']}, "
        f"floor/seal throughput x{r['floor_vs_seal_throughput']}"
    )
    print(
        f"  10 pages vs 1 page: p50 x{r['seal_10p_vs_1p_p50']};  {WORKERS} processes vs one "
        f"thread, throughput: 1 page x{r['procs_vs_one_thread_throughput_1p']}, "
        f"10 pages x{r['procs_vs_one_thread_throughput_10p']}"
    )
    print(
        f"  verify 2 signatures vs 1: p50 x{r['verify_2sig_vs_1sig_p50']};  "
        f"seal vs verify (1 signature): p50 x{r['seal_vs_verify_1sig_p50']}"
    )
    print(
        f"  officer round trip vs its token step: p50 x{r['round_trip_total_vs_token_signer_p50']}"
        f";  token step vs raw C_Sign: x{r['token_signer_vs_raw_sign_p50']}, "
        f"vs bare python start: x{r['token_signer_vs_python_start_p50']}"
    )
    t, c = result["token_step"], result["checks"]
    print()
    for figure, how in (("cpu_ms_per_op", "CPU ms per op"), ("p50_ms", "p50 ms, the clock")):
        if t[figure] is None:
            continue
        f = t[figure]
        print(
            f"The token step by {how}: "
            f"{f['token_signer']} = python start {f['python_start']} + imports of "
            f"eoffice_signer {f['imports']} + PKCS#11 library load {t['library_load_ms']} "
            f"(once) + C_Login {f['login']} + find key {t['find_key_ms']} + C_Sign {f['sign']} "
            f"+ rest {f['rest']} (JSON files, teardown; by difference)"
        )
    print(
        f"Checks: last round-trip PDF verifies: {c['round_trip_pdf_verified']}; raw token "
        f"signature matches the certificate: {c.get('raw_token_signature_valid')}"
    )
    failures = [
        (name, what, count) for name, f in phases.items() for what, count in f["failures"].items()
    ]
    print("\nFailures: " + ("none" if not failures else ""))
    for name, what, count in failures:
        print(f"  {name}: {count} x {what}")
    print(f"\nWritten to {RESULTS}")


def token_step(phases: dict, checks: dict) -> dict:
    """The token signer subprocess split into what the other phases measured, by p50 (the clock)
    and by CPU ms per operation (steadier when the machine is busy). Library load and finding
    the key are single wall-clock samples; ``rest`` is what is left (JSON files, teardown)."""
    signer = phases["round_trip"].get("steps", {}).get("token_signer", {})
    out: dict = {"library_load_ms": checks.get("library_load_ms")}
    out["find_key_ms"] = checks.get("find_key_ms")
    for figure in ("p50_ms", "cpu_ms_per_op"):
        total, start = signer.get(figure), phases["python_start"][figure]
        imported = phases["signer_import"][figure]
        login, sign = phases["token_login"][figure], phases["token_sign"][figure]
        parts = [total, start, imported, login, sign, out["library_load_ms"], out["find_key_ms"]]
        if None in parts:
            out[figure] = None
            continue
        out[figure] = {
            "token_signer": total,
            "python_start": start,
            "imports": round(imported - start, 2),
            "login": login,
            "sign": sign,
            "rest": round(total - imported - login - sign - sum(parts[5:]), 2),
        }
    return out


def main() -> int:
    began = time.monotonic()
    load_before = load_average()  # anything else busy on the machine skews every figure
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-signing-") as tmp:
        work = Path(tmp)
        print("[bench] making the demo seal and a SoftHSM2 token ...", flush=True)
        material = seal_material(work / "data")
        phases, documents = measure_seal(material)
        phases.update(measure_verify(documents, material["roots"]))
        token_phases, checks = measure_token(work)
    phases.update(token_phases)
    order = list(LABELS)
    phases = {name: phases[name] for name in order}

    facts = run_facts(load_before)
    facts["machine"]["load_avg_1min_after"] = load_average()
    result = {
        **facts,
        "what": "domain costs in-process: services.signing.domain, no Nameko, no HTTP",
        "limits": {"per_phase": LIMITS, "warmup": WARMUP},
        "documents": {k: v for k, v in documents.items() if k.endswith("_bytes")},
        "phases": phases,
        "ratios": ratios(phases),
        "seal_per_core": seal_per_core(phases),
        "token_step": token_step(phases, checks),
        "checks": checks,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
