"""What a person reads when something is refused, by error code, in their language.

Services raise codes; only the gateway phrases them (so both languages live in one catalog)."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "BAD_CREDENTIALS": _l("Wrong username or password."),
    "ACCOUNT_DISABLED": _l("This account has been disabled."),
    "NO_TOKEN": _l("Please log in first."),
    "TOKEN_MALFORMED": _l("Your session is not valid. Please log in again."),
    "TOKEN_INVALID": _l("Your session is not valid. Please log in again."),
    "TOKEN_UNKNOWN_KEY": _l("Your session is not valid. Please log in again."),
    "TOKEN_EXPIRED": _l("Your session has expired. Please log in again."),
    "REFRESH_TOKEN_INVALID": _l("Your session is not valid. Please log in again."),
    "REFRESH_TOKEN_EXPIRED": _l("Your session has expired. Please log in again."),
    "REFRESH_TOKEN_REUSED": _l(
        "This session was used from two places, so it has been ended everywhere. "
        "Please log in again."
    ),
    "BODY_NOT_AN_OBJECT": _l("The request must be a JSON object."),
    "INVALID_FIELDS": _l("Some fields are missing or wrong."),
    "PDF_MISSING": _l("Please attach the scanned letter as a PDF."),
    "PDF_NOT_BASE64": _l("The PDF could not be read."),
    "NOT_A_PDF": _l("The file is not a PDF."),
    "PDF_UNREADABLE": _l("The PDF is damaged and cannot be read."),
    "PDF_TOO_LARGE": _l("The file is larger than 20 MB."),
    "REQUEST_TOO_LARGE": _l("The upload is larger than 20 MB."),
    "NOT_YOUR_POST": _l("You do not hold that post."),
    "RECEIPT_NOT_FOUND": _l("No such receipt."),
    "RECEIPT_NOT_WITH_YOU": _l("This receipt is not with you, so you cannot send it."),
    "ALREADY_WITH_THAT_POST": _l("The receipt is already with that post."),
    "UNKNOWN_POST": _l("No such post."),
    "VERSION_CONFLICT": _l("Someone changed this in the meantime. Please reload and try again."),
    "BAD_LIMIT": _l("The page size must be between 1 and 200."),
    "DOCUMENT_NOT_FOUND": _l("No such document."),
    "NOTICE_NOT_FOUND": _l("No such notice."),
    "NOT_YOUR_OFFICE": _l("You may only see reports of your own office."),
    "NO_OFFICE": _l("Your account is not attached to an office."),
    "ADMIN_ONLY": _l("Only an administrator may do this."),
    "OFFICE_NOT_FOUND": _l("No such office."),
    "POST_NOT_FOUND": _l("No such post."),
    "USER_NOT_FOUND": _l("No such person."),
    "OFFICE_CODE_TAKEN": _l("An office with this code already exists."),
    "POST_ABBREVIATION_TAKEN": _l("A post with this abbreviation already exists."),
    "USERNAME_TAKEN": _l("This username is taken."),
    "NOT_FOUND": _l("No such page."),
    "METHOD_NOT_ALLOWED": _l("This action is not allowed here."),
    "UNSUPPORTED_MEDIA_TYPE": _l("Send JSON (application/json) or a form upload as documented."),
    "SERVICE_UNAVAILABLE": _l("The office system is busy or starting. Please try again shortly."),
    "CSRF_FAILED": _l("The form expired. Please go back, reload and try again."),
    "INTERNAL": _l("Something went wrong on our side. Please try again."),
}


def message_for(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["INTERNAL"]))


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
    "action": {
        "diarised": _l("Diarised"),
        "sent": _l("Sent"),
        "opened": _l("Opened"),
    },
}


def label(kind: str, value: str) -> str:
    """A stored value (``most_immediate``) as the reader's language says it."""
    return str(LABELS[kind].get(value, value))
