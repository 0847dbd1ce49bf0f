"""How long does onboarding a district's staff take, and how fast can people then log in?

Starts the whole office once, exactly as `make run` does (tests.support.office.Office), and,
logged in as the Hathras nodal officer, measures:

1. sheets   a 10,000-row master data sheet, once as XLSX (built with openpyxl: shared strings,
            text-formatted cells, mobiles as numbers, as Excel saves a filled-in template) and
            once as CSV (other employee codes, so the two runs do not collide):
              upload    POST /api/v1/onboarding/sheets             (the dry run)
              apply     POST /api/v1/onboarding/sheets/{id}/apply  (creates 10,000 people)
              reupload  the same sheet again, a dry run that should find every row unchanged
            each with its wall time, the identity service process's resident memory (VmRSS
            sampled from /proc every 0.1 s: before, peak, after) and the CPU seconds the
            identity service and the gateway spent on it. After each step the bench waits
            (bounded) until the identity service is idle again (after an apply its outbox relay
            publishes one event per person) and reports for how long it stayed busy.
2. logins   POST /api/v1/auth/login as a demo user, and the bare RPC echo GET /readyz/identity,
            at 1 and 8 concurrent clients: per second, p50, p95, and the ratios (a login is
            dominated by argon2id by design); then the echo at 1 client while 8 clients log
            in, which shows whether logins hold up the identity service's other RPCs.

The gateway answers 503 when an RPC takes longer than EOFFICE_RPC_TIMEOUT (15 s by default).
So that the bench measures the work rather than that cut-off, it starts the office with
EOFFICE_RPC_TIMEOUT=300 (unless set) and flags every call that took longer than the default: a
nodal officer on a default office would have got a 503 for it (while the work went on).

Every call and phase is bounded (HTTP timeouts, counts and seconds); failures are counted and
printed, never dropped. The load generator runs on the same machine as the office.

    make bench      (writes bench/results/onboarding-latest.json as well)
"""

import io
import itertools
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import requests

from bench.office import (
    PeakMemory,
    expect,
    mib,
    office_pids,
    ratio,
    rss_kib,
    run_facts,
    run_phase,
    save_and_print,
)
from services.identity.domain.sheets import COLUMNS
from tests.support.office import DEMO_PASSWORD, Office
from tests.support.sheets import HEADERS, csv_sheet, person
from tools.demo_district import PEOPLE

RESULTS = Path(__file__).resolve().parent / "results" / "onboarding-latest.json"
ROWS = 10_000
CSV_CODE_OFFSET = 100_000  # the CSV run's employee codes and mobiles, apart from the XLSX run's
NODAL_OFFICER = "asp.hathras"
# Logins rotate over the demo people: concurrent logins of one person take turns by design.
LOGIN_USERS = [person[0] for person in PEOPLE]
HTTP_TIMEOUT = 300  # seconds, for each sheet call
RPC_TIMEOUT = "300"  # the gateway's, for the office this bench starts
DEFAULT_RPC_TIMEOUT = 15.0  # gateway/app.py's default: a longer call is a 503 there
CONCURRENCY = (1, 8)
# name -> (max operations, max seconds) per measured phase; warm-up is separate and discarded.
LIMITS = {"login": (400, 10), "echo": (3000, 6)}
BUSY_ECHO = (3000, 6)  # echo x1 while logins x8 run alongside, for as long
WARMUP = {"login": (8, 3), "echo": (50, 2)}
MEMORY_EVERY = 0.1
SETTLE = (1.0, 0.05, 90)  # identity idle: <5% of a CPU over 1 s, waiting at most 90 s
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- processes ---------------------------------------------------------------------------------


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def find_processes(root_pid: int, *needles: str) -> list[int]:
    """The office's processes whose command line holds every needle."""
    return [p for p in office_pids(root_pid) if all(n in cmdline(p) for n in needles)]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of ``pids`` so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / CLOCK_TICKS


def settle(identity: int) -> dict:
    """Wait until the identity service is idle again (after an apply, its outbox relay
    publishes one event per person): how long it stayed busy, and its CPU seconds meanwhile.
    The last, idle window is included in both."""
    window, idle_share, limit = SETTLE
    t0, cpu0, idle = time.monotonic(), cpu_seconds([identity]), False
    while not idle and time.monotonic() - t0 < limit:
        c0 = cpu_seconds([identity])
        time.sleep(window)
        idle = cpu_seconds([identity]) - c0 < idle_share * window
    return {
        "seconds": round(time.monotonic() - t0, 1),
        "identity_cpu_s": round(cpu_seconds([identity]) - cpu0, 1),
        "still_busy": not idle,
    }


# --- sheets ------------------------------------------------------------------------------------


def rows(offset: int) -> list[dict]:
    return [person(offset + n) for n in range(1, ROWS + 1)]


