"""How fast does notify fan a circular out, mail notices, and put a movement's notice in front of
the desk it reached, and how many times a bare baseline does each cost?

1. fan-out  A circular to FANOUT posts on notify's embedded store (common.storage.Storage on a
            temporary data directory, store.ensure_indexes), exactly as circulars.py and
            service/base.py's ``_raise`` do it: the notices built with domain.notices.for_post
            from one circular Event, written with store.add_notices in batches of
            circulars.BATCH, and the deliveries planned (base.Desk._plan: store.anyone_wants,
            store.people, delivery.planned, store.plan) for the PLANNED_PEOPLE holders who chose
            circulars by email. Baseline: the same documents insert_many'd in the same batches
            into a bare collection of the same store. Notices per second, both, and the ratio.
            Then one post's notices (store.notices_for) and its unread count (store.unread_count,
            which the header reads on every page), p50/p95 over READS random posts.
2. email    EMAILS notice emails (domain.messages.notice_email) to a loopback SMTP server
            (tests.support.mailserver.MailServer, aiosmtpd) through channels.email.send, one
            connection a message as notify does; baseline: the same messages through a raw
            smtplib.SMTP(...).send_message, one connection each. Sequential and 4 threads.
3. notice   The whole office (tests.support.office.Office): 16 clients each diarise a physical
            receipt as cru.hathras and send it to reader.hathras's post, then poll
            GET /api/v1/notices?limit=20 as the Reader every POLL_EVERY s until the notice for
            that receipt appears; the delay from the send's answer to the notice seen, p50/p95.
            Baseline: the echo (GET /readyz/identity, one RPC round trip) at 16 clients.

Latencies and throughput count successful operations only; failures are counted and printed.
The load generator runs on the same machine as the office: compare runs on one machine only.

Measured on a 2-core machine shared with other work (three runs, 77-104 s each; figures move
by tens of per cent from run to run): the fan-out of 10,000 notices 8,000-14,800 notices/s
(0.7-1.3 s, almost all of it add_notices; building 0.02-0.03 s, planning the 100 emails
0.08-0.14 s), a bare insert_many of the same documents 8,850-16,300/s: x1.0-1.1, the fan-out
costs next to nothing on top of the store's write. Reading after it was the slow part, and was
mended: one post's notices (store.notices_for) took p50 92-115 ms and store.unread_count (the
header, every page) p50 93-118 ms, against 0.24 ms for the same notice found by the post_id
index alone (x375-400), because the embedded store scanned the whole collection for the
``$or`` of post and person; with two indexed lookups instead, notices_for p50 0.08 ms, p95
0.11 ms and unread_count p50 0.06 ms, p95 0.08 ms (x1.75 the single indexed find).
Emails: 400-454/s through channels.email.send, 380-540/s through
raw smtplib (x0.95-1.19: the adapter costs nothing measurable, the loopback server is the
limit), and with 4 threads 300-480/s either way (no gain on 2 cores). Movement -> notice at 16
clients: 200 operations in 9-13.5 s (15-21/s), the notice readable p50 220-270 ms, p95
400-535 ms after the send's answer (1.4-2 polls of 20 ms), against the echo's p50 36-49 ms,
p95 66-92 ms: x4.7-6.5.

    make bench      (writes bench/results/notify-latest.json as well)
"""

import os
import random
import smtplib
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import requests

from bench.office import (
    Failed,
    expect,
    ms,
    percentile,
    ratio,
    run_facts,
    run_phase,
    save_and_print,
)
from common.clock import utcnow
from common.events import Event
from common.storage import Storage
from services.notify import store
from services.notify.channels.email import Smtp, send
from services.notify.domain.messages import notice_email
from services.notify.domain.notices import for_post
from services.notify.service.base import Desk
from services.notify.service.circulars import BATCH
from tests.support.mailserver import MailServer
from tests.support.office import DEMO_PASSWORD, Office

RESULTS = Path(__file__).resolve().parent / "results" / "notify-latest.json"
FANOUT = 10_000
PLANNED_PEOPLE = 100  # holders who chose circulars by email: every FANOUT // PLANNED_PEOPLE-th
READS = 200
EMAILS = 300
EMAIL_THREADS = 4
CLIENTS = 16
DIARIST, READER = "cru.hathras", "reader.hathras"
NOTICE_LIMITS = (200, 90)  # operations, seconds
ECHO_LIMITS = (5000, 10)
WARMUP = (8, 15)
POLL_EVERY = 0.02
NOTICE_TIMEOUT = 30.0


