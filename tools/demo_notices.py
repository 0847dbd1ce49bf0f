"""What is behind the demo district's notices: the first time `make run` seeds Hathras (after
its desk work, tools/demo_work.py), its people do the ordinary things that raise each kind of
notice a fresh office can honestly show, through the services' own calls, as themselves:

- a file the SP sends back to his Reader, and one the Head Clerk pulls back from the Circle
  Officer before he opened it (``file_sent_back``, ``file_pulled_back``);
- a file sent to the Addl SP due tomorrow, and one sent to the ADM due today (``file_received``
  with a due date, for the reminders before and on a due date);
- a relieving order drafted by the Head Clerk, approved by the Addl SP, signed by her in ink
  (the scan is the printed draft itself: the demo has no ink) and issued under the office's seal
  (``draft.approved``, ``draft.issued``): no step needs an officer's DSC token;
- the SP's DSC, a certificate in his name from the demo PKI's DSC CA (tools/demo_pki.py) that
  expires in 20 days, enrolled by him; the seeding principal then runs identity's hourly expiry
  check once, so his 30-day warning is there at once (``dsc_expiring``); the 7- and 1-day ones
  come from the hourly check as the days pass. Skipped, and said, when the office trusts other
  DSC roots than the demo's;
- the SP's post delegated to the Addl SP from now until tomorrow evening, for his casual leave
  (``delegation_started``);
- VPN accounts issued by each district's nodal officer from its pool: to the Circle Officer, the
  SHO and the Tehsildar; the SHO's revoked and issued again (his laptop was replaced:
  ``vpn_issued``, ``vpn_revoked``);
- a circular from the state e-Office team to every post of the state (``circular``).

The order reaches the Addl SP as ``draft_for_approval`` and its drafter, the Head Clerk, hears
``draft_approved`` and ``draft_issued``. What falls due later comes by itself while the demo
runs: ``due_soon`` at 10:00 IST on the working day before a due date (today, for the file due
tomorrow, if the demo starts before ten), ``past_due`` on the working day after one,
``delegation_ending`` the evening before the SP's leave ends and ``delegation_ended`` when it
does.

Not staged, because a fresh office cannot honestly have them: the seven-working-day rule's
warnings, explanations and escalations (they need items held for days), a DSC that has expired
(an expired certificate cannot be enrolled), a person disabled (it would take someone out of the
demo), a signature on a DSC token (it needs the officer's token), and an email dispatch that
fails (dispatching would really mail the letter from this machine)."""

import base64
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from common.clock import IST
from common.errors import Conflict, Refused
from tools import demo_pki
from tools.demo_district import PEOPLE
from tools.demo_work import People

# The state e-Office team's circular to every post of the state.
CIRCULAR = (
    "admin.up",
    {
        "office_code": "UP",
        "title": "सोमवार से समस्त डाक ई-ऑफिस में / All dak in e-Office from Monday",
        "text": "सभी कार्यालय सोमवार से आवती केवल ई-ऑफिस में दर्ज करें। / From Monday every office "
        "diarises its dak in e-Office only.",
    },
)
POST_OF = {username: posts[0] for username, *_, posts in PEOPLE if posts}
DSC_HOLDER, DSC_DAYS = "sp.hathras", 20
# (holder, delegate, reason)
DELEGATION = ("sp.hathras", "asp.hathras", "आकस्मिक अवकाश / Casual leave")
# (nodal officer, person): a VPN account each; the SHO's laptop was replaced, so his first
# account is revoked and another issued.
VPN = [
    ("asp.hathras", "co.sadar.hathras"),
    ("asp.hathras", "sho.kotwali.hathras"),
    ("adm.hathras", "tehsildar.sadar.hathras"),
]
VPN_REISSUED = ("asp.hathras", "sho.kotwali.hathras")


class Sending(NamedTuple):
    """A file opened, noted and sent, and what happened to it then: ``sent_back`` by its
    receiver with ``remark``, ``pulled_back`` by its opener with ``remark``, or ``issued``
    (its draft approved, signed on paper and issued by the receiver); ``due_in_days`` from
    today (Indian time)."""

    opener: str
    subject: str
    note: str
    to: str
    then: str | None = None
    remark: str = ""
    priority: str = "normal"
    due_in_days: int | None = None

    @property
    def waits_at(self) -> str:
        """The post the file waits at once the demo is seeded."""
        return POST_OF[self.opener] if self.then in ("sent_back", "pulled_back") else self.to


