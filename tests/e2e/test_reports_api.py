"""The reports and the HQ feed over HTTP, after real desk work by the demo district's people:
pendency by age for the SP's office, scope, the `changes` feed and its cursors, CSV beside
JSON, bad input, and `make rebuild-reports` against a real office's data giving the same
numbers the live models gave."""

import csv
import io
import os
import subprocess
import sys
import time
import uuid

import requests

from tests.e2e.test_api import wait_for as polled
from tests.support.office import DEMO_PASSWORD, ROOT, Office
from tests.support.pdfs import pdf

TIMEOUT = 30
EVENT_WAIT_SECONDS = 15
AGES = "/api/v1/reports/pendency/ages"
CHANGES = "/api/v1/reports/changes"
LATE = "/api/v1/reports/pendency/late"
WITH_OTHERS = "/api/v1/reports/pending-with-others"


class Person:
    """One demo person logged in through the API."""

    def __init__(self, url: str, username: str):
        self.url = url
        r = requests.post(
            f"{url}/api/v1/auth/login",
            json={"username": username, "password": DEMO_PASSWORD},
            timeout=TIMEOUT,
        )
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        self.post_ids = [p["id"] for p in self.tokens["user"]["posts"]]

    def request(self, method: str, path: str, **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.tokens['access_token']}"}
        return requests.request(method, self.url + path, headers=headers, timeout=TIMEOUT, **kw)

    def get(self, path: str, **params) -> requests.Response:
        return self.request("GET", path, params=params)

    def ok(self, path: str, **params) -> dict:
        r = self.get(path, **params)
        assert r.status_code == 200, r.text
        return r.json()

    def diarise(self) -> dict:
        form = {
            "subject": f"Complaint about a road {uuid.uuid4().hex[:6]}",
            "sender": "Ram Lal, Sasni",
            "letter_date": "2025-01-15",
            "letter_number": "RL/7",
        }
        parts = [(k, (None, v)) for k, v in form.items()]
        parts.append(("pdf", ("letter.pdf", pdf(text=uuid.uuid4().hex), "application/pdf")))
        r = self.request("POST", "/api/v1/receipts", files=parts)
        assert r.status_code == 201, r.text
        return r.json()

    def send(self, receipt_id: str, to_post_id: str) -> dict:
        r = self.request(
            "POST", f"/api/v1/receipts/{receipt_id}/send", json={"to_post_id": to_post_id}
        )
        assert r.status_code == 200, r.text
        return r.json()


def wait_for(what: str, probe):
    """test_api's poll, with the longer wait the reports' consumer may need."""
    return polled(what, probe, EVENT_WAIT_SECONDS)


def assert_error(r: requests.Response, status: int, code: str) -> dict:
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:300]}"
    error = r.json()["error"]
    assert error["code"] == code, error
    return error


def posts_of(person: Person) -> dict:
    """The district's posts by abbreviation."""
    return {p["abbreviation"]: p for p in person.ok("/api/v1/posts")["items"]}


def open_a_file(url: str) -> dict:
    """The establishment's head clerk opens an e-file (under a head the state admin made)."""
    admin, clerk = Person(url, "admin.up"), Person(url, "hc.estt.hathras")
    head = {
        "basic": "A",
        "primary": 11,
        "secondary": 22,
        "section": "ESTT",
        "description": "Transfers and postings",
        "office_code": "SP-HTR",
    }
    r = admin.request("POST", "/api/v1/heads", json=head)
    assert r.status_code in (201, 409), r.text  # 409: another test of this office made it
    r = clerk.request("POST", "/api/v1/files", json={"subject": "Transfers", "head": "A-11022"})
    assert r.status_code == 201, r.text
    return r.json()


def by_node(answer: dict) -> dict:
    return {row["node"]: row for row in answer["rows"]}


def desk_work(url: str, posts: dict) -> dict:
    """Diarise, send to the Reader, the Reader opens it; a file opened by the head clerk."""
    cru, reader = Person(url, "cru.hathras"), Person(url, "reader.hathras")
    receipt = cru.diarise()
    cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"])
    opened = reader.get(f"/api/v1/receipts/{receipt['id']}")
    assert opened.status_code == 200 and opened.json()["opened_at"], opened.text
    return {"receipt": receipt, "file": open_a_file(url)}


# --- the live reports ------------------------------------------------------------------------


