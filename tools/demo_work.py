"""The demo district's desk work: a morning's dak diarised and marked, and a file in each
department opened and sent up, so the SP's and HQ's report screens show Hathras's figures the
first time `make run` starts. Done through the desks' ordinary calls, as the people themselves
(each logs in with the demo password), so every figure comes from real events.

Items are as old as the demo: the seven-working-day rule's warnings and late items appear only
once a demo district has been left running (or its data kept) for that long."""

import base64
from typing import Any

from fpdf.enums import XPos, YPos

from common.office_pdf import OfficePdf
from common.trust import credential

# fmt: off
# (diarist, sender, subject, marked to)
DAK = [
    ("cru.hathras", "Constable 1432 Ram Kishor, Police Lines Hathras", "स्थानांतरण हेतु प्रार्थना पत्र", "HC-ESTT-SP-HTR"),
    ("cru.hathras", "Head Constable 87 Suresh Pal, PS Kotwali Nagar", "चिकित्सा अवकाश हेतु प्रार्थना पत्र", "HC-ESTT-SP-HTR"),
    ("cru.hathras", "Office of the DIG, Aligarh Range", "Monthly crime review: information sought", "RDR-SP-HTR"),
    ("cru.hathras", "Smt. Kamla Devi, Village Nagla Bhoj", "भूमि विवाद में कार्यवाही हेतु शिकायत", "CO-SADAR-HTR"),
    ("cru.collectorate.hathras", "Shri Harpal Singh, Village Mursan", "खतौनी में नाम संशोधन हेतु प्रार्थना पत्र", "TEH-SADAR-HTR"),
    ("cru.collectorate.hathras", "Office of the Commissioner, Aligarh Division", "Revenue courts: monthly statement of pendency", "SA-ESTT-DM-HTR"),
    ("cru.collectorate.hathras", "Lekhpal Sangh, Tehsil Sadar", "वेतन विसंगति के सम्बन्ध में", "SA-ESTT-DM-HTR"),
]
# (opened by, subject, first note, sent to)
FILES = [
    ("hc.estt.hathras", "आरक्षियों के स्थानांतरण हेतु नस्ती", "आरक्षियों के वार्षिक स्थानांतरण की सूची अवलोकनार्थ प्रस्तुत है।", "ASP-HTR"),
    ("sa.estt.collectorate.hathras", "राजस्व न्यायालयों की मासिक समीक्षा", "माह की वाद-सूची एवं निस्तारण का विवरण प्रस्तुत है।", "ADM-E-HTR"),
]
# fmt: on


def letter(sender: str, subject: str) -> str:
    """A one-page inward letter as its scan would come: the sender, the subject, a line."""
    pdf = OfficePdf({"page": "{page} / {total}"})
    pdf.add_page()
    pdf.set_font("deva", "", 12)
    for line in (sender, "", f"विषय / Subject: {subject}", "", "महोदय, सविनय निवेदन है कि ..."):
        pdf.multi_cell(0, 8, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return base64.b64encode(bytes(pdf.output())).decode()


class People:
    """The demo people, each logged in once with the demo password (as they would log in),
    and the posts they find to mark work to. ``identity`` is a Nameko RPC proxy."""

    def __init__(self, identity: Any, password: str) -> None:
        self.identity, self.password = identity, password
        self.logins: dict[str, dict[str, Any]] = {}

    def _login(self, username: str) -> dict[str, Any]:
        if username not in self.logins:
            tokens = self.identity.login({"username": username, "password": self.password})
            self.logins[username] = tokens
        return self.logins[username]

    def as_(self, username: str) -> dict[str, str]:
        """Their credential, to act as them."""
        return credential(self._login(username)["access_token"])

    def user_id(self, username: str) -> str:
        return str(self._login(username)["user"]["id"])

    def post(self, username: str, abbreviation: str) -> str:
        """A post's id, as ``username`` finds it among the posts work can be marked to."""
        found = self.identity.markable_posts(self.as_(username))["items"]
        return str(next(p["id"] for p in found if p["abbreviation"] == abbreviation))


def seed_work(files: Any, people: People) -> int:
    """Diarise and mark the demo's dak, open and send its files; returns how many items.
    ``files`` is a Nameko RPC proxy. Run once, right after the district's people were first
    created (a second run would diarise the letters again)."""
    as_, post = people.as_, people.post
    for diarist, sender, subject, to in DAK:
        receipt = files.diarise(
            as_(diarist),
            {"subject": subject, "sender": sender},
            letter(sender, subject),
        )
        files.send_receipt(as_(diarist), receipt["id"], {"to_post_id": post(diarist, to)})
    for opener, subject, text, to in FILES:
        file = files.create_file(as_(opener), {"subject": subject})
        file = files.add_note(as_(opener), file["id"], {"text": text})
        files.send_file(as_(opener), file["id"], {"to_post_id": post(opener, to)})
    return len(DAK) + len(FILES)
