"""The record room over the API: a section uploads scanned legacy files (a ZIP with its sheet,
a sheet whose PDFs follow one by one, one PDF with its fields), row by row; an upload that
stopped half-way resumes without duplicates; bad input is refused with its reason; the records
are files like any other (opened, their history checked, their scan read); and the recorded
files due for review come as JSON, CSV and XLSX.

The office is the shared one of tests/e2e: every old file number here is made unique per run."""

import csv
import io
import uuid
import zipfile

import openpyxl
import pytest

from tests.e2e.test_api import Desk, assert_error
from tests.support.pdfs import broken_pdf, pdf
from tests.unit.test_legacy_records import encrypted_pdf, zipped
from tools.demo_scans import blank_scan_pdf, hindi_scan_pdf

CLERK, OTHER = "hc.estt.hathras", "sho.kotwali.hathras"
BATCHES = "/api/v1/records/batches"
HEADER = ["Old file number", "Subject", "Year", "Section", "Retention category", "File name"]


@pytest.fixture
def desk(office, login):
    return lambda username: Desk(office.url, login(username))


def records_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def upload(person: Desk, name: str, content: bytes, **fields) -> dict:
    r = person.post(BATCHES, files={"file": (name, content)}, data=fields, timeout=120)
    assert r.status_code == 201, r.text[:500]
    return r.json()


def outcomes(batch: dict) -> list[tuple[str, str | None]]:
    return [(r["outcome"], r["code"]) for r in batch["rows"]]


def test_a_zip_of_scans_is_recorded_row_by_row_and_again_records_nothing_twice(desk):
    clerk, tag = desk(CLERK), uuid.uuid4().hex[:6]
    scan = hindi_scan_pdf(["चौकीदार की नियुक्ति", f"भूमि विवाद {tag}"])
    content = zipped(
        {
            "records.csv": records_csv(
                [
                    [f"{tag}/1", f"Chowkidar {tag}", 1987, "ESTT", "B", "one.pdf"],
                    ["", "No number", 1990, "ESTT", "A", "two.pdf"],
                    [f"{tag}/1", "Repeated", 1991, "ESTT", "C", "three.pdf"],
                    [f"{tag}/4", "Image of nothing", 2001, "ESTT", "A", "blank.pdf"],
                    [f"{tag}/5", "Locked", 2002, "ESTT", "A", "locked.pdf"],
                    [f"{tag}/6", "Broken", 2003, "ESTT", "A", "broken.pdf"],
                    [f"{tag}/7", "Not in the ZIP", 2004, "ESTT", "A", "missing.pdf"],
                ]
            ),
            "one.pdf": scan,
            "blank.pdf": blank_scan_pdf(),
            "locked.pdf": encrypted_pdf(),
            "broken.pdf": broken_pdf(),
        }
    )
    batch = upload(clerk, "records.zip", content)
    assert batch["source"] == "zip" and batch["total"] == 7 and batch["done"] == 7
    assert outcomes(batch) == [
        ("recorded", None),
        ("refused", "LEGACY_OLD_NUMBER_MISSING"),
        ("refused", "LEGACY_OLD_NUMBER_REPEATED"),
        ("recorded", None),  # a valid PDF of nothing is kept; its text will say so
        ("refused", "LEGACY_SCAN_ENCRYPTED"),
        ("refused", "LEGACY_SCAN_BROKEN"),
        ("refused", "LEGACY_SCAN_MISSING"),
    ]
    locked = batch["rows"][4]["reason"]
    assert "password" in locked["en"] and "पासवर्ड" in locked["hi"]

    # The record is a file: recorded, physical, in the record room under B, its scan readable.
    first = batch["rows"][0]
    record = clerk.get(f"/api/v1/files/{first['record_id']}").json()
    assert record["number"] == first["number"] and record["number"].endswith(f"/{tag}/1")
    assert (record["status"], record["physical"], record["grading"]) == ("recorded", True, "normal")
    assert record["record"]["category"] == "B" and record["record"]["review_date"] == "2012-12-31"
    assert record["legacy"]["old_number"] == f"{tag}/1" and record["legacy"]["pages"] == 1
    sha = record["legacy"]["sha256"]
    assert record["correspondence"][0]["kind"] == "scan"
    assert clerk.get(f"/api/v1/documents/{sha}").content == scan
    assert clerk.get(f"/api/v1/files/{first['record_id']}/history/verify").json()["intact"]
    # Someone who is not of that desk or above it finds neither the record nor its scan.
    other = desk(OTHER)
    assert_error(other.get(f"/api/v1/files/{first['record_id']}"), 404, "FILE_NOT_FOUND")
    assert_error(other.get(f"/api/v1/documents/{sha}"), 404, "DOCUMENT_NOT_FOUND")

    # The same ZIP again: what was recorded is "already recorded", nothing is made twice.
    again = upload(clerk, "records.zip", content)
    assert [o for o, _ in outcomes(again)][0] == "already_recorded"
    assert again["rows"][0]["record_id"] == first["record_id"]
    # The same old number with another scan is refused for that row alone.
    other_scan = zipped(
        {
            "records.csv": records_csv(
                [
                    [f"{tag}/1", "Another scan", 1987, "ESTT", "B", "x.pdf"],
                    [f"{tag}/8", "New", 1987, "ESTT", "B", "y.pdf"],
                ]
            ),
            "x.pdf": pdf(text="another"),
            "y.pdf": pdf(text="new"),
        }
    )
    assert outcomes(upload(clerk, "records.zip", other_scan)) == [
        ("refused", "LEGACY_DUPLICATE_OLD_NUMBER"),
        ("recorded", None),
    ]


