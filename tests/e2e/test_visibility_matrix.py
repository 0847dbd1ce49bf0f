"""Who may see what, as a matrix: every API route on receipts, files and documents, tried by every
relation a person can have to an item, on an item of every security grading.

The rule (DOMAIN.md, visibility.py): an item is seen by the posts it passed through (its creator
or diarist, its holders past and present) and by the posts up the chain of command from them; a
Secret or Top Secret item only by the posts it was marked to. A receipt put in a file is seen by
whoever may see the file. Everyone else is told it does not exist (404, the same answer as for an
id that was never issued), so ids cannot be probed. Acting on an item you may see but do not hold
is refused with 409; on one you may not see, with 404.

Each grading gets its own items, moved along one known path before any cell runs:

    receipt          diarised by the CRU, sent to the Head Clerk, who sends it to the ASP (holder)
    receipt_to_file  the same path; only put-in-file is tried on it (the holder's try succeeds)
    file             opened by the CRU (a green note, a receipt put in), sent to the Head Clerk,
                     who sends it to the ASP (holder); the ASP has opened it
    filed_receipt    the receipt in that file: seen through the file

and the relations are the demo district's people (tools/demo_district.py), plus a person of
another district created for this module:

    holder          asp.hathras          holds it now (ASP-HTR)
    past_holder     hc.estt.hathras      held it and sent it on (HC-ESTT-SP-HTR)
    creator         cru.hathras          diarised the receipt, opened the file (CRU-SP-HTR)
    supervisor      sp.hathras           above every post it passed (SP-HTR); never marked it
    peer            reader.hathras       same office (SP-HTR), not involved, not above anyone
    other_office    sho.kotwali.hathras  a police station of the same district, below the chain
    other_district  (created here)       a post in an office of another district
    state_admin     admin.up             the state's e-Office team: admin, but holds no post

ROUTES classifies every route the gateway serves under /api/v1/receipts, /api/v1/files and
/api/v1/documents (and the history export, whose path names its kind), and under
/api/v1/deliveries and /api/v1/dispatches (an email or SMS by its id, an issued letter's emails by
its number: judged by notify, tried in test_notify_api.py) and /api/v1/leave (an application by
its id: judged by leave, tried in test_leave_api.py); a route the gateway serves that is not
classified fails ``test_every_item_route_is_in_the_matrix`` by name, and so does a classified
route that is no longer served, so the matrix cannot silently shrink.

Writes never change what the other cells see: every write the holder may make carries a stale
version (409 VERSION_CONFLICT proves it got past "may see" and "holds"), or is refused by the
item's state, except two harmless ones (a yellow note, putting ``receipt_to_file`` in a file).
"""

import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import get_args

import pytest
import requests

from services.files.schemas import Grading
from tests.support.office import DEMO_PASSWORD
from tests.support.pdfs import pdf

TIMEOUT = 60
API = "/api/v1"
PARALLEL = 12
STALE = 1  # every item here is past its first version when the cells run
GRADINGS = ("normal", "confidential", "secret", "top_secret")
CLASSIFIED = ("secret", "top_secret")
SEE_ALWAYS = ("holder", "past_holder", "creator")  # the posts it was marked to
DESKLESS = ("state_admin",)  # holds no post: can hold no file to put a letter in
RELATIONS = {
    "holder": "asp.hathras",
    "past_holder": "hc.estt.hathras",
    "creator": "cru.hathras",
    "supervisor": "sp.hathras",
    "peer": "reader.hathras",
    "other_office": "sho.kotwali.hathras",
    "other_district": None,  # created by the module's fixture
    "state_admin": "admin.up",
}


def may_see(relation: str, grading: str) -> bool:
    if relation in SEE_ALWAYS:
        return True
    return relation == "supervisor" and grading not in CLASSIFIED


# --- the route table --------------------------------------------------------------------------

RECEIPT_NOT_FOUND, FILE_NOT_FOUND, DOCUMENT_NOT_FOUND = (
    "RECEIPT_NOT_FOUND",
    "FILE_NOT_FOUND",
    "DOCUMENT_NOT_FOUND",
)
RECEIPTS = ("receipt", "filed_receipt")


@dataclass(frozen=True)
class Ctx:
    """What a request body may refer to: the item, the acting person's own file, the posts."""

    item: dict
    own_file: str | None  # of the item's grading; None: the person holds no post, so no file
    grading_file: str  # the matrix file of the item's grading
    posts: dict


@dataclass(frozen=True)
class Route:
    """An item route: which items it is tried on, and what each person must get.

    A read answers 200 to whoever may see the item. A write answers 409 with one of ``seer`` to
    whoever may see but does not hold it, and ``holder`` (status, codes) to the holder."""

    kinds: tuple[str, ...]
    hidden: str
    write: bool = False
    body: Callable[[Ctx], dict] | None = None
    seer: tuple[str, ...] = ()
    holder: tuple[int, tuple[str, ...]] | None = None
    binary: str | None = None  # the media type of a 200 that is not JSON
    hidden_deskless: str | None = None  # the 404 for one with no desk, if the body names a file
    renders: bool = False  # makes a PDF in the files service's worker threads (see ``answers``)