def per_second(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else 0.0


# --- 1. fan-out ---------------------------------------------------------------------------------


def post_id(i: int) -> str:
    return f"bench-post-{i:05d}"


def user_id(i: int) -> str:
    return f"bench-user-{i:05d}"


def fan_out(data_dir: Path, rng: random.Random) -> dict:
    storage = Storage("notify", {"EOFFICE_DATA_DIR": str(data_dir)})
    try:
        db = storage.db
        store.ensure_indexes(db)
        every = FANOUT // PLANNED_PEOPLE
        for i in range(0, FANOUT, every):
            store.save_person(
                db,
                user_id(i),
                {"email": f"{user_id(i)}@example.gov.in", "language": "en"}
                | {"channels": {"circular": ["email"]}},
                ["circular"],
            )
        posts = [post_id(i) for i in range(FANOUT)]
        holders = {post_id(i): user_id(i) for i in range(FANOUT)}
        desk = Desk()
        desk.storage, desk.config = storage, {}
        params = {
            "title": "Bench circular",
            "text": "Every post of the district is to read this.",
            "from_office": {"en": "SP Office, Hathras", "hi": "पुलिस अधीक्षक कार्यालय, हाथरस"},
        }

        def circular() -> Event:
            return Event(
                event_id=f"circular-{utcnow().strftime('%Y%m%d%H%M%S%f')}-bench",
                type="circular",
                occurred_at=utcnow(),
                actor={"user_id": "admin.bench"},
                office_path=["UP", "HTR"],
                payload={},
            )

        # Baseline: the same documents, bare, into a collection of the same store.
        documents = [for_post(circular(), p, "circular", params) for p in posts]
        t0 = time.perf_counter()
        for start in range(0, FANOUT, BATCH):
            db.bench_bare.insert_many(documents[start : start + BATCH])
        bare_s = time.perf_counter() - t0

        # As circulars.py + _raise: build, store, plan, a batch at a time.
        event = circular()
        build_s = write_s = plan_s = 0.0
        t0 = time.perf_counter()
        for start in range(0, FANOUT, BATCH):
            a = time.perf_counter()
            notices = [for_post(event, p, "circular", params) for p in posts[start : start + BATCH]]
            b = time.perf_counter()
            store.add_notices(db, notices)
            c = time.perf_counter()
            desk._plan(notices, holders)
            d = time.perf_counter()
            build_s, write_s, plan_s = build_s + b - a, write_s + c - b, plan_s + d - c
        fanout_s = time.perf_counter() - t0
        stored = db.notices.count_documents({})
        planned = db.deliveries.count_documents({})
        if stored != FANOUT or planned != PLANNED_PEOPLE:
            raise RuntimeError(f"fan-out stored {stored} notices, planned {planned} deliveries")

        # What a desk reads after it: its notices, and the header's unread count.
        lists: list[float] = []
        counts: list[float] = []
        indexed: list[float] = []  # baseline: the post's notices by the post_id index alone
        for i in rng.sample(range(FANOUT), READS):
            a = time.perf_counter()
            found = store.notices_for(db, [post_id(i)], user_id(i))
            b = time.perf_counter()
            unread = store.unread_count(db, [post_id(i)], user_id(i))
            c = time.perf_counter()
            bare = list(db.notices.find({"post_id": {"$in": [post_id(i)]}}))
            d = time.perf_counter()
            if len(found) != 1 or unread != 1 or len(bare) != 1:
                raise RuntimeError(f"{post_id(i)}: {len(found)} notices, {unread} unread")
            lists.append(b - a)
            counts.append(c - b)
            indexed.append(d - c)
        lists.sort()
        counts.sort()
        indexed.sort()
    finally:
        storage.close()
    fanout_rate = per_second(FANOUT, fanout_s)
    bare_rate = per_second(FANOUT, bare_s)
    return {
        "notices": FANOUT,
        "batch": BATCH,
        "deliveries_planned": planned,
        "fanout": {
            "seconds": round(fanout_s, 2),
            "per_second": fanout_rate,
            "build_s": round(build_s, 2),
            "write_s": round(write_s, 2),
            "plan_s": round(plan_s, 2),
        },
        "bare_insert": {"seconds": round(bare_s, 2), "per_second": bare_rate},
        "bare_vs_fanout_throughput": ratio(bare_rate, fanout_rate),
        "reads": {
            "posts": READS,
            "notices_for": {
                "p50_ms": ms(percentile(lists, 50)),
                "p95_ms": ms(percentile(lists, 95)),
            },
            "unread_count": {
                "p50_ms": ms(percentile(counts, 50)),
                "p95_ms": ms(percentile(counts, 95)),
            },
            "indexed_find": {
                "p50_ms": ms(percentile(indexed, 50)),
                "p95_ms": ms(percentile(indexed, 95)),
            },
            "notices_for_vs_indexed_p50": ratio(percentile(lists, 50), percentile(indexed, 50)),
        },
    }


# --- 2. email -----------------------------------------------------------------------------------


def emails() -> dict:
    base = "http://127.0.0.1:8000"
    params = {
        "title": "Bench circular",
        "text": "Every post of the district is to read this.",
        "from_office": {"en": "SP Office, Hathras", "hi": "पुलिस अधीक्षक कार्यालय, हाथरस"},
    }
    messages = [
        notice_email(
            "circular",
            params,
            "hi",
            "e-Office Hathras <eoffice@hathras.example.gov.in>",
            f"person{i}@example.gov.in",
            base,
            f"circular-bench:{i}:email",
        )
        for i in range(EMAILS)
    ]
    with MailServer() as server:
        smtp = Smtp.from_config(server.settings())

        def adapter(message: EmailMessage) -> None:
            send(smtp, message)

        def raw(message: EmailMessage) -> None:
            client = smtplib.SMTP(server.settings()["EOFFICE_SMTP_HOST"], server.port, timeout=30)
            client.send_message(message)
            client.quit()

        def timed(how: Callable[[EmailMessage], None], threads: int) -> dict:
            before = len(server.accepted)
            t0 = time.perf_counter()
            if threads == 1:
                for m in messages:
                    how(m)
            else:
                with ThreadPoolExecutor(threads) as pool:
                    list(pool.map(how, messages))
            seconds = time.perf_counter() - t0
            got = len(server.accepted) - before
            if got != EMAILS:
                raise RuntimeError(f"the mail server took {got} of {EMAILS} messages")
            return {"seconds": round(seconds, 2), "per_second": per_second(EMAILS, seconds)}

        for m in messages[:10]:  # warm-up: connections, the server's loop
            adapter(m)
        out: dict[str, Any] = {"messages": EMAILS}
        for threads in (1, EMAIL_THREADS):
            raw_r = timed(raw, threads)
            adapter_r = timed(adapter, threads)
            out[str(threads)] = {
                "threads": threads,
                "adapter": adapter_r,
                "raw_smtplib": raw_r,
                "raw_vs_adapter_throughput": ratio(raw_r["per_second"], adapter_r["per_second"]),
            }
    return out


# --- 3. movement -> notice ----------------------------------------------------------------------


def login(url: str, username: str) -> dict:
    answer = requests.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=30,
    )
    return expect(answer, 200, f"login {username}").json()


