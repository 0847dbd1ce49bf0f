"""E-Leave in a 2,000-person district with ten years of leave behind everyone: how many
applications an office takes through apply -> recommend -> sanction each second, how fast a
person's balance answers, and how many bare RPC round trips (the echo) each costs, in one run.

Three stages, on one data directory:

1. district  The whole office starts exactly as `make run` does (tests.support.office.Office,
             the demo district of Hathras), and the district's nodal officer (asp.hathras)
             onboards PEOPLE more people of the SP office from one master data sheet (one
             upload and one apply, as bench/onboarding.py does). Then the office stops.
2. seed      The leave service's embedded store (opened as the service opens it) gets YEARS
             years of leave for every person of the district (the demo's and the sheet's):
             each year a casual and an earned leave sanctioned (shaped by the leave domain's own
             applications.new and sanction), their debits, and every credit since the first
             year (balances.credits_due), written directly; wall time and counts recorded.
3. measure   The office starts again on the same data directory and, after a short warm-up,
             at 1 and len(APPLICANTS) concurrent clients:
               echo     GET /readyz/leave: one RPC round trip to the leave service, no work.
               balance  GET /api/v1/leave/balance as one of the demo people in turn (each with
                        the ten years of ledger seeded), this year's balance of each kind.
               chain    one application of station leave (one day, a day of its own, years
                        ahead), through the API: the applicant applies, the officer at its
                        reporting level recommends, the one at its controlling level sanctions.
                        One operation = the three calls; each client is one applicant (the
                        demo's Central Receipt Unit, SHO, head clerk, circle officer and
                        Registrar Kanungo: each chain of command of its own).
             and the ratios: balance p50 and p95 to the echo's, chain throughput to the echo's
             and its p50 to three echoes'. Checks: every chain ended sanctioned, and a measured
             person's balance holds the seeded years.

Each phase is bounded by a count and a time, whichever comes first. Latencies and throughput
count successful operations only; failures are counted and printed, never dropped. The load
generator runs on the same machine as the office: compare runs on one machine only.

    .venv/bin/python -m bench.leave     (writes bench/results/leave-latest.json as well)
    EOFFICE_BENCH_LEAVE_PEOPLE=500 ...  fewer people, to try a change quickly
"""

import hashlib
import itertools
import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from bench.files import run, start
from bench.office import Failed, expect, ratio, run_facts, run_phase, save_and_print
from common.clock import IST, iso, utcnow
from common.storage import DataDirLocked, Storage
from services.leave.domain import applications, balances, rules
from services.leave.domain.applications import Asked, Stop
from tests.support.office import DEMO_PASSWORD, Office
from tests.support.sheets import csv_sheet, person
from tools.demo_district import PEOPLE as DEMO_PEOPLE

RESULTS = Path(__file__).resolve().parent / "results" / "leave-latest.json"
PEOPLE = int(os.environ.get("EOFFICE_BENCH_LEAVE_PEOPLE", "2000"))
YEARS = 10
BATCH = 2_000  # documents per insert_many
NODAL, DISTRICT_OFFICE = "asp.hathras", "SP-HTR"
# Each applicant's chain: the officer at the reporting level recommends, the one at the
# controlling level sanctions (station leave has those two levels).
APPLICANTS = (
    "cru.hathras",
    "sho.kotwali.hathras",
    "hc.estt.hathras",
    "co.sadar.hathras",
    "rk.sadar.hathras",
)
OFFICERS = (
    "hc.estt.hathras",
    "co.sadar.hathras",
    "asp.hathras",
    "sp.hathras",
    "tehsildar.sadar.hathras",
    "adm.hathras",
)
# Not applicants: an application years ahead brings its applicant's ledger up to that year.
BALANCE_OF = ("reader.hathras", "sp.hathras", "asp.hathras", "dm.hathras")
CONCURRENCY = (1, len(APPLICANTS))
# name -> (max operations, max seconds) per measured phase; warm-up is separate and discarded.
LIMITS = {"echo": (3000, 8), "balance": (2000, 10), "chain": (400, 20)}
WARMUP = (10, 3)
HTTP_TIMEOUT = 60
STATION_DAYS_A_YEAR = 24  # the police's yearly limit of station leave: one day each


def login(url: str, username: str) -> tuple[dict, dict]:
    """The bearer header and the person as the login answers."""
    response = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=HTTP_TIMEOUT,
    )
    answer = expect(response, 200, f"login {username}").json()
    return {"Authorization": f"Bearer {answer['access_token']}"}, answer["user"]


