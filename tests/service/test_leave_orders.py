"""The leave sanction order over the real broker: the SP sanctions the SHO's earned leave and
its order (Hindi and English, numbered in the SP office's run of leave orders) is sealed by the
office at once, or signed on his SoftHSM2 token by the command-line signer and taken by leave
from signing's event. Each order is checked by poppler's pdfsig and our verifier, read by its
applicant and the officers who acted, and verified by anyone with its number and code. And what
must be refused: a DSC revoked, a signing prepared before the application was returned,
sanctioning twice."""

import base64
import subprocess
from datetime import timedelta
from pathlib import Path

from common.clock import IST, utcnow
from common.errors import Conflict, NotFound, Refused
from tests.service.conftest import (
    PASSWORD,
    checked_by_pdfsig,
    eventually,
    revocable_dsc,
    sign_on_token,
)
from tests.service.desks import refused

SHO, CO, ASP, SP = "sho.kotwali.hathras", "co.sadar.hathras", "asp.hathras", "sp.hathras"
HC = "hc.estt.hathras"


def day(offset: int) -> str:
    return (utcnow().astimezone(IST).date() + timedelta(days=offset)).isoformat()


def earned(starts: int, days: int = 2) -> dict:
    return {
        "kind": "earned",
        "from_date": day(starts),
        "to_date": day(starts + days - 1),
        "reason": "पारिवारिक कार्य",
        "address": "ग्राम नगला, सासनी",
    }


def at_the_sp(leave, desks, starts: int) -> dict:
    """The SHO's earned leave, recommended by the circle officer and the ASP: at the SP's post,
    at version 3."""
    app = leave.apply(desks[SHO], earned(starts))
    app = leave.recommend(desks[CO], app["id"], {"version": 1})
    app = leave.recommend(desks[ASP], app["id"], {"version": 2})
    assert (app["level"], app["version"]) == ("sanctioning", 3)
    return app


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "order.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout


