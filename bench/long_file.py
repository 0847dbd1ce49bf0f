"""How a desk action's time grows with the file: a note on a file of 10 notes, and of 1,000.

A file in these offices runs for years: a land dispute or a service matter gathers hundreds of
notes, each a paragraph, each with its line in the history. Every action on the file reads it,
changes it and writes it back whole (one version-checked write, its history and events inside
it), so what the store does per byte of the file is paid at every note.

Starts the whole office as `make run` does (tests.support.office.Office), then the Reader opens
one file and writes notes on it, one client, one after another, a paragraph each (~400
characters, Hindi and English). At each length (10, 100, 300, 600, 1,000 notes) it measures:

- note   POST /api/v1/files/{id}/notes: p50 and p95 of the last ``SAMPLES`` notes up to that
         length (at 10 notes, all ten);
- open   GET /api/v1/files/{id}: p50 and p95 of ``SAMPLES`` opens;
- echo   GET /readyz/identity, the same round trip with no work (the baseline, measured at
         each length too, so the machine's noise at that moment cancels in the ratio).

Printed: each figure, note and open as a ratio to the echo, and the growth (a note at 1,000
notes over a note at 10). No target: issue #17 asks for desk calls near the echo; this says how
far the length of a file takes them from it on the embedded store (MongoDB does the same work
in its server).

Figures (2026-12-06, 2-CPU machine, load ~1, minutes apart), note p50 at 10 / 100 / 300 / 600 /
1,000 notes:

    mongomock's updates (before)                       16 / 26 / 60 / 134 / 172 ms
    common/embedded_collection.py's, the history head  16 / 23 / 47 /  67 / 115 ms

What is left is the file itself: read whole, written whole, and answered whole (the file view
with every note), serialised as JSON by the files service and again by the gateway.

    .venv/bin/python -m bench.long_file     (writes bench/results/long-file-latest.json as well)
"""

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from bench.office import READER, expect, login, ratio, run_facts, run_phase, save_and_print
from tests.support.office import Office

RESULTS = Path(__file__).resolve().parent / "results" / "long-file-latest.json"
LENGTHS = (10, 100, 300, 600, 1000)
SAMPLES = 20
PHASE_SECONDS = 600  # a bound that the count reaches first
NOTE = (
    "प्रकरण में थाना सासनी की आख्या प्राप्त हो गई है। भूमि विवाद के संबंध में दोनों पक्षों को "
    "सुना गया। Report of SHO Sasni received; both parties heard on 12.03.2025. Put up for "
    "orders regarding the proposed action under section 145, with the tehsildar's report. "
) * 2


def measure(url: str) -> list[dict]:
    reader = login(url, READER)  # each phase logs in afresh, as bench.office's do
    filler: requests.Session = reader()
    file_id = expect(
        filler.post(f"{url}/api/v1/files", json={"subject": "Long file"}, timeout=30),
        201,
        "open a file",
    ).json()["id"]

    def note(session: requests.Session) -> None:
        expect(
            session.post(f"{url}/api/v1/files/{file_id}/notes", json={"text": NOTE}, timeout=30),
            201,
            "note",
        )

    def open_file(session: requests.Session) -> None:
        expect(session.get(f"{url}/api/v1/files/{file_id}", timeout=30), 200, "open")

    def echo(session: requests.Session) -> None:
        expect(session.get(f"{url}/readyz/identity", timeout=30), 200, "echo")

    def phase(operation: Callable[[requests.Session], None], count: int) -> dict:
        return run_phase(operation, 1, count, PHASE_SECONDS, reader)

    rows, written = [], 0
    for length in LENGTHS:
        while written < length - SAMPLES:
            note(filler)
            written += 1
        print(f"[bench] a file of {length} notes ...", flush=True)
        notes = phase(note, length - written)
        written += notes["ok"]
        rows.append(
            {
                "notes": written,
                "note": notes,
                "open": phase(open_file, SAMPLES),
                "echo": phase(echo, SAMPLES),
            }
        )
    filler.close()
    return rows


def print_report(result: dict) -> None:
    machine = result["machine"]
    print(
        f"\nA desk action on a long file, 1 client, {machine['cpus']} CPUs "
        f"(1-min load average before start: {machine['load_avg_1min_before']})"
    )
    print(
        f"{'notes':>6} {'note p50':>9} {'p95':>7} {'open p50':>9} {'p95':>7} {'echo p50':>9}"
        f" {'note/echo':>10} {'open/echo':>10}"
    )
    for row in result["rows"]:
        note, opened, echo = row["note"], row["open"], row["echo"]
        print(
            f"{row['notes']:>6} {note['p50_ms']:>9} {note['p95_ms']:>7} {opened['p50_ms']:>9}"
            f" {opened['p95_ms']:>7} {echo['p50_ms']:>9}"
            f" {ratio(note['p50_ms'], echo['p50_ms']):>10}"
            f" {ratio(opened['p50_ms'], echo['p50_ms']):>10}"
        )
    print(
        f"growth: a note at {LENGTHS[-1]} notes takes {result['growth']['note']}x one at "
        f"{LENGTHS[0]}; an open {result['growth']['open']}x"
    )
    failed = {
        f"{row['notes']} notes, {what}: {failure}": n
        for row in result["rows"]
        for what in ("note", "open", "echo")
        for failure, n in row[what]["failures"].items()
    }
    print(f"failures: {failed or 'none'}")


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-") as tmp:
        office = Office(Path(tmp))
        print("[bench] starting the office ...", flush=True)
        office.start()
        try:
            rows = measure(office.url)
        finally:
            office.stop()
    first, last = rows[0], rows[-1]
    result = {
        **run_facts(load_before),
        "samples": SAMPLES,
        "note_chars": len(NOTE),
        "rows": rows,
        "growth": {
            what: ratio(last[what]["p50_ms"], first[what]["p50_ms"]) for what in ("note", "open")
        },
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    raise SystemExit(main())