def test_the_sp_sees_the_desk_work_in_the_right_age_band_and_department(office):
    sp = Person(office.url, "sp.hathras")
    posts = posts_of(sp)
    sp_office = posts["SP-HTR"]["office_id"]
    police = posts["SP-HTR"]["office_path"][1]
    reader_node = f"post:{posts['RDR-SP-HTR']['id']}"
    clerk_node = f"post:{posts['HC-ESTT-SP-HTR']['id']}"

    def rows() -> dict:
        r = sp.get(AGES, office=sp_office, level="post")
        assert r.status_code in (200, 404), r.text  # 404: no event of the office seen yet
        return by_node(r.json()) if r.status_code == 200 else {}

    before = rows()
    empty = {"total": 0, "ages": {"0-7": 0}, "kinds": {"receipt": 0, "file": 0}}
    was = {node: before.get(node, empty) for node in (reader_node, clerk_node, sp_office)}
    desk_work(office.url, posts)

    def arrived() -> dict | None:
        now = rows()
        reader, clerk = now.get(reader_node), now.get(clerk_node)
        if (
            reader
            and clerk
            and reader["kinds"]["receipt"] > was[reader_node]["kinds"]["receipt"]
            and clerk["kinds"]["file"] > was[clerk_node]["kinds"]["file"]
        ):
            return now
        return None

    now = wait_for("the desk work in the SP's pendency", arrived)
    for node, kind in ((reader_node, "receipt"), (clerk_node, "file")):
        row = now[node]
        assert row["ages"]["0-7"] >= was[node]["ages"]["0-7"] + 1, row  # held today
        assert row["kinds"][kind] >= was[node]["kinds"][kind] + 1, row
        assert row["path"][1] == police and row["path"][-2:] == [sp_office, node], row
    office_row = now[sp_office]
    assert office_row["node"] == sp_office and office_row["path"][1] == police
    assert office_row["total"] >= was[sp_office]["total"] + 2, office_row
    assert office_row["total"] == sum(office_row["ages"].values())
    assert office_row["oldest_day"] is not None
    # Every post row is within the SP's office, and adds up to no more than the office holds.
    post_rows = [r for n, r in now.items() if n.startswith("post:")]
    assert post_rows and all(sp_office in r["path"] for r in post_rows)
    assert sum(r["total"] for r in post_rows) <= office_row["total"]


def test_an_office_outside_the_viewers_scope_does_not_exist_for_them(office):
    sp, dm = Person(office.url, "sp.hathras"), Person(office.url, "dm.hathras")
    collectorate_cru = Person(office.url, "cru.collectorate.hathras")
    collectorate = posts_of(dm)["DM-HTR"]["office_id"]
    collectorate_cru.diarise()  # the Collectorate is known to reports from now on
    wait_for("the Collectorate in the DM's report", lambda: dm.get(AGES, office=collectorate).ok)

    assert_error(sp.get(AGES, office=collectorate), 404, "OFFICE_NOT_FOUND")
    assert_error(sp.get(AGES, office="no-such-office"), 404, "OFFICE_NOT_FOUND")
    # The SP's own report never lists the revenue department's offices either.
    rows = sp.ok(AGES, level="office")["rows"]
    assert all(collectorate not in r["path"] for r in rows)


def test_the_changes_feed_gives_only_what_changed_and_refuses_strange_cursors(office):
    sp, reader = Person(office.url, "sp.hathras"), Person(office.url, "reader.hathras")
    cru = Person(office.url, "cru.hathras")
    collectorate_cru = Person(office.url, "cru.collectorate.hathras")
    posts = posts_of(sp)
    sp_office = posts["SP-HTR"]["office_id"]

    start = sp.ok(CHANGES)
    assert start["snapshot"] is True and start["changes"] == [] and start["cursor"]

    receipt = cru.diarise()
    cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"])

    def changed_since(cursor: str, types: set[str]):
        def probe() -> dict | None:
            answer = sp.ok(CHANGES, cursor=cursor)
            assert answer["snapshot"] is False
            rows = {r["office_id"]: r for r in answer["changes"]}
            here = rows.get(sp_office)
            return answer if here and types <= set(here["types"]) else None

        return probe

    first = wait_for("the SP office's change", changed_since(start["cursor"], {"receipt.diarised"}))
    mine = next(r for r in first["changes"] if r["office_id"] == sp_office)
    if "receipt.sent" not in mine["types"]:  # the sending's event came later
        first = wait_for("the sending", changed_since(first["cursor"], {"receipt.sent"}))
    assert first["cursor"] != start["cursor"]

    # More desk work: the Reader passes it on to the SP; the Collectorate (outside the SP's
    # scope) diarises a letter of its own. The next pull has only the sending.
    reader.send(receipt["id"], posts["SP-HTR"]["id"])
    collectorate_cru.diarise()
    second = wait_for("the Reader's sending", changed_since(first["cursor"], {"receipt.sent"}))
    assert [r["office_id"] for r in second["changes"]] == [sp_office], second
    assert second["changes"][0]["types"] == ["receipt.sent"], second

    # Nothing more happened: a pull with the latest cursor is empty, and gives a cursor back.
    third = sp.ok(CHANGES, cursor=second["cursor"])
    assert third["changes"] == [] and third["cursor"]

    # One byte changed in the cursor: refused, with how to restart.
    cursor = second["cursor"]
    forged = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    error = assert_error(sp.get(CHANGES, cursor=forged), 422, "CURSOR_INVALID")
    assert "without a cursor" in error["details"]["restart"]
    assert_error(sp.get(CHANGES, cursor="not-a-cursor"), 422, "CURSOR_INVALID")
    # The SP's cursor in the Reader's hands (a desk's scope): refused by name.
    error = assert_error(reader.get(CHANGES, cursor=cursor), 422, "CURSOR_OTHER_SCOPE")
    assert "without a cursor" in error["details"]["restart"]