def test_a_sheet_then_its_pdfs_one_by_one_resumes_after_an_interruption(desk):
    clerk, tag = desk(CLERK), uuid.uuid4().hex[:6]
    names = [f"{tag}-{n}.pdf" for n in range(3)]
    sheet = records_csv(
        [[f"{tag}/{n}", f"Subject {n}", 1999, "ESTT", "C", names[n]] for n in range(3)]
    )
    batch = upload(clerk, "records.csv", sheet)
    assert batch["source"] == "sheet" and (batch["done"], batch["total"]) == (0, 3)
    scans = {name: pdf(text=name) for name in names}
    upload(clerk, names[0], scans[names[0]], batch_id=batch["id"])
    # The tab was closed; the same sheet chosen again finds its batch, one row done.
    resumed = upload(clerk, "records.csv", sheet)
    assert resumed["id"] == batch["id"] and resumed["done"] == 1
    for name in names:  # the browser sends them all again: the first is not recorded twice
        upload(clerk, name, scans[name], batch_id=batch["id"])
    report = clerk.get(f"{BATCHES}/{batch['id']}").json()
    assert report["done"] == 3 and [r["outcome"] for r in report["rows"]] == ["recorded"] * 3
    assert len({r["record_id"] for r in report["rows"]}) == 3
    assert_error(
        clerk.post(BATCHES, files={"file": ("zz.pdf", pdf())}, data={"batch_id": batch["id"]}),
        404,
        "RECORDS_SCAN_NOT_IN_BATCH",
    )
    # Another office's officer does not know the batch exists.
    assert_error(desk(OTHER).get(f"{BATCHES}/{batch['id']}"), 404, "RECORDS_BATCH_NOT_FOUND")


def test_one_pdf_with_its_fields_is_a_batch_of_one(desk):
    clerk, tag = desk(CLERK), uuid.uuid4().hex[:6]
    fields = {
        "old_number": f"{tag}/9",
        "subject": "Secret old file",
        "year": "1975",
        "section": "ESTT",
        "category": "A",
        "grading": "secret",
    }
    batch = upload(clerk, "old.pdf", pdf(), **fields)
    assert outcomes(batch) == [("recorded", None)]
    record = clerk.get(f"/api/v1/files/{batch['rows'][0]['record_id']}").json()
    assert record["grading"] == "secret" and record["record"]["review_date"] is None


@pytest.mark.parametrize(
    "members, status, code",
    [
        ({"records.csv": b"x", "../evil.pdf": b"%PDF-"}, 400, "RECORDS_ZIP_UNSAFE_PATH"),
        ({"records.csv": b"x", "C:/evil.pdf": b"%PDF-"}, 400, "RECORDS_ZIP_UNSAFE_PATH"),
        (
            {"records.csv": b"x", "big.pdf": b"%PDF-" + b"\0" * (60 << 20)},
            413,
            "RECORDS_ZIP_TOO_LARGE",
        ),
        ({"a.pdf": b"%PDF-"}, 400, "RECORDS_ZIP_NO_SHEET"),
    ],
)
def test_a_crafted_zip_is_refused_whole(desk, members, status, code):
    r = desk(CLERK).post(BATCHES, files={"file": ("records.zip", zipped(members))})
    assert_error(r, status, code)


def test_the_recorded_files_due_for_review_come_as_json_csv_and_xlsx(desk):
    clerk, tag = desk(CLERK), uuid.uuid4().hex[:6]
    section = f"S{tag}"
    rows = [
        [f"{tag}/1", "Due long ago", 1990, section, "C", "a.pdf"],
        [f"{tag}/2", "Kept for ever", 1990, section, "A", "b.pdf"],
    ]
    upload(
        clerk,
        "records.zip",
        zipped({"records.csv": records_csv(rows), "a.pdf": pdf(), "b.pdf": pdf(text="b")}),
    )
    due = clerk.get("/api/v1/records/due-for-review", params={"section": section}).json()
    assert [(d["old_number"], d["review_date"]) for d in due["items"]] == [
        (f"{tag}/1", "2000-12-31")
    ]
    later = clerk.get(
        "/api/v1/records/due-for-review", params={"section": section, "from": "2001-01-01"}
    ).json()
    assert later["items"] == []
    as_csv = clerk.get("/api/v1/records/due-for-review.csv", params={"section": section})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(as_csv.text)))[0]["old_number"] == f"{tag}/1"
    as_xlsx = clerk.get("/api/v1/records/due-for-review.xlsx", params={"section": section})
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert f"{tag}/1" in [c.value for c in sheet[2]]
    assert (
        desk(OTHER)
        .get("/api/v1/records/due-for-review", params={"section": section})
        .json()["items"]
        == []
    )
    assert_error(
        clerk.get("/api/v1/records/due-for-review", params={"to": "soon"}),
        400,
        "RECORDS_DATE_INVALID",
    )


def test_the_demo_zip_carries_four_hindi_scans_with_their_sheet():
    from tools.demo_records import records_zip

    archive = zipfile.ZipFile(io.BytesIO(records_zip()))
    names = sorted(archive.namelist())
    assert "records/records.csv" in names and len(names) == 5
