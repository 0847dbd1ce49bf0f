"""A legacy record: a paper file of the past, scanned, entered as a physical file that is
already closed and recorded in the record room under its retention category. It is a file like
any other (visibility, history, its audit chain and the file screens work on it), numbered
``LEGACY/<office code>/<old file number>``: the office's own scheme gives serials that never
skip and belong to the year a file is opened, so three hundred old files must not take this
year's; and the old number is the one people cite and find."""

import io
from datetime import date, datetime

from pyhanko.pdf_utils.reader import PdfFileReader

from common.actor import Actor
from common.clock import iso
from common.errors import OfficeError
from common.pdf import BROKEN_PDF, check_pdf
from services.files.domain import filing, history, movement, search
from services.files.domain.batches import Row
from services.files.domain.change import Item, Post

PREFIX = "LEGACY"


# What ``check_pdf`` says of a scan, as a row of a batch says it.
SCAN_PROBLEMS = {
    "PDF_TOO_LARGE": "LEGACY_SCAN_TOO_LARGE",
    "NOT_A_PDF": "LEGACY_SCAN_NOT_PDF",
    "PDF_UNREADABLE": "LEGACY_SCAN_BROKEN",
}


def scan_problem(content: bytes) -> tuple[str | None, int]:
    """(why the scan cannot be kept, or None; its pages). An image of nothing is still a valid
    PDF and is kept (the text worker will say it found no words); an encrypted or broken one is
    not: no one could read it later."""
    try:
        pages = check_pdf(content)
        if PdfFileReader(io.BytesIO(content), strict=False).encrypted:
            return "LEGACY_SCAN_ENCRYPTED", 0
    except OfficeError as refused:
        return SCAN_PROBLEMS.get(refused.code, "LEGACY_SCAN_BROKEN"), 0
    except BROKEN_PDF:
        return "LEGACY_SCAN_BROKEN", 0
    return None, pages


def number(office_code: str, old_number: str) -> str:
    return f"{PREFIX}/{office_code}/{old_number}"


def review_date(row: Row) -> date | None:
    """Retention runs from when the paper file was closed: the sheet knows its year only, so
    from the year's end (a file of 1990 under B is due for review in 2015, and shows so)."""
    assert row.year is not None  # a checked row has its year
    return movement.review_date(row.category, date(row.year, 12, 31), None)


def recorded(
    record_id: str,
    row: Row,
    scan: Item,
    post: Post,
    actor: Actor,
    now: datetime,
    batch_id: str,
    supervisors: list[str],
) -> Item:
    """The record as it is written: a closed physical file already in the record room, its
    scan the whole of its correspondence (``scan``: sha256, pages, size), at ``post`` (the
    uploader's), seen by that post and the chain above it."""
    at = iso(now)
    file_number = number(post["office_code"], row.old_number)
    review_on = review_date(row)
    legacy = {
        "old_number": row.old_number,
        "year": row.year,
        "batch_id": batch_id,
        "sha256": scan["sha256"],
        "pages": scan["pages"],
        "size": scan["size"],
    }
    record = {
        "category": row.category,
        "recorded_on": now.date().isoformat(),
        "review_date": review_on.isoformat() if review_on else None,
    }
    first = history.entry(
        None, "recorded", at, actor, post["id"], {"legacy": True, **record, **legacy}
    )
    page = filing.paper(
        "scan", record_id, file_number, row.subject, scan["sha256"], scan["pages"], 1, at
    )
    described = {
        "subject": row.subject,
        "category": "legacy",
        "grading": row.grading,
        "physical": True,
        "head": None,
    }
    made = filing.at_post(
        record_id, file_number, post, actor, at, described, row.section or None, supervisors
    )
    return {
        **made,
        "status": "recorded",
        "closed_by_post_id": post["id"],
        "correspondence": [page],
        "record": record,
        "legacy": legacy,
        "version": 1,
        "history": [first],
        "search_terms": search.terms(file_number, row.subject, row.section),
    }


def same_scan(existing: Item, sha256: str) -> bool:
    """An old number recorded before with this very scan: a resumed batch, not a clash."""
    return bool(existing.get("legacy", {}).get("sha256") == sha256)