def xlsx_sheet(people: list[dict]) -> bytes:
    """As Excel saves the filled-in template: a full (not write-only) workbook, text cells,
    mobiles typed as numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Employees"
    ws.append(HEADERS)
    for row in people:
        ws.append([int(row[c.field]) if c.field == "mobile" else row[c.field] for c in COLUMNS])
    ws.freeze_panes = "A2"
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed_call(
    call: Callable[[], requests.Response], identity: int, gateway: list[int], status: int
) -> tuple[dict, dict | None]:
    """One sheet call: its figures (wall time, identity memory and CPU, gateway CPU) and its
    JSON answer (None if it failed)."""
    cpu_i, cpu_g = cpu_seconds([identity]), cpu_seconds(gateway)
    error, response = None, None
    with PeakMemory(lambda: rss_kib(identity)) as memory:
        t0 = time.perf_counter()
        try:
            response = call()
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        seconds = time.perf_counter() - t0
    figures = {
        "seconds": round(seconds, 2),
        "status": response.status_code if response is not None else None,
        "response_kib": round(len(response.content) / 1024) if response is not None else None,
        "identity_rss_mib": {
            "before": mib(memory.before),
            "peak": mib(memory.peak),
            "after": mib(memory.after),
            "samples": memory.samples,
        },
        "identity_cpu_s": round(cpu_seconds([identity]) - cpu_i, 2),
        "gateway_cpu_s": round(cpu_seconds(gateway) - cpu_g, 2),
        "over_default_rpc_timeout": seconds > DEFAULT_RPC_TIMEOUT,
        "error": error,
    }
    if response is None:
        return figures, None
    if response.status_code != status:
        figures["error"] = f"HTTP {response.status_code} {response.text[:300]!r}"
        return figures, None
    answer = response.json()
    figures["summary"] = answer.get("summary")
    figures["status_after"] = answer.get("status")
    figures["activations"] = len(answer.get("activations") or [])
    return figures, answer


def sheet_run(
    url: str, auth: dict, kind: str, content: bytes, identity: int, gateway: list[int]
) -> dict:
    """Upload (dry run), apply, and upload again (dry run) one sheet."""
    name = f"bench-{ROWS}.{kind}"
    mimetype = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv",
    }[kind]

    def upload() -> requests.Response:
        return requests.post(
            f"{url}/api/v1/onboarding/sheets",
            headers=auth,
            files={"sheet": (name, content, mimetype)},
            timeout=HTTP_TIMEOUT,
        )

    out: dict = {"sheet_kib": round(len(content) / 1024)}
    print(f"[bench] {kind}: upload (dry run) ...", flush=True)
    out["upload"], report = timed_call(upload, identity, gateway, 201)
    if report is None:
        return out
    out["settle_after_upload_s"] = settle(identity)

    def apply() -> requests.Response:
        return requests.post(
            f"{url}/api/v1/onboarding/sheets/{report['id']}/apply",
            headers=auth,
            timeout=HTTP_TIMEOUT,
        )

    print(f"[bench] {kind}: apply ...", flush=True)
    out["apply"], applied = timed_call(apply, identity, gateway, 200)
    if applied is None:
        return out
    # the outbox relay then dispatches one PersonOnboarded event per person
    out["settle_after_apply_s"] = settle(identity)
    print(f"[bench] {kind}: upload again (dry run, all unchanged) ...", flush=True)
    out["reupload"], _ = timed_call(upload, identity, gateway, 201)
    out["settle_after_reupload_s"] = settle(identity)
    return out


def sheet_problems(kind: str, run: dict) -> list[str]:
    """What a sheet run did that it should not have."""
    problems = []
    expected = {
        "upload": {"create": ROWS, "update": 0, "unchanged": 0, "reject": 0},
        "apply": {"create": ROWS, "update": 0, "unchanged": 0, "reject": 0},
        "reupload": {"create": 0, "update": 0, "unchanged": ROWS, "reject": 0},
    }
    for step, summary in expected.items():
        r = run.get(step)
        if r is None:
            problems.append(f"{kind} {step}: not run (an earlier step failed)")
            continue
        if r["error"]:
            problems.append(f"{kind} {step}: {r['error']} after {r['seconds']} s")
            continue
        if r.get("summary") != summary:
            problems.append(f"{kind} {step}: summary {r.get('summary')}, expected {summary}")
        if step == "apply" and r["activations"] != ROWS:
            problems.append(f"{kind} apply: {r['activations']} activation codes, expected {ROWS}")
        if r["over_default_rpc_timeout"]:
            problems.append(
                f"{kind} {step}: {r['seconds']} s, over the gateway's default RPC timeout "
                f"({DEFAULT_RPC_TIMEOUT:.0f} s): a default office answers 503 SERVICE_UNAVAILABLE"
            )
    return problems


# --- logins ------------------------------------------------------------------------------------


def login_operations(url: str) -> dict[str, Callable[[requests.Session], None]]:
    turn = itertools.count()  # next() on it is atomic under the GIL

    def login(session):
        username = LOGIN_USERS[next(turn) % len(LOGIN_USERS)]
        expect(
            session.post(
                f"{url}/api/v1/auth/login",
                json={"username": username, "password": DEMO_PASSWORD},
                timeout=30,
            ),
            200,
            "login",
        )

    def echo(session):
        expect(session.get(f"{url}/readyz/identity", timeout=30), 200, "readyz/identity")

    return {"login": login, "echo": echo}


def echo_during_logins(ops: dict) -> dict:
    """The echo at 1 client while 8 clients log in: does argon2id hold up the identity
    service's other RPCs (its greenlets share one OS thread)?"""
    max_ops, seconds = BUSY_ECHO
    background: dict = {}

    def logins():
        background.update(
            run_phase(ops["login"], 8, LIMITS["login"][0], seconds + 1, requests.Session)
        )

    thread = threading.Thread(target=logins, daemon=True)
    thread.start()
    time.sleep(0.5)  # let the logins start
    echo = run_phase(ops["echo"], 1, max_ops, seconds, requests.Session)
    thread.join()
    return {"echo": echo, "login": background}


