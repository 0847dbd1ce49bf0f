"""The filing panel of a file's page, without the services: which forms its reader is offered
(CSMOP: only the opener closes, only the closer reopens or records, only physical files merge or
go to the record room), the linked files named by their numbers, and a refused form shown again
as it was typed, in Hindi and English."""

from types import SimpleNamespace
from typing import Any

import pytest
from flask import g, render_template_string

from gateway.app import create_app
from gateway.web.common import when
from gateway.web.filing import OtherFile, filing_panel

OPENER, ASP = "post-hc", "post-asp"


def a_file(**changed: Any) -> dict[str, Any]:
    return {
        "id": "f1",
        "version": 7,
        "holder_post_id": OPENER,
        "status": "open",
        "physical": True,
        "links": [],
        "record": None,
        "merged_into": None,
        **changed,
    }


def entry(action: str, post_id: str, **details: Any) -> dict[str, Any]:
    return {"action": action, "post_id": post_id, "details": details}


OPENED = [entry("created", OPENER, number="A-11011/1/2026-ESTT")]
CLOSED = [*OPENED, entry("closed", OPENER, approval_paragraph=2)]


def offered(file: dict[str, Any], history: list[dict[str, Any]], *posts: str) -> set[str]:
    return set(filing_panel(file, history, lambda post: post in posts).actions)


def test_the_opener_holding_an_open_file_may_close_link_and_merge_it() -> None:
    assert offered(a_file(), OPENED, OPENER) == {"close", "link", "merge"}
    assert offered(a_file(physical=False), OPENED, OPENER) == {"close", "link"}
    assert offered(a_file(links=["f2"]), OPENED, OPENER) == {"close", "link", "delink", "merge"}


def test_another_desk_holding_the_file_may_not_close_it_and_a_reader_may_do_nothing() -> None:
    with_the_asp = a_file(holder_post_id=ASP, links=["f2"])
    assert offered(with_the_asp, OPENED, ASP) == {"link", "delink", "merge"}
    assert offered(with_the_asp, OPENED, OPENER) == set()
    assert offered(a_file(status="parked"), OPENED, OPENER) == set()


def test_only_the_closer_reopens_a_closed_file_or_sends_a_physical_one_to_the_record_room() -> None:
    assert offered(a_file(status="closed"), CLOSED, OPENER) == {"reopen", "record"}
    assert offered(a_file(status="closed", physical=False), CLOSED, OPENER) == {"reopen"}
    assert offered(a_file(status="closed"), CLOSED, ASP) == set()
    reopened_and_recorded = [*CLOSED, entry("reopened", OPENER), *CLOSED[1:]]
    assert offered(a_file(status="recorded"), reopened_and_recorded, OPENER) == set()


def test_linked_files_and_the_file_merged_into_are_named_by_their_numbers() -> None:
    history = [
        *OPENED,
        entry("linked", OPENER, file_id="f2", number="A-11011/2/2026-ESTT"),
        entry("linked", OPENER, file_id="f3", number="B-12001/1/2026-ACCTS"),
        entry("delinked", OPENER, file_id="f3", number="B-12001/1/2026-ACCTS"),
        entry("merged_into", OPENER, file_id="f4", number="A-11011/4/2026-ESTT"),
    ]
    panel = filing_panel(a_file(links=["f2"], merged_into="f4"), history, lambda post: False)
    assert panel.links == (OtherFile("f2", "A-11011/2/2026-ESTT"),)
    assert panel.merged_into == OtherFile("f4", "A-11011/4/2026-ESTT")


def test_a_date_alone_is_shown_as_that_day() -> None:
    assert when("2051-12-06") == "06-12-2051"


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app()


def shown(
    app: Any, file: dict[str, Any], typed: dict[str, str] | None = None, lang: str = "en"
) -> str:
    with app.test_request_context("/files/f1", headers={"Accept-Language": lang}):
        g.actor = SimpleNamespace(holds=lambda post: post == OPENER)
        return render_template_string(
            '{% include "_filing.html" %}', f=file, history=OPENED, typed=typed or {}
        )


def test_a_refused_merge_comes_back_open_with_what_was_typed_in_the_readers_language(
    app: Any,
) -> None:
    typed = {"action": "merge", "number": "A-11011/3/2026-ESTT", "reason": "एक ही <विषय>"}
    page = shown(app, a_file(), typed, "hi")
    assert '<details class="action" id="filing-merge" open>' in page
    assert 'value="A-11011/3/2026-ESTT"' in page
    assert ">एक ही &lt;विषय&gt;</textarea>" in page  # kept, and as text
    assert '<details class="action" id="filing-close">' in page  # the others stay shut
    assert "नस्ती बंद करें" in page and "इस नस्ती में विलय करें" in page
    assert 'name="version" value="7"' in page


def test_nothing_to_show_or_do_leaves_no_panel(app: Any) -> None:
    assert shown(app, a_file(holder_post_id=ASP)).strip() == ""
    recorded = {"category": "A", "recorded_on": "2026-12-06", "review_date": None}
    page = shown(app, a_file(status="recorded", record=recorded))
    assert "In the record room under category A since 06-12-2026, to be kept for ever." in page
    assert "<form" not in page