@dataclass(frozen=True)
class NotAnItem:
    """A route in scope that acts on no existing item (so there is nothing to hide)."""

    why: str


def read(kinds, hidden, binary=None, renders=False) -> Route:
    return Route(kinds=kinds, hidden=hidden, binary=binary, renders=renders)


def write(kinds, hidden, body, seer, holder) -> Route:
    return Route(kinds=kinds, hidden=hidden, write=True, body=body, seer=seer, holder=holder)


def refused(*codes: str) -> tuple[int, tuple[str, ...]]:
    return 409, codes


def stale(**fields) -> Callable[[Ctx], dict]:
    return lambda ctx: {**fields, "version": STALE}


R = f"{API}/receipts/{{receipt_id}}"
F = f"{API}/files/{{file_id}}"
NOT_WITH_YOU_R = ("RECEIPT_NOT_WITH_YOU",)
NOT_WITH_YOU_F = ("FILE_NOT_WITH_YOU",)
VERSION = refused("VERSION_CONFLICT")
PDF = "application/pdf"
LEAVE_NOT_FOUND = "LEAVE_APPLICATION_NOT_FOUND"
LEAVE_ACTIONS = (
    "recommend",
    "return",
    "reject",
    "sanction",
    "resubmit",
    "cancel",
    "joining",
)