def notice_delay(url: str) -> dict:
    diarist = {"Authorization": f"Bearer {login(url, DIARIST)['access_token']}"}
    reader_login = login(url, READER)
    reader = {"Authorization": f"Bearer {reader_login['access_token']}"}
    reader_post = reader_login["user"]["posts"][0]["id"]
    lock = threading.Lock()
    delays: list[float] = []
    polls: list[int] = []
    counter = iter(range(10**9))

    def session() -> requests.Session:
        return requests.Session()

    def movement(s: requests.Session) -> None:
        with lock:
            n = next(counter)
        letter = {
            "subject": f"Bench letter {n}",
            "sender": "Ram Lal, Sasni",
            "physical": "true",
            "pages": "1",
        }
        diarised = expect(
            s.post(
                f"{url}/api/v1/receipts",
                files=[(k, (None, v)) for k, v in letter.items()],
                headers=diarist,
                timeout=30,
            ),
            201,
            "diarise",
        ).json()
        expect(
            s.post(
                f"{url}/api/v1/receipts/{diarised['id']}/send",
                json={"to_post_id": reader_post, "remark": "bench"},
                headers=diarist,
                timeout=30,
            ),
            200,
            "send",
        )
        sent = time.perf_counter()
        tries = 0
        while time.perf_counter() - sent < NOTICE_TIMEOUT:
            tries += 1
            page = expect(
                s.get(f"{url}/api/v1/notices", params={"limit": 20}, headers=reader, timeout=30),
                200,
                "notices",
            ).json()
            if any(i["params"].get("item_id") == diarised["id"] for i in page["items"]):
                seen = time.perf_counter()
                with lock:
                    delays.append(seen - sent)
                    polls.append(tries)
                return
            time.sleep(POLL_EVERY)
        raise Failed(f"no notice within {NOTICE_TIMEOUT:.0f} s")

    def echo(s: requests.Session) -> None:
        expect(s.get(f"{url}/readyz/identity", headers=diarist, timeout=30), 200, "echo")

    run_phase(echo, 4, 50, 3, session)
    run_phase(movement, 4, *WARMUP, session)
    with lock:
        delays.clear()
        polls.clear()
    print(f"[bench] echo x{CLIENTS} ...", flush=True)
    echo_r = run_phase(echo, CLIENTS, *ECHO_LIMITS, session)
    print(f"[bench] movement -> notice x{CLIENTS} ...", flush=True)
    movement_r = run_phase(movement, CLIENTS, *NOTICE_LIMITS, session)
    delays.sort()
    delay = {
        "count": len(delays),
        "p50_ms": ms(percentile(delays, 50)),
        "p95_ms": ms(percentile(delays, 95)),
        "max_ms": ms(delays[-1] if delays else None),
        "mean_polls": round(sum(polls) / len(polls), 1) if polls else None,
    }
    return {
        "clients": CLIENTS,
        "poll_every_ms": ms(POLL_EVERY),
        "operation": movement_r,
        "notice_delay": delay,
        "echo": echo_r,
        "delay_vs_echo_p50": ratio(delay["p50_ms"], echo_r["p50_ms"]),
    }


