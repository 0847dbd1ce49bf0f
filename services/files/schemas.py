"""Files' requests and answers: receipts (dak) for now."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.events import Names

Grading = Literal["normal", "confidential", "secret", "top_secret"]
DeliveryMode = Literal["post", "hand", "email", "fax", "courier", "other"]
Priority = Literal["normal", "immediate", "most_immediate"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DiariseReceipt(Strict):
    """An inward electronic letter being entered in the diary; the PDF travels beside it."""

    subject: str = Field(min_length=1, max_length=1000)
    sender: str = Field(min_length=1, max_length=300, description="who wrote the letter")
    letter_date: date | None = None
    letter_number: str | None = Field(None, max_length=100)
    category: str = Field("general", min_length=1, max_length=60)
    delivery_mode: DeliveryMode = "post"
    language: Literal["hi", "en", "other"] = "hi"
    grading: Grading = "normal"
    post_id: str | None = Field(
        None, description="which of your posts diarises it (default: your first)"
    )


class SendReceipt(Strict):
    to_post_id: str = Field(min_length=1, max_length=64)
    remark: str = Field("", max_length=2000)
    priority: Priority = "normal"
    version: int | None = Field(None, description="the version you saw; 409 if it changed since")


class Document(BaseModel):
    sha256: str
    size: int
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


class Receipt(BaseModel):
    id: str
    number: str
    subject: str
    sender: str
    letter_date: str | None
    letter_number: str | None
    category: str
    delivery_mode: str
    language: str
    grading: str
    document: Document
    diarised_at: str
    diarised_by: dict
    holder_post_id: str
    holder_post_name: Names
    holder_since: str
    opened_at: str | None
    priority: str
    remark: str
    version: int


class InboxItem(BaseModel):
    kind: Literal["receipt"] = "receipt"
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
