"""The seven-working-day rule over the broker, with files' clock moved through January 2026:
Monday the 5th is day 1, the second Saturday (10th) and Sunday (11th) are off, and so is the
14th, a gazetted holiday the state uploaded; restricted holidays do not stop the clock."""

import base64
from datetime import date, datetime, time

import pytest
from nameko.events import event_handler

from common.clock import IST
from common.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from services.files.service import base, efiles, held, receipts
from tests.service.conftest import eventually
from tests.service.desks import ASP, CRU, HC, READER, SP, refused

HEADERS = "date,name_en,name_hi,kind"


def on(day: int, hour: int = 11) -> datetime:
    return datetime.combine(date(2026, 1, day), time(hour), tzinfo=IST)


class Clock:
    """Files' clock, moved by the test: what every desk action and the rule read as now."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = on(5, 10)
        for module in (base, efiles, receipts):
            monkeypatch.setattr(module, "utcnow", lambda: self.moment)
        held.CALENDARS.forget()

    def to(self, day: int, hour: int = 11) -> None:
        self.moment = on(day, hour)


@pytest.fixture
def clock(office, monkeypatch):
    admin = office.actor("admin.up")
    state = office.rpc.identity.office_by_code(admin, "UP")["id"]
    sheet = "\n".join(
        (HEADERS, "14-01-2026,Makar Sankranti,मकर संक्रान्ति,gazetted", "13-01-2026,Lohri,,restricted")
    )
    upload = {
        "filename": "holidays-2026.csv",
        "content_b64": base64.b64encode(sheet.encode()).decode(),
    }
    assert office.rpc.identity.upload_holiday_calendar(admin, state, 2026, upload)["applied"]
    return Clock(monkeypatch)


class Heard:
    """A subscriber of the rule's events, as the reports service will be."""

    name = "heard_overdue"
    events: list[dict] = []

    @event_handler("files", "receipt.overdue")
    def receipt_overdue(self, event: dict) -> None:
        Heard.events.append(event)

    @event_handler("files", "file.overdue")
    def file_overdue(self, event: dict) -> None:
        Heard.events.append(event)

    @event_handler("files", "file.delay_explained")
    def file_explained(self, event: dict) -> None:
        Heard.events.append(event)


@pytest.fixture
def heard(office):
    Heard.events = []
    office.factory(Heard, office.config).start()
    return Heard.events


def test_on_day_eight_a_receipt_moves_on_only_once_its_holder_explains(office, desks, clock):
    files, hc = desks.files, desks[HC]
    receipt = desks.dak_for("HC-ESTT-SP-HTR")  # with the head clerk from Monday the 5th
    clock.to(14)  # day 7, over the weekend and the holiday: nothing asked yet
    shown = files.get_receipt(hc, receipt["id"])["pendency"]
    assert shown == {
        "working_days": 7,
        "stage": "warning",
        "explanation_needed": False,
        "explanation": None,
        "escalated_to_post_ids": [],
    }

    clock.to(15)  # day 8
    send = {"to_post_id": desks.post("RDR-SP-HTR")}
    with pytest.raises(Conflict) as late:
        files.send_receipt(hc, receipt["id"], send)
    assert (late.value.code, late.value.details) == ("DELAY_NOT_EXPLAINED", {"working_days": 8})
    assert files.get_receipt(hc, receipt["id"])["pendency"]["explanation_needed"] is True

    # Only its holder explains, and with words.
    not_theirs = refused(
        Conflict, files.explain_receipt_delay, desks[CRU], receipt["id"], {"text": "Sent on"}
    )
    assert not_theirs == "RECEIPT_NOT_WITH_YOU"
    assert refused(InvalidInput, files.explain_receipt_delay, hc, receipt["id"], {"text": ""})
    why = "Awaiting the Constable's service record from Aligarh"
    explained = files.explain_receipt_delay(hc, receipt["id"], {"text": why})
    assert explained["pendency"]["explanation"] == why
    assert explained["pendency"]["explanation_needed"] is False

    sent = files.send_receipt(hc, receipt["id"], send)
    assert sent["holder_post_id"] == desks.post("RDR-SP-HTR")
    entries = files.receipt_history(desks[CRU], receipt["id"])["items"]
    (line,) = [e for e in entries if e["action"] == "delay_explained"]
    assert line["details"] == {"text": why, "working_days": 8}


def test_a_file_held_eight_working_days_is_not_sent_back_unexplained(office, desks, clock):
    file = desks.open_file(READER)
    desks.send(READER, file, "HC-ESTT-SP-HTR")
    clock.to(15)
    hc = desks[HC]
    assert refused(Conflict, desks.files.send_back, hc, file["id"], {}) == "DELAY_NOT_EXPLAINED"
    assert refused(Conflict, desks.send, HC, file, "ASP-HTR") == "DELAY_NOT_EXPLAINED"
    desks.files.explain_file_delay(hc, file["id"], {"text": "Seniority list under revision"})
    assert desks.files.send_back(hc, file["id"], {})["holder_post_id"] == desks.post("RDR-SP-HTR")
    # Back with the reader: a new stay, counted afresh.
    assert desks.files.get_file(desks[READER], file["id"])["pendency"]["working_days"] == 1


