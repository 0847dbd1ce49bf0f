"""A letter is diarised, moves to another desk over RabbitMQ, shows up in that desk's inbox,
raises a notice, and counts in the pendency report."""

import base64

import pytest

from common.errors import Conflict, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from tests.service.conftest import PASSWORD, eventually
from tests.support.pdfs import broken_pdf, oversized_pdf, pdf

LETTER = {"subject": "थाना कोतवाली से प्राप्त शिकायत", "sender": "SHO Kotwali", "grading": "normal"}


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def diarise(office, actor, **fields):
    return office.rpc.files.diarise(actor, {**LETTER, **fields}, b64(pdf()))


def test_a_letter_goes_from_the_cru_to_the_readers_inbox_with_a_notice_and_pendency(office):
    cru, reader = office.actor("cru.hathras"), office.actor("reader.hathras")
    reader_post = office.post_id("RDR-SP-HTR")

    receipt = diarise(office, cru)
    assert receipt["number"].endswith("/SP-HTR") and receipt["holder_post_name"]["en"].startswith(
        "Central"
    )
    sent = office.rpc.files.send_receipt(
        cru, receipt["id"], {"to_post_id": reader_post, "remark": "pl. put up"}
    )
    assert sent["holder_post_id"] == reader_post and sent["version"] == receipt["version"] + 1

    inbox = office.rpc.files.inbox(reader)["items"]
    assert [(i["number"], i["opened"], i["remark"]) for i in inbox] == [
        (receipt["number"], False, "pl. put up")
    ]

    notices = eventually(lambda: office.rpc.notify.notices(reader)["items"])
    assert [(n["kind"], n["params"]["number"]) for n in notices] == [
        ("receipt_received", receipt["number"])
    ]
    assert office.rpc.notify.notices(cru)["items"] == []

    def reader_pendency():
        rows = office.rpc.reports.pendency(reader)["posts"]
        return [r for r in rows if r["post_id"] == reader_post and r["items"] == 1]

    assert eventually(reader_pendency)
    rows = office.rpc.reports.pendency(reader)["posts"]
    assert not [r for r in rows if r["post_name"]["en"].startswith("Central")]  # it left the CRU


def test_the_holders_first_open_is_recorded_once_and_the_history_chain_holds(office):
    cru, reader = office.actor("cru.hathras"), office.actor("reader.hathras")
    receipt = diarise(office, cru)
    office.rpc.files.send_receipt(cru, receipt["id"], {"to_post_id": office.post_id("RDR-SP-HTR")})
    # Saved on the Reader's phone in the background for a bad link: not yet read, not an open.
    ahead = office.rpc.files.get_receipt(reader, receipt["id"], opening=False)
    assert ahead["opened_at"] is None
    first = office.rpc.files.get_receipt(reader, receipt["id"])
    again = office.rpc.files.get_receipt(reader, receipt["id"])
    assert first["opened_at"] and again["opened_at"] == first["opened_at"]
    office.rpc.files.get_receipt(cru, receipt["id"])  # the sender looking is not an open
    history = office.rpc.files.receipt_history(reader, receipt["id"])["items"]
    assert [h["action"] for h in history] == ["diarised", "sent", "opened"]
    assert history[2]["actor"]["name"] == "Suresh Chandra Sharma"
    assert office.rpc.files.verify_receipt_history(reader, receipt["id"])["intact"] is True


def test_receipt_numbers_never_repeat_under_concurrent_diarising(office):
    cru = office.actor("cru.hathras")
    # All 20 requests are on the bus before the first answer is read: the service works
    # on them concurrently (its worker pool), as with 20 clerks at once.
    pending = [office.rpc.files.diarise.call_async(cru, LETTER, b64(pdf())) for _ in range(20)]
    numbers = [reply.result()["number"] for reply in pending]
    running = sorted(int(n.split("/")[0]) for n in numbers)
    assert running == list(range(1, 21))


def test_another_offices_receipt_does_not_exist_for_you(office):
    receipt = diarise(office, office.actor("cru.hathras"))
    sho = office.actor("sho.kotwali.hathras")
    for call in (
        lambda: office.rpc.files.get_receipt(sho, receipt["id"]),
        lambda: office.rpc.files.receipt_history(sho, receipt["id"]),
        lambda: office.rpc.files.send_receipt(sho, receipt["id"], {"to_post_id": "x"}),
        lambda: office.rpc.files.document(sho, receipt["document"]["sha256"]),
        lambda: office.rpc.files.get_receipt(sho, "no-such-id"),
    ):
        with pytest.raises(NotFound):
            call()


