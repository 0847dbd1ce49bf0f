"""Deliveries: every planned email and SMS tried by one loop — claimed before it is tried,
retried with backoff, set aside on the dead-letter list when retrying cannot help (or when a
try was cut off and nobody knows whether it went) — and the daily digest; issued letters
dispatched by email; the admin's dead-letter list and replay; a dispatch's delivery status."""

import base64
from datetime import time, timedelta
from typing import Any

import structlog
from nameko.events import SERVICE_POOL, event_handler
from nameko.timer import timer

from common.clock import IST, iso, utcnow
from common.errors import Conflict, Forbidden, NotFound
from common.events import DraftDispatched, Event
from common.paging import page_of
from common.rpc import rpc
from services.notify import store
from services.notify.channels import DeliveryFailed, email, sms
from services.notify.domain import delivery, messages
from services.notify.domain.notices import for_post
from services.notify.schemas import Delivery, DeliveryList
from services.notify.service.base import Desk, preferences_of

log = structlog.get_logger()
DELIVER_SECONDS = 2
DIGEST_CHECK_SECONDS = 10
BATCH = 200  # tries per tick, so a long queue never holds the timer for long


def delivery_view(d: dict[str, Any]) -> Delivery:
    return Delivery.model_validate(
        {
            **{k: d.get(k) for k in Delivery.model_fields if k not in ("id", "tries")},
            "id": d["_id"],
            "tries": [t for t in d.get("tries", []) if "outcome" in t],
        }
    )


