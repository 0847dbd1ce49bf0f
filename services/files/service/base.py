"""What every desk action shares: acting from a post (checked fresh with identity), reading a
receipt or file as the actor may see it (and a file as its holder), applying a change the
domain decided, and a draft's next version (uploaded or written)."""

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from common import uploads
from common.actor import Actor
from common.clock import iso, utcnow
from common.deadline import Until
from common.errors import Conflict, InvalidInput, NotFound, Refused
from common.pdf import check_pdf
from common.storage import Storage
from common.threads import cpu_bound
from common.trust import Trusted
from services.files import store
from services.files.domain import movement, numbering, visibility
from services.files.domain.change import Change, Item, Post
from services.files.render import letter
from services.files.service.tree_answers import TreeAnswers
from services.files.service.views import file_view

TREE = TreeAnswers()


def moment() -> datetime:
    """This moment: the one clock desk actions and the seven-working-day rule read."""
    return utcnow()


def now() -> str:
    """This moment, as every stored time is written."""
    return iso(moment())


def decode_pdf(pdf_b64: object) -> bytes | None:
    """A PDF sent as base64 (None: none sent)."""
    if pdf_b64 is None:
        return None
    if not isinstance(pdf_b64, str):
        raise InvalidInput("PDF_MISSING")
    return uploads.decode_base64(pdf_b64, "PDF_NOT_BASE64")


T = TypeVar("T")
NOT_FOUND = {"receipts": "RECEIPT_NOT_FOUND", "files": "FILE_NOT_FOUND"}


