"""Staff onboarded with Gov ID, VPN and DSC, as HQ counts them: a VPN revoked is no longer
held (until issued again), a revoked DSC is not held while a newer one is, a disabled person
is not counted at all; the same in any order of arrival, and rebuilt to the same numbers."""

import itertools
import random
from datetime import UTC, datetime
from typing import Any

import litemongo
import pytest

from common.actor import Actor
from common.events import (
    DscEnrolled,
    DscRevoked,
    Event,
    Names,
    PersonDisabled,
    PersonOnboarded,
    VpnIssued,
    VpnRevoked,
    new_event,
)
from services.reports import projection, store

HATHRAS = ["up", "police", "hathras"]
ADMIN = Actor(user_id="admin", name="Admin", office_id="up")


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 6, tzinfo=UTC)


def told(payload: Any, day: int) -> Event:
    return Event.model_validate(new_event(payload, ADMIN, HATHRAS, at(day)))


def onboarded(user: str) -> Event:
    return told(
        PersonOnboarded(
            user_id=user, username=user, name=Names(en=user, hi=user), office_id="hathras"
        ),
        1,
    )


def vpn(user: str, day: int, revoked: bool = False) -> Event:
    kind = VpnRevoked if revoked else VpnIssued
    return told(kind(user_id=user, district_id="hathras", address="10.61.0.9"), day)


def dsc(user: str, sha: str, day: int, revoked: bool = False) -> Event:
    if revoked:
        return told(DscRevoked(user_id=user, sha256=sha), day)
    return told(DscEnrolled(user_id=user, subject_cn=user, sha256=sha, not_after="2028"), day)


STORY = [
    onboarded("asha"),
    onboarded("bhola"),
    onboarded("chandra"),
    vpn("asha", 2),
    vpn("asha", 5, revoked=True),  # left the district's network
    vpn("bhola", 2),
    vpn("bhola", 3, revoked=True),
    vpn("bhola", 4),  # issued again
    dsc("asha", "old", 2),
    dsc("asha", "new", 6),
    dsc("asha", "old", 7, revoked=True),  # the old certificate revoked; the new one holds
    dsc("bhola", "only", 2),
    dsc("bhola", "only", 3, revoked=True),
    dsc("chandra", "c1", 2),
    told(PersonDisabled(user_id="chandra"), 8),  # retired
]
# asha: Gov ID and DSC, no VPN; bhola: Gov ID and VPN, no DSC; chandra: not counted.
EXPECTED = {"101": 1, "110": 1}


def staff(db: Any, node: str = "hathras") -> dict[str, int]:
    return {held: n for held, n in store.staff_at(db, node).items() if n}


def fresh(tmp_path: Any, name: str) -> Any:
    database = litemongo.connect(str(tmp_path / name))["eoffice_reports"]
    store.ensure_indexes(database)
    return database


def test_revoked_vpns_and_dscs_and_disabled_people_are_not_counted(tmp_path: Any) -> None:
    db = fresh(tmp_path, "db")
    for e in STORY:
        projection.take(db, e.model_dump(mode="json"), e)
    assert staff(db) == EXPECTED
    assert staff(db, "up") == EXPECTED  # and so up the tree
    projection.rebuild(db)
    assert staff(db) == EXPECTED


@pytest.mark.parametrize("seed", range(3))
def test_the_same_in_any_order_of_arrival(tmp_path: Any, seed: int) -> None:
    db = fresh(tmp_path, f"db{seed}")
    shuffled = list(STORY)
    random.Random(seed).shuffle(shuffled)
    for e in itertools.chain(shuffled, shuffled[:4]):  # some delivered twice
        projection.take(db, e.model_dump(mode="json"), e)
    assert staff(db) == EXPECTED
