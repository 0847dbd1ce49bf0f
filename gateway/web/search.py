"""The search screen: receipts and files by the words of their documents and by their fields,
filtered and a page at a time, each hit with a snippet whose found words are marked (the
segments the service gives, shown as text: a document's words are never read as HTML)."""

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from common.errors import InvalidInput, Refused
from gateway.auth import session_actor
from gateway.messages import message_for
from gateway.rpc import rpc

pages = Blueprint("search", __name__)

PAGE = 20
FILTERS = ("kind", "year", "section", "status")
KINDS = ("receipt", "file", "letter", "legacy")
STATUSES = ("open", "parked", "closed", "recorded", "merged", "in_file")


@pages.get("/search")
def search() -> ResponseReturnValue:
    asked = {f: request.args.get(f, "").strip() for f in ("q", *FILTERS)}
    found: dict[str, Any] = {"items": [], "next_cursor": None}
    problem, status = None, 200
    if asked["q"]:
        filters = {f: asked[f] for f in FILTERS if asked[f]}
        try:
            found = rpc().files.search_text(
                session_actor(), asked["q"], filters, PAGE, request.args.get("cursor")
            )
        except (Refused, InvalidInput) as exc:
            problem, status = message_for(exc.code), exc.status
    page = render_template(
        "search.html",
        asked=asked,
        kept={f: v for f, v in asked.items() if v},  # what the page links keep asking
        found=found,
        problem=problem,
        kinds=KINDS,
        statuses=STATUSES,
        first_page=not request.args.get("cursor"),
    )
    return page, status