def test_csv_has_the_json_numbers_and_bad_input_is_refused(office):
    sp = Person(office.url, "sp.hathras")
    posts = posts_of(sp)
    sp_office = posts["SP-HTR"]["office_id"]
    desk_work(office.url, posts)
    reader_node = f"post:{posts['RDR-SP-HTR']['id']}"
    wait_for("the Reader's row", lambda: reader_node in by_node(sp.ok(AGES, level="post")))

    def settled() -> tuple[dict, requests.Response] | None:
        """JSON and CSV taken with no event landing between them (the JSON same around it)."""
        first = by_node(sp.ok(AGES, office=sp_office, level="post"))
        as_csv = sp.get(AGES + ".csv", office=sp_office, level="post")
        return (
            (first, as_csv)
            if by_node(sp.ok(AGES, office=sp_office, level="post")) == first
            else None
        )

    as_json, r = wait_for("a moment with no event landing", settled)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(r.text)))
    assert [line["node"] for line in lines] == list(as_json)
    for line in lines:
        row = as_json[line["node"]]
        assert int(line["total"]) == row["total"]
        assert line["path"] == "/".join(row["path"])
        for band, n in row["ages"].items():
            assert int(line[f"ages.{band}"]) == n, (line, row)
        for kind, n in row["kinds"].items():
            assert int(line[f"kinds.{kind}"]) == n, (line, row)

    assert_error(sp.get(AGES + ".xml", office=sp_office), 404, "UNKNOWN_FORMAT")
    assert_error(sp.get(AGES, office=sp_office, level="galaxy"), 422, "UNKNOWN_LEVEL")


def test_the_late_list_answers_within_scope_as_json_csv_and_xlsx(office):
    sp, cru = Person(office.url, "sp.hathras"), Person(office.url, "cru.hathras")
    dm = Person(office.url, "dm.hathras")
    posts = posts_of(sp)
    sp_office = posts["SP-HTR"]["office_id"]
    desk_work(office.url, posts)
    wait_for("the SP's office in reports", lambda: sp.get(LATE, office=sp_office).ok)

    # Nothing here is a week old (its days are counted in tests/unit/test_late_list.py and
    # over the broker with the clock moved in tests/service/test_seven_working_days.py).
    answer = sp.ok(LATE, office=sp_office)
    assert answer["office_id"] == sp_office and answer["items"] == [] and answer["as_of"]
    as_csv = sp.get(LATE + ".csv", office=sp_office)
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    as_xlsx = sp.get(LATE + ".xlsx", office=sp_office)
    assert as_xlsx.status_code == 200 and as_xlsx.content[:2] == b"PK"  # a zip: an XLSX

    # Outside one's scope the office does not exist; a desk sees only its own.
    collectorate = posts_of(dm)["DM-HTR"]["office_id"]
    assert_error(sp.get(LATE, office=collectorate), 404, "OFFICE_NOT_FOUND")
    assert_error(cru.get(LATE, office=sp_office), 404, "OFFICE_NOT_FOUND")
    assert cru.ok(LATE)["office_id"] == f"post:{cru.post_ids[0]}"


