"""Nothing lost under faults. 1,002 operations stream through the API (334 paper letters, each
diarised by the CRU, sent to the Reader and received at the Reader's desk) while every service
and the gateway is killed outright in turn (SIGKILL) and the broker is restarted once. The
clerks retry what failed, as a clerk would: a diarisation with the same Idempotency-Key, a send
with the version they saw (a refusal then means: look whether it went). Afterwards every letter
the API acknowledged is in files, waits in the Reader's pendency once and raised one notice.

The office runs as `make run` runs it, on a RabbitMQ node of the test's own: the shared broker
must never be restarted.
"""

import os
import re
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from tests.support.office import DEMO_PASSWORD, Office
from tests.support.rabbit import PrivateBroker

LETTERS = 334  # three operations each: 1,002
CLERKS = 4
SERVICES = ("identity", "files", "signing", "notify", "reports", "gateway")
FAULTS = (*SERVICES, "broker")
TIMEOUT = 30  # seconds for one HTTP request (the gateway gives a service 15)
RETRY_PAUSE = 0.5
PATIENCE_SECONDS = 180  # how long a clerk keeps retrying one operation
SETTLE_SECONDS = 120  # how long what events cause (notices, pendency) may take to catch up


@pytest.fixture
def broker(tmp_path):
    node = PrivateBroker(tmp_path / "rabbit").start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def own_office(tmp_path, broker):
    running = Office(tmp_path / "office", amqp_uri=broker.uri).start()
    try:
        yield running
    finally:
        running.stop()


@dataclass
class Tally:
    """What the clerks saw, counted across their threads."""

    done: int = 0  # operations finished, one way or the other
    acknowledged: int = 0  # answered with success by the API
    found_done: int = 0  # refused on a retry, and found done: the first answer was lost
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


class Desk:
    """One person at the API, with a connection of their own per clerk thread."""

    def __init__(self, url: str, username: str):
        r = requests.post(
            f"{url}/api/v1/auth/login",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=TIMEOUT,
        )
        assert r.status_code == 200, r.text
        self.url = url
        self.user = r.json()["user"]
        self.auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self._local = threading.local()

    def request(self, method: str, path: str, headers: dict | None = None, **kw):
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session.request(
            method, self.url + path, headers={**self.auth, **(headers or {})}, timeout=TIMEOUT, **kw
        )


