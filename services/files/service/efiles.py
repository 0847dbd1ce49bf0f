"""E-files: open a file under the filing scheme, note on it, put receipts in it, move it."""

import uuid

from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Conflict, Forbidden, NotFound, Refused
from common.events import (
    FileCreated,
    FileOpened,
    FileSent,
    FileStatusChanged,
    Names,
    ReceiptFiled,
    new_event,
)
from common.rpc import rpc
from common.validation import parse
from services.files import store
from services.files.domain import (
    drafts,
    history,
    movement,
    notes,
    numbering,
    receipts,
    search,
    visibility,
)
from services.files.schemas import (
    ChainCheck,
    CloseFile,
    EFile,
    FileAction,
    Head,
    Heads,
    History,
    HistoryEntry,
    LinkFile,
    MergeFile,
    NewFile,
    NewHead,
    NewNote,
    PutInFile,
    RecordFile,
    SendFile,
)
from services.files.service.base import Desk

FILE_NOT_FOUND = "FILE_NOT_FOUND"


def file_view(doc: dict, actor: Actor, skipped: list[str] | None = None) -> dict:
    """A file as the actor sees it: green notes, and their own yellow drafts only."""
    shown = [
        n
        for n in doc.get("notes", [])
        if n["status"] == "green"
        or (n["status"] == "yellow" and n["author"]["user_id"] == actor.user_id)
    ]
    fields = {
        k: doc[k]
        for k in EFile.model_fields
        if k in doc and k not in ("id", "notes", "skipped_levels")
    }
    return EFile(id=doc["_id"], notes=shown, skipped_levels=skipped, **fields).model_dump()


