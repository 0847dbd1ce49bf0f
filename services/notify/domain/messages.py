"""What an email or SMS says, in the person's language. Messages leave the office's network,
so they carry an item's number and a link, never its subject (a Secret receipt's subject stays
on the screens of those who may see it). No I/O."""

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from common.events import DraftDispatched, Event

LANGUAGES = ("hi", "en")

# One line per kind and language: an email's subject and an SMS's text.
LINES: dict[str, dict[str, str]] = {
    "receipt_received": {
        "en": "Receipt {number} has reached your desk from {from_post_name}",
        "hi": "आवती {number} {from_post_name} से आपकी डेस्क पर आई है",
    },
    "file_received": {
        "en": "File {number} has reached your desk from {from_post_name}",
        "hi": "फ़ाइल {number} {from_post_name} से आपकी डेस्क पर आई है",
    },
    "draft_for_approval": {
        "en": "File {number} has come to you with a draft for approval",
        "hi": "फ़ाइल {number} अनुमोदन हेतु मसौदे सहित आपके पास आई है",
    },
    "file_sent_back": {
        "en": "File {number} was sent back to you by {from_post_name}",
        "hi": "फ़ाइल {number} {from_post_name} द्वारा आपको वापस भेजी गई",
    },
    "file_pulled_back": {
        "en": "File {number} was pulled back from your desk by {to_post_name}",
        "hi": "फ़ाइल {number} {to_post_name} द्वारा आपकी डेस्क से वापस ली गई",
    },
    "due_soon": {
        "en": "{number} is due on {due_date}",
        "hi": "{number} की नियत तिथि {due_date} है",
    },
    "past_due": {
        "en": "{number} was due on {due_date} and is still at your desk",
        "hi": "{number} की नियत तिथि {due_date} बीत गई, यह अभी आपकी डेस्क पर है",
    },
    "overdue_warning": {
        "en": "An item has been at your desk for {working_days} working days",
        "hi": "एक प्रकरण {working_days} कार्य दिवसों से आपकी डेस्क पर है",
    },
    "explanation_required": {
        "en": "Explanation required: an item held {working_days} working days at your desk",
        "hi": "स्पष्टीकरण अपेक्षित: एक प्रकरण {working_days} कार्य दिवसों से आपकी डेस्क पर है",
    },
    "escalated_to_you": {
        "en": "Escalated to you: an item held {working_days} working days below you",
        "hi": "आपको प्रेषित: एक प्रकरण {working_days} कार्य दिवसों से अधीनस्थ डेस्क पर लंबित है",
    },
    "draft_approved": {
        "en": "Your draft was approved: No. {issue_number}",
        "hi": "आपका मसौदा अनुमोदित हुआ: सं. {issue_number}",
    },
    "draft_issued": {
        "en": "Letter No. {issue_number} was signed and issued",
        "hi": "पत्र सं. {issue_number} हस्ताक्षरित होकर जारी हुआ",
    },
    "dispatch_failed": {
        "en": "Letter No. {issue_number} could not be emailed to {to}",
        "hi": "पत्र सं. {issue_number} {to} को ईमेल नहीं हो सका",
    },
    "circular": {
        "en": "Circular from {from_office}: {title}",
        "hi": "{from_office} का परिपत्र: {title}",
    },
    "document_signed": {
        "en": "Your digital signature was applied",
        "hi": "आपके डिजिटल हस्ताक्षर लग गए",
    },
    "delegation_started": {
        "en": "You now act for {post_name} until {ends}",
        "hi": "अब आप {ends} तक {post_name} का कार्य देखेंगे",
    },
    "delegation_ending": {
        "en": "Your charge of {post_name} ends on {ends}",
        "hi": "{post_name} का आपका प्रभार {ends} को समाप्त होगा",
    },
    "delegation_ended": {
        "en": "The delegation of {post_name} has ended",
        "hi": "{post_name} का प्रतिनिधान समाप्त हो गया",
    },
    "dsc_expiring": {
        "en": "Your DSC expires in {days} days ({not_after}): renew it",
        "hi": "आपका डीएससी {days} दिन में ({not_after}) समाप्त होगा: नवीनीकरण कराएँ",
    },
    "dsc_expired": {
        "en": "Your DSC expired on {not_after}",
        "hi": "आपका डीएससी {not_after} को समाप्त हो गया",
    },
    "vpn_issued": {
        "en": "A VPN account was issued to you ({address})",
        "hi": "आपको वीपीएन खाता ({address}) जारी हुआ",
    },
    "vpn_revoked": {
        "en": "Your VPN account ({address}) was revoked",
        "hi": "आपका वीपीएन खाता ({address}) निरस्त हुआ",
    },
    "account_disabled": {
        "en": "Your e-Office account was disabled",
        "hi": "आपका ई-ऑफिस खाता निष्क्रिय किया गया",
    },
    "leave_to_act_on": {
        "en": "A leave application ({from_date} to {to_date}) waits for you",
        "hi": "एक अवकाश आवेदन ({from_date} से {to_date}) आपकी कार्यवाही हेतु प्रतीक्षित है",
    },
    "leave_cancelled": {
        "en": "A leave application ({from_date} to {to_date}) was cancelled by its applicant",
        "hi": "एक अवकाश आवेदन ({from_date} से {to_date}) आवेदक द्वारा निरस्त किया गया",
    },
    "leave_recommended": {
        "en": "Your leave application ({from_date} to {to_date}) was recommended and sent on",
        "hi": "आपका अवकाश आवेदन ({from_date} से {to_date}) संस्तुत होकर आगे भेजा गया",
    },
    "leave_returned": {
        "en": "Your leave application ({from_date} to {to_date}) was returned: {reason}",
        "hi": "आपका अवकाश आवेदन ({from_date} से {to_date}) लौटाया गया: {reason}",
    },
    "leave_rejected": {
        "en": "Your leave application ({from_date} to {to_date}) was rejected: {reason}",
        "hi": "आपका अवकाश आवेदन ({from_date} से {to_date}) अस्वीकृत हुआ: {reason}",
    },
    "leave_sanctioned": {
        "en": "Your leave ({from_date} to {to_date}, {days} days) was sanctioned",
        "hi": "आपका अवकाश ({from_date} से {to_date}, {days} दिन) स्वीकृत हुआ",
    },
}
FOOTER = {
    "en": "Choose what reaches you by email or SMS: {base}/notices/preferences",
    "hi": "ईमेल या एसएमएस से क्या मिले, यहाँ चुनें: {base}/notices/preferences",
}
ITEM_PATHS = {"receipt": "receipts", "file": "files"}


