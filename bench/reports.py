"""How fast do the reports' read models take events in, and does a state rollup stay cheap?

Feeds synthetic movement events (receipts diarised at a district's receipt unit, then sent from
post to post within the district and to its circles) spread over 75 districts of one state
through the very path the live consumer takes (services/reports/projection.py ``take``), on the
embedded store in a temporary directory, and measures:

1. ingest    events per second taken into the log and every read model; the baseline is a
             plain insert of the same event documents into a collection of the same store.
2. rollup    the state's pendency by age with a row per district (answers.rows_of +
             answers.pendency, what GET /api/v1/reports/pendency/ages?level=child answers),
             p50/p95 after 10,000 events and after all of them; the ratio of the two p95s
             should be close to 1 (counters are pre-aggregated per node and day).
3. rebuild   ``make rebuild-reports``'s work (projection.rebuild) over every event.
4. memory    this process's peak resident memory (resource.getrusage).
5. busy      one busy district's month, in a store of its own: BUSY_EVENTS letters diarised
             at its receipt unit, each a line in the month's diary register; the cost of the
             last tenth of them per event against the first tenth (should be ~1: a line is a
             document of its own). Pushed onto the month's document, as before, the last
             tenth took 18.3 ms an event against 4.0 ms for the first (4.6x); now 3.4 against
             3.2 (1.06x), on the same machine minutes apart.

N defaults to 30,000 events. On a 2-core machine shared with other work (figures move by tens
of per cent from run to run) ingest takes 220-340 events/s, ~280 on average over 200,000 events
(120-155 before counters were batched: an event is now ~20 single-document calls to the store,
8 for its log and its item and one write per counter document it changes, against ~39), some 30x
the cost of a plain insert (55x before); a rebuild ~50 s for 30,000 events and ~260 s for
200,000 (~210 s for 30,000 before). 200,000 events take ~18 minutes in all; the issue's full figure,
REPORTS_BENCH_EVENTS=1000000, about an hour and a half.

    make bench      (writes bench/results/reports-latest.json as well)
"""

import json
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "reports-latest.json"
EVENTS = int(os.environ.get("REPORTS_BENCH_EVENTS", "30000"))
EARLY = 10_000  # the first rollup measure
DISTRICTS = 75
CIRCLES = 3  # per district
POSTS = 6  # per district office; each circle has one more
DAYS = 60  # events spread over the last DAYS days
ROLLUPS = 30  # rollups timed at each measure
BASELINE = 20_000  # plain inserts timed for the baseline
BUSY_EVENTS = 3_000  # a district's month of letters (~150 a working day)
DIARISED_SHARE = 0.25  # the rest are sendings of receipts already diarised
NAMES = {"en": "A post", "hi": "एक पद"}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class District:
    """One district's offices and posts, and the receipts now moving in it."""

    def __init__(self, i: int) -> None:
        self.office = f"D{i:02d}"
        self.path = ["UP", "UP-POLICE", self.office]
        self.posts = [(f"{self.office}-P{p}", self.path) for p in range(POSTS)]
        self.posts += [
            (f"{self.office}-C{c}-P", [*self.path, f"{self.office}-C{c}"]) for c in range(CIRCLES)
        ]
        self.receipts: list[list[Any]] = []  # [receipt id, seq, holder post]


def synthetic(rng: random.Random, districts: list[District], now: datetime) -> dict[str, Any]:
    """One movement event, as a producer's envelope (a dict, as it crosses the bus)."""
    d = rng.choice(districts)
    at = now - timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(86400))
    if not d.receipts or rng.random() < DIARISED_SHARE:
        receipt = [uuid.uuid4().hex, 1, d.posts[0]]
        d.receipts.append(receipt)
        event_type, office_path = "receipt.diarised", d.path
        payload: dict[str, Any] = {
            "receipt_id": receipt[0],
            "number": f"{len(d.receipts)}/2025/{d.office}",
            "subject": "A complaint",
            "office_id": d.office,
            "post_id": receipt[2][0],
            "post_name": NAMES,
            "seq": 1,
        }
    else:
        receipt = rng.choice(d.receipts)
        to = rng.choice(d.posts)
        receipt[1] += 1
        event_type, office_path = "receipt.sent", receipt[2][1]
        payload = {
            "receipt_id": receipt[0],
            "number": "1/2025/X",
            "subject": "A complaint",
            "from_post_id": receipt[2][0],
            "from_post_name": NAMES,
            "to_post_id": to[0],
            "to_post_name": NAMES,
            "to_office_id": to[1][-1],
            "to_office_path": to[1],
            "seq": receipt[1],
        }
        receipt[2] = to
    return {
        "event_id": uuid.uuid4().hex,
        "type": event_type,
        "occurred_at": at.isoformat(),
        "actor": None,
        "office_path": list(office_path),
        "payload": payload,
        "v": 1,
    }


def rollup_latencies(db: Any) -> dict[str, float]:
    """The state's pendency by age, a row per district, timed ROLLUPS times."""
    from common.workdays import Calendar
    from services.reports import answers

    calendar = Calendar()
    times = []
    for _ in range(ROLLUPS):
        t0 = time.perf_counter()
        rows = answers.pendency(
            db,
            answers.rows_of(db, "UP-POLICE", "child", None),
            lambda state, year: calendar,
            datetime.now(UTC),
        )
        times.append(time.perf_counter() - t0)
    assert len(rows) == DISTRICTS + 1, len(rows)
    return {"p50_ms": ms(percentile(times, 50)), "p95_ms": ms(percentile(times, 95))}


