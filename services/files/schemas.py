"""Files' requests and answers: receipts (dak), files, notes, drafts, desk views."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.events import Names

Grading = Literal["normal", "confidential", "secret", "top_secret"]
DeliveryMode = Literal["post", "hand", "email", "fax", "courier", "other"]
Priority = Literal["normal", "immediate", "most_immediate"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReceiptDetails(Strict):
    """What the diarist may correct later (the fields not fixed at diarisation)."""

    subject: str = Field(min_length=1, max_length=1000)
    sender: str = Field(min_length=1, max_length=300, description="who wrote the letter")
    letter_number: str | None = Field(None, max_length=100)
    category: str = Field("general", min_length=1, max_length=60)
    language: Literal["hi", "en", "other"] = "hi"
    grading: Grading = "normal"


class DiariseReceipt(ReceiptDetails):
    """An inward letter being entered in the diary. An electronic one carries its PDF beside it;
    a physical one may be metadata only (its paper travels by hand)."""

    physical: bool = False
    pages: int = Field(1, ge=1, le=5000, description="pages of a physical letter without a scan")
    letter_date: date | None = None
    received_date: date | None = Field(None, description="when the office got it (default today)")
    delivery_mode: DeliveryMode = "post"
    post_id: str | None = Field(
        None, description="which of your posts diarises it (default: your first)"
    )


class EditReceipt(Strict):
    """Correct a receipt you hold. Received date, diarised date, letter date and delivery mode
    are fixed at diarisation (422 RECEIPT_FIELD_FIXED)."""

    subject: str | None = Field(None, min_length=1, max_length=1000)
    sender: str | None = Field(None, min_length=1, max_length=300)
    letter_number: str | None = Field(None, max_length=100)
    category: str | None = Field(None, min_length=1, max_length=60)
    language: Literal["hi", "en", "other"] | None = None
    grading: Grading | None = None
    version: int | None = Field(None, description="the version you saw; 409 if it changed since")


class SendReceipt(Strict):
    to_post_id: str = Field(min_length=1, max_length=64)
    copy_to: list[str] = Field(
        [], max_length=50, description="posts that get a copy of their own to act on"
    )
    remark: str = Field("", max_length=2000)
    priority: Priority = "normal"
    version: int | None = Field(None, description="the version you saw; 409 if it changed since")


class ReceiptAction(Strict):
    """Receive, close: the version you saw, and an optional remark."""

    remark: str = Field("", max_length=2000)
    version: int | None = None


class Reply(Strict):
    """A reply to a receipt: a draft letter to its sender, to be approved, signed and
    dispatched (until then the receipt cannot be closed)."""

    text: str = Field(min_length=1, max_length=20_000)
    subject: str | None = Field(None, max_length=1000, description="default: Re: the subject")
    addressee: str | None = Field(None, max_length=300, description="default: the sender")
    version: int | None = None


class NewDraft(Strict):
    """A draft letter or order on a file: written here (rendered to PDF) or uploaded as a PDF
    (then ``text`` may be left out)."""

    kind: Literal["letter", "order"] = "letter"
    subject: str = Field(min_length=1, max_length=1000)
    addressee: str = Field(min_length=1, max_length=1000)
    text: str | None = Field(None, min_length=1, max_length=20_000)


class DraftVersionRequest(Strict):
    text: str | None = Field(
        None, max_length=20_000, description='"" takes the text away (a PDF must come then)'
    )


class ApproveDraft(Strict):
    version: int = Field(ge=1, description="the draft version you read and approve")


class SignDraft(Strict):
    """Re-authentication before a signature: your password, or your TOTP code."""

    password: str | None = Field(None, max_length=200)
    otp: str | None = Field(None, max_length=10)


class DispatchDraft(Strict):
    mode: Literal["email", "post"]
    to: list[str] = Field(
        min_length=1, max_length=20, description="email addresses, or the postal address lines"
    )
    remark: str = Field("", max_length=2000)


class DraftVersion(BaseModel):
    n: int
    sha256: str
    pages: int
    source: Literal["written", "uploaded"]
    created_by: dict
    created_at: str


class Draft(BaseModel):
    id: str
    kind: Literal["reply", "letter", "order"]
    subject: str
    addressee: str
    text: str | None = None
    status: str
    created_by: dict
    created_at: str
    versions: list[DraftVersion] = []
    approved: dict | None = None
    issue_number: str | None = None
    verification_code: str | None = None
    signatures: list[dict] = []
    signed_sha256: str | None = None
    signed_on_paper: bool = False
    pending_signing: dict | None = None
    issued: dict | None = None
    dispatches: list[dict] = []


class DispatchEntry(BaseModel):
    """A line of an office's outward (dispatch) register."""

    id: str
    register_number: str
    office_id: str
    issue_number: str
    file_id: str
    file_number: str
    draft_id: str
    subject: str
    mode: Literal["email", "post"]
    to: list[str]
    remark: str
    at: str
    by: dict