def persist(tally: Tally, what: str, attempt) -> requests.Response:
    """Try until the office answers (anything but a connection failure, a 5xx, or "the first
    try is still being applied", which asks the clerk to wait and try again)."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        try:
            answer = attempt()
        except requests.RequestException as exc:
            answer, trouble = None, repr(exc)
        else:
            if answer.status_code < 500 and not still_applied(answer):
                return answer
            trouble = f"{answer.status_code} {answer.text[:200]}"
        assert time.monotonic() < deadline, f"{what}: still failing after retries: {trouble}"
        tally.add(retries=1)
        time.sleep(RETRY_PAUSE)


def still_applied(answer: requests.Response) -> bool:
    return answer.status_code == 409 and "IDEMPOTENCY_KEY_IN_USE" in answer.text


class Clerks:
    """The CRU diarising paper letters and sending them to the Reader, who receives them."""

    def __init__(self, url: str, run: str):
        self.cru = Desk(url, "cru.hathras")
        self.reader = Desk(url, "reader.hathras")
        self.reader_post = self.reader.user["posts"][0]["id"]
        self.run = run
        self.tally = Tally()
        self.receipts: dict[int, str] = {}  # letter -> receipt id, once acknowledged

    def subject(self, letter: int) -> str:
        return f"Fault run {self.run} letter {letter}"

    def one_letter(self, letter: int) -> None:
        cru, reader, tally = self.cru, self.reader, self.tally
        form = {
            "subject": self.subject(letter),
            "sender": "Ram Lal, Sasni",
            "physical": "true",
            "pages": "1",
        }
        key = {"Idempotency-Key": f"{self.run}-{letter}"}
        r = persist(
            tally,
            f"diarise letter {letter}",
            lambda: cru.request(
                "POST", "/api/v1/receipts", key, files=[(k, (None, v)) for k, v in form.items()]
            ),
        )
        assert r.status_code == 201, r.text
        receipt = r.json()
        self.receipts[letter] = receipt["id"]
        tally.add(done=1, acknowledged=1)

        where = f"/api/v1/receipts/{receipt['id']}"
        to_reader = {"to_post_id": self.reader_post, "version": receipt["version"]}
        r = persist(
            tally,
            f"send letter {letter}",
            lambda: cru.request("POST", f"{where}/send", json=to_reader),
        )
        if r.status_code == 409:  # did the first try go through, its answer lost?
            now = persist(tally, f"look at letter {letter}", lambda: cru.request("GET", where))
            assert now.status_code == 200, now.text
            assert now.json()["holder_post_id"] == self.reader_post, (r.text, now.text)
            tally.add(done=1, found_done=1)
        else:
            assert r.status_code == 200, r.text
            tally.add(done=1, acknowledged=1)

        r = persist(
            tally,
            f"receive letter {letter}",
            lambda: reader.request("POST", f"{where}/receive", json={}),
        )
        assert r.status_code == 200, r.text  # receiving twice changes nothing
        tally.add(done=1, acknowledged=1)


class Faults:
    """Each service killed outright in turn, then the broker restarted, spread over the stream
    by progress (not by time, so they land mid-stream however fast the machine is)."""

    def __init__(self, office: Office, broker: PrivateBroker, clerks: Clerks, total: int):
        self.office, self.broker, self.clerks, self.total = office, broker, clerks, total
        self.over = threading.Event()
        self.log: list[str] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            for n, victim in enumerate(FAULTS, 1):
                at = self.total * n // (len(FAULTS) + 1)
                while self.clerks.tally.done < at:
                    if self.over.wait(0.05):
                        return
                started = time.monotonic()
                if victim == "broker":
                    self.broker.restart()
                else:
                    self._kill(victim)
                took = time.monotonic() - started
                self.log.append(f"{victim} at operation {self.clerks.tally.done} ({took:.1f} s)")
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.error = exc

    def _kill(self, victim: str) -> None:
        pid = self.office.pids(victim)[-1]
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while self.office.pids(victim)[-1] == pid:  # until the supervisor starts it again
            assert time.monotonic() < deadline, f"{victim} was not started again"
            time.sleep(0.1)


@dataclass
class Count:
    acknowledged: int
    found: int
    lost: int
    duplicated: int

    def line(self, where: str) -> str:
        return (
            f"{where:<9} acknowledged {self.acknowledged}, found {self.found}, "
            f"lost {self.lost}, duplicated {self.duplicated}"
        )


def in_files(clerks: Clerks) -> Count:
    """Each receipt opens, at the Reader's desk and received; each letter is one receipt."""
    found = 0
    for receipt_id in clerks.receipts.values():
        r = clerks.reader.request("GET", f"/api/v1/receipts/{receipt_id}")
        doc = r.json() if r.status_code == 200 else {}
        if doc.get("holder_post_id") == clerks.reader_post and not doc.get("awaiting_receipt"):
            found += 1
    ours = f"Fault run {clerks.run} "
    subjects = Counter(
        item["subject"]
        for desk in (clerks.cru, clerks.reader)
        for item in every_page(desk, "/api/v1/inbox")
        if item["subject"].startswith(ours)
    )
    duplicated = sum(n - 1 for n in subjects.values())
    return Count(len(clerks.receipts), found, len(clerks.receipts) - found, duplicated)


def in_notices(clerks: Clerks) -> Count:
    """The Reader has one notice of each letter's arrival."""
    ids = set(clerks.receipts.values())
    per_item = Counter(
        n["params"].get("item_id")
        for n in every_page(clerks.reader, "/api/v1/notices")
        if n["params"].get("item_id") in ids
    )
    return Count(
        len(ids), len(per_item), len(ids) - len(per_item), sum(n - 1 for n in per_item.values())
    )


