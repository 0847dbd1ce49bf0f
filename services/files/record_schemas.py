"""The record room's contract: legacy files uploaded in batches, a batch's rows, and the
recorded files due for review (the rest of files' models are in ``schemas``)."""

from typing import Literal

from pydantic import BaseModel, Field

from services.files.schemas import Grading, Strict

# --- the record room: legacy files uploaded in batches -----------------------------------------


class LegacyRecord(Strict):
    """A scanned legacy file sent alone (multipart: file field 'file', a PDF), or a batch to add
    to: a ZIP of PDFs with records.xlsx or records.csv, a sheet alone (its PDFs then follow one by
    one into its batch, matched by file name), or a PDF into a batch (``batch_id``)."""

    batch_id: str | None = Field(None, max_length=64, description="the batch a PDF belongs to")
    post_id: str | None = Field(None, description="which of your posts records (default: first)")
    old_number: str | None = Field(None, max_length=120, description="old file number")
    subject: str | None = Field(None, max_length=1000)
    year: int | None = Field(None, ge=1800, le=2100)
    section: str | None = Field(None, max_length=60)
    category: Literal["A", "B", "C"] | None = Field(None, description="retention category")
    grading: Grading | None = None


class BatchRow(BaseModel):
    row: int = Field(description="its row in the sheet (1: a PDF sent alone)")
    old_number: str
    subject: str
    year: int | None
    section: str
    category: str
    file_name: str
    grading: str
    outcome: Literal["waiting", "recorded", "already_recorded", "refused"]
    code: str | None = Field(None, description="why it was refused")
    reason: dict[str, str] | None = Field(None, description="why, in English and Hindi (en, hi)")
    record_id: str | None = None
    number: str | None = None


class RecordBatch(BaseModel):
    id: str
    office_id: str
    post_id: str
    source: Literal["zip", "sheet", "pdf"]
    created_at: str
    created_by: dict
    total: int
    done: int = Field(description="rows with an outcome (recorded, already recorded, refused)")
    rows: list[BatchRow]


class DueForReview(BaseModel):
    id: str
    number: str
    subject: str
    section: str | None
    category: str
    recorded_on: str
    review_date: str
    old_number: str | None = Field(None, description="a legacy file's old number")
    year: int | None = None


class RecordsDue(BaseModel):
    items: list[DueForReview]