ROUTES: dict[tuple[str, str], Route | NotAnItem] = {
    # receipts (dak)
    ("POST", f"{API}/receipts"): NotAnItem("diarises a new receipt"),
    ("GET", R): read(RECEIPTS, RECEIPT_NOT_FOUND),
    ("PATCH", R): write(
        RECEIPTS, RECEIPT_NOT_FOUND, stale(subject="Corrected subject"), NOT_WITH_YOU_R, VERSION
    ),
    ("POST", f"{R}/send"): write(
        RECEIPTS,
        RECEIPT_NOT_FOUND,
        lambda ctx: {"to_post_id": ctx.posts["RDR-SP-HTR"], "version": STALE},
        NOT_WITH_YOU_R,
        VERSION,
    ),
    ("POST", f"{R}/receive"): write(RECEIPTS, RECEIPT_NOT_FOUND, stale(), NOT_WITH_YOU_R, VERSION),
    ("POST", f"{R}/reply"): write(
        RECEIPTS, RECEIPT_NOT_FOUND, stale(text="We are looking into it."), NOT_WITH_YOU_R, VERSION
    ),
    # The holder's reply was drafted and discarded while setting up: discarding it again is
    # refused by its state, after "may see" and "holds".
    ("POST", f"{R}/drafts/{{draft_id}}/discard"): write(
        RECEIPTS, RECEIPT_NOT_FOUND, None, NOT_WITH_YOU_R, refused("DRAFT_NOT_DISCARDABLE")
    ),
    ("POST", f"{R}/close"): write(RECEIPTS, RECEIPT_NOT_FOUND, stale(), NOT_WITH_YOU_R, VERSION),
    ("POST", f"{R}/explanation"): write(
        RECEIPTS,
        RECEIPT_NOT_FOUND,
        stale(text="Awaiting the SHO's report."),
        NOT_WITH_YOU_R,
        VERSION,
    ),
    # Into the acting person's own file; the holder's try files ``receipt_to_file``, which no
    # other route uses.
    ("POST", f"{R}/put-in-file"): Route(
        kinds=("receipt_to_file", "filed_receipt"),
        hidden=RECEIPT_NOT_FOUND,
        hidden_deskless=FILE_NOT_FOUND,  # the file it names is hidden from them too
        write=True,
        body=lambda ctx: {"file_id": ctx.own_file or ctx.grading_file},
        seer=NOT_WITH_YOU_R,
        holder=(200, ()),
    ),
    ("GET", f"{R}/history"): read(RECEIPTS, RECEIPT_NOT_FOUND),
    ("GET", f"{R}/history/verify"): read(RECEIPTS, RECEIPT_NOT_FOUND),
    ("GET", f"{API}/receipts/{{item_id}}/history.csv"): read(
        RECEIPTS, RECEIPT_NOT_FOUND, "text/csv"
    ),
    ("GET", f"{API}/receipts/{{item_id}}/history.pdf"): read(
        RECEIPTS, RECEIPT_NOT_FOUND, PDF, renders=True
    ),
    # documents: the receipt's scanned letter, by its SHA-256
    ("GET", f"{API}/documents/{{sha256}}"): read(RECEIPTS, DOCUMENT_NOT_FOUND, PDF),
    ("GET", f"{API}/documents/{{sha256}}/text"): read(RECEIPTS, DOCUMENT_NOT_FOUND),
    # files
    ("POST", f"{API}/files"): NotAnItem("opens a new file"),
    ("GET", F): read(("file",), FILE_NOT_FOUND),
    ("POST", f"{F}/notes"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"text": "A yellow note of the holder."},
        NOT_WITH_YOU_F,
        (201, ()),
    ),
    # {note_id} is the creator's green note: nobody may change it, whoever holds the file.
    ("PATCH", f"{F}/notes/{{note_id}}"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"text": "Changed"},
        ("NOTE_IS_GREEN",),
        refused("NOTE_IS_GREEN"),
    ),
    ("DELETE", f"{F}/notes/{{note_id}}"): write(
        ("file",), FILE_NOT_FOUND, None, ("NOTE_IS_GREEN",), refused("NOTE_IS_GREEN")
    ),
    ("POST", f"{F}/notes/{{note_id}}/confirm"): write(
        ("file",), FILE_NOT_FOUND, None, NOT_WITH_YOU_F, refused("NOTE_IS_GREEN")
    ),
    ("POST", f"{F}/send"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"to_post_id": ctx.posts["RDR-SP-HTR"], "version": STALE},
        NOT_WITH_YOU_F,
        VERSION,
    ),
    ("POST", f"{F}/send-back"): write(("file",), FILE_NOT_FOUND, stale(), NOT_WITH_YOU_F, VERSION),
    ("POST", f"{F}/explanation"): write(
        ("file",), FILE_NOT_FOUND, stale(text="Awaiting the SHO's report."), NOT_WITH_YOU_F, VERSION
    ),
    # The holder has opened it, so even its sender (the past holder) cannot take it back.
    ("POST", f"{F}/pull-back"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {},
        ("NOT_THE_SENDER", "ALREADY_OPENED"),
        refused("NOT_THE_SENDER"),
    ),
    ("POST", f"{F}/park"): write(("file",), FILE_NOT_FOUND, stale(), NOT_WITH_YOU_F, VERSION),
    ("POST", f"{F}/unpark"): write(("file",), FILE_NOT_FOUND, stale(), NOT_WITH_YOU_F, VERSION),
    ("POST", f"{F}/close"): write(
        ("file",), FILE_NOT_FOUND, stale(approval_paragraph=1), NOT_WITH_YOU_F, VERSION
    ),
    # Open files: reopening and recording are refused by the file's state.
    ("POST", f"{F}/reopen"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"approval_paragraph": 1},
        ("FILE_NOT_CLOSED", "ONLY_CLOSER_REOPENS"),
        refused("FILE_NOT_CLOSED"),
    ),
    ("POST", f"{F}/record"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"category": "A"},
        ("ONLY_PHYSICAL_RECORDED", "FILE_NOT_CLOSED", "ONLY_CLOSER_RECORDS"),
        refused("ONLY_PHYSICAL_RECORDED", "FILE_NOT_CLOSED"),
    ),
    ("POST", f"{F}/link"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"other_file_id": ctx.item["id"], "version": STALE},
        NOT_WITH_YOU_F,
        VERSION,
    ),
    ("POST", f"{F}/delink"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"other_file_id": ctx.item["id"], "version": STALE},
        NOT_WITH_YOU_F,
        VERSION,
    ),
    ("POST", f"{F}/merge"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"other_file_id": ctx.item["id"], "reason": "same matter", "version": STALE},
        NOT_WITH_YOU_F,
        VERSION,
    ),
    # drafts for approval: {draft_id} is the creator's draft letter, still a draft, so the
    # holder's tries are refused by its state (or by what the request lacks) and change nothing.
    ("POST", f"{F}/drafts"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"subject": "Reply", "addressee": "The sender"},
        NOT_WITH_YOU_F,
        refused("DRAFT_NEEDS_TEXT_OR_PDF"),
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/versions"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"text": ""},
        NOT_WITH_YOU_F,
        refused("DRAFT_NEEDS_TEXT_OR_PDF"),
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/approve"): write(
        ("file",), FILE_NOT_FOUND, lambda ctx: {"version": 99}, NOT_WITH_YOU_F, VERSION
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/sign"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"password": "not asked yet"},
        NOT_WITH_YOU_F,
        refused("DRAFT_WRONG_STATE"),
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/paper-signed"): write(
        ("file",), FILE_NOT_FOUND, None, NOT_WITH_YOU_F, refused("DRAFT_WRONG_STATE")
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/issue"): write(
        ("file",), FILE_NOT_FOUND, None, NOT_WITH_YOU_F, refused("DRAFT_WRONG_STATE")
    ),
    ("POST", f"{F}/drafts/{{draft_id}}/dispatch"): write(
        ("file",),
        FILE_NOT_FOUND,
        lambda ctx: {"mode": "post", "to": ["The sender"]},
        NOT_WITH_YOU_F,
        refused("DRAFT_WRONG_STATE"),
    ),
    ("GET", f"{F}/drafts/{{draft_id}}/pdf"): read(("file",), FILE_NOT_FOUND, PDF),
    ("GET", f"{F}/history"): read(("file",), FILE_NOT_FOUND),
    ("GET", f"{F}/history/verify"): read(("file",), FILE_NOT_FOUND),
    ("GET", f"{F}/notesheet.pdf"): read(("file",), FILE_NOT_FOUND, PDF, renders=True),
    ("GET", f"{API}/files/{{item_id}}/history.csv"): read(("file",), FILE_NOT_FOUND, "text/csv"),
    ("GET", f"{API}/files/{{item_id}}/history.pdf"): read(
        ("file",), FILE_NOT_FOUND, PDF, renders=True
    ),
    # how notices and letters went out: no receipt or file is read through them
    ("GET", f"{API}/deliveries/dead"): NotAnItem(
        "the admin's dead-letter list (403 for anyone else): kind, channel, address, no subject"
    ),
    ("POST", f"{API}/deliveries/{{delivery_id}}/replay"): NotAnItem(
        "an email or SMS by its id: 404 DELIVERY_NOT_FOUND outside the admin's offices, the same "
        "as an id nobody issued (test_notify_api.py)"
    ),
    ("GET", f"{API}/dispatches/{{issue_number}}/deliveries"): NotAnItem(
        "an issued letter's emails by its number: for the desk that dispatched it and its admins, "
        "an empty list for anyone else (test_notify_api.py)"
    ),
    # the record room: a legacy record is a file (its routes above judge it); a batch is seen
    # only by the post that uploaded it and the posts above, 404 RECORDS_BATCH_NOT_FOUND for
    # anyone else, as for an id nobody issued (test_records_api.py)
    ("POST", f"{API}/records/batches"): NotAnItem("records new legacy files (a new batch)"),
    ("GET", f"{API}/records/batches/{{batch_id}}"): NotAnItem(
        "a batch's report: 404 RECORDS_BATCH_NOT_FOUND off its desk (test_records_api.py)"
    ),
    **{
        ("GET", f"{API}/records/due-for-review{fmt}"): NotAnItem(
            "recorded files the caller may see (visibility.may_see), nothing else"
        )
        for fmt in ("", ".{fmt}")
    },
    # leave: an application is judged by the leave service, not by a grading; anyone who is
    # not its applicant and not a post it passed gets 404 LEAVE_APPLICATION_NOT_FOUND, the same
    # as for an id nobody issued, on every route below (test_leave_api.py)
    ("GET", f"{API}/leave/balance"): NotAnItem("the caller's own balance"),
    ("POST", f"{API}/leave/applications"): NotAnItem("applies for leave (a new application)"),
    ("GET", f"{API}/leave/applications"): NotAnItem("the caller's own applications"),
    ("GET", f"{API}/leave/to-act-on"): NotAnItem("applications waiting at the caller's posts"),
    ("POST", f"{API}/leave/opening-balances"): NotAnItem(
        "an opening balance sheet: each row's person outside the uploader's offices is rejected "
        "PERSON_OUTSIDE_YOUR_OFFICES (test_leave_api.py)"
    ),
    **{
        ("GET", f"{API}/leave/{what}"): NotAnItem(
            "an office's leave: for its officers and nodal officers or admins over it, 404 "
            "OFFICE_NOT_FOUND for anyone else (test_leave_office_api.py)"
        )
        for what in ("calendar", "register", "register.csv")
    },
    **{
        (method, f"{API}/leave/applications/{{application_id}}{action}"): NotAnItem(
            f"a leave application: someone else's is 404 {LEAVE_NOT_FOUND} (test_leave_api.py)"
        )
        for method, action in (
            ("GET", ""),
            *(("POST", f"/{a}") for a in LEAVE_ACTIONS),
        )
    },
    ("GET", f"{API}/leave/applications/{{application_id}}/order"): NotAnItem(
        "a leave application's sanction order: its applicant's and the officers' who acted on it, "
        f"404 {LEAVE_NOT_FOUND} to anyone else (test_leave_orders.py)"
    ),
    ("POST", f"{API}/leave/certificates"): NotAnItem(
        "uploads the caller's own medical certificate (a new one, kept as theirs)"
    ),
    ("GET", f"{API}/leave/applications/{{application_id}}/certificate"): NotAnItem(
        "a leave application's medical certificate: for whoever may see the application, "
        f"404 {LEAVE_NOT_FOUND} to anyone else (test_leave_certificates.py)"
    ),
}
ITEM_ROUTES = {key: r for key, r in ROUTES.items() if isinstance(r, Route)}
PRINTOUTS = {key for key, route in ITEM_ROUTES.items() if route.renders}


