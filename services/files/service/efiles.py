"""E-files: open a file under the filing scheme, note on it, put receipts in it, move it."""

import uuid
from typing import Any

from common.actor import Actor
from common.clock import iso, utcnow
from common.rpc import rpc
from common.storage import next_counter
from common.validation import parse
from services.files import store
from services.files.domain import drafts, filing, movement, notes, numbering
from services.files.domain.change import Item
from services.files.schemas import FileAction, NewFile, NewNote, PutInFile, SendFile
from services.files.service.base import now
from services.files.service.held import HeldDesk
from services.files.service.reading import with_texts
from services.files.service.views import file_view


class FileDesk(HeldDesk):
    # --- opening and reading ------------------------------------------------------------------

    @rpc
    def create_file(self, actor: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        """Open a file at the actor's desk: under a head of the scheme (its serial for the year
        never repeats or skips, however many clerks open files at once) or outside it."""
        who = self.trust.actor(actor)
        new = parse(NewFile, request)
        post_id = new.post_id or (who.post_ids[0] if who.post_ids else None)
        self._require_acting(who, post_id, "NOT_YOUR_POST")
        assert post_id is not None  # _require_acting refuses no post
        post = self._post(who, post_id)
        db, moment = self.storage.db, utcnow()
        if new.head:
            head = self._head(who, post["office_id"], new.head)
            key = f"file:{post['office_id']}:{head['code']}:{moment.year}"
            serial = next_counter(db, key)
            number = numbering.file_number(head["code"], serial, moment.year, head["section"])
        else:
            serial = next_counter(db, f"file:{post['office_id']}:NS:{moment.year}")
            number = numbering.non_scheme_number(post["office_code"], serial, moment.year)
        made = filing.created(
            uuid.uuid4().hex,
            number,
            post,
            who,
            iso(moment),
            new.model_dump(include={"subject", "category", "grading", "physical", "head"}),
            head["section"] if new.head else None,
            self._chain(who, post_id),
        )
        store.insert(db, "files", made, who)
        return file_view(made.doc, who)

    @rpc
    def get_file(self, actor: dict[str, Any], file_id: str, opening: bool = True) -> dict[str, Any]:
        """Open a file: its notes and its correspondence, and how long it has been with its
        holder. The holder's first open is recorded (not when ``opening`` is False: a copy
        kept on their device for a bad link, not yet read)."""
        who = self.trust.actor(actor)
        doc = self._file(who, file_id)
        if opening and movement.is_first_open(who, doc):
            doc = self._apply(who, "files", doc, movement.opened("files", doc, who, now()))
        return file_view(with_texts(self.storage.db, self._with_pendency(who, doc)), who)

    # --- noting -------------------------------------------------------------------------------

    @rpc
    def add_note(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Write a yellow (draft) note on a file you hold."""
        who = self.trust.actor(actor)
        new = parse(NewNote, request)
        doc, post_id = self._holding(who, file_id)
        return self._changed(
            who, doc, notes.written(doc, who, post_id, now(), new.text, new.references)
        )

    def _own_yellow(self, actor: Actor, file_id: str, note_id: str) -> tuple[Item, dict[str, Any]]:
        """The file and the actor's own yellow note on it, written from a post they act from."""
        doc = self._file(actor, file_id)
        note = notes.note_by_id(doc, note_id)
        notes.require_own_yellow(actor, note)
        self._require_acting(actor, note["post_id"], "NOTE_NOT_YOURS")
        return doc, note

    @rpc
    def edit_note(
        self, actor: dict[str, Any], file_id: str, note_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Change your own yellow note; a green one can never change."""
        who = self.trust.actor(actor)
        new = parse(NewNote, request)
        doc, note = self._own_yellow(who, file_id, note_id)
        return self._changed(
            who, doc, notes.edited(doc, note, who, now(), new.text, new.references)
        )

    @rpc
    def discard_note(self, actor: dict[str, Any], file_id: str, note_id: str) -> dict[str, Any]:
        who = self.trust.actor(actor)
        doc, note = self._own_yellow(who, file_id, note_id)
        return self._changed(who, doc, notes.discarded(doc, note, who, now()))

    @rpc
    def confirm_note(self, actor: dict[str, Any], file_id: str, note_id: str) -> dict[str, Any]:
        """Your yellow note becomes green: numbered, part of the record, never to change."""
        who = self.trust.actor(actor)
        doc, post_id = self._holding(who, file_id)
        note = notes.note_by_id(doc, note_id)
        notes.require_own_yellow(who, note)
        return self._changed(who, doc, notes.confirmed(doc, note, who, post_id, now()))

    # --- correspondence -----------------------------------------------------------------------

    @rpc
    def put_in_file(
        self, actor: dict[str, Any], receipt_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """A receipt you hold goes into a file you hold, as its next pages of correspondence."""
        who = self.trust.actor(actor)
        target = parse(PutInFile, request)
        doc, post_id = self._holding(who, target.file_id)
        receipt = self._visible(who, "receipts", receipt_id)
        if receipt.get("file_id") == doc["_id"]:
            return file_view(doc, who)  # already there: putting it in twice changes nothing
        filing.require_putable(receipt, doc)
        at = now()
        # A reply drafted on the receipt comes along as a draft of the file, where it is
        # approved, signed, issued and dispatched like any other.
        replies = [
            {**d, "versions": [self._draft_version(who, doc, d, None, post_id)]}
            for d in receipt.get("drafts", [])
            if drafts.is_pending(d)
        ]
        updated = self._apply(
            who, "files", doc, filing.receipt_put_in(doc, receipt, who, at, replies)
        )
        self._apply(who, "receipts", receipt, filing.put_in_file(receipt, doc, who, at))
        return file_view(updated, who)

    # --- movement -----------------------------------------------------------------------------

    def _moved(
        self, actor: Actor, doc: Item, to: dict[str, Any], how: movement.Sending
    ) -> dict[str, Any]:
        chain = self._chain(actor, to["id"])
        step = movement.send("files", doc, actor, to, how, now(), chain)
        return file_view(self._apply(actor, "files", doc, step), actor, how.skipped)

    @rpc
    def send_file(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Send a file you hold to another post; a jump up the chain of command names the levels
        it skipped (CSMOP: no more than four levels to a decision)."""
        who, send = self.trust.actor(actor), parse(SendFile, request)
        doc, from_post = self._holding(who, file_id, send.version)
        movement.require_elsewhere(doc, send.to_post_id)
        self._require_delay_explained(who, doc)
        to = self._known_post(who, send.to_post_id)
        skipped = movement.skipped_levels(self._chain(who, from_post), to["id"])
        due = send.due_date.isoformat() if send.due_date else None
        how = movement.Sending("sent", send.remark, send.priority, due, skipped)
        return self._moved(who, doc, to, how)

    @rpc
    def send_back(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Return a file to the post that sent it to you."""
        who, action = self.trust.actor(actor), parse(FileAction, request)
        doc, _ = self._holding(who, file_id, action.version)
        self._require_delay_explained(who, doc)
        to = self._post(who, movement.send_back_to(doc))
        return self._moved(who, doc, to, movement.Sending("sent_back", action.remark))

    @rpc
    def pull_back(
        self, actor: dict[str, Any], file_id: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """Take back a file you sent, while its receiver has not opened it."""
        who, action = self.trust.actor(actor), parse(FileAction, request)
        doc = self._file(who, file_id)
        movement.require_version(doc, action.version)
        sender = movement.pull_back_from(who, doc)
        self._require_acting(who, sender, "NOT_THE_SENDER")
        to = self._post(who, sender)
        return self._moved(who, doc, to, movement.Sending("pulled_back", action.remark))
