"""The leave sanction order over the API, as a client sees it: the SP sanctions the SHO's earned
leave under the office seal, the application answers with its order, the SHO (and the officers
who acted) download the order's PDF, and anyone with its number and code verifies it, on the
API and on the public page; without the code or with a wrong one, as if never issued; someone
the application never passed gets 404.

The office is the shared one of tests/e2e: these days (2032) are this file's own."""

import hashlib

import pytest
import requests

from tests.e2e.test_api import Desk, assert_error

LEAVE = "/api/v1/leave"
SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"
STRANGER = "hc.estt.hathras"  # the SP office's head clerk: no post of the SHO's chain


@pytest.fixture
def desk(office, login):
    def as_(username: str) -> Desk:
        return Desk(office.url, login(username))

    return as_


def ok(r, status: int = 200) -> dict:
    assert r.status_code == status, f"{r.status_code} {r.text[:500]}"
    return r.json()


def sanctioned(desk, from_date: str, to_date: str) -> dict:
    """The SHO's earned leave, recommended up his chain and sanctioned by the SP (sealed)."""
    sho = desk(SHO)
    body = {"kind": "earned", "from_date": from_date, "to_date": to_date, "reason": "विवाह"}
    app = ok(sho.post(f"{LEAVE}/applications", json=body), 201)
    for who, action in ((CO, "recommend"), (ASP, "recommend"), (SP, "sanction")):
        path = f"{LEAVE}/applications/{app['id']}/{action}"
        app = ok(desk(who).post(path, json={"version": app["version"]}))
    return app


def test_a_sealed_sanction_answers_with_its_order_which_anyone_with_its_code_verifies(desk, office):
    app = sanctioned(desk, "2032-02-02", "2032-02-03")
    assert (app["status"], app["signing_id"]) == ("sanctioned", None)
    order = app["order"]
    assert (order["signed"], len(order["code"])) == ("seal", 8)
    assert order["number"].startswith("LV.SP-HTR-")

    r = desk(SHO).get(f"{LEAVE}/applications/{app['id']}/order")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(r.content).hexdigest() == order["sha256"]
    assert desk(CO).get(f"{LEAVE}/applications/{app['id']}/order").content == r.content
    assert_error(
        desk(STRANGER).get(f"{LEAVE}/applications/{app['id']}/order"),
        404,
        "LEAVE_APPLICATION_NOT_FOUND",
    )

    verify = f"{office.url}/api/v1/verify/{order['number']}"
    report = ok(requests.get(verify, params={"code": order["code"]}, timeout=60))
    assert (report["issue_number"], report["sha256"]) == (order["number"], order["sha256"])
    assert report["report"]["ok"] is True
    for params in ({}, {"code": "WRONG234"}):
        assert_error(requests.get(verify, params=params, timeout=60), 404, "ISSUE_NOT_FOUND")
    page = requests.get(
        f"{office.url}/verify/{order['number']}", params={"code": order["code"]}, timeout=60
    )
    assert page.status_code == 200 and order["number"] in page.text


def test_an_order_not_yet_issued_or_someone_elses_is_not_found(desk):
    sho = desk(SHO)
    body = {"kind": "earned", "from_date": "2032-03-02", "to_date": "2032-03-02", "reason": "x"}
    app = ok(sho.post(f"{LEAVE}/applications", json=body), 201)
    order = f"{LEAVE}/applications/{app['id']}/order"
    assert_error(sho.get(order), 404, "DOCUMENT_NOT_FOUND")
    assert_error(desk(STRANGER).get(order), 404, "LEAVE_APPLICATION_NOT_FOUND")
    assert_error(sho.get(f"{LEAVE}/applications/nope/order"), 404, "LEAVE_APPLICATION_NOT_FOUND")
    ok(sho.post(f"{LEAVE}/applications/{app['id']}/cancel", json={"version": 1}))