def busy_month(directory: str) -> dict[str, Any]:
    """One district diarising BUSY_EVENTS letters in one month; ms per event, first and last
    tenth."""
    os.environ["EOFFICE_DATA_DIR"] = directory
    from common.events import Event
    from common.storage import Storage
    from services.reports import projection, store

    district, month = District(1), datetime(2026, 11, 2, 10, tzinfo=UTC)
    storage = Storage("reports")
    store.ensure_indexes(storage.db)
    spent = []
    try:
        for n in range(BUSY_EVENTS):
            raw = {
                "event_id": uuid.uuid4().hex,
                "type": "receipt.diarised",
                "occurred_at": (month + timedelta(seconds=600 * n)).isoformat(),
                "actor": None,
                "office_path": district.path,
                "payload": {
                    "receipt_id": uuid.uuid4().hex,
                    "number": f"{n + 1}/2026/{district.office}",
                    "subject": "A complaint",
                    "office_id": district.office,
                    "post_id": district.posts[0][0],
                    "post_name": NAMES,
                    "seq": 1,
                },
                "v": 1,
            }
            t0 = time.perf_counter()
            projection.take(storage.db, raw, Event.model_validate(raw))
            spent.append(time.perf_counter() - t0)
        lines = len(store.register_lines(storage.db, "diary", district.office))
    finally:
        storage.close()
    tenth = BUSY_EVENTS // 10
    first, last = sum(spent[:tenth]) / tenth, sum(spent[-tenth:]) / tenth
    return {
        "events": BUSY_EVENTS,
        "register_lines": lines,
        "first_tenth_ms_per_event": ms(first),
        "last_tenth_ms_per_event": ms(last),
        "last_vs_first": round(last / first, 2),
    }


def measure(directory: str) -> dict[str, Any]:
    os.environ["EOFFICE_DATA_DIR"] = directory
    os.environ.pop("MONGODB_URI", None)
    from common.events import Event
    from common.storage import Storage
    from services.reports import projection, store

    rng = random.Random(11)
    districts = [District(i) for i in range(1, DISTRICTS + 1)]
    now = datetime.now(UTC)
    storage = Storage("reports")
    db = storage.db
    store.ensure_indexes(db)
    result: dict[str, Any] = {}
    try:
        # The baseline: the same kind of documents, plainly inserted into the same store.
        plain = [synthetic(rng, districts, now) for _ in range(BASELINE)]
        t0 = time.perf_counter()
        for doc in plain:
            db.bench_plain.insert_one({"_id": doc["event_id"], **doc})
        result["baseline_inserts_per_s"] = round(BASELINE / (time.perf_counter() - t0))
        db.bench_plain.drop()

        districts = [District(i) for i in range(1, DISTRICTS + 1)]
        taken, spent, last_print = 0, 0.0, time.monotonic()
        for goal in (EARLY, EVENTS):
            while taken < goal:
                raw = synthetic(rng, districts, now)
                t0 = time.perf_counter()
                projection.take(db, raw, Event.model_validate(raw))
                spent += time.perf_counter() - t0
                taken += 1
                if time.monotonic() - last_print > 30:
                    print(f"[bench]    {taken:,} events, {taken / spent:,.0f}/s", flush=True)
                    last_print = time.monotonic()
            result[f"rollup_after_{goal}"] = rollup_latencies(db)
            print(f"[bench] rollup after {goal:,}: {result[f'rollup_after_{goal}']}", flush=True)
        result["events"] = taken
        result["ingest_events_per_s"] = round(taken / spent)
        result["ingest_vs_plain_insert"] = round(
            result["baseline_inserts_per_s"] / result["ingest_events_per_s"], 1
        )
        early, late = result[f"rollup_after_{EARLY}"], result[f"rollup_after_{EVENTS}"]
        result["rollup_p95_ratio"] = round(late["p95_ms"] / early["p95_ms"], 2)

        t0 = time.perf_counter()
        tally = projection.rebuild(db)
        result["rebuild_s"] = round(time.perf_counter() - t0, 1)
        result["rebuild_tally"] = tally
        result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    finally:
        storage.close()
    return result


def main() -> int:
    print(
        f"[bench] reports: {EVENTS:,} synthetic movement events over {DISTRICTS} districts "
        "(the issue's full figure: REPORTS_BENCH_EVENTS=1000000)",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as directory:
        result = measure(directory)
    with tempfile.TemporaryDirectory(prefix="reports-bench-busy-") as directory:
        result["busy_month"] = busy = busy_month(directory)
    result["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1))
    early, late = result[f"rollup_after_{EARLY}"], result[f"rollup_after_{EVENTS}"]
    print(
        f"[bench] ingest         {result['ingest_events_per_s']:>9,} events/s "
        f"(plain insert {result['baseline_inserts_per_s']:,}/s: "
        f"{result['ingest_vs_plain_insert']}x the cost)\n"
        f"[bench] state rollup   after {EARLY:,}: p50 {early['p50_ms']} ms, "
        f"p95 {early['p95_ms']} ms\n"
        f"[bench] state rollup   after {EVENTS:,}: p50 {late['p50_ms']} ms, "
        f"p95 {late['p95_ms']} ms (p95 ratio {result['rollup_p95_ratio']}, should be ~1)\n"
        f"[bench] rebuild        {result['rebuild_s']} s for {EVENTS:,} events "
        f"{result['rebuild_tally']}\n"
        f"[bench] peak memory    {result['peak_rss_mib']} MiB (this process)\n"
        f"[bench] busy month     {busy['events']:,} letters in one district's month "
        f"({busy['register_lines']:,} diary lines): {busy['first_tenth_ms_per_event']} ms an "
        f"event in the first tenth, {busy['last_tenth_ms_per_event']} ms in the last "
        f"(ratio {busy['last_vs_first']}, should be ~1)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