def expected(route: Route, kind: str, grading: str, relation: str) -> tuple[int, tuple[str, ...]]:
    """What ``relation`` must get from ``route`` on the ``kind`` item of ``grading``."""
    if not may_see(relation, grading):
        if relation in DESKLESS and route.hidden_deskless:
            return 404, (route.hidden_deskless,)
        return 404, (route.hidden,)
    if not route.write:
        return 200, ()
    if kind == "filed_receipt":
        # A receipt in a file is not acted on by itself: its diarist still holds it, but it is no
        # longer open (a stale version may be noticed first); everyone else does not hold it.
        return 409, (
            ("RECEIPT_NOT_OPEN", "VERSION_CONFLICT") if relation == "creator" else route.seer
        )
    return route.holder if relation == "holder" else (409, route.seer)


def short(path: str) -> str:
    return path.removeprefix(API + "/")


MATRIX = [
    pytest.param(
        key,
        kind,
        grading,
        relation,
        id=f"{key[0]} {short(key[1])}|{kind}|{grading}|{relation}",
    )
    for key, route in ITEM_ROUTES.items()
    for kind in route.kinds
    for grading in GRADINGS
    for relation in RELATIONS
]


# --- the served routes ------------------------------------------------------------------------

SCOPE = (
    f"{API}/receipts",
    f"{API}/files",
    f"{API}/documents",
    f"{API}/deliveries",
    f"{API}/dispatches",
    f"{API}/leave",
    f"{API}/records",
)
ANY = re.compile(r"<any\(([^)]*)\):[A-Za-z_][A-Za-z0-9_]*>")
PARAM = re.compile(r"<(?:[A-Za-z_]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>")