def test_sending_a_receipt_you_no_longer_hold_or_with_a_stale_version_is_a_conflict(office):
    cru = office.actor("cru.hathras")
    receipt = diarise(office, cru)
    office.rpc.files.send_receipt(cru, receipt["id"], {"to_post_id": office.post_id("RDR-SP-HTR")})
    with pytest.raises(Conflict) as not_yours:
        office.rpc.files.send_receipt(cru, receipt["id"], {"to_post_id": office.post_id("SP-HTR")})
    assert not_yours.value.code == "RECEIPT_NOT_WITH_YOU"

    reader = office.actor("reader.hathras")
    with pytest.raises(Conflict) as stale:
        office.rpc.files.send_receipt(
            reader,
            receipt["id"],
            {"to_post_id": office.post_id("SP-HTR"), "version": receipt["version"]},
        )
    assert stale.value.code == "VERSION_CONFLICT"


@pytest.mark.parametrize(
    ("content", "error", "code"),
    [
        (b"PK\x03\x04 not a pdf", UnsupportedMedia, "NOT_A_PDF"),
        (broken_pdf(), InvalidInput, "PDF_UNREADABLE"),
        (oversized_pdf(20 * 1024 * 1024 + 1), TooLarge, "PDF_TOO_LARGE"),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_written(office, content, error, code):
    cru = office.actor("cru.hathras")
    with pytest.raises(error) as refused:
        office.rpc.files.diarise(cru, LETTER, b64(content))
    assert refused.value.code == code
    assert office.rpc.files.inbox(cru)["items"] == []
    assert diarise(office, cru)["number"].startswith("1/")  # no diary number was used up


@pytest.mark.parametrize(
    "fields",
    [
        {"subject": "x"},  # no sender
        {**LETTER, "colour": "blue"},  # unknown field
        {**LETTER, "letter_date": "31-02-2025"},  # wrong type
        {**LETTER, "grading": "ultra secret"},
    ],
)
def test_bad_fields_are_refused_field_by_field(office, fields):
    with pytest.raises(InvalidInput) as refused:
        office.rpc.files.diarise(office.actor("cru.hathras"), fields, b64(pdf()))
    assert refused.value.code == "INVALID_FIELDS" and refused.value.details["fields"]


def test_an_hq_viewer_or_admin_of_one_district_sees_the_pendency_of_that_district_only(office):
    """Hathras's HQ viewer and Hathras's admin, asking for the range or for Aligarh, are shown
    what waits in Hathras and nothing of Aligarh's; the state admin sees both."""
    state_admin, identity = office.actor("admin.up"), office.rpc.identity
    identity.create_office(
        state_admin,
        {
            "code": "SP-ALG",
            "name_en": "Office of the Superintendent of Police, Aligarh",
            "name_hi": "पुलिस अधीक्षक कार्यालय, अलीगढ़",
            "level": "district",
            "parent_code": "ALIGARH-RANGE",
        },
    )
    aligarh_post = identity.create_post(
        state_admin,
        {
            "office_code": "SP-ALG",
            "abbreviation": "SP-ALG",
            "name_en": "Superintendent of Police, Aligarh",
            "name_hi": "पुलिस अधीक्षक, अलीगढ़",
        },
    )["id"]
    for username, roles, posts in (
        ("sp.aligarh", ["officer"], ["SP-ALG"]),
        ("hq.hathras", ["hq_viewer"], []),
        ("admin.hathras", ["admin"], []),
    ):
        identity.create_user(
            state_admin,
            {
                "username": username,
                "name_en": username,
                "name_hi": username,
                "password": PASSWORD,
                "roles": roles,
                "role_scopes": {role: "SP-HTR" for role in roles if role != "officer"},
                "office_code": "SP-ALG" if posts else "SP-HTR",
                "posts": posts,
            },
        )
    office.rpc.files.create_file(office.actor("sp.aligarh"), {"subject": "अलीगढ़ की नस्ती"})
    diarise(office, office.actor("cru.hathras"))
    range_id, aligarh_id = (
        identity.office_by_code(state_admin, code)["id"] for code in ("ALIGARH-RANGE", "SP-ALG")
    )
    cru_post = office.post_id("CRU-SP-HTR")

    def posts_pending(actor, office_id) -> set[str]:
        return {r["post_id"] for r in office.rpc.reports.pendency(actor, office_id)["posts"]}

    assert eventually(lambda: {aligarh_post, cru_post} <= posts_pending(state_admin, range_id))
    for username in ("hq.hathras", "admin.hathras"):
        scoped = office.actor(username)
        in_the_range = posts_pending(scoped, range_id)
        assert cru_post in in_the_range and aligarh_post not in in_the_range, username
        assert office.rpc.reports.pendency(scoped, aligarh_id) == {
            "office_id": aligarh_id,
            "posts": [],
            "total": 0,
        }