# --- 1. the district ---------------------------------------------------------------------------


def onboarded_id(employee_code: str) -> str:
    """The user id onboarding gives the person of an employee code (identity's own rule)."""
    return "emp-" + hashlib.sha256(employee_code.encode()).hexdigest()[:24]


def grow_district(url: str) -> dict:
    """PEOPLE more people of the SP office from one master data sheet; the demo's people (and
    their ids) as logging in shows them."""
    nodal, _ = login(url, NODAL)
    rows = [person(n, employee_code=f"LVB{n:06d}") for n in range(1, PEOPLE + 1)]
    t0 = time.perf_counter()
    uploaded = requests.post(
        f"{url}/api/v1/onboarding/sheets",
        headers=nodal,
        files={"sheet": ("hathras-staff.csv", csv_sheet(rows), "text/csv")},
        timeout=600,
    )
    report = expect(uploaded, 201, "upload sheet").json()
    applied = requests.post(
        f"{url}/api/v1/onboarding/sheets/{report['id']}/apply", headers=nodal, timeout=600
    )
    summary = expect(applied, 200, "apply sheet").json()["summary"]
    sheet_s = time.perf_counter() - t0
    demo = {u: login(url, u)[1] for u, *_ in DEMO_PEOPLE if u != "admin.up"}
    return {
        "people": {
            **{u: {"id": p["id"], "office_id": p["office_id"]} for u, p in demo.items()},
            **{r["employee_code"]: {"id": onboarded_id(r["employee_code"])} for r in rows},
        },
        "figures": {"sheet_summary": summary, "sheet_upload_and_apply_s": round(sheet_s, 1)},
    }


# --- 2. ten years of leave ---------------------------------------------------------------------


def open_leave_store(data_dir: Path, seconds: float = 30) -> Storage:
    """The leave service's store, as the service opens it (the office must have let go)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return Storage("leave", {"EOFFICE_DATA_DIR": str(data_dir)})
        except DataDirLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def history_of(user_id: str, department: rules.Department, today: date) -> tuple[list, list]:
    """A person's YEARS years of leave: each year a casual leave in March and an earned leave
    in October, sanctioned; and the ledger they leave (credits since the first year, debits)."""
    first = date(today.year - YEARS, 1, 1)
    stop = Stop(0, "bench-officer", "reporting", True, ())
    by = {"user_id": "bench", "name": "bench", "on_behalf_of": None}
    apps = []
    for year in range(first.year, today.year):
        for code, starts, days in (
            ("casual", date(year, 3, 9), 2),
            ("earned", date(year, 10, 5), 5),
        ):
            kind = department.kind(code)
            asked = Asked(kind, starts, starts + timedelta(days=days - 1), None, None)
            at = iso(utcnow().replace(year=year, month=starts.month, day=1))
            app = applications.new(
                f"{user_id}-{year}-{code}",
                {
                    "user_id": user_id,
                    "applicant_name": "bench",
                    "post_id": "bench-post",
                    "office_path": [],
                    "department": department.name,
                    "reason": "seeded",
                    "address": "",
                    "delegate_to_user_id": None,
                },
                asked,
                ("reporting",),
                ["bench-officer"],
                stop,
                by,
                at,
            )
            fields, entry = applications.sanction(app, by, at, starts, None)
            app.update(fields, version=2)
            app["history"].append({**entry, "n": 2})
            apps.append(app)
    ledger = [
        e
        for kind in department.kinds
        for e in balances.credits_due(user_id, kind, first, today, [])
    ]
    ledger += [e for a in apps for e in balances.entries_of(a)]
    return apps, ledger


def seed_leave(data_dir: Path, people: dict) -> dict:
    """Write every person's years of leave into the leave store."""
    today = utcnow().astimezone(IST).date()
    police, revenue = rules.department("police"), rules.department("revenue")
    revenue_people = {
        u for u, *_, office, _ in DEMO_PEOPLE if office in ("DM-HTR", "TEHSIL-SADAR-HTR")
    }
    t0 = time.perf_counter()
    storage = open_leave_store(data_dir)
    counts = {"applications": 0, "ledger_entries": 0}
    insert_s = 0.0
    try:
        db = storage.db
        apps: list = []
        ledger: list = []

        def flush() -> None:
            nonlocal insert_s
            t1 = time.perf_counter()
            if apps:
                db.applications.insert_many(apps)
            if ledger:
                db.ledger.insert_many(ledger)
            insert_s += time.perf_counter() - t1
            counts["applications"] += len(apps)
            counts["ledger_entries"] += len(ledger)
            apps.clear()
            ledger.clear()

        for name, found in people.items():
            department = revenue if name in revenue_people else police
            made, entries = history_of(found["id"], department, today)
            apps.extend(made)
            ledger.extend(entries)
            if len(ledger) >= BATCH:
                flush()
        flush()
    finally:
        storage.close()
    total = time.perf_counter() - t0
    return {
        "people": len(people),
        "years": YEARS,
        **counts,
        "insert_s": round(insert_s, 1),
        "total_s": round(total, 1),
    }


