"""The desk: inbox, notices, and the posts work can be marked to."""

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller, page_limit
from gateway.openapi import documented, page_size
from gateway.rpc import rpc
from services.files.schemas import Page
from services.identity.schemas import Posts
from services.notify.schemas import MarkedRead, Notice, NoticeList


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


@api.get("/notices")
@documented(
    "My notices, newest first: work that reached my posts (sent, sent back, pulled back), the "
    "seven-working-day rule's stages, a delegation to me, my DSC expiring, my VPN account",
    response=NoticeList,
    query={"limit": page_size(200), "cursor": "from next_cursor"},
    errors=(400,),
)
def notices() -> Response:
    actor = caller()
    return jsonify(rpc().notify.notices(actor, page_limit(), request.args.get("cursor")))


@api.post("/notices/<notice_id>/read")
@documented("Mark a notice read", response=Notice, errors=(404,))
def read_notice(notice_id: str) -> Response:
    return jsonify(rpc().notify.mark_read(caller(), notice_id))


@api.post("/notices/read")
@documented("Mark all my notices read", response=MarkedRead)
def read_all_notices() -> Response:
    return jsonify(rpc().notify.mark_all_read(caller()))


@api.get("/posts")
@documented(
    "Posts I can send work to (my district), found by abbreviation, name or holder",
    response=Posts,
    query={"q": "words to look for, Hindi or English (optional)"},
)
def posts() -> Response:
    return jsonify(rpc().identity.markable_posts(caller(), request.args.get("q", "")))