def serial(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_a_sealed_sanction_issues_its_order_at_once(signing_office, desks, tmp_path):
    office = signing_office
    leave, sp, sho = office.rpc.leave, desks[SP], desks[SHO]
    app = at_the_sp(leave, desks, 20)
    balance = leave.balance(sho, int(day(20)[:4]))["kinds"]
    before = next(k for k in balance if k["kind"] == "earned")["balance"]

    done = leave.sanction(sp, app["id"], {"version": 3, "remark": "स्वीकृत"})
    assert (done["status"], done["signing_id"]) == ("sanctioned", None)
    order = done["order"]
    assert order["signed"] == "seal"
    assert order["number"].startswith(f"LV.SP-HTR-{utcnow().year}-")
    assert order["number"] == leave.application(sho, app["id"])["order"]["number"]

    pdf = base64.b64decode(leave.order_document(sho, app["id"]))
    assert pdf == base64.b64decode(leave.order_document(sp, app["id"]))
    assert base64.b64decode(leave.order_document(desks[CO], app["id"])) == pdf  # recommended it
    words = " ".join(text_of(pdf, tmp_path).split())
    for said in (order["number"], order["code"], "अर्जित अवकाश", "Earned leave", "2 days"):
        assert said in words, said
    assert f"/verify/{order['number']}?code={order['code']}" in words
    assert "Signature is Valid" in checked_by_pdfsig(pdf, tmp_path, "sealed.pdf")
    assert office.rpc.signing.verify(base64.b64encode(pdf).decode())["ok"] is True

    # Anyone with the number and its code; without the right code, as if never issued.
    public = leave.issued_order(order["number"], order["code"].lower())
    assert base64.b64decode(public["pdf_b64"]) == pdf and public["sha256"] == order["sha256"]
    for code in ("WRONGCODE", ""):
        assert refused(NotFound, leave.issued_order, order["number"], code) == "ISSUE_NOT_FOUND"
    # Someone it never passed: not theirs to read.
    missing = refused(NotFound, leave.order_document, desks[HC], app["id"])
    assert missing == "LEAVE_APPLICATION_NOT_FOUND"

    # Sanctioned twice: refused, one order, the balance debited once.
    again = refused(Conflict, leave.sanction, sp, app["id"], {"version": 4})
    assert again == "LEAVE_ALREADY_DECIDED"
    balance = leave.balance(sho, int(day(20)[:4]))["kinds"]
    assert next(k for k in balance if k["kind"] == "earned")["balance"] == before - 2

    # The next order of the office is the next number, with its own code.
    second = leave.sanction(sp, at_the_sp(leave, desks, 30)["id"], {"version": 3})["order"]
    assert serial(second["number"]) == serial(order["number"]) + 1
    assert second["code"] != order["code"]


def test_a_sanction_signed_on_the_officers_token(signing_office, desks, sp_token, tmp_path):
    office = signing_office
    leave, sp, sho = office.rpc.leave, desks[SP], desks[SHO]
    app = at_the_sp(leave, desks, 40)
    asked = {"version": 3, "sign": "token", "password": PASSWORD}
    prepared = leave.sanction(sp, app["id"], asked)
    assert prepared["status"] == "prepared"
    waiting = leave.application(sp, app["id"])
    assert (waiting["status"], waiting["version"], waiting["order"]) == ("recommended", 3, None)
    assert waiting["signing_id"] == prepared["signing_id"]

    signature = sign_on_token(sp_token, prepared, tmp_path)
    done = office.rpc.signing.complete(sp, prepared["signing_id"], {"signature_b64": signature})
    assert done["purpose"] == {"kind": "leave_order", "application_id": app["id"]}

    def sanctioned():
        found = leave.application(sho, app["id"])
        return found if found["status"] == "sanctioned" else None

    found = eventually(sanctioned)
    assert found, leave.application(sho, app["id"])
    assert (found["order"]["signed"], found["signing_id"]) == ("token", None)
    assert found["history"][-1]["by"]["user_id"] == sp["user_id"]
    pdf = base64.b64decode(leave.order_document(sho, app["id"]))
    assert "Signature is Valid" in checked_by_pdfsig(pdf, tmp_path, "signed.pdf")
    report = office.rpc.signing.verify(base64.b64encode(pdf).decode())
    assert report["ok"] is True
    assert report["signatures"][0]["signer"] == "Rajesh Kumar Singh"
    number, code = found["order"]["number"], found["order"]["code"]
    assert base64.b64decode(leave.issued_order(number, code)["pdf_b64"]) == pdf
    assert refused(Conflict, leave.sanction, sp, app["id"], {"version": 4}) == (
        "LEAVE_ALREADY_DECIDED"
    )


def test_a_signing_prepared_before_the_application_was_returned_is_not_taken(
    signing_office, desks, sp_token, tmp_path
):
    office = signing_office
    leave, sp, sho = office.rpc.leave, desks[SP], desks[SHO]
    app = at_the_sp(leave, desks, 50)
    asked = {"version": 3, "sign": "token", "password": PASSWORD}
    prepared = leave.sanction(sp, app["id"], asked)
    returned = leave.return_for_correction(sp, app["id"], {"version": 3, "remark": "तिथि देखें"})
    assert (returned["status"], returned["signing_id"]) == ("returned", None)
    late = {"signature_b64": sign_on_token(sp_token, prepared, tmp_path)}
    stale = refused(Conflict, office.rpc.signing.complete, sp, prepared["signing_id"], late)
    assert stale == "SIGNING_NOT_CURRENT"
    found = leave.application(sho, app["id"])
    assert (found["status"], found["order"]) == ("returned", None)


def test_a_sanction_signed_on_a_revoked_dsc_is_refused_and_nothing_sanctioned(
    signing_office, desks, tmp_path
):
    """Time-stamped by a TSA on loopback, with the CA's CRL: once the CA revokes the SP's
    certificate, his signature on the order is refused and the application waits as it was."""
    office = signing_office
    leave, sp, sho = office.rpc.leave, desks[SP], desks[SHO]
    with revocable_dsc(office, sp, tmp_path) as (token, cert, revoked):
        revoked.append(cert)

        app = at_the_sp(leave, desks, 60)
        asked = {"version": 3, "sign": "token", "password": PASSWORD}
        prepared = leave.sanction(sp, app["id"], asked)
        late = {"signature_b64": sign_on_token(token, prepared, tmp_path)}
        assert (
            refused(Refused, office.rpc.signing.complete, sp, prepared["signing_id"], late)
            == "DSC_REVOKED"
        )
    found = leave.application(sho, app["id"])
    assert (found["status"], found["order"], found["version"]) == ("recommended", None, 3)
    assert leave.to_act_on(sp)["items"][0]["id"] == app["id"]