# fmt: off
FILES = [
    Sending("reader.hathras", "मासिक अपराध समीक्षा: पुलिस उपमहानिरीक्षक, अलीगढ़ परिक्षेत्र को सूचना",
            "परिक्षेत्रीय कार्यालय द्वारा माँगी गई सूचना का प्रारूप अवलोकनार्थ प्रस्तुत है।", "SP-HTR",
            "sent_back", "थाना कोतवाली नगर के आँकड़े भी सम्मिलित कर पुनः प्रस्तुत करें।"),
    Sending("hc.estt.hathras", "थाना कोतवाली नगर का अर्धवार्षिक निरीक्षण: अनुपालन आख्या",
            "निरीक्षण टिप्पणी के बिन्दुओं पर अनुपालन आख्या प्रस्तुत है।", "CO-SADAR-HTR",
            "pulled_back", "निरीक्षण टिप्पणी संलग्न होने से रह गई थी; संलग्न कर पुनः प्रस्तुत की जाएगी।"),
    Sending("co.sadar.hathras", "भूमि विवाद, ग्राम नगला भोज: जाँच आख्या",
            "प्रार्थिनी श्रीमती कमला देवी के प्रार्थना पत्र पर जाँच आख्या प्रस्तुत है।", "ASP-HTR",
            priority="immediate", due_in_days=1),
    Sending("sa.estt.collectorate.hathras", "आयुक्त महोदय की मासिक बैठक हेतु सूचना",
            "बैठक के एजेण्डा बिन्दुओं पर सूचना संकलित कर प्रस्तुत है।", "ADM-E-HTR",
            priority="most_immediate", due_in_days=0),
    Sending("hc.estt.hathras", "आरक्षी 1432 राम किशोर का स्थानांतरण: कार्यमुक्ति आदेश",
            "स्थानांतरण आदेश के अनुपालन में कार्यमुक्ति आदेश का आलेख अनुमोदनार्थ प्रस्तुत है।",
            "ASP-HTR", "issued"),
]
DRAFT = {
    "kind": "order",
    "subject": "कार्यमुक्ति आदेश: आरक्षी 1432 राम किशोर",
    "addressee": "आरक्षी 1432 राम किशोर, पुलिस लाइन्स हाथरस",
    "text": "पुलिस महानिरीक्षक, अलीगढ़ परिक्षेत्र के स्थानांतरण आदेश के अनुपालन में आरक्षी 1432 राम "
            "किशोर को तत्काल प्रभाव से जनपद हाथरस से कार्यमुक्त किया जाता है।",
}
# fmt: on


def seed_notices(rpc: Any, people: People, seeder: dict[str, str], data_dir: Path) -> list[str]:
    """Do what raises the demo's notices (the module's docstring); returns what was skipped
    and why. ``rpc`` is a Nameko cluster RPC proxy, ``seeder`` the seed principal's
    credential. Run once, with the demo's desk work (a second run would open the files
    again)."""
    for sending in FILES:
        _send(rpc.files, people, sending)
    _delegate(rpc.identity, people)
    _vpn(rpc.identity, people)
    rpc.notify.circulate(people.as_(CIRCULAR[0]), CIRCULAR[1])
    return _dsc(rpc.identity, people, seeder, data_dir)


def _send(files: Any, people: People, sending: Sending) -> None:
    opener, as_ = sending.opener, people.as_
    file = files.create_file(as_(opener), {"subject": sending.subject})
    files.add_note(as_(opener), file["id"], {"text": sending.note})
    if sending.then == "issued":
        file = files.create_draft(as_(opener), file["id"], DRAFT)
    request: dict[str, Any] = {
        "to_post_id": people.post(opener, sending.to),
        "priority": sending.priority,
    }
    if sending.due_in_days is not None:
        due = datetime.now(IST).date() + timedelta(days=sending.due_in_days)
        request["due_date"] = due.isoformat()
    files.send_file(as_(opener), file["id"], request)
    receiver = next(u for u, post in POST_OF.items() if post == sending.to)
    if sending.then == "pulled_back":
        files.pull_back(as_(opener), file["id"], {"remark": sending.remark})
    elif sending.then == "sent_back":
        files.get_file(as_(receiver), file["id"])  # he reads it first
        files.send_back(as_(receiver), file["id"], {"remark": sending.remark})
    elif sending.then == "issued":
        _issue(files, as_(receiver), file["id"], file["drafts"][-1]["id"])


def _issue(files: Any, officer: dict[str, str], file_id: str, draft_id: str) -> None:
    """The officer reads the draft, approves it, signs the printout in ink and uploads the
    scan; issuing seals it with the office's seal."""
    files.get_file(officer, file_id)
    files.approve_draft(officer, file_id, draft_id, {"version": 1})
    scan = files.draft_document(officer, file_id, draft_id, "latest")
    files.sign_on_paper(officer, file_id, draft_id, scan)
    files.issue_draft(officer, file_id, draft_id)


def _delegate(identity: Any, people: People) -> None:
    holder, delegate, reason = DELEGATION
    tomorrow = datetime.now(IST).date() + timedelta(days=1)
    ends = datetime.combine(tomorrow, time(18, 0), IST)
    identity.delegate_post(
        people.as_(holder),
        people.post(holder, POST_OF[holder]),
        {"to_user_id": people.user_id(delegate), "ends": ends.isoformat(), "reason": reason},
    )


def _vpn(identity: Any, people: People) -> None:
    for nodal, person in VPN:
        identity.issue_vpn(people.as_(nodal), people.user_id(person))
    nodal, person = VPN_REISSUED
    identity.revoke_vpn(people.as_(nodal), people.user_id(person))
    identity.issue_vpn(people.as_(nodal), people.user_id(person))


def _dsc(identity: Any, people: People, seeder: dict[str, str], data_dir: Path) -> list[str]:
    name = next(en for username, en, *_ in PEOPLE if username == DSC_HOLDER)
    pem = demo_pki.issue_dsc(data_dir, name, DSC_DAYS)
    if pem is None:
        return [f"{DSC_HOLDER}'s DSC: this demo PKI (made before it had a DSC CA) issues none"]
    try:
        identity.enrol_dsc(
            people.as_(DSC_HOLDER),
            people.user_id(DSC_HOLDER),
            {"certificate_b64": base64.b64encode(pem).decode()},
        )
    except (Conflict, Refused) as refused:  # DSC trust configured otherwise than the demo's
        return [f"{DSC_HOLDER}'s DSC: enrolment refused ({refused.code})"]
    identity.check_dsc_expiry(seeder)
    return []
