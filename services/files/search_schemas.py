"""Full-text search's contract: the filters asked, and each hit with its snippet (the rest of
files' models are in ``schemas``)."""

from typing import Literal

from pydantic import BaseModel, Field

from services.files.schemas import InboxItem, Strict

# --- full-text search --------------------------------------------------------------------------

SearchKind = Literal["receipt", "file", "letter", "legacy"]
ItemStatus = Literal["open", "parked", "closed", "recorded", "merged", "in_file"]


class SearchFilters(Strict):
    kind: SearchKind | None = Field(
        None,
        description="receipt (dak, by its fields or its letter's words), file (an e-file by its "
        "fields), letter (a file's issued letters, by their words), legacy (recorded legacy "
        "files, by their fields or their scans' words)",
    )
    # From 1800, as a legacy record's year may be (LegacyRecord).
    year: int | None = Field(None, ge=1800, le=2100, description="diarised, opened or recorded")
    section: str | None = Field(None, min_length=1, max_length=20, description="of a file")
    status: ItemStatus | None = Field(None, description="in_file: a receipt put in a file")


class Segment(BaseModel):
    text: str
    hit: bool = Field(description="a word the search found: show it marked, always as text")


class SearchHit(InboxItem):
    what: SearchKind = Field(description="what was found: the receipt, the file, a letter of it")
    matched_in: Literal["text", "fields"] = Field(
        description="the words of a document, or the number, subject, sender or notes"
    )
    snippet: list[Segment] = Field(description="a little of the text around the first hits")
    sha256: str | None = Field(None, description="the document whose words were found")


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None