class DispatchRegister(BaseModel):
    items: list[DispatchEntry] = Field(
        description="newest first; only letters of files the reader may see"
    )


class NewHead(Strict):
    """A head of the functional filing scheme, set up by the admin for an office's section."""

    basic: str = Field(min_length=1, max_length=1, pattern=r"^[A-Z]$")
    primary: int = Field(ge=0, le=99)
    secondary: int = Field(ge=0, le=99)
    section: str = Field(min_length=2, max_length=12, pattern=r"^[A-Z][A-Z0-9]+$")
    description: str = Field(min_length=1, max_length=300)
    office_code: str | None = Field(None, description="whose scheme (default: your office)")


class Head(BaseModel):
    code: str
    section: str
    description: str
    office_id: str


class Heads(BaseModel):
    items: list[Head]


class NewFile(Strict):
    subject: str = Field(min_length=1, max_length=1000)
    head: str | None = Field(
        None, description="functional head, e.g. A-11011; none: a non-scheme file"
    )
    category: str = Field("general", min_length=1, max_length=60)
    grading: Grading = "normal"
    physical: bool = False
    post_id: str | None = Field(
        None, description="which of your posts opens it (default: your first)"
    )


class NewNote(Strict):
    text: str = Field(min_length=1, max_length=20_000)
    references: list[str] = Field([], max_length=20, description="e.g. PUC, FR-I, note para 4")


class SendFile(Strict):
    to_post_id: str = Field(min_length=1, max_length=64)
    remark: str = Field("", max_length=2000)
    priority: Priority = "normal"
    due_date: date | None = None
    version: int | None = Field(None, description="the version you saw; 409 if it changed since")


class FileAction(Strict):
    """Send back, pull back, park, unpark: the version you saw, and an optional remark."""

    remark: str = Field("", max_length=2000)
    version: int | None = None


class CloseFile(Strict):
    approval_paragraph: int = Field(
        ge=1,
        description="the green note paragraph in which a Section Officer or above approved closing",
    )
    version: int | None = None


class LinkFile(Strict):
    other_file_id: str = Field(min_length=1, max_length=64)
    version: int | None = None


class MergeFile(Strict):
    """Merge another physical file of the same section into this one (its papers join this
    file's correspondence and it stops moving), for the reason given."""

    other_file_id: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=3, max_length=2000)
    version: int | None = None


class RecordFile(Strict):
    """A closed physical file goes to the record room: A kept for ever, B reviewed at 25 years,
    C kept up to 10 years."""

    category: Literal["A", "B", "C"]
    review_date: date | None = Field(
        None, description="B: default 25 years on; C: at most 10 years on"
    )
    version: int | None = None


class PutInFile(Strict):
    file_id: str = Field(min_length=1, max_length=64)


class TextState(BaseModel):
    """How far reading a document's words has got."""

    state: Literal["queued", "reading", "done", "failed"]
    reason: Literal["encrypted", "broken", "deadline", "no_text", "too_many_pages"] | None = Field(
        None, description="why it could not be read (failed)"
    )
    method: Literal["text", "ocr"] | None = Field(
        None, description="its own text layer, or OCR of its pages (done)"
    )
    pages: int | None = None


class DocumentText(TextState):
    text: str | None = Field(None, description="its words, pages separated by form feeds (done)")


class Document(BaseModel):
    sha256: str | None = Field(None, description="none: a physical letter without a scan")
    size: int = 0
    pages: int


class HistoryEntry(BaseModel):
    seq: int
    action: str
    at: str
    actor: dict
    post_id: str | None
    details: dict
    prev_hash: str
    hash: str


class DelayExplanation(Strict):
    """Why an item has been held long at your desk: one line in its history."""

    text: str = Field(min_length=3, max_length=1000)
    version: int | None = None


