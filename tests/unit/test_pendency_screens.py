"""The seven-working-day rule on a receipt's or file's page (the partial both include): the
explanation box only for its holder when an explanation is needed, the explanation once given,
nothing while the item is on time; in Hindi and English."""

from typing import Any

import pytest
from flask import render_template_string

from gateway.app import create_app


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app()


def shown(app: Any, pendency: dict[str, Any] | None, can_act: bool, lang: str = "en") -> str:
    item = {"version": 3, "pendency": pendency}
    with app.test_request_context("/files/f1", headers={"Accept-Language": lang}):
        return render_template_string(
            '{% include "_pendency.html" %}',
            item=item,
            explain_action="/files/f1/explain",
            can_act=can_act,
        )


def pendency(days: int, stage: str | None, needed: bool = False, text: str | None = None) -> dict:
    return {
        "working_days": days,
        "stage": stage,
        "explanation_needed": needed,
        "explanation": text,
        "escalated_to_post_ids": [],
    }


def test_on_time_nothing_is_shown(app: Any) -> None:
    assert shown(app, pendency(4, None), can_act=True).strip() == ""
    assert shown(app, None, can_act=True).strip() == ""


def test_the_holder_is_asked_why_when_an_explanation_is_needed(app: Any) -> None:
    page = shown(app, pendency(8, "explanation_required", needed=True), can_act=True)
    assert "With this desk for 8 working days." in page
    assert 'action="/files/f1/explain"' in page
    assert '<textarea name="text" required' in page
    assert 'name="version" value="3"' in page
    hindi = shown(app, pendency(8, "explanation_required", needed=True), True, "hi")
    assert "इस पटल पर 8 कार्य दिवस से।" in hindi
    assert "कारण दर्ज करें" in hindi


def test_others_see_that_the_holder_must_explain_and_then_the_explanation(app: Any) -> None:
    page = shown(app, pendency(11, "escalated", needed=True), can_act=False)
    assert "<form" not in page
    assert "Its holder must record why before it can move on." in page
    assert "shown to the posts above as escalated" in page
    given = shown(app, pendency(9, "explanation_required", text="Awaiting the report"), True)
    assert "Delay explained: Awaiting the report" in given
    assert "<form" not in given


def test_a_warning_shows_the_days_held_without_asking(app: Any) -> None:
    page = shown(app, pendency(5, "warning"), can_act=True)
    assert "With this desk for 5 working days." in page
    assert "<form" not in page