def spelled_out(rule: str) -> list[str]:
    """A Werkzeug rule as OpenAPI-style paths, one per choice of each ``any(...)`` converter
    (``/<any(receipts, files):kind>/x`` is two routes: ``/receipts/x`` and ``/files/x``)."""
    match = ANY.search(rule)
    if match is None:
        return [PARAM.sub(r"{\1}", rule)]
    choices = [c.strip().strip("'\"") for c in match.group(1).split(",")]
    return [
        path
        for choice in choices
        for path in spelled_out(rule[: match.start()] + choice + rule[match.end() :])
    ]


def served_item_routes(monkeypatch) -> set[tuple[str, str]]:
    """Every route of the gateway app (as its factory builds it) that can reach a receipt, a
    file or a document: under those prefixes, or with a variable where they would be."""
    monkeypatch.setenv("EOFFICE_SECRET_KEY", "only-to-list-routes")
    from gateway.app import create_app

    routes = set()
    for rule in create_app().url_map.iter_rules():
        for path in spelled_out(rule.rule):
            if path.startswith(SCOPE) or path.startswith(f"{API}/{{"):
                routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_every_item_route_is_in_the_matrix(monkeypatch):
    served = served_item_routes(monkeypatch)
    unclassified = sorted(served - ROUTES.keys())
    assert not unclassified, (
        "routes that reach receipts, files or documents but are not in ROUTES (classify each: "
        f"who may call it, what a non-holder gets): {unclassified}"
    )
    gone = sorted(ROUTES.keys() - served)
    assert not gone, f"ROUTES names routes the gateway no longer serves: {gone}"
    assert set(GRADINGS) == set(get_args(Grading)), "a grading is missing from the matrix"
    cells = sum(len(r.kinds) for r in ITEM_ROUTES.values()) * len(GRADINGS) * len(RELATIONS)
    assert len(MATRIX) == cells


# --- the people and the items -----------------------------------------------------------------


class Person:
    def __init__(self, url: str, tokens: dict):
        self.url = url
        self.user = tokens["user"]
        self.post_ids = [p["id"] for p in self.user["posts"]]
        self.auth = {"Authorization": f"Bearer {tokens['access_token']}"}

    def call(self, method: str, path: str, **kw) -> requests.Response:
        """One request (no shared session: the matrix is asked from several threads)."""
        return requests.request(method, self.url + path, headers=self.auth, timeout=TIMEOUT, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw) -> dict:
        r = self.call(method, path, **kw)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text[:500]}"
        return r.json()

    def diarise(self, grading: str, subject: str, content: bytes) -> dict:
        form = {
            "subject": subject,
            "sender": "Ram Lal, Sasni",
            "letter_date": "2025-01-15",
            "grading": grading,
        }
        parts = [(k, (None, v)) for k, v in form.items()]
        parts.append(("pdf", ("letter.pdf", content, "application/pdf")))
        return self.ok("POST", f"{API}/receipts", 201, files=parts)

    def new_file(self, subject: str, grading: str = "normal") -> dict:
        return self.ok("POST", f"{API}/files", 201, json={"subject": subject, "grading": grading})


@dataclass
class World:
    people: dict[str, Person]
    posts: dict[str, str]  # abbreviation -> id
    items: dict[tuple[str, str], dict]  # (kind, grading) -> item
    # (relation, grading) -> a file of that grading the person opened and holds
    own_files: dict[tuple[str, str], str] = field(default_factory=dict)

    def ctx(self, kind: str, grading: str, relation: str) -> Ctx:
        return Ctx(
            self.items[kind, grading],
            self.own_files.get((relation, grading)),
            self.items["file", grading]["id"],
            self.posts,
        )


def token() -> str:
    """A word of its own, to find an item by search and nothing else."""
    return "vm" + uuid.uuid4().hex[:12]


