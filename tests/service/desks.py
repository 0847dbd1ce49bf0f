"""What a desk does, in a line: the people of the demo district over the broker, for the
service tests of receipts and files."""

import base64

import pytest

from tests.support.pdfs import pdf

HEAD = {
    "basic": "A",
    "primary": 11,
    "secondary": 11,
    "section": "ESTT",
    "description": "Establishment: transfers and postings",
    "office_code": "SP-HTR",
}
SUBJECT = "आरक्षियों के स्थानांतरण हेतु नस्ती"
LETTER = {"subject": "स्थानांतरण हेतु प्रार्थना पत्र", "sender": "Constable 1234, Police Lines"}

HC, ASP, SP = "hc.estt.hathras", "asp.hathras", "sp.hathras"
READER, CRU, SHO = "reader.hathras", "cru.hathras", "sho.kotwali.hathras"


class Desks:
    """The people of the demo district, each logged in once, and their posts by abbreviation."""

    def __init__(self, office):
        self.office = office
        self.files = office.rpc.files
        self._actors = {}
        self._posts = {}

    def __getitem__(self, username: str) -> dict:
        if username not in self._actors:
            self._actors[username] = self.office.actor(username)
        return self._actors[username]

    def post(self, abbreviation: str) -> str:
        if abbreviation not in self._posts:
            self._posts[abbreviation] = self.office.post_id(abbreviation)
        return self._posts[abbreviation]

    def set_up_head(self, **fields) -> dict:
        return self.office.rpc.files.add_head(self["admin.up"], {**HEAD, **fields})

    def open_file(self, username: str = HC, **fields) -> dict:
        return self.files.create_file(self[username], {"subject": SUBJECT, **fields})

    def send(self, username: str, file: dict, to: str, **fields) -> dict:
        return self.files.send_file(
            self[username], file["id"], {"to_post_id": self.post(to), **fields}
        )

    def confirmed_note(self, username: str, file: dict, text: str) -> dict:
        """Write a note and confirm it; the green note as its writer now sees it."""
        written = self.files.add_note(self[username], file["id"], {"text": text})
        note = written["notes"][-1]
        confirmed = self.files.confirm_note(self[username], file["id"], note["id"])
        return next(n for n in confirmed["notes"] if n["id"] == note["id"])

    def dak_for(self, abbreviation: str, pages: int = 1, **fields) -> dict:
        """A letter diarised by the CRU (with a PDF of ``pages`` pages) and marked to a post."""
        cru = self[CRU]
        receipt = self.files.diarise(cru, {**LETTER, **fields}, b64(pdf(pages=pages)))
        return self.files.send_receipt(cru, receipt["id"], {"to_post_id": self.post(abbreviation)})

    def search(self, username: str, query: str) -> list[str]:
        return [i["id"] for i in self.files.search(self[username], query)["items"]]


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def refused(error, call, *args, **kwargs) -> str:
    """The code of the ``error`` the call is refused with (any other outcome fails the test)."""
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    return caught.value.code


def year_of(file: dict) -> int:
    return int(file["created_at"][:4])
