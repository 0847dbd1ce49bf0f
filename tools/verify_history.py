"""Check an exported receipt or file history offline: nothing but this repository and Python.

    python -m tools.verify_history export.json [--expect-last-hash H]
    python -m tools.verify_history export.csv  [--expect-last-hash H]

The JSON is what ``GET /api/v1/receipts/{id}/history`` returns (``{"items": [...]}``, or the
bare list); the CSV is the RTI export (``rti.history_csv``). The hashes are checked by
``history.verify`` itself, so this tool and the office can never disagree about the rules.
``--expect-last-hash`` takes the last hash printed in the RTI reply: it catches entries cut off
the end, which no chain can show by itself. Exit 0: intact; 1: broken; 2: unreadable input.
"""

import argparse
import json
import sys
from pathlib import Path

from services.files.domain import history
from services.files.render.rti import UnreadableRow, entries_from_csv


class Unreadable(Exception):
    pass


def load(data: bytes) -> list[dict]:
    """Entries from a JSON or CSV export, told apart by their first character."""
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start in (b"{", b"["):
        try:
            loaded = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise Unreadable(f"not valid JSON: {exc}") from exc
        items = loaded.get("items") if isinstance(loaded, dict) else loaded
        if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
            raise Unreadable('expected {"items": [...]} or a list of entries')
        return items
    try:
        return entries_from_csv(data)
    except UnreadableRow as exc:
        if exc.row == 0:
            raise Unreadable(f"not a history CSV: {exc.reason}") from exc
        raise


def why_broken(entries: list[dict], position: int) -> str:
    """Which of ``history.verify``'s three conditions failed, in words (no hashing here)."""
    entry = entries[position - 1]
    if entry.get("seq") != position:
        return (
            f"its sequence number is {entry.get('seq')!r}, expected {position} "
            "(an entry was removed, inserted or reordered)"
        )
    expected = entries[position - 2].get("hash") if position > 1 else history.GENESIS_HASH
    if entry.get("prev_hash") != expected:
        return "its prev_hash is not the hash of the entry before it"
    return "its contents do not match its hash (the entry was changed after it was written)"


def describe(entry: dict) -> str:
    return f"{entry.get('action')!s} at {entry.get('at')!s}"


def check(entries: list[dict], expect_last_hash: str | None = None) -> tuple[int, str]:
    """(exit code, the line to print) for a list of entries."""
    result = history.verify(entries)
    if not result["intact"]:
        k = result["broken_at"]
        return 1, f"BROKEN at entry {k} ({describe(entries[k - 1])}): {why_broken(entries, k)}"
    last = result["last_hash"]
    if expect_last_hash is not None and last != expect_last_hash.strip().lower():
        return 1, (
            f"BROKEN after entry {result['entries']}: the last hash is {last}, "
            f"not the expected {expect_last_hash} (entries are missing or were added at the end)"
        )
    return 0, f"intact: {result['entries']} entries, last hash {last}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.verify_history",
        description="Check the hash chain of an exported receipt or file history, offline.",
    )
    parser.add_argument("export", help="the JSON or CSV export ('-' reads standard input)")
    parser.add_argument(
        "--expect-last-hash", metavar="H", help="the last hash stated in the RTI reply"
    )
    args = parser.parse_args(argv)
    try:
        data = sys.stdin.buffer.read() if args.export == "-" else Path(args.export).read_bytes()
        entries = load(data)
    except OSError as exc:
        print(f"cannot read {args.export}: {exc.strerror}", file=sys.stderr)
        return 2
    except Unreadable as exc:
        print(f"cannot read {args.export}: {exc}", file=sys.stderr)
        return 2
    except UnreadableRow as exc:
        print(f"BROKEN at entry {exc.row}: the row cannot be read ({exc.reason})")
        return 1
    code, line = check(entries, args.expect_last_hash)
    print(line)
    return code


if __name__ == "__main__":
    sys.exit(main())