class TemplateFieldMissing(ValueError):
    """A message's wording needs a field its notice does not carry (an older event, a new
    wording): the delivery is marked failed with the field's name, never sent half-written."""

    def __init__(self, kind: str, field: str) -> None:
        super().__init__(f"TEMPLATE_FIELD_MISSING: {kind}.{field}")
        self.field = field


def line(kind: str, params: dict[str, Any], language: str) -> str:
    """The one line that tells a notice, in ``language`` (names in that language too)."""
    wording = LINES.get(kind)
    if wording is None:
        raise TemplateFieldMissing(kind, "*")
    fields = {k: _in(v, language) for k, v in params.items()}
    try:
        return wording[language if language in LANGUAGES else "hi"].format_map(fields)
    except KeyError as missing:
        raise TemplateFieldMissing(kind, str(missing.args[0])) from None


def _in(value: Any, language: str) -> Any:
    """A bilingual name ({"en", "hi"}) in one language; a list as text; anything else as is."""
    if isinstance(value, dict) and {"en", "hi"} <= value.keys():
        return value.get(language) or value["en"]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def link(params: dict[str, Any], base: str) -> str | None:
    path = ITEM_PATHS.get(params.get("item_kind") or "")
    return f"{base}/{path}/{params['item_id']}" if path and params.get("item_id") else None


def notice_email(
    kind: str, params: dict[str, Any], language: str, sender: str, to: str, base: str, key: str
) -> EmailMessage:
    """A notice as an email: its line as the subject, the link to act on it, where to choose."""
    text = line(kind, params, language)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, text
    message["Message-ID"] = make_msgid(idstring=key.replace(":", "."))
    opened = link(params, base)
    message.set_content(
        "\n\n".join([text, *([opened] if opened else []), FOOTER[language].format(base=base)])
    )
    return message


def notice_sms(kind: str, params: dict[str, Any], language: str, base: str) -> str:
    opened = link(params, base)
    return f"e-Office: {line(kind, params, language)}" + (f" {opened}" if opened else "")


def digest_email(
    items: list[dict[str, Any]], language: str, sender: str, to: str, base: str, day: str
) -> EmailMessage:
    """The day's digest: what waits at the person's posts, oldest first, one line each."""
    title = {
        "en": f"e-Office: {len(items)} items pending at your desk ({day})",
        "hi": f"ई-ऑफिस: आपकी डेस्क पर {len(items)} प्रकरण लंबित ({day})",
    }[language]
    since = {"en": "since", "hi": "से"}[language]
    rows = [
        f"{i['number']}  ({since} {i['since'][:10]})  {base}/{ITEM_PATHS[i['kind']]}/{i['id']}"
        for i in items
    ]
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, title
    message.set_content("\n".join([title, "", *rows, "", FOOTER[language].format(base=base)]))
    return message


def dispatch_email(event: Event, sender: str, pdf: bytes, verify_base: str) -> EmailMessage | None:
    """The email that carries an issued letter to its addressees (None if it went by post):
    a short bilingual covering note and the signed PDF attached; the PDF is the letter."""
    body = event.body()
    if not isinstance(body, DraftDispatched) or body.mode != "email":
        return None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(body.to)
    message["Subject"] = f"{body.issue_number}: {body.subject}"
    message["Message-ID"] = make_msgid(idstring=event.event_id)
    message.set_content(
        f"संलग्न पत्र सं. {body.issue_number} डिजिटल रूप से हस्ताक्षरित है।\n"
        f"Attached: letter No. {body.issue_number}, digitally signed.\n\n"
        f"Verify it / सत्यापन: {verify_base}/verify/{body.issue_number}\n"
        f"Dispatch register No. / प्रेषण पंजी सं.: {body.register_number}\n"
    )
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"{body.issue_number}.pdf"
    )
    return message