class DeliveryDesk(Desk):
    @event_handler("files", "draft.dispatched", handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_draft_dispatched(self, raw: dict[str, Any]) -> None:
        """An issued letter dispatched by email: one delivery per event (a redelivered event
        plans nothing new), tried by the loop like every other."""
        event = self._event(raw)
        body = event.body() if event else None
        if event is None or not isinstance(body, DraftDispatched) or body.mode != "email":
            return
        now = utcnow()
        store.plan(
            self.storage.db,
            [
                {
                    "_id": f"{event.event_id}:dispatch",
                    "notice_id": None,
                    "dispatch_of": body.issue_number,
                    "channel": "email",
                    "user_id": None,
                    "to": ", ".join(body.to),
                    "language": "hi",
                    "kind": "letter_dispatch",
                    "params": {"issue_number": body.issue_number, "file_id": body.file_id},
                    "event": event.model_dump(mode="json"),
                    "office_path": event.office_path,
                    "post_id": body.post_id,
                    **delivery.untried(now, now),
                }
            ],
        )

    # --- the loop --------------------------------------------------------------------------------

    @timer(interval=DELIVER_SECONDS, eager=True)
    def deliver(self) -> int:
        """Try what is due; set aside what a dead process left half-sent; how many were tried."""
        db, now = self.storage.db, utcnow()
        lease = float(self._setting("EOFFICE_NOTIFY_LEASE_SECONDS", str(delivery.LEASE_SECONDS)))
        for lost in store.interrupted(db, iso(now - timedelta(seconds=lease)), iso(now)):
            log.warning("delivery.interrupted", delivery=lost["_id"])
            self._when_dead(lost, "INTERRUPTED_WHILE_SENDING")
        tried = 0
        while tried < BATCH and (claimed := store.claim_due(db, iso(utcnow()))) is not None:
            self._try(claimed)
            tried += 1
        return tried

    def _try(self, d: dict[str, Any]) -> None:
        db = self.storage.db
        try:
            self._send(d)
        except (DeliveryFailed, messages.TemplateFieldMissing) as exc:
            reason, permanent = (
                (exc.reason, exc.permanent)
                if isinstance(exc, DeliveryFailed)
                else ("TEMPLATE_FIELD_MISSING", True)
            )
            first = float(self._setting("EOFFICE_NOTIFY_FIRST_RETRY_SECONDS", "60"))
            retry = delivery.after_failure(d["attempts"], permanent, utcnow(), first)
            outcome = {**retry, "reason": reason}
            store.tried(
                db, d["_id"], outcome, {"at": iso(utcnow()), "outcome": reason, "detail": str(exc)}
            )
            log.warning(
                "delivery.failed", delivery=d["_id"], reason=reason, status=outcome["status"]
            )
            if outcome["status"] == "dead":
                self._when_dead(d, reason)
            return
        store.tried(
            db,
            d["_id"],
            {"status": "sent", "reason": None, "sent_at": iso(utcnow())},
            {"at": iso(utcnow()), "outcome": "sent"},
        )
        log.info("delivery.sent", delivery=d["_id"], channel=d["channel"], kind=d["kind"])

    def _send(self, d: dict[str, Any]) -> None:
        """One try of one delivery; DeliveryFailed says why it did not go."""
        sender, base = self._setting("EOFFICE_MAIL_FROM", "e-office@localhost"), self._public_url()
        if d["channel"] == "sms":
            gateway = sms.SmsGateway.from_config(self.config)
            if gateway is None:
                raise DeliveryFailed(
                    "SMS_NOT_CONFIGURED", "no SMS gateway is configured", permanent=True
                )
            sms.send(
                gateway,
                d["to"],
                messages.notice_sms(d["kind"], d["params"], d["language"], base),
                d["_id"],
            )
            return
        if d["kind"] == "letter_dispatch":
            try:
                issued = self.files.letter_to_mail(self.trust.own(), d["params"]["issue_number"])
            except Exception as exc:  # files away or slow: nothing was sent, try again later
                raise DeliveryFailed("LETTER_UNAVAILABLE", repr(exc)[:300]) from exc
            message = messages.dispatch_email(
                Event.model_validate(d["event"]), sender, base64.b64decode(issued["pdf_b64"]), base
            )
            assert message is not None  # only dispatches by email are planned
        elif d["kind"] == "digest":
            message = messages.digest_email(
                d["params"]["items"], d["language"], sender, d["to"], base, d["params"]["day"]
            )
        else:
            message = messages.notice_email(
                d["kind"], d["params"], d["language"], sender, d["to"], base, d["_id"]
            )
        email.send(email.Smtp.from_config(self.config), message)

    def _when_dead(self, d: dict[str, Any], reason: str) -> None:
        """A letter that could not be emailed is told to the desk that dispatched it."""
        if d["kind"] != "letter_dispatch":
            return
        event = Event.model_validate(d["event"])
        params = {
            "item_id": d["params"]["file_id"],
            "item_kind": "file",
            "issue_number": d["params"]["issue_number"],
            "to": d["to"],
            "reason": reason,
        }
        self._raise([for_post(event, d["post_id"], "dispatch_failed", params, key=".failed")])

    # --- the daily digest ------------------------------------------------------------------------

    @timer(interval=DIGEST_CHECK_SECONDS)
    def send_digests(self) -> int:
        """Once a day, from EOFFICE_DIGEST_AT (IST), each person who chose the digest is mailed
        what waits at their posts, oldest first (nothing waiting: no mail)."""
        now = utcnow()
        local = now.astimezone(IST)
        if local.time() < time.fromisoformat(self._setting("EOFFICE_DIGEST_AT", "09:00")):
            return 0
        db, day, planned = self.storage.db, local.date().isoformat(), 0
        for person in store.digest_due(db, day):
            prefs = preferences_of(person)
            posts = store.posts_of(db, person["_id"])
            if not prefs.email or not posts:
                continue
            # Asked before today's digest is marked sent: files away now, asked again next time.
            items = self.files.pending_at(self.trust.own(), posts)
            if not store.digest_sent(db, person["_id"], day) or not items:
                continue
            digest = {"_id": f"digest:{person['_id']}:{day}", "kind": "digest", "post_id": None}
            planned_one = delivery.planned(
                {**digest, "params": {"items": items, "day": day}, "office_path": []},
                person["_id"],
                "email",
                prefs,
                now,
            )
            store.plan(db, [{**planned_one, "notice_id": None}])
            planned += 1
        return planned

    # --- what admins and senders see --------------------------------------------------------------

    @rpc
    def dead_letters(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """Deliveries that will not be tried again by themselves, newest first: for an admin
        over the office they concern."""
        who = self.trust.actor(actor)
        if not who.has_role("admin"):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        found = sorted(
            (d for d in store.dead_letters(self.storage.db) if who.may("admin", d["office_path"])),
            key=lambda d: (d["created_at"], d["_id"]),
            reverse=True,
        )
        page, next_cursor = page_of(found, limit, cursor)
        return DeliveryList(
            items=[delivery_view(d) for d in page], next_cursor=next_cursor
        ).model_dump()

    @rpc
    def unread_events(
        self, actor: dict[str, Any], limit: int = 50, cursor: str | None = None
    ) -> dict[str, Any]:
        """Events notify kept aside because it could not read them (a newer version, an unknown
        payload): for the admins of the offices they concern, to see that nothing was lost."""
        who = self.trust.actor(actor)
        if not who.has_role("admin"):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        mine = [
            k
            for k in store.unread_events(self.storage.db)
            if who.may("admin", k["raw"].get("office_path") or [])
        ]
        kept, next_cursor = page_of(mine, limit, cursor)
        return {
            "next_cursor": next_cursor,
            "items": [
                {
                    "event_id": k["raw"].get("event_id"),
                    "type": k["raw"].get("type"),
                    "v": k["raw"].get("v"),
                    "reason": k["reason"],
                    "at": k["at"],
                }
                for k in kept
            ],
        }

    @rpc
    def replay(self, actor: dict[str, Any], delivery_id: str) -> dict[str, Any]:
        """An admin sends a dead delivery again (after mending an address or the mail server;
        for one cut off mid-send, after checking it did not arrive)."""
        who = self.trust.actor(actor)
        db = self.storage.db
        found = store.delivery(db, delivery_id)
        if found is None or not who.may("admin", found["office_path"]):
            raise NotFound("DELIVERY_NOT_FOUND")
        replayed = store.replay(db, delivery_id, iso(utcnow()), who.audit())
        if replayed is None:
            raise Conflict("DELIVERY_NOT_DEAD")
        return delivery_view(replayed).model_dump()

    @rpc
    def dispatch_deliveries(self, actor: dict[str, Any], issue_number: str) -> dict[str, Any]:
        """How an issued letter's emails went: for the desk that dispatched it and its admins."""
        who = self.trust.actor(actor)
        found = [
            d
            for d in store.deliveries_of_dispatch(self.storage.db, issue_number)
            if who.holds(d["post_id"]) or who.may("admin", d["office_path"])
        ]
        return DeliveryList(items=[delivery_view(d) for d in found]).model_dump()
