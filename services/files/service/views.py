"""How a receipt and a file are shown in an answer (the stored document, less what stays
inside)."""

from typing import Any

from common.actor import Actor
from services.files.domain import notes
from services.files.domain.change import Item
from services.files.schemas import Document, EFile, Receipt


def receipt_view(doc: Item) -> dict[str, Any]:
    fields = {k: doc[k] for k in Receipt.model_fields if k in doc and k not in ("id", "document")}
    return Receipt(id=doc["_id"], document=Document(**doc["document"]), **fields).model_dump()


def file_view(doc: Item, actor: Actor, skipped: list[str] | None = None) -> dict[str, Any]:
    """A file as the actor sees it: green notes, and their own yellow drafts only."""
    fields = {
        k: doc[k]
        for k in EFile.model_fields
        if k in doc and k not in ("id", "notes", "skipped_levels")
    }
    shown = notes.shown_to(actor, doc)
    shown_file = {"id": doc["_id"], "notes": shown, "skipped_levels": skipped, **fields}
    return EFile.model_validate(shown_file).model_dump()
