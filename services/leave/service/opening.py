"""The office's desk for opening balances: its admin or nodal officer uploads the sheet of each
person's balance as on a day, from the office's records, when its people come onto the system.
One call uploads and applies (as the holiday sheet does): the per-row report is the answer, and
uploading the same sheet again changes nothing."""

import time
from typing import Any

from common import uploads
from common.actor import Actor
from common.clock import iso, utcnow
from common.errors import Forbidden, Refused
from common.rpc import rpc
from common.sheets import read_sheet
from common.threads import cpu_bound
from common.validation import parse
from services.leave import store
from services.leave.domain import opening, rules
from services.leave.schemas import OpeningReport, OpeningUpload
from services.leave.service.base import Desk, today

SHEET_READ_SECONDS = 60  # the longest reading one sheet of a district's people may take
SETS_UP = ("admin", "nodal_officer")  # who sets up an office's people (identity's rule)


def _read_sheet(content: bytes, filename: str) -> list[dict[str, Any]]:
    """Read the sheet in a real thread (the service keeps answering meanwhile), giving up
    (SHEET_TOO_SLOW) past what a district's sheet ever takes."""
    give_up_at = time.monotonic() + SHEET_READ_SECONDS
    return cpu_bound(
        lambda: read_sheet(
            content, filename, lambda: time.monotonic() > give_up_at, opening.OPENING_SHEET
        )
    )


class OpeningDesk(Desk):
    @rpc
    def upload_opening_balances(self, actor: dict[str, Any], upload: dict[str, Any]) -> dict:
        """An office's admin or nodal officer uploads opening balances, checked row by row:
        each good row becomes its person's opening of its kind (replacing an earlier one),
        each bad row is reported with its reasons and changes nothing."""
        who = self.trust.actor(actor)
        if not any(g.role in SETS_UP for g in who.grants):
            raise Forbidden("OUTSIDE_YOUR_SCOPE")
        sheet = parse(OpeningUpload, upload)
        content = uploads.decode_base64(sheet.content_b64, "SHEET_NOT_SPREADSHEET")
        rows = _read_sheet(content, sheet.filename)
        named = self.identity.people_named(
            who.credential, sorted({r["person"] for r in rows if r["person"]})
        )
        people = {name: opening.Person(**found) for name, found in named.items()}
        departments = {p.office_id: self._rules_or_none(who, p.office_id) for p in people.values()}
        db = self.storage.db
        kept = store.entries_by_ids(db, opening.kept_ids(rows, people))
        checked = cpu_bound(opening.check_rows, rows, people, departments.get, kept, today())
        recorded = {"recorded_by": who.user_id, "recorded_at": iso(utcnow())}
        store.set_openings(
            db,
            [
                {**r.entry(), **recorded, "filename": sheet.filename}
                for r in checked
                if r.kept and r.action != "unchanged"
            ],
        )
        return OpeningReport.model_validate(
            {
                "filename": sheet.filename,
                "summary": opening.summarise(checked),
                "rows": [r.as_dict() for r in checked],
            }
        ).model_dump()

    def _rules_or_none(self, who: Actor, office_id: str) -> rules.Department | None:
        """An office's leave rules, or None where leave is not set up for its department."""
        try:
            return self._department(who, office_id)
        except Refused:
            return None
