"""The rules of e-files without a broker: numbers, notes, movement, who may see."""

import pytest

from common.actor import Actor
from common.errors import Conflict, InvalidInput, NotFound, Refused
from services.files.domain import filing, movement, notes, numbering, visibility

CLERK = Actor(user_id="u1", name="Iqbal Khan", post_ids=("hc",))
SP = Actor(user_id="u2", name="Rajesh Singh", post_ids=("sp",))
ASP = Actor(user_id="u3", name="Anita Verma", post_ids=("asp",))
SHO = Actor(user_id="u4", name="Ramesh Gupta", post_ids=("sho",))


def a_file(**overrides) -> dict:
    return {
        "holder_post_id": "hc",
        "status": "open",
        "version": 4,
        "sent_by_post_id": None,
        "opened_at": None,
        "involved_posts": ["hc"],
        "supervisors": ["asp", "sp"],
        "grading": "normal",
        "notes": [],
        **overrides,
    }


def test_a_functional_file_number_reads_as_the_manual_writes_it():
    head = numbering.head_code("A", 11, 11)
    assert head == "A-11011"
    number = numbering.file_number(head, 3, 2025, "ESTT")
    assert number == "A-11011/3/2025-ESTT"
    assert numbering.parse_file_number(number) == {
        "head": "A-11011",
        "serial": 3,
        "year": 2025,
        "section": "ESTT",
    }
    assert numbering.parse_file_number("132177/2025/SP-HTR") is None


@pytest.mark.parametrize(
    ("basic", "primary", "secondary"), [("a", 1, 1), ("AB", 1, 1), ("A", 100, 1), ("A", 1, -1)]
)
def test_a_head_outside_the_scheme_is_refused(basic, primary, secondary):
    with pytest.raises(InvalidInput):
        numbering.head_code(basic, primary, secondary)


def test_a_note_is_plain_text_within_bounds():
    assert notes.check_text("  <script>alert(1)</script>  ") == "<script>alert(1)</script>"
    with pytest.raises(InvalidInput):
        notes.check_text("   ")
    with pytest.raises(InvalidInput):
        notes.check_text("x" * (notes.MAX_NOTE_CHARS + 1))


def test_only_its_writer_edits_a_yellow_note_and_nobody_a_green_one():
    yellow = {"status": "yellow", "author": {"user_id": "u1"}}
    notes.require_own_yellow(CLERK, yellow)
    with pytest.raises(Conflict) as not_yours:
        notes.require_own_yellow(SP, yellow)
    assert not_yours.value.code == "NOTE_NOT_YOURS"
    with pytest.raises(Conflict) as green:
        notes.require_own_yellow(CLERK, {**yellow, "status": "green"})
    assert green.value.code == "NOTE_IS_GREEN"


def test_paragraph_numbers_run_on_across_green_notes():
    file = a_file(
        notes=[
            {"status": "green", "last_paragraph": 3},
            {"status": "yellow", "last_paragraph": 9},
            {"status": "green", "last_paragraph": 5},
        ]
    )
    assert notes.next_paragraph(file) == 6
    assert notes.paragraphs("first\n\nsecond\r\n\r\nthird\n") == ["first", "second", "third"]


def test_only_the_holder_moves_an_open_file_at_the_version_they_saw():
    assert movement.require_holder(CLERK, a_file()) == "hc"
    with pytest.raises(Conflict) as not_held:
        movement.require_holder(SP, a_file())
    assert not_held.value.code == "FILE_NOT_WITH_YOU"
    with pytest.raises(Conflict) as parked:
        movement.require_open(a_file(status="parked"))
    assert parked.value.details == {"status": "parked"}
    with pytest.raises(Conflict):
        movement.require_version(a_file(), 3)


def test_the_sender_pulls_back_only_while_unopened():
    sent = a_file(holder_post_id="sp", sent_by_post_id="hc")
    assert movement.pull_back_from(CLERK, sent) == "hc"
    with pytest.raises(Conflict) as opened:
        movement.pull_back_from(CLERK, {**sent, "opened_at": "2026-01-01T10:00:00+00:00"})
    assert opened.value.code == "ALREADY_OPENED"
    with pytest.raises(Conflict) as stranger:
        movement.pull_back_from(ASP, sent)
    assert stranger.value.code == "NOT_THE_SENDER"


def test_a_jump_up_the_chain_names_the_levels_skipped():
    chain = ["so", "asp", "sp", "dig"]  # the clerk's chain of command, nearest first
    assert movement.skipped_levels(chain, "so") == []
    assert movement.skipped_levels(chain, "sp") == ["so", "asp"]
    assert movement.skipped_levels(chain, "sho") is None  # sideways: no level skipped


def test_supervisors_see_normal_files_but_only_those_marked_see_secret_ones():
    assert visibility.may_see(SP, a_file())
    assert not visibility.may_see(SP, a_file(grading="secret"))
    assert visibility.may_see(CLERK, a_file(grading="top_secret"))
    with pytest.raises(NotFound):
        visibility.require_visible(SHO, a_file(), "FILE_NOT_FOUND")


