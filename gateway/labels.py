"""What the screens call things, in the person's language: the values items carry (kinds,
gradings, states) and what is wrong with a signature in a verification report. The refusals by
error code are in :mod:`gateway.messages`."""

from flask_babel import lazy_gettext as _l

# What is wrong with one signature of a verification report (its ``problem``): our own codes,
# or pyHanko's AdES sub-indications for a certificate that cannot be trusted.
_CERTIFICATE_OUT_OF_TIME = _l("The signer's certificate was not valid when the letter was signed.")
_CERTIFICATE_REVOKED = _l("The signer's certificate has been revoked.")
_NOT_TRUSTED = _l("A signer's certificate does not lead to a trusted certifying authority.")
SIGNATURE_PROBLEMS = {
    "DOCUMENT_CHANGED_AFTER_SIGNING": _l(
        "The document was changed after it was signed: what you have is not what was signed."
    ),
    "SIGNATURE_INVALID": _l(
        "The signature does not match the signer's certificate: that key did not sign this."
    ),
    "SIGNATURE_UNREADABLE": _l("The signature is damaged and cannot be checked."),
    "EXPIRED": _CERTIFICATE_OUT_OF_TIME,
    "NOT_YET_VALID": _CERTIFICATE_OUT_OF_TIME,
    "OUT_OF_BOUNDS_NO_POE": _CERTIFICATE_OUT_OF_TIME,
    "OUT_OF_BOUNDS_NOT_REVOKED": _CERTIFICATE_OUT_OF_TIME,
    "REVOKED": _CERTIFICATE_REVOKED,
    "REVOKED_NO_POE": _CERTIFICATE_REVOKED,
    "REVOKED_CA_NO_POE": _CERTIFICATE_REVOKED,
}


def signature_problem(code: str | None) -> str | None:
    """A signature's problem in the reader's language (any other doubt about the certificate
    is that it does not lead to a trusted authority)."""
    return str(SIGNATURE_PROBLEMS.get(code, _NOT_TRUSTED)) if code else None


LABELS = {
    "priority": {
        "normal": _l("Normal"),
        "immediate": _l("Immediate"),
        "most_immediate": _l("Most immediate"),
    },
    "grading": {
        "normal": _l("Normal"),
        "confidential": _l("Confidential"),
        "secret": _l("Secret"),
        "top_secret": _l("Top Secret"),
    },
    "status": {
        "open": _l("Open"),
        "in_file": _l("In a file"),
        "closed": _l("Closed"),
        "parked": _l("Parked"),
        "recorded": _l("Recorded"),
        "merged": _l("Merged"),
        "draft": _l("Draft"),
        "approved": _l("Approved"),
        "signed": _l("Signed"),
        "issued": _l("Issued"),
        "dispatched": _l("Dispatched"),
        "discarded": _l("Discarded"),
    },
    "action": {
        "diarised": _l("Diarised"),
        "sent": _l("Sent"),
        "opened": _l("Opened"),
        "created": _l("File opened"),
        "note_written": _l("Note written"),
        "note_edited": _l("Draft note changed"),
        "note_discarded": _l("Draft note discarded"),
        "note_confirmed": _l("Note confirmed"),
        "receipt_put_in": _l("Receipt put in the file"),
        "put_in_file": _l("Put in a file"),
        "sent_back": _l("Sent back"),
        "pulled_back": _l("Pulled back"),
        "parked": _l("Parked"),
        "unparked": _l("Taken up again"),
        "closed": _l("Closed"),
        "reopened": _l("Reopened"),
        "linked": _l("Linked"),
        "delinked": _l("Link removed"),
        "recorded": _l("Recorded"),
        "received": _l("Received at the desk"),
        "corrected": _l("Corrected"),
        "copy_received": _l("Copy received"),
        "reply_drafted": _l("Reply drafted"),
        "draft_discarded": _l("Draft discarded"),
        "merged": _l("Another file merged into it"),
        "merged_into": _l("Merged into another file"),
        "moved_with_merge": _l("Moved with a merged file"),
        "draft_created": _l("Draft written"),
        "draft_revised": _l("New version of a draft"),
        "draft_approved": _l("Draft approved"),
        "signature_prepared": _l("Signature prepared"),
        "draft_signed": _l("Signed with a DSC"),
        "signed_on_paper": _l("Signed on paper (scan recorded)"),
        "draft_issued": _l("Letter issued"),
        "draft_dispatched": _l("Letter dispatched"),
        "delay_explained": _l("Delay explained"),
        "overdue": _l("Held long at one desk"),
    },
}


def label(kind: str, value: str) -> str:
    """A stored value (``most_immediate``) as the reader's language says it."""
    return str(LABELS[kind].get(value, value))
