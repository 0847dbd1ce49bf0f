"""The demo district's leave: the first time `make run` seeds Hathras, its constable of the
SP office (under the Reader) applies for a week's earned leave, the Reader (his reporting officer)
recommends it and the SP sanctions it under the office's seal (the demo has no DSC token), so
a sanction order is there to open and verify publicly. Done through leave's ordinary calls, as
the people themselves. A person trying the demo applies for more leave the same way."""

from datetime import timedelta
from typing import Any

from services.leave.service.base import today
from tools.demo_work import People

CONSTABLE, READER, SP = "ct.hathras", "reader.hathras", "sp.hathras"


def seed_leave(leave: Any, people: People) -> str:
    """Apply, recommend and sanction the constable's leave; answers the address where its
    order verifies. ``leave`` is a Nameko RPC proxy. Run once, with the demo's desk work."""
    starts = today() + timedelta(days=21)
    applied = leave.apply(
        people.as_(CONSTABLE),
        {
            "kind": "earned",
            "from_date": starts.isoformat(),
            "to_date": (starts + timedelta(days=6)).isoformat(),
            "reason": "छोटी बहन का विवाह / My younger sister's wedding",
            "address": "ग्राम नगला भोज, सासनी, हाथरस",
        },
    )
    recommended = leave.recommend(
        people.as_(READER),
        applied["id"],
        {"version": applied["version"], "remark": "संस्तुत / Recommended"},
    )
    sanctioned = leave.sanction(
        people.as_(SP),
        recommended["id"],
        {"version": recommended["version"], "remark": "स्वीकृत / Sanctioned", "sign": "seal"},
    )
    order = sanctioned["order"]
    return f"/verify/{order['number']}?code={order['code']}"