def other_district_person(office, admin: Person) -> dict:
    """A dealing hand with a post in a district office of its own, made through the API."""
    tag = uuid.uuid4().hex[:6].upper()
    office_code, post = f"SP-VM-{tag}", f"RDR-VM-{tag}"
    admin.ok(
        "POST",
        f"{API}/offices",
        201,
        json={
            "code": office_code,
            "name_en": f"SP Office, Matrix {tag}",
            "name_hi": f"पुलिस अधीक्षक कार्यालय, मैट्रिक्स {tag}",
            "level": "district",
            "parent_code": "ALIGARH-RANGE",
        },
    )
    admin.ok(
        "POST",
        f"{API}/posts",
        201,
        json={
            "office_code": office_code,
            "abbreviation": post,
            "name_en": "Reader",
            "name_hi": "वाचक",
        },
    )
    username = f"reader.vm.{tag.lower()}"
    admin.ok(
        "POST",
        f"{API}/users",
        201,
        json={
            "username": username,
            "name_en": "Matrix Reader",
            "name_hi": "मैट्रिक्स वाचक",
            "password": DEMO_PASSWORD,
            "roles": ["dealing_hand"],
            "office_code": office_code,
            "posts": [post],
        },
    )
    r = requests.post(
        f"{office.url}{API}/auth/login",
        json={"username": username, "password": DEMO_PASSWORD},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    return r.json()


def moved_receipt(people: dict[str, Person], posts: dict, grading: str) -> dict:
    """Diarised by the CRU, sent to the Head Clerk, sent on by them to the ASP, opened there."""
    cru, hc, asp = people["creator"], people["past_holder"], people["holder"]
    word, content = token(), pdf(text=f"Letter {uuid.uuid4().hex}")
    receipt = cru.diarise(grading, f"Matrix letter {word}", content)
    path = f"{API}/receipts/{receipt['id']}"
    cru.ok("POST", f"{path}/send", json={"to_post_id": posts["HC-ESTT-SP-HTR"]})
    hc.ok("GET", path)
    hc.ok("POST", f"{path}/send", json={"to_post_id": posts["ASP-HTR"]})
    seen = asp.ok("GET", path)
    assert seen["holder_post_id"] == posts["ASP-HTR"] and seen["opened_at"], seen
    return {"id": receipt["id"], "sha256": receipt["document"]["sha256"], "token": word}


def moved_file(people: dict[str, Person], posts: dict, grading: str) -> tuple[dict, dict]:
    """Opened by the CRU with a green note and a receipt put in, sent to the Head Clerk, sent on
    by them to the ASP, opened there. Returns the file and the receipt in it."""
    cru, hc, asp = people["creator"], people["past_holder"], people["holder"]
    word, content = token(), pdf(text=f"Letter {uuid.uuid4().hex}")
    letter = cru.diarise(grading, f"Matrix filed letter {word}", content)
    file_word = token()
    file = cru.new_file(f"Matrix file {file_word}", grading)
    path = f"{API}/files/{file['id']}"
    note = cru.ok("POST", f"{path}/notes", 201, json={"text": "Put up for orders."})["notes"][0]
    cru.ok("POST", f"{path}/notes/{note['id']}/confirm")
    draft = cru.ok(
        "POST",
        f"{path}/drafts",
        201,
        json={"subject": "Reply", "addressee": "The sender", "text": "Your letter is received."},
    )["drafts"][0]
    cru.ok("POST", f"{API}/receipts/{letter['id']}/put-in-file", json={"file_id": file["id"]})
    cru.ok("POST", f"{path}/send", json={"to_post_id": posts["HC-ESTT-SP-HTR"]})
    hc.ok("GET", path)
    hc.ok("POST", f"{path}/send", json={"to_post_id": posts["ASP-HTR"]})
    seen = asp.ok("GET", path)
    assert seen["holder_post_id"] == posts["ASP-HTR"] and seen["opened_at"], seen
    assert [c["id"] for c in seen["correspondence"]] == [letter["id"]]
    filed = {
        "id": letter["id"],
        "sha256": letter["document"]["sha256"],
        "token": word,
        "draft_id": uuid.uuid4().hex,  # it has none: a receipt in a file is not replied to
    }
    return {
        "id": file["id"],
        "note_id": note["id"],
        "draft_id": draft["id"],
        "token": file_word,
    }, filed


@pytest.fixture(scope="module")
def world(office, login) -> World:
    people = {
        relation: Person(office.url, login(username))
        for relation, username in RELATIONS.items()
        if username
    }
    people["other_district"] = Person(
        office.url, other_district_person(office, people["state_admin"])
    )
    assert people["state_admin"].post_ids == [], "the state admin must hold no post"
    posts = {
        p["abbreviation"]: p["id"] for p in people["creator"].ok("GET", f"{API}/posts")["items"]
    }

    items: dict[tuple[str, str], dict] = {}
    for grading in GRADINGS:
        receipt = moved_receipt(people, posts, grading)
        # The holder drafts a reply and throws it away: the draft the discard route is tried on.
        path = f"{API}/receipts/{receipt['id']}"
        replied = people["holder"].ok("POST", f"{path}/reply", json={"text": "Noted."})
        receipt["draft_id"] = replied["drafts"][-1]["id"]
        people["holder"].ok("POST", f"{path}/drafts/{receipt['draft_id']}/discard")
        items["receipt", grading] = receipt
        items["receipt_to_file", grading] = moved_receipt(people, posts, grading)
        items["file", grading], items["filed_receipt", grading] = moved_file(people, posts, grading)

    # A desk file of each grading for everyone who holds a post: put-in-file names one (so
    # what the holder files stays among the same eyes), and so do link and merge.
    own_files = {
        (relation, grading): person.new_file(f"Desk file {token()}", grading)["id"]
        for relation, person in people.items()
        if person.post_ids
        for grading in GRADINGS
    }
    return World(people, posts, items, own_files)


# --- the matrix -------------------------------------------------------------------------------


def fill(path: str, item: dict) -> str:
    for name in ("receipt_id", "file_id", "item_id"):
        path = path.replace(f"{{{name}}}", item["id"])
    for name in ("note_id", "draft_id", "sha256"):
        if f"{{{name}}}" in path:
            path = path.replace(f"{{{name}}}", item[name])
    return path


def tried(world: World, key, kind: str, grading: str, relation: str, path=None):
    method, template = key
    route = ITEM_ROUTES[key]
    ctx = world.ctx(kind, grading, relation)
    path = path or fill(template, ctx.item)
    body = route.body(ctx) if route.body else None
    return world.people[relation].call(method, path, json=body)


def check(r: requests.Response, status: int, codes: tuple[str, ...], what: str) -> None:
    request = f"{r.request.method} {r.request.path_url} body={(r.request.body or b'')[:300]!r}"
    answer = f"{r.status_code} {r.text[:400]}"
    assert r.status_code == status, f"{what}: expected {status} {codes}\n  {request}\n  -> {answer}"
    if codes:
        error = r.json().get("error", {})
        assert error.get("code") in codes, (
            f"{what}: expected {status} {codes}\n  {request}\n  -> {answer}"
        )


@pytest.fixture(scope="module")
def answers(world, request) -> dict:
    """The request of every cell selected for this run, made once, several at a time (the
    gateway serves sixteen at once, and no cell's request changes what another cell's person
    may see): each cell then judges its own answer. An answer that never came is kept as the
    exception that stopped it."""

    def ask(cell):
        try:
            return tried(world, *cell)
        except requests.RequestException as exc:
            return exc

    cells = [
        tuple(item.callspec.params[name] for name in ("key", "kind", "grading", "relation"))
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_cell" and item.module is request.module
    ]
    # A printout is rendered in a worker thread of the files service, and two at once hang
    # there for good (reported); until that is fixed they are asked one at a time.
    printed = [c for c in cells if c[0] in PRINTOUTS]
    rest = [c for c in cells if c[0] not in PRINTOUTS]
    with ThreadPoolExecutor(PARALLEL) as pool:
        got = dict(zip(rest, pool.map(ask, rest), strict=True))
    return got | {cell: ask(cell) for cell in printed}


@pytest.mark.parametrize("key, kind, grading, relation", MATRIX)
def test_cell(world, answers, key, kind, grading, relation):
    route = ITEM_ROUTES[key]
    status, codes = expected(route, kind, grading, relation)
    r = answers[key, kind, grading, relation]
    if isinstance(r, Exception):
        raise r
    check(r, status, codes, f"{relation} on a {grading} {kind}")
    if status == 200 and not route.write:
        if route.binary:
            assert r.headers["Content-Type"].startswith(route.binary), r.headers
            assert r.content.startswith(b"%PDF") if route.binary == PDF else r.content
        else:
            shown = r.json()
            if "id" in shown:  # the item itself, not its history
                assert shown["id"] == world.items[kind, grading]["id"], shown


# --- search: a listing must agree with the matrix ---------------------------------------------

SEARCHED = ("receipt", "filed_receipt", "file")


@pytest.mark.parametrize(
    "kind, grading, relation",
    [
        pytest.param(k, g, rel, id=f"{k}|{g}|{rel}")
        for k in SEARCHED
        for g in GRADINGS
        for rel in RELATIONS
    ],
)
def test_search_finds_an_item_for_exactly_those_who_may_see_it(world, kind, grading, relation):
    item = world.items[kind, grading]
    r = world.people[relation].call("GET", f"{API}/search", params={"q": item["token"]})
    assert r.status_code == 200, r.text
    found = [i["id"] for i in r.json()["items"]]
    assert (item["id"] in found) == may_see(relation, grading), (
        f"GET {API}/search?q={item['token']} as {relation} on a {grading} {kind}: "
        f"{'found' if item['id'] in found else 'not found'} ({r.text[:300]})"
    )


# --- what a body refers to is judged the same way ---------------------------------------------

DESKED = [rel for rel in RELATIONS if rel != "state_admin"]  # they hold a file of their own


@pytest.mark.parametrize(
    "action, grading, relation",
    [
        pytest.param(a, g, rel, id=f"{a}|{g}|{rel}")
        for a in ("link", "delink", "merge", "put-in-file")
        for g in GRADINGS
        for rel in DESKED
    ],
)
def test_a_file_named_in_the_body_is_judged_like_one_in_the_path(world, action, grading, relation):
    """Linking or merging one's own file with the matrix file, or putting a letter of one's own
    into it: 404 for those who may not see it; for those who may, it is found and the action
    goes as far as holding allows."""
    person, target = world.people[relation], world.items["file", grading]["id"]
    own = world.own_files[relation, grading]
    if action == "put-in-file":
        letter = person.diarise("normal", f"Own letter {token()}", pdf(text=uuid.uuid4().hex))
        r = person.call(
            "POST", f"{API}/receipts/{letter['id']}/put-in-file", json={"file_id": target}
        )
        seer = (200, ()) if relation == "holder" else (409, NOT_WITH_YOU_F)
    elif action == "merge":
        r = person.call(
            "POST",
            f"{API}/files/{own}/merge",
            json={"other_file_id": target, "reason": "same matter"},
        )
        seer = (409, ("ONLY_PHYSICAL_MERGED",) if relation == "holder" else NOT_WITH_YOU_F)
    else:
        r = person.call("POST", f"{API}/files/{own}/{action}", json={"other_file_id": target})
        seer = (200, ())
    status, codes = seer if may_see(relation, grading) else (404, (FILE_NOT_FOUND,))
    check(r, status, codes, f"{relation}: {action} with a {grading} file")


@pytest.mark.parametrize("grading", CLASSIFIED)
def test_a_classified_letter_put_in_a_normal_file_stays_with_those_it_was_marked_to(world, grading):
    """The ASP puts a Secret letter of their own desk into a Normal file of their own. The SP
    sees the file (they are above the ASP) but was never marked the letter: either the letter
    may not go into a file of a lower grading, or it stays hidden from the SP inside it."""
    asp, sp = world.people["holder"], world.people["supervisor"]
    letter = asp.diarise(grading, f"Classified letter {token()}", pdf(text=uuid.uuid4().hex))
    r = asp.call(
        "POST",
        f"{API}/receipts/{letter['id']}/put-in-file",
        json={"file_id": world.own_files["holder", "normal"]},
    )
    # Refused: a classified letter does not go into a file of a lower grading. (Were it let
    # in, the checks below say whether it stays hidden from the SP.)
    if r.status_code == 409:
        assert r.json()["error"]["code"] == "GRADING_ABOVE_FILE", r.text
        return
    assert r.status_code == 200, r.text
    paths = (
        f"{API}/receipts/{letter['id']}",
        f"{API}/receipts/{letter['id']}/history",
        f"{API}/receipts/{letter['id']}/history.csv",
        f"{API}/documents/{letter['document']['sha256']}",
        f"{API}/documents/{letter['document']['sha256']}/text",
    )
    shown = [
        f"GET {path} -> {answer.status_code} {answer.headers.get('Content-Type')}"
        for path in paths
        if (answer := sp.call("GET", path)).status_code != 404
    ]
    assert not shown, (
        f"a {grading} letter put in a normal file is shown to the SP, who was never marked it:\n"
        + "\n".join(shown)
    )


# --- ids nobody issued look exactly like hidden ones ------------------------------------------

FORGED = [
    pytest.param(key, route.kinds[0], id=f"{key[0]} {short(key[1])}")
    for key, route in ITEM_ROUTES.items()
]


def envelope(r: requests.Response, *ids: str) -> tuple[int, str]:
    text = r.text
    for i in filter(None, ids):
        text = text.replace(i, "<id>")
    return r.status_code, text


@pytest.mark.parametrize("key, kind", FORGED)
def test_a_made_up_id_is_answered_like_a_hidden_one(world, key, kind):
    """The holder (who sees every item here) asks for an id nobody issued; the peer asks for a
    real item they may not see: the two answers are the same, to the byte."""
    method, template = key
    item = world.items[kind, "normal"]
    made_up = {**item, "id": uuid.uuid4().hex, "sha256": uuid.uuid4().hex * 2}
    forged = tried(world, key, kind, "normal", "holder", fill(template, made_up))
    hidden = tried(world, key, kind, "normal", "peer")
    route = ITEM_ROUTES[key]
    check(forged, 404, (route.hidden,), "an id nobody issued")
    check(hidden, 404, (route.hidden,), "a hidden item")
    assert envelope(forged, made_up["id"], made_up["sha256"]) == envelope(
        hidden, item["id"], item.get("sha256", "")
    )


@pytest.mark.parametrize("action", ["link", "delink", "merge", "put-in-file"])
def test_a_made_up_file_in_the_body_is_answered_like_a_hidden_one(world, action):
    holder, peer = world.people["holder"], world.people["peer"]
    made_up, hidden = uuid.uuid4().hex, world.items["file", "normal"]["id"]
    answers = []
    for person, relation, other in ((holder, "holder", made_up), (peer, "peer", hidden)):
        if action == "put-in-file":
            letter = person.diarise("normal", f"Own letter {token()}", pdf(text=uuid.uuid4().hex))
            r = person.call(
                "POST", f"{API}/receipts/{letter['id']}/put-in-file", json={"file_id": other}
            )
        else:
            body = {"other_file_id": other}
            if action == "merge":
                body["reason"] = "same matter"
            own = world.own_files[relation, "normal"]
            r = person.call("POST", f"{API}/files/{own}/{action}", json=body)
        check(r, 404, (FILE_NOT_FOUND,), f"{relation}: {action} with a file they may not see")
        answers.append(envelope(r, other))
    assert answers[0] == answers[1]