def in_pendency(clerks: Clerks, before: dict[str, int]) -> Count:
    """Every letter waits at the Reader's post, counted once; none is left at the CRU's."""
    now = pendency(clerks)
    cru_post = clerks.cru.user["posts"][0]["id"]
    at_reader = now.get(clerks.reader_post, 0) - before.get(clerks.reader_post, 0)
    left_at_cru = now.get(cru_post, 0) - before.get(cru_post, 0)
    expected = len(clerks.receipts)
    lost = max(0, expected - at_reader)
    # One left at the CRU is a move lost (counted above) or a letter diarised twice.
    duplicated = max(0, at_reader - expected) + max(0, left_at_cru - lost)
    return Count(expected, min(at_reader, expected), lost, duplicated)


def pendency(clerks: Clerks) -> dict[str, int]:
    r = clerks.reader.request("GET", "/api/v1/reports/pendency")
    assert r.status_code == 200, r.text
    return {row["post_id"]: row["items"] for row in r.json()["posts"]}


def every_page(desk: Desk, path: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        r = desk.request("GET", path, params=params)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


def settled(check, seconds: float = SETTLE_SECONDS) -> Count:
    """Events travel asynchronously (and were held up by the faults): the count once nothing is
    missing or extra, or as it stands when patience runs out."""
    deadline = time.monotonic() + seconds
    while True:
        count = check()
        if (count.lost == 0 and count.duplicated == 0) or time.monotonic() > deadline:
            return count
        time.sleep(1)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_nothing_acknowledged_is_lost_or_doubled_while_services_die_and_the_broker_restarts(
    own_office, broker, capsys
):
    began = time.monotonic()
    clerks = Clerks(own_office.url, uuid.uuid4().hex[:8])
    before = pendency(clerks)
    faults = Faults(own_office, broker, clerks, total=LETTERS * 3)
    faults.thread.start()
    try:
        with ThreadPoolExecutor(CLERKS) as pool:
            list(pool.map(clerks.one_letter, range(LETTERS)))
    finally:
        faults.over.set()
        faults.thread.join(timeout=120)
    streamed = time.monotonic() - began
    assert faults.error is None, repr(faults.error)
    assert len(faults.log) == len(FAULTS), faults.log

    counts = {
        "files": settled(lambda: in_files(clerks)),
        "pendency": settled(lambda: in_pendency(clerks, before)),
        "notices": settled(lambda: in_notices(clerks)),
    }
    tally = clerks.tally
    log = own_office.log()
    # A service answering a call while the broker is away exits (Nameko stops a container
    # whose reply cannot be published; the call is redelivered) and is started again.
    also = re.findall(r"^\[office\] (\w+) exited with (?!-9;)(-?\d+);", log, re.M)
    with capsys.disabled():
        print(
            f"\nnothing lost under faults: {LETTERS} letters, {tally.done} operations by "
            f"{CLERKS} clerks in {streamed:.0f} s (checked after {time.monotonic() - began:.0f} s)"
            f"\n  faults: {'; '.join(faults.log)}"
            f"\n  operations acknowledged {tally.acknowledged}, found done on a retry after a "
            f"lost answer {tally.found_done}, retries {tally.retries}"
            f"\n  restarted besides the kills: "
            + (", ".join(f"{name} (exit {code})" for name, code in also) or "none")
        )
        for where, count in counts.items():
            print("  " + count.line(where))

    for where, count in counts.items():
        assert (count.lost, count.duplicated) == (0, 0), count.line(where)
    assert tally.acknowledged + tally.found_done == LETTERS * 3

    # Each service was started again, none crash-looped, and the office is whole.
    for name in SERVICES:
        assert f"[office] {name} exited with -9; restarting in 0.5 s (restart 1)" in log, name
    assert "crash-looping" not in log
    assert requests.get(f"{own_office.url}/readyz", timeout=TIMEOUT).status_code == 200
    # Stopping the office after all that leaves nothing of it running.
    own_office.stop()
    left = [(name, pid) for name in SERVICES for pid in own_office.pids(name) if alive(pid)]
    assert not left, left