class FileDesk(Desk):
    # --- heads of the scheme ------------------------------------------------------------------

    @rpc
    def add_head(self, actor: dict, request: dict) -> dict:
        """An admin sets up a head of the functional scheme for an office's section (their own
        office unless they name one within their scope)."""
        actor = self.trust.actor(actor)
        new = parse(NewHead, request)
        if new.office_code:
            office = self.identity.office_by_code(actor.credential, new.office_code)
        else:
            office = {"id": actor.office_id, "path": list(actor.office_path)}
        if not actor.may("admin", office["path"]):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        code = numbering.head_code(new.basic, new.primary, new.secondary)
        head = {
            "_id": f"{office['id']}:{code}",
            "code": code,
            "section": new.section,
            "description": new.description,
            "office_id": office["id"],
        }
        return Head(**store.insert_head(self.storage.db, head)).model_dump()

    @rpc
    def heads(self, actor: dict) -> dict:
        """The heads a file can be opened under from the actor's office."""
        actor = self.trust.actor(actor)
        return Heads(
            items=[Head(**h) for h in store.heads_of(self.storage.db, actor.office_id)]
        ).model_dump()

    # --- opening and reading ------------------------------------------------------------------

    @rpc
    def create_file(self, actor: dict, request: dict) -> dict:
        """Open a file at the actor's desk: under a head of the scheme (its serial for the year
        never repeats or skips, however many clerks open files at once) or outside it."""
        actor = self.trust.actor(actor)
        new = parse(NewFile, request)
        post_id = new.post_id or (actor.post_ids[0] if actor.post_ids else None)
        self._require_acting(actor, post_id, "NOT_YOUR_POST")
        post = self._post(actor, post_id)
        db, now = self.storage.db, utcnow()
        if new.head:
            head = store.head(db, post["office_id"], new.head)
            serial = store.next_counter(db, f"file:{post['office_id']}:{head['code']}:{now.year}")
            number = numbering.file_number(head["code"], serial, now.year, head["section"])
        else:
            serial = store.next_counter(db, f"file:{post['office_id']}:NS:{now.year}")
            number = numbering.non_scheme_number(post["office_code"], serial, now.year)
        file_id = uuid.uuid4().hex
        entry = history.entry(None, "created", iso(now), actor, post_id, {"number": number})
        doc = {
            "_id": file_id,
            "number": number,
            "subject": new.subject,
            "category": new.category,
            "grading": new.grading,
            "physical": new.physical,
            "status": "open",
            "head": new.head,
            "section": head["section"] if new.head else None,
            "office_id": post["office_id"],
            "office_path": post["office_path"],
            "created_at": iso(now),
            "created_by": actor.audit(post_id),
            "creator_post_id": post_id,
            "holder_post_id": post_id,
            "holder_post_name": Names.of(post).model_dump(),
            "from_post_name": None,
            "holder_since": iso(now),
            "opened_at": iso(now),
            "priority": "normal",
            "due_date": None,
            "remark": "",
            "sent_by_post_id": None,
            "involved_posts": [post_id],
            "supervisors": self.identity.chain(actor.credential, post_id),
            "notes": [],
            "correspondence": [],
            "version": 1,
            "history": [entry],
            "search_terms": search.terms(number, new.subject),
        }
        event = new_event(
            FileCreated(
                file_id=file_id,
                number=number,
                subject=new.subject,
                office_id=post["office_id"],
                post_id=post_id,
                post_name=Names.of(post),
                seq=entry["seq"],
            ),
            actor,
            post["office_path"],
        )
        store.insert(db, "files", doc, event)
        return file_view(doc, actor)

    def _changed(
        self, doc: dict, action: str, actor: Actor, post_id: str, details: dict, ops: dict
    ) -> dict:
        """Record a change of the file (with its history entry) and show the file as it is now.
        A change of status is told to the office (it decides whether the file is pending)."""
        status = ops.get("$set", {}).get("status")
        event = None
        if status and status != doc["status"]:
            holder = self._post(actor, doc["holder_post_id"])

            def event(seq):
                return FileStatusChanged(
                    file_id=doc["_id"],
                    number=doc["number"],
                    status=status,
                    post_id=holder["id"],
                    post_name=Names.of(holder),
                    office_path=holder["office_path"],
                    seq=seq,
                )

        return file_view(
            self._record("files", doc, action, actor, post_id, details, ops, event), actor
        )

    def _file(self, actor: Actor, file_id: str) -> dict:
        return visibility.require_visible(
            actor, store.item(self.storage.db, "files", file_id), FILE_NOT_FOUND
        )

    @rpc
    def get_file(self, actor: dict, file_id: str) -> dict:
        """Open a file: its notes and its correspondence. The holder's first open is recorded."""
        actor = self.trust.actor(actor)
        doc = self._file(actor, file_id)
        if actor.holds(doc["holder_post_id"]) and doc.get("opened_at") is None:
            doc = self._record(
                "files",
                doc,
                "opened",
                actor,
                doc["holder_post_id"],
                {},
                {"$set": {"opened_at": iso(utcnow())}},
                lambda seq: FileOpened(
                    file_id=doc["_id"], number=doc["number"], post_id=doc["holder_post_id"], seq=seq
                ),
            )
        return file_view(doc, actor)

    # --- noting -------------------------------------------------------------------------------

    def _holding(self, actor: Actor, file_id: str, version: int | None = None) -> tuple[dict, str]:
        """The file, if the actor holds it (now, by identity too), it is open, and unchanged."""
        doc = self._file(actor, file_id)
        post_id = movement.require_holder(actor, doc)
        self._require_acting(actor, post_id, "FILE_NOT_WITH_YOU")
        movement.require_open(doc)
        movement.require_version(doc, version)
        return doc, post_id

    @rpc
    def add_note(self, actor: dict, file_id: str, request: dict) -> dict:
        """Write a yellow (draft) note on a file you hold."""
        actor = self.trust.actor(actor)
        new = parse(NewNote, request)
        doc, post_id = self._holding(actor, file_id)
        note = {
            "id": uuid.uuid4().hex,
            "status": "yellow",
            "text": notes.check_text(new.text),
            "references": new.references,
            "author": actor.audit(post_id),
            "author_roles": list(actor.roles),
            "post_id": post_id,
            "created_at": iso(utcnow()),
            "confirmed_at": None,
            "first_paragraph": None,
            "last_paragraph": None,
        }
        return self._changed(
            doc, "note_written", actor, post_id, {"note_id": note["id"]}, {"$push": {"notes": note}}
        )

    @rpc
    def edit_note(self, actor: dict, file_id: str, note_id: str, request: dict) -> dict:
        """Change your own yellow note; a green one can never change."""
        actor = self.trust.actor(actor)
        new = parse(NewNote, request)
        doc = self._file(actor, file_id)
        note = notes.note_by_id(doc, note_id)
        notes.require_own_yellow(actor, note)
        self._require_acting(actor, note["post_id"], "NOTE_NOT_YOURS")
        changed = [
            {**n, "text": notes.check_text(new.text), "references": new.references}
            if n["id"] == note_id
            else n
            for n in doc["notes"]
        ]
        return self._changed(
            doc,
            "note_edited",
            actor,
            note["post_id"],
            {"note_id": note_id},
            {"$set": {"notes": changed}},
        )

    @rpc
    def discard_note(self, actor: dict, file_id: str, note_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc = self._file(actor, file_id)
        note = notes.note_by_id(doc, note_id)
        notes.require_own_yellow(actor, note)
        self._require_acting(actor, note["post_id"], "NOTE_NOT_YOURS")
        changed = [{**n, "status": "discarded"} if n["id"] == note_id else n for n in doc["notes"]]
        return self._changed(
            doc,
            "note_discarded",
            actor,
            note["post_id"],
            {"note_id": note_id},
            {"$set": {"notes": changed}},
        )

    @rpc
    def confirm_note(self, actor: dict, file_id: str, note_id: str) -> dict:
        """Your yellow note becomes green: numbered, part of the record, never to change."""
        actor = self.trust.actor(actor)
        doc, post_id = self._holding(actor, file_id)
        note = notes.note_by_id(doc, note_id)
        notes.require_own_yellow(actor, note)
        first = notes.next_paragraph(doc)
        last = first + len(notes.paragraphs(note["text"])) - 1
        now = iso(utcnow())
        changed = [
            {
                **n,
                "status": "green",
                "confirmed_at": now,
                "first_paragraph": first,
                "last_paragraph": last,
            }
            if n["id"] == note_id
            else n
            for n in doc["notes"]
        ]
        return self._changed(
            doc,
            "note_confirmed",
            actor,
            post_id,
            {
                "note_id": note_id,
                "paragraphs": [first, last],
                "text_sha256": history.digest(note["text"]),
            },
            {
                "$set": {"notes": changed},
                "$addToSet": {"search_terms": {"$each": search.terms(note["text"])}},
            },
        )

    # --- correspondence -----------------------------------------------------------------------

    @rpc
    def put_in_file(self, actor: dict, receipt_id: str, request: dict) -> dict:
        """A receipt you hold goes into a file you hold, as its next pages of correspondence."""
        actor = self.trust.actor(actor)
        target = parse(PutInFile, request)
        doc, post_id = self._holding(actor, target.file_id)
        receipt = self._visible_receipt(actor, receipt_id)
        if receipt.get("file_id") == doc["_id"]:
            return file_view(doc, actor)  # already there: putting it in twice changes nothing
        if receipt["holder_post_id"] != post_id:
            raise Conflict("RECEIPT_NOT_WITH_YOU")
        receipts.require_open(receipt)
        receipts.require_received(receipt)
        visibility.require_graded_within(receipt, doc)
        first = max((c["last_page"] for c in doc["correspondence"]), default=0) + 1
        pages = receipt["document"]["pages"]
        item = {
            "kind": "receipt",
            "id": receipt["_id"],
            "number": receipt["number"],
            "subject": receipt["subject"],
            "sha256": receipt["document"]["sha256"],
            "pages": pages,
            "first_page": first,
            "last_page": first + pages - 1,
            "added_at": iso(utcnow()),
        }
        # A reply drafted on the receipt comes along as a draft of the file, where it is
        # approved, signed, issued and dispatched like any other.
        replies = [
            {**d, "versions": [self._draft_version(actor, doc, d, None, post_id)]}
            for d in receipt.get("drafts", [])
            if drafts.is_pending(d)
        ]
        push = {"correspondence": item}
        if replies:
            push["drafts"] = {"$each": replies}
        updated = self._record(
            "files",
            doc,
            "receipt_put_in",
            actor,
            post_id,
            {
                "receipt_id": receipt["_id"],
                "number": receipt["number"],
                "drafts": [d["id"] for d in replies],
            },
            {"$push": push},
        )
        moved = [
            {**d, "status": "in_file"} if drafts.is_pending(d) else d
            for d in receipt.get("drafts", [])
        ]
        # The receipt now lives in the file: it leaves the desk's inbox and pendency, and
        # whoever may see the file may see it (receipts.visible_receipt).
        self._record(
            "receipts",
            receipt,
            "put_in_file",
            actor,
            post_id,
            {"file_id": doc["_id"], "file_number": doc["number"]},
            {"$set": {"status": "in_file", "file_id": doc["_id"], "drafts": moved}},
            lambda seq: ReceiptFiled(
                receipt_id=receipt["_id"],
                number=receipt["number"],
                file_id=doc["_id"],
                file_number=doc["number"],
                seq=seq,
            ),
        )
        return file_view(updated, actor)

    # --- movement -----------------------------------------------------------------------------

    def _move(
        self,
        actor: Actor,
        doc: dict,
        from_post: str,
        to_post: dict,
        how: str,
        remark: str,
        priority: str = "normal",
        due_date: str | None = None,
        skipped: list[str] | None = None,
    ) -> dict:
        now = iso(utcnow())
        pulled_back = how == "pulled_back"
        changes = {
            "holder_post_id": to_post["id"],
            "holder_post_name": Names.of(to_post).model_dump(),
            # A pull back undoes the send: the file is the sender's again as it was before it,
            # open in front of them. Any other move remembers what a pull back would restore.
            "from_post_name": doc.get("before_send", {}).get("from_post_name")
            if pulled_back
            else doc["holder_post_name"],
            "sent_by_post_id": doc.get("before_send", {}).get("sent_by_post_id")
            if pulled_back
            else from_post,
            "before_send": {}
            if pulled_back
            else {
                "from_post_name": doc.get("from_post_name"),
                "sent_by_post_id": doc.get("sent_by_post_id"),
            },
            "holder_since": now,
            "opened_at": now if pulled_back else None,
            "priority": priority,
            "due_date": due_date,
            "remark": remark,
            "involved_posts": sorted(set(doc["involved_posts"]) | {to_post["id"]}),
            "supervisors": sorted(
                set(doc.get("supervisors", []))
                | set(self.identity.chain(actor.credential, to_post["id"]))
            ),
        }
        details = {
            "to_post_id": to_post["id"],
            "to_post_name": Names.of(to_post).model_dump(),
            "remark": remark,
            "priority": priority,
            "due_date": due_date,
            "skipped_levels": skipped or [],
        }
        return self._record(
            "files",
            doc,
            how,
            actor,
            to_post["id"] if pulled_back else from_post,
            details,
            {"$set": changes},
            lambda seq: FileSent(
                file_id=doc["_id"],
                number=doc["number"],
                subject=doc["subject"],
                how=how,
                from_post_id=from_post,
                from_post_name=doc["holder_post_name"],
                to_post_id=to_post["id"],
                to_post_name=Names.of(to_post),
                to_office_id=to_post["office_id"],
                to_office_path=to_post["office_path"],
                remark=remark,
                priority=priority,
                seq=seq,
            ),
        )

    @rpc
    def send_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """Send a file you hold to another post; a jump up the chain of command names the levels
        it skipped (CSMOP: no more than four levels to a decision)."""
        actor = self.trust.actor(actor)
        send = parse(SendFile, request)
        doc, from_post = self._holding(actor, file_id, send.version)
        if send.to_post_id == from_post:
            raise Conflict("ALREADY_WITH_THAT_POST")
        try:
            to_post = self._post(actor, send.to_post_id)
        except NotFound:
            raise Refused("UNKNOWN_POST", {"post_id": send.to_post_id}) from None
        skipped = movement.skipped_levels(
            self.identity.chain(actor.credential, from_post), to_post["id"]
        )
        moved = self._move(
            actor,
            doc,
            from_post,
            to_post,
            "sent",
            send.remark,
            send.priority,
            send.due_date.isoformat() if send.due_date else None,
            skipped,
        )
        return file_view(moved, actor, skipped)

    @rpc
    def send_back(self, actor: dict, file_id: str, request: dict) -> dict:
        """Return a file to the post that sent it to you."""
        actor = self.trust.actor(actor)
        action = parse(FileAction, request)
        doc, from_post = self._holding(actor, file_id, action.version)
        to_post = self._post(actor, movement.send_back_to(doc))
        return file_view(
            self._move(actor, doc, from_post, to_post, "sent_back", action.remark), actor
        )

    @rpc
    def pull_back(self, actor: dict, file_id: str, request: dict) -> dict:
        """Take back a file you sent, while its receiver has not opened it."""
        actor = self.trust.actor(actor)
        action = parse(FileAction, request)
        doc = self._file(actor, file_id)
        movement.require_version(doc, action.version)
        sender = movement.pull_back_from(actor, doc)
        self._require_acting(actor, sender, "NOT_THE_SENDER")
        to_post = self._post(actor, sender)
        return file_view(
            self._move(actor, doc, doc["holder_post_id"], to_post, "pulled_back", action.remark),
            actor,
        )

    # --- park, close, reopen ------------------------------------------------------------------

    @rpc
    def park(self, actor: dict, file_id: str, request: dict) -> dict:
        actor = self.trust.actor(actor)
        action = parse(FileAction, request)
        doc, post_id = self._holding(actor, file_id, action.version)
        return self._changed(
            doc, "parked", actor, post_id, {"remark": action.remark}, {"$set": {"status": "parked"}}
        )

    @rpc
    def unpark(self, actor: dict, file_id: str, request: dict) -> dict:
        actor = self.trust.actor(actor)
        action = parse(FileAction, request)
        doc = self._file(actor, file_id)
        post_id = movement.require_holder(actor, doc)
        self._require_acting(actor, post_id, "FILE_NOT_WITH_YOU")
        movement.require_version(doc, action.version)
        if doc["status"] != "parked":
            raise Conflict("FILE_NOT_PARKED")
        return self._changed(
            doc, "unparked", actor, post_id, {"remark": action.remark}, {"$set": {"status": "open"}}
        )

    @rpc
    def close_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """Only the post that opened a file closes it, with the approval of a Section Officer or
        above recorded in a green note (named by its paragraph)."""
        actor = self.trust.actor(actor)
        close = parse(CloseFile, request)
        doc, post_id = self._holding(actor, file_id, close.version)
        if post_id != doc["creator_post_id"]:
            raise Conflict("ONLY_CREATOR_CLOSES")
        notes.require_approval(doc, close.approval_paragraph)
        return self._changed(
            doc,
            "closed",
            actor,
            post_id,
            {"approval_paragraph": close.approval_paragraph},
            {"$set": {"status": "closed", "closed_by_post_id": post_id}},
        )

    @rpc
    def reopen_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """Only the post that closed a file reopens it, again with an approval in a green note."""
        actor = self.trust.actor(actor)
        reopen = parse(CloseFile, request)
        doc = self._file(actor, file_id)
        movement.require_version(doc, reopen.version)
        if doc["status"] != "closed":
            raise Conflict("FILE_NOT_CLOSED")
        closer = doc.get("closed_by_post_id")
        if not actor.holds(closer):
            raise Conflict("ONLY_CLOSER_REOPENS")
        self._require_acting(actor, closer, "ONLY_CLOSER_REOPENS")
        notes.require_approval(doc, reopen.approval_paragraph)
        return self._changed(
            doc,
            "reopened",
            actor,
            closer,
            {"approval_paragraph": reopen.approval_paragraph},
            {"$set": {"status": "open"}},
        )

    # --- links and the record room -------------------------------------------------------------

    @rpc
    def link_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """Link a file you hold to another file you may see (both show the link)."""
        return self._relink(actor, file_id, request, linked=True)

    @rpc
    def delink_file(self, actor: dict, file_id: str, request: dict) -> dict:
        return self._relink(actor, file_id, request, linked=False)

    def _relink(self, actor: dict, file_id: str, request: dict, linked: bool) -> dict:
        actor = self.trust.actor(actor)
        link = parse(LinkFile, request)
        doc, post_id = self._holding(actor, file_id, link.version)
        other = self._file(actor, link.other_file_id)
        if other["_id"] == doc["_id"]:
            raise Conflict("LINK_TO_ITSELF")
        if linked == (other["_id"] in doc.get("links", [])):
            return file_view(doc, actor)  # already so: nothing to record
        op = "$addToSet" if linked else "$pull"
        action = "linked" if linked else "delinked"
        self._record(
            "files",
            other,
            action,
            actor,
            post_id,
            {"file_id": doc["_id"], "number": doc["number"]},
            {op: {"links": doc["_id"]}},
        )
        return self._changed(
            doc,
            action,
            actor,
            post_id,
            {"file_id": other["_id"], "number": other["number"]},
            {op: {"links": other["_id"]}},
        )

    @rpc
    def merge_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """Merge another physical file of the same section (and grading) that you hold into
        this one, for a reason: its papers follow on this file's pages, everyone who could see
        either sees this one, and the other stops moving (it points here)."""
        actor = self.trust.actor(actor)
        merge = parse(MergeFile, request)
        doc, post_id = self._holding(actor, file_id, merge.version)
        other, other_post = self._holding(actor, merge.other_file_id)
        movement.require_mergeable(doc, other)
        if other_post != post_id:
            raise Conflict("FILE_NOT_WITH_YOU")
        first = max((c["last_page"] for c in doc["correspondence"]), default=0)
        moved = [
            {**c, "first_page": c["first_page"] + first, "last_page": c["last_page"] + first}
            for c in other["correspondence"]
        ]
        about = {"reason": merge.reason}
        self._changed(
            other,
            "merged_into",
            actor,
            post_id,
            {**about, "file_id": doc["_id"], "number": doc["number"]},
            {"$set": {"status": "merged", "merged_into": doc["_id"], "correspondence": []}},
        )
        merged = self._changed(
            doc,
            "merged",
            actor,
            post_id,
            {**about, "file_id": other["_id"], "number": other["number"]},
            {
                "$push": {"correspondence": {"$each": moved}},
                "$addToSet": {"links": other["_id"]},
                "$set": {
                    "involved_posts": sorted(
                        set(doc["involved_posts"]) | set(other["involved_posts"])
                    ),
                    "supervisors": sorted(
                        set(doc.get("supervisors", [])) | set(other.get("supervisors", []))
                    ),
                },
            },
        )
        for item in (m for m in moved if m["kind"] == "receipt"):  # they travel with this file
            receipt = store.item(self.storage.db, "receipts", item["id"])
            self._record(
                "receipts",
                receipt,
                "moved_with_merge",
                actor,
                post_id,
                {"from_file_id": other["_id"], "file_id": doc["_id"], "number": doc["number"]},
                {"$set": {"file_id": doc["_id"]}},
            )
        return merged

    @rpc
    def record_file(self, actor: dict, file_id: str, request: dict) -> dict:
        """The closer sends a closed physical file to the record room under category A, B or C."""
        actor = self.trust.actor(actor)
        record = parse(RecordFile, request)
        doc = self._file(actor, file_id)
        movement.require_version(doc, record.version)
        movement.require_recordable(doc)
        closer = doc.get("closed_by_post_id")
        if not actor.holds(closer):
            raise Conflict("ONLY_CLOSER_RECORDS")
        self._require_acting(actor, closer, "ONLY_CLOSER_RECORDS")
        today = utcnow().date()
        review = movement.review_date(record.category, today, record.review_date)
        entry = {
            "category": record.category,
            "recorded_on": today.isoformat(),
            "review_date": review.isoformat() if review else None,
        }
        return self._changed(
            doc, "recorded", actor, closer, entry, {"$set": {"status": "recorded", "record": entry}}
        )

    # --- history ------------------------------------------------------------------------------

    @rpc
    def file_history(self, actor: dict, file_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc = visibility.require_visible(
            actor, store.item(self.storage.db, "files", file_id, True), FILE_NOT_FOUND
        )
        return History(items=[HistoryEntry(**e) for e in doc["history"]]).model_dump()

    @rpc
    def verify_file_history(self, actor: dict, file_id: str) -> dict:
        actor = self.trust.actor(actor)
        doc = visibility.require_visible(
            actor, store.item(self.storage.db, "files", file_id, True), FILE_NOT_FOUND
        )
        return ChainCheck(**history.verify(doc["history"])).model_dump()
