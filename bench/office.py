"""How fast is the whole office, and how much of that is the plumbing?

Starts the whole office exactly as `make run` does (tests.support.office.Office: a free port, a
fresh RabbitMQ vhost, a temporary data directory), then measures, at 1 and 16 concurrent clients:

1. plain    GET /healthz: Flask through gunicorn, no RPC. The ceiling of the gateway itself.
2. echo     GET /readyz/identity: one Nameko RPC round trip through the gateway, no work. The
            floor that any call doing real work through a service cannot beat.
3. dak      diarise + send: the CRU diarist POSTs /api/v1/receipts (a small PDF) and then
            /api/v1/receipts/{id}/send to the Reader's post. One operation = both calls.

and the ratios between them (dak vs echo says what real work costs on top of the RPC; echo vs
plain says what one RPC costs on top of HTTP), plus the office's resident memory (the supervisor
and every process under it, from /proc): idle after start, and the peak during 16-client load.

Each phase is bounded by a count and a time, whichever comes first, after a short warm-up.
Latencies and throughput count successful operations only; failures (non-2xx answers, exceptions)
are counted and printed, never dropped. The load generator runs on the same machine as the
office, so on a small machine it competes for the same CPUs: compare runs on one machine only.

    make bench      (writes bench/results/office-latest.json as well)
"""

import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests

from tests.support.office import DEMO_PASSWORD, Office
from tests.support.pdfs import pdf

RESULTS = Path(__file__).resolve().parent / "results" / "office-latest.json"
CONCURRENCY = (1, 16)
BUSY = str(max(CONCURRENCY))  # the load whose memory peak is reported
DIARIST = "cru.hathras"
READER_POST = "RDR-SP-HTR"
# name -> (max operations, max seconds) per measured phase; warm-up is separate and discarded.
LIMITS = {"plain": (10000, 10), "echo": (5000, 10), "dak": (1000, 15)}
WARMUP = (50, 3)
MEMORY_EVERY = 0.2


class Failed(Exception):
    """An operation got an answer it should not have; the message is the tally key."""


def expect(response: requests.Response, status: int, step: str) -> requests.Response:
    if response.status_code != status:
        raise Failed(f"{step}: HTTP {response.status_code} {response.text[:200]!r}")
    return response


# --- load ---------------------------------------------------------------------------------------


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def percentile(sorted_values: list[float], p: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def run_phase(
    operation: Callable[[requests.Session], None],
    clients: int,
    max_ops: int,
    max_seconds: float,
    make_session: Callable[[], requests.Session],
) -> dict:
    """Run ``operation(session)`` from ``clients`` threads, each with its own session, until
    ``max_ops`` operations have started or ``max_seconds`` have passed, whichever is first."""
    lock = threading.Lock()
    started = 0
    latencies: list[float] = []
    failures: Counter = Counter()
    ready = threading.Barrier(clients + 1)
    deadline = 0.0

    def client():
        nonlocal started
        session = make_session()
        ready.wait()
        while True:
            with lock:
                if started >= max_ops or time.monotonic() >= deadline:
                    break
                started += 1
            t0 = time.perf_counter()
            try:
                operation(session)
            except Failed as exc:
                with lock:
                    failures[str(exc)] += 1
                continue
            except requests.RequestException as exc:
                with lock:
                    failures[f"{type(exc).__name__}: {exc}"[:200]] += 1
                continue
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
        session.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + max_seconds
    t0 = time.perf_counter()
    ready.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0

    latencies.sort()
    return {
        "clients": clients,
        "ok": len(latencies),
        "failed": sum(failures.values()),
        "seconds": round(wall, 2),
        "per_second": round(len(latencies) / wall, 1) if wall else 0.0,
        "p50_ms": ms(percentile(latencies, 50)),
        "p95_ms": ms(percentile(latencies, 95)),
        "max_ms": ms(latencies[-1] if latencies else None),
        "failures": dict(failures.most_common(10)),
    }


# --- memory -------------------------------------------------------------------------------------


def office_pids(root_pid: int) -> list[int]:
    """``root_pid`` and all its descendants, from the parent links in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    pids, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def rss_kib(pid: int, key: str = "VmRSS:") -> int:
    """One process's resident memory (kB, as /proc reports it); 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def office_rss_kib(root_pid: int) -> int:
    """Sum of VmRSS over the office's processes."""
    return sum(rss_kib(pid) for pid in office_pids(root_pid))


class PeakMemory:
    """Samples ``measure()`` (kB) every MEMORY_EVERY s in a background thread while the
    ``with`` block runs: the figure before, the peak, and after."""

    def __init__(self, measure: Callable[[], int]):
        self.measure = measure
        self.before = self.peak = self.after = measure()
        self.samples = 0
        self._stop = threading.Event()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.measure())
            self.samples += 1
            self._stop.wait(MEMORY_EVERY)

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = self.measure()
        self.peak = max(self.peak, self.after)


# --- the office's operations -------------------------------------------------------------------