class ItemPendency(BaseModel):
    """How long the item has been with its holder, by the seven-working-day rule."""

    working_days: int
    stage: Literal["warning", "explanation_required", "escalated"] | None = None
    explanation_needed: bool = Field(
        False, description="it moves on only once its holder explains the delay"
    )
    explanation: str | None = Field(None, description="the holder's explanation, if given")
    escalated_to_post_ids: list[str] = []


class PendencyThresholds(Strict):
    """An office's thresholds of the seven-working-day rule, in working days held."""

    office_code: str | None = Field(None, description="default: your own office")
    warning: int = Field(5, ge=1, le=60)
    explanation: int = Field(8, ge=1, le=60)
    escalation: int = Field(10, ge=1, le=60)
    every: int = Field(5, ge=1, le=60, description="working days between further escalations")


class PendencyRule(BaseModel):
    office_id: str
    warning: int
    explanation: int
    escalation: int
    every: int
    set_here: bool = Field(description="set for this office (else inherited or the default)")


class Receipt(BaseModel):
    id: str
    number: str
    subject: str
    sender: str
    letter_date: str | None
    letter_number: str | None
    received_date: str | None = None
    category: str
    delivery_mode: str
    language: str
    grading: str
    kind: Literal["electronic", "physical"] = "electronic"
    status: str = "open"
    awaiting_receipt: bool = Field(
        False, description="a physical letter marked to this desk and not yet received there"
    )
    copy_of: str | None = Field(None, description="the receipt this is a copy of")
    copy_no: int | None = None
    file_id: str | None = None
    document: Document
    diarised_at: str
    diarised_by: dict
    holder_post_id: str
    holder_post_name: Names
    holder_since: str
    opened_at: str | None
    priority: str
    remark: str
    drafts: list[Draft] = []
    version: int
    pendency: ItemPendency | None = None
    text: TextState | None = Field(None, description="its letter's words read out (with a PDF)")


class InboxItem(BaseModel):
    kind: Literal["receipt", "file"] = "receipt"
    id: str
    number: str
    subject: str
    sender: str
    from_post_name: Names | None
    holder_post_id: str
    since: str
    opened: bool
    priority: str
    remark: str
    grading: str
    due_date: str | None = None
    days_held: int = 0
    status: str = "open"
    is_copy: bool = Field(False, description="a copy of a receipt marked to someone else")
    awaiting_receipt: bool = False
    escalated: bool = Field(False, description="held long below you, and escalated to you")


class Note(BaseModel):
    id: str
    status: Literal["yellow", "green", "discarded"]
    text: str
    references: list[str]
    author: dict
    post_id: str
    created_at: str
    confirmed_at: str | None = None
    first_paragraph: int | None = None
    last_paragraph: int | None = None


class Correspondence(BaseModel):
    kind: Literal["receipt", "issued", "scan"] = Field(
        description="a receipt put in the file, a letter the file issued (id: its draft), or "
        "the scan of a legacy file (id: the file)"
    )
    id: str
    number: str
    subject: str
    sha256: str | None
    pages: int
    first_page: int
    last_page: int
    added_at: str
    text: TextState | None = Field(None, description="its words read out (when it has a PDF)")


class EFile(BaseModel):
    id: str
    number: str
    subject: str
    category: str
    grading: str
    physical: bool
    status: str
    head: str | None
    created_at: str
    created_by: dict
    holder_post_id: str
    holder_post_name: Names
    holder_since: str
    opened_at: str | None
    priority: str
    due_date: str | None
    remark: str
    sent_by_post_id: str | None
    version: int
    links: list[str] = []
    record: dict | None = None
    legacy: dict | None = Field(
        None, description="a scanned legacy file: old_number, year, batch_id, sha256, pages, size"
    )
    merged_into: str | None = None
    drafts: list[Draft] = []
    notes: list[Note] = []
    correspondence: list[Correspondence] = []
    skipped_levels: list[str] | None = Field(
        None, description="posts a send up the chain jumped over"
    )
    pendency: ItemPendency | None = None


class Page(BaseModel):
    items: list[InboxItem]
    next_cursor: str | None


class History(BaseModel):
    items: list[HistoryEntry]


class ChainCheck(BaseModel):
    intact: bool
    entries: int
    broken_at: int | None = None
    last_hash: str | None = None
