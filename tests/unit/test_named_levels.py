"""Rollups by the office tree's named levels (district, range, zone, tehsil ...): the rows are
every office of that level under the node asked for, each with its own pre-aggregated counters;
a level nobody has there is refused with the levels there are."""

from datetime import UTC, datetime
from typing import Any

import litemongo
import pytest

from common.actor import Actor
from common.errors import Refused
from common.events import Event, Names, ReceiptDiarised, new_event
from common.workdays import Calendar
from services.reports import answers, projection, store

CLERK = Actor(user_id="u1", name="Pooja", post_ids=("cru",), office_id="x")
STATE, POLICE, ZONE, RANGE = "up", "police", "agra-zone", "aligarh-range"
PATHS = {
    "hathras": [STATE, POLICE, ZONE, RANGE, "hathras"],
    "aligarh": [STATE, POLICE, ZONE, RANGE, "aligarh"],
    "kotwali": [STATE, POLICE, ZONE, RANGE, "hathras", "sadar", "kotwali"],
    "sadar-tehsil": [STATE, "revenue", "aligarh-div", "hathras-dm", "sadar-tehsil"],
}
LEVEL_OF = {
    STATE: "state",
    POLICE: "department",
    "revenue": "department",
    ZONE: "zone",
    RANGE: "range",
    "aligarh-div": "division",
    "hathras": "district",
    "aligarh": "district",
    "hathras-dm": "district",
    "sadar": "circle",
    "kotwali": "police_station",
    "sadar-tehsil": "tehsil",
}


@pytest.fixture
def db(tmp_path: Any) -> Any:
    database = litemongo.connect(str(tmp_path / "db"))["eoffice_reports"]
    store.ensure_indexes(database)
    receipts = [("r1", "hathras"), ("r2", "kotwali"), ("r3", "aligarh"), ("r4", "sadar-tehsil")]
    for item, office in receipts:
        payload = ReceiptDiarised(
            receipt_id=item,
            number=item,
            subject="s",
            office_id=office,
            post_id=f"{office}-cru",
            post_name=Names(en="CRU", hi="सीआरयू"),
            seq=1,
        )
        e = Event.model_validate(
            new_event(payload, CLERK, PATHS[office], datetime(2026, 3, 2, 6, tzinfo=UTC))
        )
        projection.take(database, e.model_dump(mode="json"), e)
    return database


def totals(db: Any, node: str, level: str) -> dict[str, int]:
    rows = answers.rows_of(db, node, level, None, lambda: LEVEL_OF)
    counted = answers.pendency(db, rows, lambda state, year: Calendar(), datetime.now(UTC))
    return {r["node"]: r["total"] for r in counted}


def test_the_state_rolls_up_by_district_across_departments(db: Any) -> None:
    # Each district's row holds everything below it (the police station's receipt too).
    assert totals(db, STATE, "district") == {
        STATE: 4,
        "hathras": 2,
        "aligarh": 1,
        "hathras-dm": 1,
    }


def test_a_department_rolls_up_by_range_zone_and_police_station(db: Any) -> None:
    assert totals(db, POLICE, "range") == {POLICE: 3, RANGE: 3}
    assert totals(db, POLICE, "zone") == {POLICE: 3, ZONE: 3}
    assert totals(db, RANGE, "police_station") == {RANGE: 3, "kotwali": 1}
    assert totals(db, STATE, "tehsil") == {STATE: 4, "sadar-tehsil": 1}


def test_a_level_nobody_has_there_is_refused_with_the_levels_there_are(db: Any) -> None:
    with pytest.raises(Refused) as refused:
        answers.rows_of(db, STATE, "ward", None, lambda: LEVEL_OF)
    assert refused.value.code == "UNKNOWN_LEVEL"
    levels = refused.value.details["levels"]
    assert levels[:4] == list(answers.LEVELS) and "district" in levels and "ward" not in levels
    # The structural levels never ask identity.
    asked = []
    answers.rows_of(db, STATE, "child", None, lambda: asked.append(1) or LEVEL_OF)
    assert asked == []