def operations(url: str) -> tuple[dict[str, Callable], Callable[[], requests.Session]]:
    """The three operations, and a session factory logged in as the diarist."""
    login = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": DIARIST, "password": DEMO_PASSWORD},
        timeout=30,
    )
    token = expect(login, 200, "login").json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    posts = expect(requests.get(f"{url}/api/v1/posts", headers=auth, timeout=30), 200, "posts")
    reader_post_id = next(
        p["id"] for p in posts.json()["items"] if p["abbreviation"] == READER_POST
    )

    def diarist_session() -> requests.Session:
        session = requests.Session()
        session.headers.update(auth)
        return session

    letters = itertools.count(1)  # each letter its own PDF, so the blob store cannot dedupe

    def plain(session):
        expect(session.get(f"{url}/healthz", timeout=30), 200, "healthz")

    def echo(session):
        expect(session.get(f"{url}/readyz/identity", timeout=30), 200, "readyz/identity")

    def dak(session):
        n = next(letters)
        diarised = expect(
            session.post(
                f"{url}/api/v1/receipts",
                data={"subject": f"Bench letter {n}", "sender": "Bench, Hathras"},
                files={
                    "pdf": (f"letter-{n}.pdf", pdf(text=f"Bench letter {n}"), "application/pdf")
                },
                timeout=30,
            ),
            201,
            "diarise",
        ).json()
        expect(
            session.post(
                f"{url}/api/v1/receipts/{diarised['id']}/send",
                json={"to_post_id": reader_post_id, "version": diarised["version"]},
                timeout=30,
            ),
            200,
            "send",
        )

    return {"plain": plain, "echo": echo, "dak": dak}, diarist_session


# --- report -------------------------------------------------------------------------------------


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


def ratio(a, b) -> float | None:
    return round(a / b, 2) if a and b else None


def ratios(phases: dict) -> dict:
    out = {}
    for k in CONCURRENCY:
        plain, echo, dak = (phases[name][str(k)] for name in ("plain", "echo", "dak"))
        out[str(k)] = {
            "dak_vs_echo_p50": ratio(dak["p50_ms"], echo["p50_ms"]),
            "echo_vs_dak_throughput": ratio(echo["per_second"], dak["per_second"]),
            "echo_vs_plain_p50": ratio(echo["p50_ms"], plain["p50_ms"]),
            "plain_vs_echo_throughput": ratio(plain["per_second"], echo["per_second"]),
        }
    return out


def print_report(result: dict) -> None:
    labels = {
        "plain": "plain  GET /healthz",
        "echo": "echo   GET /readyz/identity",
        "dak": "dak    diarise + send",
    }
    machine = result["machine"]
    print(
        f"\nThe whole office, {machine['cpus']} CPUs, load generator on the same machine "
        f"(1-min load average before start: {machine['load_avg_1min_before']})"
    )
    print(
        f"{'phase':<28}{'clients':>8}{'ok':>7}{'failed':>8}{'s':>7}{'per s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    for name, by_clients in result["phases"].items():
        for r in by_clients.values():
            print(
                f"{labels[name]:<28}{r['clients']:>8}{r['ok']:>7}{r['failed']:>8}{r['seconds']:>7}"
                f"{r['per_second']:>9}{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}{r['max_ms']!s:>9}"
            )
    print("\nRatios (how many times slower / fewer per second)")
    for k, r in result["ratios"].items():
        print(
            f"  {k:>2} client(s): dak/echo p50 x{r['dak_vs_echo_p50']}, "
            f"echo/dak throughput x{r['echo_vs_dak_throughput']};  "
            f"echo/plain p50 x{r['echo_vs_plain_p50']}, "
            f"plain/echo throughput x{r['plain_vs_echo_throughput']}"
        )
    mem = result["memory_mib"]
    peaks = ", ".join(f"{name} {p[BUSY]['peak_rss_mib']}" for name, p in result["phases"].items())
    print(
        f"\nResident memory of the office ({mem['processes']} processes): idle {mem['idle']} MiB, "
        f"peak under {BUSY} clients {mem['peak_busy']} MiB ({peaks})"
    )
    failures = [
        (name, r["clients"], f)
        for name, by_clients in result["phases"].items()
        for r in by_clients.values()
        for f in r["failures"].items()
    ]
    print("\nFailures: " + ("none" if not failures else ""))
    for name, clients, (what, count) in failures:
        print(f"  {name} x{clients}: {count} x {what}")
    print(f"\nWritten to {RESULTS}")


def run_facts(load_before: float) -> dict:
    """When and on what a benchmark ran: the start of every results file."""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_avg_1min_before": round(load_before, 2),
        },
    }


def save_and_print(path: Path, result: dict, print_report: Callable[[dict], None]) -> int:
    """Write the results (JSON) and print them for a person; the benchmark's exit code."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_report(result)
    print(f"[bench] done in {result['bench_seconds']} s")
    return 0


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]  # anything else busy on the machine skews every figure
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        office = Office(Path(tmp))
        print("[bench] starting the office ...", flush=True)
        try:
            office.start()
            print(
                f"[bench] office ready at {office.url} after {time.monotonic() - began:.0f} s",
                flush=True,
            )
            ops, diarist_session = operations(office.url)
            time.sleep(1)
            pid = office.proc.pid
            idle_kib = office_rss_kib(pid)
            processes = len(office_pids(pid))

            phases: dict[str, dict] = {}
            for name, operation in ops.items():
                max_ops, max_seconds = LIMITS[name]
                run_phase(operation, 4, *WARMUP, diarist_session)
                phases[name] = {}
                for clients in CONCURRENCY:
                    print(f"[bench] {name} x{clients} ...", flush=True)
                    with PeakMemory(lambda: office_rss_kib(pid)) as memory:
                        r = run_phase(operation, clients, max_ops, max_seconds, diarist_session)
                    phases[name][str(clients)] = {**r, "peak_rss_mib": mib(memory.peak)}
        except BaseException:
            if office.proc is not None:
                print("[bench] office log (tail):\n" + office.log()[-4000:], file=sys.stderr)
            raise
        finally:
            office.stop()

    result = {
        **run_facts(load_before),
        "limits": {"per_phase": LIMITS, "warmup": WARMUP},
        "phases": phases,
        "ratios": ratios(phases),
        "memory_mib": {
            "processes": processes,
            "idle": mib(idle_kib),
            "peak_busy": max(p[BUSY]["peak_rss_mib"] for p in phases.values()),
        },
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