def test_the_timer_tells_each_stage_once_and_escalates_up_the_chain(office, desks, clock, heard):
    files = desks.files

    def check_on(day: int) -> int:
        clock.to(day)
        return office.rpc.files.check_pendency(office.seeder)

    file = desks.open_file(HC)  # with the head clerk, who reports to the ASP, then the SP
    assert check_on(8) == 0  # day 4
    assert check_on(9) == 1  # day 5: the warning
    assert check_on(12) == 0  # day 6: told already
    assert check_on(15) == 1  # day 8: explanation required
    assert files.inbox(desks[ASP])["items"] == []
    assert check_on(17) == 1  # day 10 (a working Saturday)

    (at_asp,) = files.inbox(desks[ASP])["items"]
    assert (at_asp["id"], at_asp["escalated"], at_asp["holder_post_id"]) == (
        file["id"],
        True,
        desks.post("HC-ESTT-SP-HTR"),
    )
    assert files.inbox(desks[SP])["items"] == []
    assert check_on(22) == 0  # day 14
    assert check_on(23) == 1  # day 15: on to the SP
    assert [i["escalated"] for i in files.inbox(desks[SP])["items"]] == [True]
    assert check_on(30) == 0  # day 20: nobody above the SP
    assert not any(i["escalated"] for i in files.inbox(desks[HC])["items"])

    told = eventually(lambda: len(heard) >= 4 and heard)
    hc_post, asp, sp = (desks.post(p) for p in ("HC-ESTT-SP-HTR", "ASP-HTR", "SP-HTR"))
    assert [
        (
            e["type"],
            e["payload"]["stage"],
            e["payload"]["working_days"],
            e["payload"]["escalated_to_post_id"],
        )
        for e in sorted(told, key=lambda e: e["payload"]["seq"])
    ] == [
        ("file.overdue", "warning", 5, None),
        ("file.overdue", "explanation_required", 8, None),
        ("file.overdue", "escalated", 10, asp),
        ("file.overdue", "escalated", 15, sp),
    ]
    assert {e["payload"]["holder_post_id"] for e in told} == {hc_post}

    # Sent on (explained), it leaves the inboxes above: its new holder's clock starts again.
    clock.to(30)
    files.explain_file_delay(desks[HC], file["id"], {"text": "Awaiting the range's comments"})
    desks.send(HC, file, "RDR-SP-HTR")
    assert files.inbox(desks[ASP])["items"] == []
    assert files.inbox(desks[SP])["items"] == []
    assert eventually(lambda: any(e["type"] == "file.delay_explained" for e in heard))


def test_an_office_sets_its_thresholds_by_its_admin_or_nodal_officer(office, desks, clock):
    files = desks.files
    assert files.pendency_thresholds(desks[HC]) == {
        "office_id": desks[HC]["office_id"],
        "warning": 5,
        "explanation": 8,
        "escalation": 10,
        "every": 5,
        "set_here": False,
    }
    tighter = {"office_code": "SP-HTR", "warning": 3, "explanation": 4, "escalation": 6, "every": 2}
    assert (
        refused(Forbidden, files.set_pendency_thresholds, desks[SP], tighter)
        == "OUTSIDE_YOUR_SCOPE"
    )
    assert refused(Forbidden, files.set_pendency_thresholds, desks[READER], tighter)
    backwards = {**tighter, "warning": 9}
    assert refused(Refused, files.set_pendency_thresholds, desks[ASP], backwards) == (
        "PENDENCY_THRESHOLDS_INVALID"
    )
    assert files.set_pendency_thresholds(desks[ASP], tighter)["set_here"] is True

    receipt = desks.dak_for("HC-ESTT-SP-HTR")
    clock.to(8)  # day 4: the office's own day of explanation
    assert refused(
        Conflict,
        files.send_receipt,
        desks[HC],
        receipt["id"],
        {"to_post_id": desks.post("ASP-HTR")},
    ) == ("DELAY_NOT_EXPLAINED")


def test_the_sps_late_list_names_each_late_item_its_stage_and_its_explanation(office, desks, clock):
    receipt = desks.dak_for("HC-ESTT-SP-HTR")  # with the head clerk from Monday the 5th
    file = desks.open_file(HC)
    clock.to(15)  # day 8: both need an explanation
    office.rpc.files.check_pendency(office.seeder)  # the timer tells the stages reached
    desks.files.explain_receipt_delay(desks[HC], receipt["id"], {"text": "Awaiting records"})
    hc_post = desks.post("HC-ESTT-SP-HTR")

    def listed() -> list:
        items = office.rpc.reports.late_items(desks[SP])["items"]
        ready = len(items) == 2 and any(i["explained"] for i in items)
        return items if ready else []

    items = eventually(listed)
    assert sorted((i["kind"], i["stage"], i["explained"]) for i in items) == [
        ("file", "explanation_required", False),
        ("receipt", "explanation_required", True),
    ]
    # Events carry the moment they were published (only files' desk clock is moved here), so
    # the days held are counted from today; tests/unit/test_late_list.py counts them exactly.
    assert all(i["working_days"] <= 1 for i in items)
    assert {i["post_id"] for i in items} == {hc_post}
    assert {i["number"] for i in items} == {receipt["number"], file["number"]}
    # The head clerk's own desk sees the same two; the CRU's desk (nothing late) sees none.
    assert len(office.rpc.reports.late_items(desks[HC], f"post:{hc_post}")["items"]) == 2
    cru_post = desks.post("CRU-SP-HTR")
    assert office.rpc.reports.late_items(desks[CRU], f"post:{cru_post}")["items"] == []

    # The head clerk heard each stage of each item, in their notices.
    def stages() -> list | None:
        told = sorted(
            (n["kind"], n["params"]["item_kind"])
            for n in office.rpc.notify.notices(desks[HC])["items"]
            if n["kind"] in ("overdue_warning", "explanation_required")
        )
        return told if len(told) == 4 else None

    assert eventually(stages) == [
        ("explanation_required", "file"),
        ("explanation_required", "receipt"),
        ("overdue_warning", "file"),
        ("overdue_warning", "receipt"),
    ]
    # Another desk's list is not the CRU's to know of.
    assert refused(NotFound, office.rpc.reports.late_items, desks[CRU], f"post:{hc_post}")
