"""Adoption's share of work done electronically: of the receipts and files an office made, how
many were electronic rather than paper entered in the diary or a paper file registered; up the
tree like every counter, and rebuilt from the log to the same figure."""

from datetime import UTC, datetime
from typing import Any

import litemongo

from common.actor import Actor
from common.events import Event, FileCreated, Names, ReceiptDiarised, new_event
from services.reports import answers, projection, store

HATHRAS = ["up", "police", "hathras"]
CLERK = Actor(user_id="u1", name="Pooja", post_ids=("cru",), office_id="hathras")
CRU = Names(en="CRU", hi="सीआरयू")


def made(item: str, physical: bool, file: bool = False) -> Event:
    fields: dict[str, Any] = {
        "number": item,
        "subject": "s",
        "office_id": "hathras",
        "post_id": "cru",
        "post_name": CRU,
        "seq": 1,
        "physical": physical,
    }
    payload = (
        FileCreated(file_id=item, **fields) if file else ReceiptDiarised(receipt_id=item, **fields)
    )
    return Event.model_validate(
        new_event(payload, CLERK, HATHRAS, datetime(2026, 3, 2, 6, tzinfo=UTC))
    )


def shares(db: Any) -> dict[str, Any]:
    nodes = [store.office(db, n) for n in ("hathras", "up")]
    return {r["node"]: r for r in answers.adoption(db, [n for n in nodes if n])}


def test_paper_receipts_and_files_lower_the_share_of_work_done_electronically(
    tmp_path: Any,
) -> None:
    db = litemongo.connect(str(tmp_path / "db"))["eoffice_reports"]
    store.ensure_indexes(db)
    story = [made("r1", False), made("r2", True), made("r3", False), made("f1", True, file=True)]
    for e in story:
        projection.take(db, e.model_dump(mode="json"), e)
    for node in ("hathras", "up"):
        row = shares(db)[node]
        assert (row["receipts_created"], row["files_created"], row["paper_items"]) == (3, 1, 2)
        assert row["share_electronic"] == 0.5
    projection.rebuild(db)
    assert shares(db)["up"]["share_electronic"] == 0.5


def test_an_office_that_made_nothing_has_no_share_rather_than_a_perfect_one(
    tmp_path: Any,
) -> None:
    assert answers.share_electronic({}) is None
    assert answers.share_electronic({"receipts_created": 4}) == 1.0