# --- report -------------------------------------------------------------------------------------


def print_report(result: dict) -> None:
    f = result["fanout"]
    print(f"\n1. A circular to {f['notices']} posts ({f['deliveries_planned']} emails planned)")
    print(
        f"  fan-out (build+store+plan) {f['fanout']['per_second']:>9} notices/s "
        f"({f['fanout']['seconds']} s: build {f['fanout']['build_s']}, "
        f"store {f['fanout']['write_s']}, plan {f['fanout']['plan_s']})"
    )
    print(
        f"  bare insert_many           {f['bare_insert']['per_second']:>9} notices/s "
        f"({f['bare_insert']['seconds']} s)   bare/fan-out x{f['bare_vs_fanout_throughput']}"
    )
    r = f["reads"]
    for name in ("notices_for", "unread_count", "indexed_find"):
        print(
            f"  {name:<14} p50 {r[name]['p50_ms']} ms, p95 {r[name]['p95_ms']} ms "
            f"({r['posts']} random posts)"
        )
    print(f"  notices_for / indexed find p50 x{r['notices_for_vs_indexed_p50']}")
    e = result["email"]
    print(f"\n2. {e['messages']} notice emails to a loopback SMTP server, a connection each")
    for k in ("1", str(EMAIL_THREADS)):
        x = e[k]
        print(
            f"  {x['threads']} thread(s): adapter {x['adapter']['per_second']}/s, "
            f"raw smtplib {x['raw_smtplib']['per_second']}/s, "
            f"raw/adapter x{x['raw_vs_adapter_throughput']}"
        )
    n = result["notice"]
    op, d, echo = n["operation"], n["notice_delay"], n["echo"]
    print(f"\n3. Movement -> notice readable, {n['clients']} clients, whole office")
    print(
        f"  operation (diarise+send+poll) ok {op['ok']} failed {op['failed']} in {op['seconds']} s,"
        f" {op['per_second']}/s, p50 {op['p50_ms']} ms, p95 {op['p95_ms']} ms"
    )
    print(
        f"  send -> notice seen  p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms, max {d['max_ms']} ms"
        f" ({d['count']} seen, {d['mean_polls']} polls on average)"
    )
    print(
        f"  echo GET /readyz/identity  ok {echo['ok']}, {echo['per_second']}/s, "
        f"p50 {echo['p50_ms']} ms, p95 {echo['p95_ms']} ms"
    )
    print(f"  notice delay / echo p50 x{n['delay_vs_echo_p50']}")
    failures = [
        (k, w, c) for k, x in (("notice", op), ("echo", echo)) for w, c in x["failures"].items()
    ]
    print("\nFailures: " + ("none" if not failures else ""))
    for k, what, count in failures:
        print(f"  {k}: {count} x {what}")
    print(f"\nWritten to {RESULTS}")


def main() -> int:
    began = time.monotonic()
    load_before = os.getloadavg()[0]
    rng = random.Random(20261206)
    with tempfile.TemporaryDirectory(prefix="eoffice-bench-notify-") as tmp:
        print(f"[bench] fan-out of a circular to {FANOUT} posts ...", flush=True)
        fanout = fan_out(Path(tmp) / "store", rng)
        print(f"[bench] {EMAILS} emails ...", flush=True)
        mail = emails()
        (Path(tmp) / "office").mkdir()
        office = Office(Path(tmp) / "office")
        print("[bench] starting the office ...", flush=True)
        try:
            office.start()
            notice = notice_delay(office.url)
        except BaseException:
            if office.proc is not None:
                print("[bench] office log (tail):\n" + office.log()[-4000:], file=sys.stderr)
            raise
        finally:
            office.stop()
    result = {
        **run_facts(load_before),
        "fanout": fanout,
        "email": mail,
        "notice": notice,
        "bench_seconds": round(time.monotonic() - began, 1),
    }
    return save_and_print(RESULTS, result, print_report)


if __name__ == "__main__":
    sys.exit(main())
