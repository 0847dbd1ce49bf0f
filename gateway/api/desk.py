"""The desk: the inbox and the posts work can be marked to (notices: ``gateway.api.notices``)."""

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller, page_limit
from gateway.openapi import documented, page_size
from gateway.rpc import rpc
from services.files.schemas import Page
from services.identity.schemas import Posts


@api.get("/inbox")
@documented(
    "What is with my posts: unread first",
    response=Page,
    query={"limit": page_size(200), "cursor": "from next_cursor"},
    errors=(400,),
)
def inbox() -> Response:
    actor = caller()
    return jsonify(rpc().files.inbox(actor, page_limit(), request.args.get("cursor")))


@api.get("/posts")
@documented(
    "Posts I can send work to (my district), found by abbreviation, name or holder",
    response=Posts,
    query={"q": "words to look for, Hindi or English (optional)"},
)
def posts() -> Response:
    return jsonify(rpc().identity.markable_posts(caller(), request.args.get("q", "")))