class Desk:
    """Mixed into FilesService, which provides these (declared here, not given: a value would
    make a second Nameko dependency)."""

    storage: Storage  # Database()
    identity: Any  # RpcProxy("identity")
    signing: Any  # RpcProxy("signing")
    trust: Trusted  # Trust()
    config: dict[str, Any]  # Config()
    deadline: Until  # Deadline()

    # The tree's version identity told this call (a worker serves one call), once it has asked
    # whether the actor may act: until then, the call asks identity rather than use TREE.
    _tree_version: str | None = None

    def _require_acting(self, actor: Actor, post_id: str | None, code: str) -> None:
        """The actor holds the post now: by their token, and by identity at this moment (a
        transfer or an ended delegation takes effect at once)."""
        if not actor.holds(post_id):
            raise Conflict(code)
        answer = self.identity.may_act(actor.credential, post_id)
        if not answer["allowed"]:
            raise Conflict(code)
        TREE.heard(answer["tree_version"])
        self._tree_version = answer["tree_version"]

    def _kept(self, key: tuple[str, str], ask: Callable[[], T]) -> T:
        """Identity's answer on the tree, kept while the tree is as this call heard it."""
        return TREE.answer(self._tree_version, key, ask)

    def _standard_heads(self, actor: Actor, office_id: str) -> dict[str, Item]:
        """The standard heads of the office's department, by code (from identity)."""
        given = self._kept(
            ("heads", office_id),
            lambda: self.identity.department_file_heads(actor.credential, office_id)["items"],
        )
        return numbering.standard_heads(given, office_id)

    def _head(self, actor: Actor, office_id: str, code: str) -> Item:
        """A head a file can be opened under at an office: its own, or its department's."""
        try:
            return store.head(self.storage.db, office_id, code)
        except NotFound:
            standard = self._standard_heads(actor, office_id).get(code)
            if standard is None:
                raise
            return standard

    def _visible(self, actor: Actor, kind: str, item_id: str, with_history: bool = False) -> Item:
        """The receipt or file, if the actor may see it; else it does not exist for them."""
        doc = store.item(self.storage.db, kind, item_id, with_history)
        if doc is None or not self._may_see(actor, kind, doc):
            raise NotFound(NOT_FOUND[kind])
        return doc

    def _may_see(self, actor: Actor, kind: str, doc: Item) -> bool:
        """Who may see a receipt or file (``visibility``); a receipt in a file is seen by
        whoever may see the file."""
        if kind == "files":
            return visibility.may_see(actor, doc)
        seen_alone = visibility.may_see(actor, doc)
        in_file = None if seen_alone or not doc.get("file_id") else doc["file_id"]
        file = store.item(self.storage.db, "files", in_file) if in_file else None
        return visibility.may_see_receipt(actor, doc, file)

    def _require_document_seen(self, actor: Actor, sha256: str) -> None:
        """A stored PDF (and its words) is seen by whoever may see a receipt carrying it, the
        legacy record it is the scan of, or a file it was read for (an issued letter); for anyone
        else it does not exist."""
        db = self.storage.db
        if not isinstance(sha256, str):
            raise NotFound("DOCUMENT_NOT_FOUND")
        if any(
            self._may_see(actor, "receipts", r) for r in store.receipts_with_document(db, sha256)
        ) or any(self._may_see(actor, "files", r) for r in store.records_with_scan(db, sha256)):
            return
        for ref in (store.text_of(db, sha256) or {}).get("refs", []):
            file = store.who_may_see(db, "files", ref["id"]) if ref["kind"] == "files" else None
            if file is not None and self._may_see(actor, "files", file):
                return
        raise NotFound("DOCUMENT_NOT_FOUND")

    def _apply(self, actor: Actor, kind: str, doc: Item, step: Change) -> Item:
        """Write ``step`` on ``doc``; a change of a file's status is told with its holder."""
        if kind == "files" and movement.changes_status(doc, step):
            step = movement.status_told(doc, self._post(actor, doc["holder_post_id"]), step)
        return store.apply(self.storage.db, kind, doc, step)

    def _file(self, actor: Actor, file_id: str) -> Item:
        return self._visible(actor, "files", file_id)

    def _holding(self, actor: Actor, file_id: str, version: int | None = None) -> tuple[Item, str]:
        """The file, if the actor holds it (now, by identity too), it is open, and unchanged."""
        doc = self._file(actor, file_id)
        post_id = movement.require_holder(actor, doc)
        self._require_acting(actor, post_id, "FILE_NOT_WITH_YOU")
        movement.require_open(doc)
        movement.require_version(doc, version)
        return doc, post_id

    def _changed(self, actor: Actor, doc: Item, step: Change) -> dict[str, Any]:
        """Apply ``step`` to the file and show it as it is now."""
        return file_view(self._apply(actor, "files", doc, step), actor)

    def _draft_version(
        self, actor: Actor, file: Item, draft: dict[str, Any], pdf_b64: object, post_id: str
    ) -> dict[str, Any]:
        """A new version of ``draft`` on ``file``: the uploaded PDF, or its text rendered as a
        letter."""
        content = decode_pdf(pdf_b64)
        if content is None:
            if not draft.get("text"):
                raise Conflict("DRAFT_NEEDS_TEXT_OR_PDF")
            post = self._post(actor, post_id)
            office = self._office_by_code(actor, post["office_code"])
            content = cpu_bound(letter.render_letter, draft, office, file["number"], actor.lang)
        pages = check_pdf(content)
        return {
            "n": len(draft.get("versions", [])) + 1,
            "sha256": self.storage.blobs.put(content),
            "pages": pages,
            "source": "uploaded" if pdf_b64 is not None else "written",
            "created_by": actor.audit(post_id),
            "created_at": now(),
        }

    def _blob(self, sha256: str) -> bytes:
        """A stored document that must be there (whatever a draft or an issue names was
        stored first)."""
        content = self.storage.blobs.get(sha256)
        assert content is not None, f"blob {sha256} missing"
        return content

    def _pdf_b64(self, sha256: str) -> str:
        return base64.b64encode(self._blob(sha256)).decode()

    def _known_post(self, actor: Actor, post_id: str) -> Post:
        """A post something is sent to: one that does not exist is refused, not "not found"."""
        try:
            return self._post(actor, post_id)
        except NotFound:
            raise Refused("UNKNOWN_POST", {"post_id": post_id}) from None

    def _post(self, actor: Actor, post_id: str) -> Post:
        post: Post = self._kept(
            ("post", post_id), lambda: self.identity.post(actor.credential, post_id)
        )
        return post

    def _chain(self, actor: Actor, post_id: str) -> list[str]:
        """The posts above this one, nearest first."""
        chain: list[str] = self._kept(
            ("chain", post_id), lambda: self.identity.chain(actor.credential, post_id)
        )
        return chain

    def _office_by_code(self, actor: Actor, code: str) -> dict[str, Any]:
        office: dict[str, Any] = self._kept(
            ("office", code), lambda: self.identity.office_by_code(actor.credential, code)
        )
        return office
