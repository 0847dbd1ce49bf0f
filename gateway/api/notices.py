"""Notices and how they leave the office: my notices, my choices of what reaches me by email or
SMS, the admin's dead-letter list and replay, how an issued letter's emails went, and an admin's
circular to every post under an office."""

from flask import Response, jsonify, request

from gateway.api import api
from gateway.api.common import caller, json_body, page_limit
from gateway.openapi import documented, page_size
from gateway.rpc import rpc
from services.notify.domain.delivery import Preferences
from services.notify.schemas import (
    CircularSent,
    Delivery,
    DeliveryList,
    MarkedRead,
    NewCircular,
    Notice,
    NoticeList,
    PreferencesAnswer,
)

PAGE: dict[str, str | tuple[str, dict]] = {"limit": page_size(200), "cursor": "from next_cursor"}


# --- my notices -------------------------------------------------------------------------------


@api.get("/notices")
@documented(
    "My notices, newest first: work that reached my posts (sent, sent back, pulled back, with a "
    "draft for approval), due dates, the seven-working-day rule's stages, my drafts approved "
    "and issued, a dispatch that failed, circulars, and what concerns me (a delegation, my DSC, "
    "my VPN account); each with how it went out by email and SMS",
    response=NoticeList,
    query=PAGE,
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


@api.get("/me/preferences")
@documented(
    "What reaches me by email or SMS besides the in-app notice, every kind spelt out",
    response=PreferencesAnswer,
)
def notice_preferences() -> Response:
    return jsonify(rpc().notify.preferences(caller()))


@api.put("/me/preferences")
@documented(
    "Save my choices (the whole set). An address that cannot be written to is 422 "
    "INVALID_EMAIL or INVALID_MOBILE; SMS chosen where the office has no SMS gateway is 422 "
    "SMS_NOT_CONFIGURED",
    body=Preferences,
    response=PreferencesAnswer,
    errors=(422,),
)
def set_notice_preferences() -> Response:
    actor = caller()
    return jsonify(rpc().notify.set_preferences(actor, json_body()))


# --- deliveries -------------------------------------------------------------------------------


@api.get("/deliveries/dead")
@documented(
    "The dead-letter list (admins, over their offices): emails and SMS that will not be tried "
    "again by themselves, newest first",
    response=DeliveryList,
    query=PAGE,
    errors=(400, 403),
)
def dead_letters() -> Response:
    actor = caller()
    return jsonify(rpc().notify.dead_letters(actor, page_limit(), request.args.get("cursor")))


@api.post("/deliveries/<delivery_id>/replay")
@documented(
    "Send a dead delivery again (admins of its office; after mending its address or the mail "
    "server). 409 DELIVERY_NOT_DEAD for one that is still being tried or went",
    response=Delivery,
    errors=(404, 409),
)
def replay_delivery(delivery_id: str) -> Response:
    return jsonify(rpc().notify.replay(caller(), delivery_id))


@api.get("/dispatches/<issue_number>/deliveries")
@documented(
    "How an issued letter's emails went (sent, retrying, failed and why): for the desk that "
    "dispatched it and its admins; anyone else gets an empty list",
    response=DeliveryList,
)
def dispatch_deliveries(issue_number: str) -> Response:
    return jsonify(rpc().notify.dispatch_deliveries(caller(), issue_number))


# --- circulars --------------------------------------------------------------------------------


@api.post("/circulars")
@documented(
    "An admin's circular to every post of an office and below, as a notice to each",
    body=NewCircular,
    response=CircularSent,
    status=201,
    errors=(403, 404),
)
def circulate() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().notify.circulate(actor, json_body())), 201