def test_hq_rolls_up_by_the_trees_named_levels_district_and_range(office):
    admin, sp = Person(office.url, "admin.up"), Person(office.url, "sp.hathras")
    dm = Person(office.url, "dm.hathras")
    police, revenue = posts_of(sp), posts_of(dm)
    sp_office, collectorate = police["SP-HTR"]["office_id"], revenue["DM-HTR"]["office_id"]
    desk_work(office.url, police)
    Person(office.url, "cru.collectorate.hathras").diarise()
    state = admin.ok(AGES)["rows"][0]["node"]

    def districts() -> dict | None:
        rows = by_node(admin.ok(AGES, office=state, level="district"))
        return rows if {sp_office, collectorate} <= set(rows) else None

    rows = wait_for("both Hathras districts in the state's rollup", districts)
    assert set(rows) == {state, sp_office, collectorate}  # offices of other levels are not rows
    assert rows[state]["total"] == rows[sp_office]["total"] + rows[collectorate]["total"]
    # The police's range holds the SP's office, and only the police's offices. The office is
    # shared: another test's letter may land between two reads, so the range is compared with
    # the district as read just before and just after it, when both reads agree.
    for _ in range(20):
        by_range = by_node(admin.ok(AGES, office=state, level="range"))
        again = districts() or rows
        if again[sp_office]["total"] == rows[sp_office]["total"]:
            break
        rows = again
    (aligarh_range,) = set(by_range) - {state}
    assert sp_office in by_node(admin.ok(AGES, office=aligarh_range, level="district"))
    assert by_range[aligarh_range]["total"] == rows[sp_office]["total"]
    # A named level of adoption ranks the districts.
    ranked = admin.ok("/api/v1/reports/adoption", office=state, level="district")["rows"][1:]
    assert sorted(r["rank"] for r in ranked) == [1, 2]

    error = assert_error(admin.get(AGES, office=state, level="ward"), 422, "UNKNOWN_LEVEL")
    assert {"district", "range", "zone", "tehsil"} <= set(error["details"]["levels"])
    # The SP's part of the tree has no range above it to roll up into.
    assert by_node(sp.ok(AGES, level="district")).keys() == {sp_office}


def test_a_desk_sees_what_it_made_that_waits_with_others(office):
    cru, reader = Person(office.url, "cru.hathras"), Person(office.url, "reader.hathras")
    sp = Person(office.url, "sp.hathras")
    posts = posts_of(sp)
    receipt = cru.diarise()
    cru.send(receipt["id"], posts["RDR-SP-HTR"]["id"])

    def listed() -> dict | None:
        r = cru.get(WITH_OTHERS)
        assert r.status_code in (200, 404), r.text  # 404: the desk not yet known to reports
        items = {i["item_id"]: i for i in r.json()["items"]} if r.ok else {}
        return items.get(receipt["id"])

    item = wait_for("the receipt among the CRU's items with others", listed)
    assert (item["number"], item["post_id"], item["stage"]) == (
        receipt["number"],
        posts["RDR-SP-HTR"]["id"],
        "none",
    )
    assert "subject" not in item
    # The SP sees the CRU's desk (their office); the Reader does not (404), not even by asking.
    cru_post = posts["CRU-SP-HTR"]["id"]
    assert receipt["id"] in {i["item_id"] for i in sp.ok(WITH_OTHERS, post=cru_post)["items"]}
    assert_error(reader.get(WITH_OTHERS, post=cru_post), 404, "OFFICE_NOT_FOUND")
    as_csv = cru.get(WITH_OTHERS + ".csv")
    assert as_csv.status_code == 200 and receipt["number"] in as_csv.text
    # The state admin holds no post: no desk of their own to list.
    assert_error(Person(office.url, "admin.up").get(WITH_OTHERS), 403, "NO_POST")


# --- make rebuild-reports against a real office ------------------------------------------------


def snapshot(url: str, sp_office: str) -> dict:
    """Every report of the SP's office the rebuild must give again (less the moment asked)."""
    sp = Person(url, "sp.hathras")
    ages = sp.ok(AGES, office=sp_office, level="post")
    ages.pop("as_of")
    return {
        "ages": ages,
        "adoption": sp.ok("/api/v1/reports/adoption", office=sp_office, level="post"),
        "monthly": sp.ok("/api/v1/reports/monthly", office=sp_office),
        "diary": sp.ok("/api/v1/reports/registers/diary", office=sp_office),
    }


def test_rebuild_reports_on_a_stopped_office_gives_the_same_numbers(tmp_path):
    data = tmp_path / "office"
    office = Office(data).start()
    try:
        posts = posts_of(Person(office.url, "sp.hathras"))
        sp_office = posts["SP-HTR"]["office_id"]
        desk_work(office.url, posts)
        desk_work(office.url, posts)
        sp = Person(office.url, "sp.hathras")

        def pending() -> int:
            r = sp.get(AGES, office=sp_office)
            return r.json()["rows"][0]["total"] if r.status_code == 200 else 0

        wait_for("the desk work in the reports", lambda: pending() >= 4)
        time.sleep(2)  # let any straggling event land before the numbers are taken
        live = snapshot(office.url, sp_office)
        assert live["ages"]["rows"][0]["total"] == 4, live["ages"]
    finally:
        office.stop()

    env = {**os.environ, "EOFFICE_DATA_DIR": str(data)}
    env.pop("MONGODB_URI", None)
    done = subprocess.run(
        [sys.executable, "-m", "services.reports.rebuild"],  # the Makefile target's command
        check=False,  # its answer is asserted below, with its output
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rebuilt numbers equal the live ones" in done.stdout

    office = Office(data).start()
    try:
        assert snapshot(office.url, sp_office) == live
    finally:
        office.stop()