def login_ratios(phases: dict) -> dict:
    out = {}
    for k in CONCURRENCY:
        login, echo = phases["login"][str(k)], phases["echo"][str(k)]
        out[str(k)] = {
            "login_vs_echo_p50": ratio(login["p50_ms"], echo["p50_ms"]),
            "echo_vs_login_throughput": ratio(echo["per_second"], login["per_second"]),
        }
    return out


# --- report ------------------------------------------------------------------------------------


def print_report(result: dict) -> None:
    machine = result["machine"]
    print(
        f"\nOnboarding {ROWS} rows, the whole office, {machine['cpus']} CPUs "
        f"(1-min load average before start: {machine['load_avg_1min_before']}); "
        f"identity RSS idle {result['identity']['idle_rss_mib']} MiB"
    )
    print(
        f"{'sheet':<6}{'step':<10}{'KiB':>7}{'s':>8}{'rows/s':>8}{'RSS before':>11}"
        f"{'peak':>8}{'after':>8}{'id CPU s':>9}{'gw CPU s':>9}  summary / error"
    )
    for kind, run in result["sheets"].items():
        for step in ("upload", "apply", "reupload"):
            r = run.get(step)
            if r is None:
                continue
            mem = r["identity_rss_mib"]
            flag = " *" if r["over_default_rpc_timeout"] else "  "
            what = r["error"] or ", ".join(
                f"{k} {v}" for k, v in (r.get("summary") or {}).items() if v
            )
            size = run["sheet_kib"] if step != "apply" else ""
            print(
                f"{kind:<6}{step:<10}{size!s:>7}{r['seconds']:>7}{flag[1]}"
                f"{round(ROWS / r['seconds']) if r['seconds'] else '':>8}"
                f"{mem['before']:>11}{mem['peak']:>8}{mem['after']:>8}"
                f"{r['identity_cpu_s']:>9}{r['gateway_cpu_s']:>9}  {what}"
            )
        settles = {k: v for k, v in run.items() if k.startswith("settle_")}
        if settles:
            print(
                f"{'':<6}identity busy afterwards: "
                + ", ".join(
                    f"{k[len('settle_after_') : -2]} {v['seconds']} s "
                    f"({v['identity_cpu_s']} CPU s{', STILL BUSY' if v['still_busy'] else ''})"
                    for k, v in settles.items()
                )
            )
    print(
        f"  (RSS: the identity process, MiB, sampled every {MEMORY_EVERY} s; "
        f"* = longer than the gateway's default {DEFAULT_RPC_TIMEOUT:.0f} s RPC timeout; "
        f"identity VmHWM at the end {result['identity']['vmhwm_end_mib']} MiB)"
    )

    labels = {"login": "login  POST /api/v1/auth/login", "echo": "echo   GET /readyz/identity"}
    print(f"\nLogins over {len(LOGIN_USERS)} demo people (after onboarding {2 * ROWS} people)")
    print(
        f"{'phase':<34}{'clients':>8}{'ok':>7}{'failed':>8}{'s':>7}{'per s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    for name, by_clients in result["logins"]["phases"].items():
        for r in by_clients.values():
            print(
                f"{labels[name]:<34}{r['clients']:>8}{r['ok']:>7}{r['failed']:>8}"
                f"{r['seconds']:>7}{r['per_second']:>9}{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}"
                f"{r['max_ms']!s:>9}"
            )
    busy = result["logins"]["echo_during_login_x8"]
    for label, r in (
        ("echo   during login x8", busy["echo"]),
        ("login  x8 alongside", busy["login"]),
    ):
        print(
            f"{label:<34}{r['clients']:>8}{r['ok']:>7}{r['failed']:>8}"
            f"{r['seconds']:>7}{r['per_second']:>9}{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}"
            f"{r['max_ms']!s:>9}"
        )
    print("Ratios (how many times slower / fewer per second)")
    for k, r in result["logins"]["ratios"].items():
        print(
            f"  {k:>2} client(s): login/echo p50 x{r['login_vs_echo_p50']}, "
            f"echo/login throughput x{r['echo_vs_login_throughput']}"
        )
    cpu = result["logins"]["cpu_s"]
    print(
        "CPU seconds during the login phases: "
        + ", ".join(
            f"x{k} identity {v['identity']} / gateway {v['gateway']}" for k, v in cpu.items()
        )
    )

    measured = [
        (name, r)
        for name, by_clients in result["logins"]["phases"].items()
        for r in by_clients.values()
    ] + [(f"{name} (echo during login x8)", r) for name, r in busy.items()]
    failures = [
        f"{name} x{r['clients']}: {count} x {what}"
        for name, r in measured
        for what, count in r["failures"].items()
    ]
    problems = result["problems"] + failures
    print("\nProblems: " + ("none" if not problems else ""))
    for p in problems:
        print(f"  {p}")
    print(f"\nWritten to {RESULTS}")


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    os.environ.setdefault("EOFFICE_RPC_TIMEOUT", RPC_TIMEOUT)  # the office inherits it
    print(f"[bench] building the sheets ({ROWS} rows each) ...", flush=True)
    t0 = time.perf_counter()
    contents = {"xlsx": xlsx_sheet(rows(0)), "csv": csv_sheet(rows(CSV_CODE_OFFSET))}
    build_seconds = round(time.perf_counter() - t0, 1)

    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        office = Office(Path(tmp))
        print("[bench] starting the office ...", flush=True)
        try:
            office.start()
            print(
                f"[bench] office ready at {office.url} after {time.monotonic() - began:.0f} s",
                flush=True,
            )
            root = office.proc.pid
            (identity,) = find_processes(root, "nameko", "run", "services.identity.service")
            gateway = find_processes(root, "gunicorn")
            login = requests.post(
                f"{office.url}/api/v1/auth/login",
                json={"username": NODAL_OFFICER, "password": DEMO_PASSWORD},
                timeout=30,
            )
            token = expect(login, 200, "nodal officer login").json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            time.sleep(1)
            idle_rss = rss_kib(identity)

            sheets = {
                kind: sheet_run(office.url, auth, kind, content, identity, gateway)
                for kind, content in contents.items()
            }

            ops = login_operations(office.url)
            phases: dict[str, dict] = {}
            cpu: dict[str, dict] = {}
            for name, operation in ops.items():
                run_phase(operation, 4, *WARMUP[name], requests.Session)
                phases[name] = {}
                for clients in CONCURRENCY:
                    print(f"[bench] {name} x{clients} ...", flush=True)
                    c_i, c_g = cpu_seconds([identity]), cpu_seconds(gateway)
                    phases[name][str(clients)] = run_phase(
                        operation, clients, *LIMITS[name], requests.Session
                    )
                    if name == "login":
                        cpu[str(clients)] = {
                            "identity": round(cpu_seconds([identity]) - c_i, 1),
                            "gateway": round(cpu_seconds(gateway) - c_g, 1),
                        }
            print("[bench] echo x1 during login x8 ...", flush=True)
            busy_echo = echo_during_logins(ops)
            vmhwm = rss_kib(identity, "VmHWM:")
        except BaseException:
            if office.proc is not None:
                print("[bench] office log (tail):\n" + office.log()[-4000:], file=sys.stderr)
            raise
        finally:
            office.stop()

    problems = [p for kind, run in sheets.items() for p in sheet_problems(kind, run)]
    result = {
        **run_facts(load_before),
        "settings": {
            "rows": ROWS,
            "csv_code_offset": CSV_CODE_OFFSET,
            "gateway_rpc_timeout_s": float(os.environ["EOFFICE_RPC_TIMEOUT"]),
            "default_rpc_timeout_s": DEFAULT_RPC_TIMEOUT,
            "http_timeout_s": HTTP_TIMEOUT,
            "login_limits": {"per_phase": LIMITS, "warmup": WARMUP},
            "sheet_build_s": build_seconds,
        },
        "identity": {"idle_rss_mib": mib(idle_rss), "vmhwm_end_mib": mib(vmhwm)},
        "sheets": sheets,
        "logins": {
            "phases": phases,
            "ratios": login_ratios(phases),
            "cpu_s": cpu,
            "echo_during_login_x8": busy_echo,
        },
        "problems": problems,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
