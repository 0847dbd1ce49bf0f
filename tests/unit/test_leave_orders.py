"""The sanction order without any I/O: its number (told apart from letters' issue numbers),
when a signing on the officer's token is still awaited and when it is stale, who may read it,
and the PDF in Hindi and English (a half day named in both)."""

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from common.errors import Conflict, NotFound
from common.issued import CODE_ALPHABET, same_code
from services.files.domain.drafts import issue_number
from services.leave.domain import applications, orders
from services.leave.render.order import Order, render_order
from services.leave.schemas import is_order_number

BY = {"user_id": "u-sp", "name": "SP", "on_behalf_of": None}


def at_the_sp(**fields) -> dict:
    return {
        "_id": "a1",
        "user_id": "u-sho",
        "post_id": "p-sho",
        "status": "recommended",
        "at_post_id": "p-sp",
        "version": 3,
        "levels": ["reporting", "controlling", "sanctioning"],
        "level": "sanctioning",
        "level_index": 2,
        "history": [
            {"action": "applied", "post_id": "p-sho"},
            {"action": "recommended", "post_id": "p-co"},
            {"action": "recommended", "post_id": "p-asp"},
        ],
        **fields,
    }


def test_an_order_number_is_never_a_letters_and_its_code_reads_aloud():
    number = orders.order_number("SP-HTR", 2026, 42)
    assert number == "LV.SP-HTR-2026-000042" and is_order_number(number)
    # An office whose code begins LV still numbers letters that are not orders.
    assert not is_order_number(issue_number("LV-HTR", 2026, 42))
    reserved = orders.reserved("SP-HTR", 2026, 1)
    assert len(reserved["code"]) == 8 and set(reserved["code"]) <= set(CODE_ALPHABET)
    assert same_code(f" {reserved['code'].lower()} ", reserved["code"])
    assert not same_code(None, reserved["code"])
    assert orders.stamp_lines(reserved)[0] == f"Order No. {reserved['number']}"


def test_a_signing_is_awaited_until_the_application_moves_on():
    app = at_the_sp()
    waiting = {**app, **orders.awaiting("s1", "u-sp", app)}
    orders.require_awaiting(waiting, "s1", "u-sp")
    stale = [
        ({**waiting}, "s2", "u-sp"),  # another signing
        ({**waiting}, "s1", "u-other"),  # someone else's signature
        ({**waiting, "version": 4}, "s1", "u-sp"),  # changed since
    ]
    returned, _ = applications.return_for_correction(waiting, BY, "t", "तिथि देखें")
    stale.append(({**waiting, **returned}, "s1", "u-sp"))
    for found, signing, user in stale:
        with pytest.raises(Conflict) as caught:
            orders.require_awaiting(found, signing, user)
        assert caught.value.code == "SIGNING_NOT_CURRENT"
    assert returned["signing_id"] is None
    sanctioned, _ = applications.sanction(waiting, BY, "t", date(2026, 3, 10), None)
    assert sanctioned["signing_id"] is None


def test_the_order_is_its_applicants_and_the_acting_officers_once_issued():
    app = at_the_sp()
    with pytest.raises(NotFound) as caught:
        orders.require_reader(app, "u-sho", [])
    assert caught.value.code == "DOCUMENT_NOT_FOUND"  # not issued yet
    issued = {**app, "order": {"number": "LV.X-2026-000001"}}
    orders.require_reader(issued, "u-sho", [])
    orders.require_reader(issued, "u-co", ["p-co"])
    with pytest.raises(NotFound) as caught:
        orders.require_reader(issued, "u-hc", ["p-hc", "p-sho"])  # the applicant's post is not
    assert caught.value.code == "LEAVE_APPLICATION_NOT_FOUND"


def test_the_order_pdf_says_it_in_hindi_and_english(tmp_path: Path):
    order = Order(
        number="LV.SP-HTR-2026-000007",
        code="ABCD2345",
        issued_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),  # 11 March in India
        office_en="SP Office Hathras",
        office_hi="पुलिस अधीक्षक कार्यालय, हाथरस",
        applicant="Ram Kumar",
        post_en="SHO Kotwali",
        post_hi="थानाध्यक्ष कोतवाली",
        kind_en="Casual leave",
        kind_hi="आकस्मिक अवकाश",
        from_date=date(2026, 3, 12),
        to_date=date(2026, 3, 12),
        half="forenoon",
        days=0.5,
        sanctioned_by_en="Circle Officer Sadar",
        sanctioned_by_hi="क्षेत्राधिकारी सदर",
        verify_url="https://eoffice.example/verify/LV.SP-HTR-2026-000007?code=ABCD2345",
    )
    path = tmp_path / "order.pdf"
    path.write_bytes(render_order(order))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    words = " ".join(text.split())
    for said in (
        "LV.SP-HTR-2026-000007",
        "11.03.2026",
        "आकस्मिक अवकाश",
        "पूर्वाह्न",
        "Casual leave of 0.5 days on 12.03.2026 (forenoon)",
        "क्षेत्राधिकारी सदर",
        "Circle Officer Sadar",
        "?code=ABCD2345",
    ):
        assert said in words, said
