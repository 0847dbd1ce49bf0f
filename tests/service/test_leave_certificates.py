"""Medical certificates over the real broker: the SHO of Kotwali uploads his certificate once
and his medical leave names it; the officers it waits with or passed read it, anyone else does
not know of it; a certificate someone else uploaded, a made-up hash, a file that is no PDF are
refused, in an application and in its correction alike."""

import base64
import hashlib

import pytest

from common.errors import InvalidInput, NotFound, Refused, UnsupportedMedia
from tests.service.desks import refused
from tests.service.test_leave import ASP, CO, SHO, SP, casual, earned
from tests.support.pdfs import pdf

STRANGER = "hc.estt.hathras"  # the SP office's head clerk: no post of the SHO's chain
# A sanction issues its order under the office's seal.
pytestmark = pytest.mark.usefixtures("sealed")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def certificates(office):
    """Leave's record of who uploaded which certificate."""
    container = office.containers["leave"]
    (storage,) = [d for d in container.dependencies if d.attr_name == "storage"]
    return storage.storage.db.certificates


def medical(starts: int, sha256: str, days: int = 2) -> dict:
    return {**earned(starts, days), "kind": "medical", "certificate_sha256": sha256}


def test_a_certificate_is_kept_once_named_by_its_uploader_and_read_by_the_chain(office, desks):
    leave = office.rpc.leave
    sho, co, asp, sp, stranger = desks[SHO], desks[CO], desks[ASP], desks[SP], desks[STRANGER]
    content = pdf(text="Medical certificate: rest advised")
    sha256 = hashlib.sha256(content).hexdigest()
    assert leave.keep_certificate(sho, b64(content)) == {"sha256": sha256}
    assert leave.keep_certificate(sho, b64(content)) == {"sha256": sha256}  # kept once
    assert certificates(office).count_documents({"sha256": sha256}) == 1

    # The circle officer cannot name the SHO's certificate, nor anyone a made-up hash.
    assert refused(Refused, leave.apply, co, medical(10, sha256)) == (
        "LEAVE_CERTIFICATE_NOT_UPLOADED"
    )
    assert refused(Refused, leave.apply, sho, medical(10, "e" * 64)) == (
        "LEAVE_CERTIFICATE_NOT_UPLOADED"
    )
    assert leave.my_applications(sho)["items"] == leave.my_applications(co)["items"] == []

    app = leave.apply(sho, medical(10, sha256))
    assert (app["certificate"], app["at_post_id"]) == (sha256, desks.post("CO-SADAR-HTR"))
    # The officer it waits with reads it; the ASP it has not reached, and a stranger, do not.
    assert base64.b64decode(leave.certificate_document(co, app["id"])) == content
    assert base64.b64decode(leave.certificate_document(sho, app["id"])) == content
    for nobody in (asp, stranger):
        assert refused(NotFound, leave.certificate_document, nobody, app["id"]) == (
            "LEAVE_APPLICATION_NOT_FOUND"
        )
    assert refused(NotFound, leave.certificate_document, co, "no-such-application") == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )

    app = leave.recommend(co, app["id"], {"version": 1})
    app = leave.recommend(asp, app["id"], {"version": 2})
    app = leave.sanction(sp, app["id"], {"version": 3})
    assert app["status"] == "sanctioned"
    for officer in (co, asp, sp):  # every post it passed
        assert base64.b64decode(leave.certificate_document(officer, app["id"])) == content
    assert refused(NotFound, leave.certificate_document, stranger, app["id"]) == (
        "LEAVE_APPLICATION_NOT_FOUND"
    )

    # An application without a certificate has none to read.
    plain = leave.apply(sho, casual(30))
    assert refused(NotFound, leave.certificate_document, co, plain["id"]) == "DOCUMENT_NOT_FOUND"


def test_a_file_that_is_no_pdf_is_refused_and_kept_nowhere(office, desks):
    leave = office.rpc.leave
    sho = desks[SHO]
    text = b"not a certificate at all"
    assert refused(UnsupportedMedia, leave.keep_certificate, sho, b64(text)) == "NOT_A_PDF"
    assert refused(InvalidInput, leave.keep_certificate, sho, "%%% not base64") == (
        "PDF_NOT_BASE64"
    )
    broken = b"%PDF-1.7\nnothing a reader can read"
    assert refused(InvalidInput, leave.keep_certificate, sho, b64(broken)) == "PDF_UNREADABLE"
    for content in (text, broken):
        named = hashlib.sha256(content).hexdigest()
        assert refused(Refused, leave.apply, sho, medical(10, named)) == (
            "LEAVE_CERTIFICATE_NOT_UPLOADED"
        )
    assert certificates(office).count_documents({}) == 0


def test_a_correction_names_only_a_certificate_its_applicant_uploaded(office, desks):
    leave = office.rpc.leave
    sho, co = desks[SHO], desks[CO]
    first, second = pdf(text="Certificate 1"), pdf(text="Certificate 2")
    sha_first = leave.keep_certificate(sho, b64(first))["sha256"]
    theirs = leave.keep_certificate(co, b64(second))["sha256"]  # the circle officer's own
    app = leave.apply(sho, medical(10, sha_first))
    app = leave.return_for_correction(co, app["id"], {"version": 1, "remark": "नया प्रमाण पत्र"})
    corrected = {"version": 2, "from_date": app["from_date"], "to_date": app["to_date"]}
    for named in (theirs, "f" * 64):
        assert refused(
            Refused, leave.resubmit, sho, app["id"], {**corrected, "certificate_sha256": named}
        ) == ("LEAVE_CERTIFICATE_NOT_UPLOADED")
    assert leave.application(sho, app["id"])["status"] == "returned"  # nothing changed

    sha_second = leave.keep_certificate(sho, b64(second))["sha256"]
    assert sha_second == theirs  # the same PDF, now uploaded by the SHO as well
    app = leave.resubmit(sho, app["id"], {**corrected, "certificate_sha256": sha_second})
    assert (app["status"], app["certificate"]) == ("applied", sha_second)
    assert base64.b64decode(leave.certificate_document(co, app["id"])) == second