def test_a_recorded_file_is_reviewed_by_its_category():
    from datetime import date

    closed = date(2026, 3, 1)
    assert movement.review_date("A", closed, None) is None  # kept for ever
    assert movement.review_date("B", closed, None) == date(2051, 3, 1)
    assert movement.review_date("C", closed, date(2030, 1, 1)) == date(2030, 1, 1)
    assert movement.review_date("C", closed, None) == date(2036, 3, 1)
    for category, asked in (("C", date(2037, 1, 1)), ("B", date(2025, 1, 1))):
        with pytest.raises(Refused):
            movement.review_date(category, closed, asked)


def test_only_closed_physical_files_are_recorded():
    movement.require_recordable(a_file(status="closed", physical=True))
    with pytest.raises(Conflict) as electronic:
        movement.require_recordable(a_file(status="closed", physical=False))
    assert electronic.value.code == "ONLY_PHYSICAL_RECORDED"
    with pytest.raises(Conflict):
        movement.require_recordable(a_file(status="open", physical=True))


# --- park, close, reopen, record: what each changes -------------------------------------------

NOW = "2026-03-01T10:00:00.000000+00:00"
GREEN = {"status": "green", "first_paragraph": 1, "last_paragraph": 3, "author_roles": ["officer"]}


def test_parking_a_file_sets_it_parked_and_records_the_remark():
    step = filing.parked(CLERK, "hc", NOW, "awaiting the audit report")
    assert step.set == {"status": "parked"}
    assert (step.history.action, step.history.post_id, step.history.at) == ("parked", "hc", NOW)
    assert step.history.details == {"remark": "awaiting the audit report"}


def test_only_a_parked_file_is_unparked_and_it_is_open_again():
    step = filing.unparked(a_file(status="parked"), CLERK, "hc", NOW, "report came")
    assert step.set == {"status": "open"}
    assert (step.history.action, step.history.details) == ("unparked", {"remark": "report came"})
    with pytest.raises(Conflict) as not_parked:
        filing.unparked(a_file(), CLERK, "hc", NOW, "")
    assert not_parked.value.code == "FILE_NOT_PARKED"


def test_a_closed_file_records_who_closed_it_and_the_approval_paragraph():
    file = a_file(creator_post_id="hc", notes=[GREEN])
    step = filing.closed(file, CLERK, "hc", NOW, 2)
    assert step.set == {"status": "closed", "closed_by_post_id": "hc"}
    assert (step.history.action, step.history.details) == ("closed", {"approval_paragraph": 2})


@pytest.mark.parametrize(
    ("file", "post_id", "paragraph", "refusal"),
    [
        (a_file(creator_post_id="so", notes=[GREEN]), "hc", 2, "ONLY_CREATOR_CLOSES"),
        (a_file(creator_post_id="hc", notes=[GREEN]), "hc", 4, "APPROVAL_NOT_FOUND"),
        (
            a_file(creator_post_id="hc", notes=[{**GREEN, "author_roles": ["clerk"]}]),
            "hc",
            2,
            "APPROVAL_NOT_BY_OFFICER",
        ),
    ],
    ids=["not-the-creator", "no-such-approval", "approved-by-a-clerk"],
)
def test_a_file_is_closed_only_by_its_creator_with_an_officers_approval(
    file, post_id, paragraph, refusal
):
    with pytest.raises(Conflict) as refused:
        filing.closed(file, CLERK, post_id, NOW, paragraph)
    assert refused.value.code == refusal


def test_the_closer_reopens_a_file_with_an_approval_and_it_is_open_again():
    file = a_file(status="closed", closed_by_post_id="hc", notes=[GREEN])
    assert filing.require_reopenable(CLERK, file) == "hc"
    step = filing.reopened(file, CLERK, "hc", NOW, 3)
    assert step.set == {"status": "open"}
    assert (step.history.action, step.history.post_id) == ("reopened", "hc")
    assert step.history.details == {"approval_paragraph": 3}
    with pytest.raises(Conflict) as unapproved:
        filing.reopened(file, CLERK, "hc", NOW, 9)
    assert unapproved.value.code == "APPROVAL_NOT_FOUND"
    with pytest.raises(Conflict) as someone_else:
        filing.require_reopenable(SP, file)
    assert someone_else.value.code == "ONLY_CLOSER_REOPENS"


def test_a_recorded_file_carries_its_category_and_review_date_and_history_says_when():
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    file = a_file(status="closed", closed_by_post_id="hc", physical=True)
    step = filing.recorded(file, CLERK, "hc", moment, "B", None)
    record = {"category": "B", "recorded_on": "2026-03-01", "review_date": "2051-03-01"}
    assert step.set == {"status": "recorded", "record": record}
    assert step.history.details == record
    assert step.history.at == "2026-03-01T10:00:00.000000+00:00"
    assert (
        filing.recorded(file, CLERK, "hc", moment, "A", None).set["record"]["review_date"] is None
    )