# --- 3. measure --------------------------------------------------------------------------------


class Session(requests.Session):
    """One client's HTTP session (run_phase closes it)."""


def measure(url: str) -> dict:
    tokens = {u: login(url, u) for u in {*APPLICANTS, *OFFICERS, *BALANCE_OF}}
    officer_at = {p["id"]: u for u in OFFICERS for p in tokens[u][1]["posts"]}
    days = {u: itertools.count() for u in APPLICANTS}
    turn = itertools.count()
    lock = threading.Lock()
    outcomes: dict[str, int] = {}

    def echo(s: requests.Session) -> None:
        expect(s.get(f"{url}/readyz/leave", timeout=HTTP_TIMEOUT), 200, "echo")

    def balance(s: requests.Session) -> None:
        who = BALANCE_OF[next(turn) % len(BALANCE_OF)]
        r = s.get(f"{url}/api/v1/leave/balance", headers=tokens[who][0], timeout=HTTP_TIMEOUT)
        expect(r, 200, "balance")

    def chain_for(applicant: str) -> Any:
        def chain(s: requests.Session) -> None:
            with lock:
                n = next(days[applicant])
            year, nth = 2040 + n // STATION_DAYS_A_YEAR, n % STATION_DAYS_A_YEAR
            day = (date(year, 1, 2) + timedelta(days=nth * 7)).isoformat()
            body = {"kind": "station", "from_date": day, "to_date": day, "reason": "bench"}
            r = s.post(
                f"{url}/api/v1/leave/applications",
                json=body,
                headers=tokens[applicant][0],
                timeout=HTTP_TIMEOUT,
            )
            app = expect(r, 201, "apply").json()
            for action in ("recommend", "sanction"):
                officer = officer_at.get(app["at_post_id"])
                if officer is None:
                    raise Failed(f"{action}: nobody of ours at {app['at_post_id']}")
                r = s.post(
                    f"{url}/api/v1/leave/applications/{app['id']}/{action}",
                    json={"version": app["version"]},
                    headers=tokens[officer][0],
                    timeout=HTTP_TIMEOUT,
                )
                app = expect(r, 200, action).json()
            with lock:
                outcomes[app["status"]] = outcomes.get(app["status"], 0) + 1

        return chain

    def by_client(make: Any) -> Any:
        """Each client thread its own operation (the chain: its own applicant)."""
        local = threading.local()
        handed = itertools.count()

        def operation(s: requests.Session) -> None:
            if not hasattr(local, "op"):
                with lock:
                    local.op = make(next(handed))
            local.op(s)

        return operation

    ops = {
        "echo": lambda: echo,
        "balance": lambda: balance,
        "chain": lambda: by_client(lambda i: chain_for(APPLICANTS[i % len(APPLICANTS)])),
    }
    phases: dict = {name: {} for name in ops}
    for clients in CONCURRENCY:
        for name, make in ops.items():
            run_phase(make(), clients, *WARMUP, Session)
            max_ops, max_s = LIMITS[name]
            print(f"[bench] {name} x{clients} ...", flush=True)
            phases[name][str(clients)] = run_phase(make(), clients, max_ops, max_s, Session)
    sample = tokens[BALANCE_OF[0]][0]
    seen = requests.get(f"{url}/api/v1/leave/balance", headers=sample, timeout=HTTP_TIMEOUT)
    ledger = expect(seen, 200, "balance").json()["ledger"]
    return {"phases": phases, "outcomes": outcomes, "ledger_entries_of_a_person": len(ledger)}


