"""Full-text search at the desk: the words of every document read (text/index.py, a local
cache of the store's ``texts`` kept by this process) and the fields of receipts and files, for
whoever may see each item; and the timer that keeps the index caught up."""

from pathlib import Path
from typing import Any

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from common.clock import utcnow
from common.config import data_dir, private_directory, setting
from common.paging import page_of
from common.rpc import rpc
from common.validation import parse, whole_number
from services.files import store
from services.files.domain import search
from services.files.domain.change import Item
from services.files.search_schemas import SearchFilters, SearchHit, SearchPage, Segment
from services.files.service.base import Desk
from services.files.service.desk import MAX_SEARCH_RESULTS, desk_item
from services.files.text.index import Filters, FullTextIndex, what_item_is, year_of
from services.files.text.query import TextQuery, text_query
from services.files.text.snippets import snippet

INDEX_SECONDS = 10
MAX_CANDIDATES = 1000  # index rows judged for one page at most, so a search always ends
CANDIDATES_AT_ONCE = 100
# What the kind filter keeps of the documents' words (a file is found by its fields only).
TEXT_OF_KIND = {"receipt": ("receipt",), "file": None, "letter": ("letter",), "legacy": ("legacy",)}


class FullText(DependencyProvider):
    """This process's full-text index: ``EOFFICE_FULLTEXT_INDEX``, else ``fulltext.sqlite3``
    in the files data directory."""

    index: FullTextIndex | None = None

    def setup(self) -> None:
        config = self.container.config
        given = setting(config, "EOFFICE_FULLTEXT_INDEX")
        path = Path(given) if given else private_directory(data_dir(config) / "files")
        self.index = FullTextIndex(path if given else path / "fulltext.sqlite3")

    def stop(self) -> None:
        if self.index:
            self.index.close()
            self.index = None

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx: Any) -> FullTextIndex | None:
        return self.index


class Found:
    """An item found, and where: its fields, or the words of one of its documents."""

    def __init__(self, kind: str, doc: Item, what: str, sha256: str | None = None) -> None:
        self.kind, self.doc, self.what, self.sha256 = kind, doc, what, sha256


def _fits_status(doc: Item, wanted: SearchFilters) -> bool:
    return wanted.status is None or doc.get("status") == wanted.status


def _fits(kind: str, doc: Item, wanted: SearchFilters) -> bool:
    """An item found by its fields within the filters."""
    return (
        (wanted.kind is None or what_item_is(kind, doc) == wanted.kind)
        and (wanted.year is None or year_of(kind, doc) == wanted.year)
        and (wanted.section is None or doc.get("section") == wanted.section)
        and _fits_status(doc, wanted)
    )


class TextSearchDesk(Desk):
    fulltext: FullTextIndex  # FullText()

    @timer(interval=INDEX_SECONDS, eager=True)
    def index_texts(self) -> None:
        self.fulltext.catch_up(self.storage.db)

    @rpc
    def search_text(
        self,
        actor: dict[str, Any],
        query: str,
        filters: dict[str, Any] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """Receipts and files the actor may see that have every word of ``query`` (a word of
        three letters or more also as the start of a longer one) in their fields or in the words
        of their documents: those found by their fields first, then by their documents' words,
        best first; each with a snippet, its hits marked."""
        who = self.trust.actor(actor)
        asked, wanted = text_query(query), parse(SearchFilters, filters or {})
        page_of([], limit, None)  # a bad limit is refused before any work
        enough = (whole_number(str(cursor or "")) or 0) + limit + 1
        db = self.storage.db
        self.fulltext.catch_up(db)
        found = self._by_fields(who, query, wanted)
        seen = {(f.kind, f.doc["_id"]) for f in found}
        whats = TEXT_OF_KIND[wanted.kind] if wanted.kind else ()
        read = 0
        while whats is not None and len(found) < enough and read < MAX_CANDIDATES:
            hits = self.fulltext.search(
                asked.match, Filters(whats, wanted.year, wanted.section), CANDIDATES_AT_ONCE, read
            )
            read += CANDIDATES_AT_ONCE
            for hit in hits:
                self.deadline.check()
                if (hit.kind, hit.item_id) in seen:
                    continue
                doc = store.item(db, hit.kind, hit.item_id)
                if doc is None or not _fits_status(doc, wanted):
                    continue
                if self._may_see(who, hit.kind, doc):
                    seen.add((hit.kind, hit.item_id))
                    found.append(Found(hit.kind, doc, hit.what, hit.sha256))
            if len(hits) < CANDIDATES_AT_ONCE:
                break
        page, next_cursor = page_of(found[:enough], limit, cursor)
        return SearchPage(items=self._shown(page, asked), next_cursor=next_cursor).model_dump()

    def _by_fields(self, who: Any, query: str, wanted: SearchFilters) -> list[Found]:
        """What the field search finds (number, subject, sender, confirmed notes), newest
        first."""
        terms = search.query_terms(query)
        if not terms or wanted.kind == "letter":
            return []
        db, found = self.storage.db, []
        for kind in store.KINDS:
            for doc in store.matching(db, kind, terms, MAX_SEARCH_RESULTS * 5):
                self.deadline.check()
                if _fits(kind, doc, wanted) and self._may_see(who, kind, doc):
                    found.append(Found(kind, doc, what_item_is(kind, doc)))
        return sorted(found, key=lambda f: str(f.doc["holder_since"]), reverse=True)

    def _shown(self, page: list[Found], asked: TextQuery) -> list[SearchHit]:
        texts = store.texts_of(self.storage.db, [f.sha256 for f in page if f.sha256])
        now = utcnow()
        return [
            SearchHit(
                **desk_item(f.kind, f.doc, now).model_dump(),
                what=f.what,  # type: ignore[arg-type]  # one of SearchKind, by construction
                matched_in="text" if f.sha256 else "fields",
                snippet=[
                    Segment.model_validate(s)
                    for s in snippet(texts.get(f.sha256 or "") or f.doc["subject"], asked)
                ],
                sha256=f.sha256,
            )
            for f in page
        ]