def ratios(phases: dict) -> dict:
    out = {}
    for k in CONCURRENCY:
        echo, bal, chain = (phases[n][str(k)] for n in ("echo", "balance", "chain"))
        out[str(k)] = {
            "balance_vs_echo_p50": ratio(bal["p50_ms"], echo["p50_ms"]),
            "balance_vs_echo_p95": ratio(bal["p95_ms"], echo["p95_ms"]),
            "echo_vs_chain_throughput": ratio(echo["per_second"], chain["per_second"]),
            "chain_vs_three_echoes_p50": ratio(chain["p50_ms"], 3 * (echo["p50_ms"] or 0)),
        }
    return out


def print_report(result: dict) -> None:
    labels = {
        "echo": "echo    GET /readyz/leave",
        "balance": "balance GET /leave/balance",
        "chain": "chain   apply+recommend+sanction",
    }
    machine = result["machine"]
    seed = result["seed"]
    print(
        f"\nE-Leave: {seed['people']} people with {seed['years']} years of leave each "
        f"({seed['applications']} applications, {seed['ledger_entries']} ledger entries); "
        f"{machine['cpus']} CPUs, load generator on the same machine (1-min load average "
        f"before start: {machine['load_avg_1min_before']})"
    )
    print(
        f"{'phase':<36}{'clients':>8}{'ok':>7}{'failed':>8}{'s':>7}{'per s':>9}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    for name, by in result["phases"].items():
        for r in by.values():
            print(
                f"{labels[name]:<36}{r['clients']:>8}{r['ok']:>7}{r['failed']:>8}"
                f"{r['seconds']:>7}{r['per_second']:>9}{r['p50_ms']!s:>9}{r['p95_ms']!s:>9}"
                f"{r['max_ms']!s:>9}"
            )
    print("\nRatios (how many times slower / fewer per second than the bare echo)")
    for k, r in result["ratios"].items():
        print(
            f"  {k:>2} client(s): balance/echo p50 x{r['balance_vs_echo_p50']}, "
            f"p95 x{r['balance_vs_echo_p95']};  echo/chain throughput "
            f"x{r['echo_vs_chain_throughput']}, chain p50 / 3 echoes x"
            f"{r['chain_vs_three_echoes_p50']}"
        )
    failures = [
        (name, r["clients"], f)
        for name, by in result["phases"].items()
        for r in by.values()
        for f in r["failures"].items()
    ]
    print("\nFailures: " + ("none" if not failures else ""))
    for name, clients, (what, count) in failures:
        print(f"  {name} x{clients}: {count} x {what}")
    print(f"\nDistrict: {result['district']}")
    print(f"Seed: {seed}")
    print(f"Restart on the seeded store: {result['restart_s']} s")
    print("Problems: " + ("; ".join(result["problems"]) or "none"))
    print(f"\nWritten to {RESULTS}")


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-leave-") as tmp:
        data_dir = Path(tmp)
        print(f"[bench] 1. district: {PEOPLE} more people from one master data sheet", flush=True)
        office = Office(data_dir)

        def grow() -> dict:
            ready = round(start(office), 1)
            grown = grow_district(office.url)
            grown["figures"]["first_start_s"] = ready
            return grown

        grown = run(office, grow)
        print(f"[bench]    {grown['figures']}", flush=True)

        print(f"[bench] 2. seed: {YEARS} years of leave for everyone ...", flush=True)
        seeded = seed_leave(data_dir, grown["people"])
        print(f"[bench]    {seeded}", flush=True)

        print("[bench] 3. measure: the office again, on the seeded store", flush=True)
        office = Office(data_dir)
        restart: dict = {}

        def again() -> dict:
            restart["s"] = round(start(office), 1)
            return measure(office.url)

        measured = run(office, again)

    problems = []
    chains = sum(r["ok"] for r in measured["phases"]["chain"].values())
    if measured["outcomes"].get("sanctioned", 0) < chains:
        problems.append(f"chains ended {measured['outcomes']}, not all sanctioned")
    if measured["ledger_entries_of_a_person"] < 2 * YEARS:
        problems.append(f"a person's ledger holds {measured['ledger_entries_of_a_person']} entries")
    result = {
        **run_facts(load_before),
        "limits": {"per_phase": LIMITS, "warmup": WARMUP, "concurrency": CONCURRENCY},
        "district": grown["figures"],
        "seed": seeded,
        "restart_s": restart.get("s"),
        "phases": measured["phases"],
        "ratios": ratios(measured["phases"]),
        "problems": problems,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
