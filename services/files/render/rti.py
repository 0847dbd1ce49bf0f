"""A receipt's or file's history for a Right-to-Information reply: a CSV anyone can open in
Excel and re-verify offline (``python -m tools.verify_history``), and a PDF to read and sign.

Values in, bytes out. The CSV keeps every hashed value exactly, so the chain can be
recomputed from it; where a readable form would lose something, the cell holds ``json:`` and the
value as canonical JSON instead."""

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fpdf.enums import Align, TableCellFillMode
from fpdf.fonts import FontFace

from common.office_pdf import OfficePdf, content_date, labels_for, local_time
from services.files.domain import history

COLUMNS = (
    "seq",
    "when",
    "action",
    "by",
    "on behalf of",
    "from post",
    "details",
    "hash",
    "prev_hash",
)
JSON_PREFIX = "json:"
# A cell starting with one of these is a formula to Excel; a leading ' makes it text (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_CELL_CHARS = 1200  # a PDF table row must fit on one page; the CSV always has everything

ACTIONS_HI = {
    "diarised": "डायरी में दर्ज",
    "opened": "खोली गई",
    "sent": "भेजी गई",
}

LABELS: dict[str, dict[str, Any]] = {  # "columns" is a tuple of labels, the rest are text
    "hi": {
        "title_receipt": "आवती का इतिहास",
        "title_file": "फ़ाइल का इतिहास",
        "purpose": "सूचना का अधिकार अधिनियम, 2005 के अंतर्गत उत्तर हेतु",
        "number_receipt": "आवती सं.",
        "number_file": "फ़ाइल सं.",
        "subject": "विषय",
        "columns": (
            "क्रम",
            "कब (IST)",
            "कार्रवाई",
            "किसके द्वारा",
            "किसकी ओर से",
            "किस पद से",
            "विवरण",
            "हैश (SHA-256)",
            "पिछला हैश",
        ),
        "intact": "शृंखला की जाँच: अक्षुण्ण (intact) — {n} प्रविष्टियाँ, अंतिम हैश {h}",
        "broken": "शृंखला की जाँच: खंडित (BROKEN) — प्रविष्टि {k} और उसके बाद का इतिहास प्रमाणित नहीं है",
        "how": "जाँच की विधि: हर प्रविष्टि का हैश उस प्रविष्टि (उसके 'hash' को छोड़कर) के "
        "sort की गई keys वाले संक्षिप्त UTF-8 JSON का SHA-256 है; 'prev_hash' पिछली प्रविष्टि का "
        "हैश है (पहली के लिए 64 शून्य)। इस इतिहास की CSV प्रति पर: python -m "
        "tools.verify_history <फ़ाइल> --expect-last-hash {h}",
        "cut": "… (पूरा पाठ CSV प्रति में)",
        "page": "पृष्ठ {page} / {total}",
    },
    "en": {
        "title_receipt": "History of the receipt",
        "title_file": "History of the file",
        "purpose": "for a reply under the Right to Information Act, 2005",
        "number_receipt": "Receipt No.",
        "number_file": "File No.",
        "subject": "Subject",
        "columns": (
            "Seq",
            "When (IST)",
            "Action",
            "By",
            "On behalf of",
            "From post",
            "Details",
            "Hash (SHA-256)",
            "Previous hash",
        ),
        "intact": "Chain check: intact — {n} entries, last hash {h}",
        "broken": "Chain check: BROKEN at entry {k} — the history from that entry on cannot be "
        "relied upon",
        "how": "How to check: each entry's hash is the SHA-256 of the entry without its 'hash' "
        "field, as compact UTF-8 JSON with sorted keys; 'prev_hash' is the hash of the entry "
        "before it (64 zeros for the first). On the CSV copy of this history: python -m "
        "tools.verify_history <file> --expect-last-hash {h}",
        "cut": "… (full text in the CSV copy)",
        "page": "Page {page} of {total}",
    },
}


class UnreadableRow(ValueError):
    """A CSV row that cannot be turned back into a history entry; ``row`` counts entries from 1."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row}: {reason}")
        self.row = row
        self.reason = reason


def canonical(value: object) -> str:
    """The JSON the history hashes: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- one cell each way ------------------------------------------------------------------------

_PERSON = re.compile(r"(.*) \(([^()]*)\)", re.DOTALL)


def _person(person: dict[str, Any] | None) -> str:
    return f"{person['name']} ({person['user_id']})" if person else ""


def _read_person(cell: str) -> dict[str, Any] | None:
    if not cell:
        return None
    match = _PERSON.fullmatch(cell)
    if not match:
        raise ValueError(f"not 'name (user id)': {cell!r}")
    return {"user_id": match.group(2), "name": match.group(1)}


def _read_actor(by: str, behalf: str) -> Any:
    if by.startswith(JSON_PREFIX):
        return json.loads(by[len(JSON_PREFIX) :])
    actor = _read_person(by)
    if actor is None:
        raise ValueError("no actor")
    return {**actor, "on_behalf_of": _read_person(behalf)}


def _read_seq(cell: str) -> int:
    if not re.fullmatch(r"[0-9]+", cell):
        raise ValueError(f"not a number: {cell!r}")
    return int(cell)


def _read_text(cell: str) -> str:
    return cell


def _read_post(cell: str) -> str | None:
    return cell or None


def _plain_or_json(value: object, readable: str, read: Callable[[str], object]) -> str:
    """``readable`` if it reads back to exactly ``value``, else ``json:`` and canonical JSON."""
    try:
        if not readable.startswith(JSON_PREFIX) and read(readable) == value:
            return readable
    except (ValueError, TypeError, KeyError):
        pass
    return JSON_PREFIX + canonical(value)


def _read_cell(cell: str, read: Callable[[str], object]) -> Any:
    return json.loads(cell[len(JSON_PREFIX) :]) if cell.startswith(JSON_PREFIX) else read(cell)


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _row(entry: dict[str, Any]) -> list[str]:
    actor: Any = entry.get("actor")
    try:
        by, behalf = _person(actor), _person(actor.get("on_behalf_of"))
        plain_actor = not by.startswith(JSON_PREFIX) and _read_actor(by, behalf) == actor
    except (AttributeError, KeyError, TypeError, ValueError):
        plain_actor = False
    if not plain_actor:
        by, behalf = JSON_PREFIX + canonical(actor), ""
    cells = [
        _plain_or_json(entry.get("seq"), str(entry.get("seq")), _read_seq),
        _plain_or_json(entry.get("at"), str(entry.get("at")), _read_text),
        _plain_or_json(entry.get("action"), str(entry.get("action")), _read_text),
        by,
        behalf,
        _plain_or_json(entry.get("post_id"), str(entry.get("post_id") or ""), _read_post),
        canonical(entry.get("details")),
        _plain_or_json(entry.get("hash"), str(entry.get("hash")), _read_text),
        _plain_or_json(entry.get("prev_hash"), str(entry.get("prev_hash")), _read_text),
    ]
    return [_guard(cell) for cell in cells]


def history_csv(subject: dict[str, Any], entries: list[dict[str, Any]]) -> bytes:
    """The history as CSV (UTF-8 with a BOM, so Excel shows Hindi), one entry a row, with
    every hashed value kept exactly: ``entries_from_csv`` gives the entries back and
    ``history.verify`` checks them. ``subject`` names the receipt or file; the file name the
    caller gives the download should carry its number."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(_row(entry))
    return out.getvalue().encode("utf-8-sig")


def entries_from_csv(data: bytes) -> list[dict[str, Any]]:
    """The entries of a ``history_csv`` export, ready for ``history.verify``. A row that cannot
    be read raises ``UnreadableRow``; an edited but readable row simply fails verification."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableRow(0, "not UTF-8 text") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise UnreadableRow(0, "the first row must be the columns " + ", ".join(COLUMNS))
    entries = []
    for position, row in enumerate(reader, start=1):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            raise UnreadableRow(position, f"{len(row)} columns, expected {len(COLUMNS)}")
        cells = dict(zip(COLUMNS, (_unguard(cell) for cell in row), strict=True))
        try:
            entries.append(
                {
                    "seq": _read_cell(cells["seq"], _read_seq),
                    "action": _read_cell(cells["action"], _read_text),
                    "at": _read_cell(cells["when"], _read_text),
                    "actor": _read_actor(cells["by"], cells["on behalf of"]),
                    "post_id": _read_cell(cells["from post"], _read_post),
                    "details": json.loads(cells["details"]),
                    "prev_hash": _read_cell(cells["prev_hash"], _read_text),
                    "hash": _read_cell(cells["hash"], _read_text),
                }
            )
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise UnreadableRow(position, str(exc)) from exc
    return entries


# --- the PDF ----------------------------------------------------------------------------------

COLUMN_WIDTHS = (9, 27, 24, 32, 30, 24, 55, 38, 38)  # mm, 277 in all: A4 landscape less margins


class _HistoryPdf(OfficePdf):
    def __init__(
        self, subject: dict[str, Any], labels: dict[str, Any], font_dir: Path | None
    ) -> None:
        super().__init__(labels, font_dir, orientation="L")
        # Not ``self.subject``: that is fpdf2's metadata field, and the PDF's Subject would say
        # this whole dict, posts and all.
        self.about = subject
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(True, margin=16)
        self.set_title(f"{self._kind_label('title')} {subject.get('number', '')}")

    def _kind_label(self, what: str) -> str:
        kind = "file" if self.about.get("kind") == "file" else "receipt"
        return self.labels[f"{what}_{kind}"]

    def header(self) -> None:
        width = self.w - 20
        if self.about.get("office"):
            self.set_font("deva", "B", 10)
            self.cell(width, 5, self.fit_line(str(self.about["office"]), width), align="C")
            self.ln(5)
        self.set_font("deva", "B", 13)
        title = f"{self._kind_label('title')} — {self.labels['purpose']}"
        self.cell(width, 7, self.fit_line(title, width), align="C")
        self.ln(8)
        self.labelled(self._kind_label("number"), str(self.about.get("number", "")), 5, 9)
        subject = " ".join(str(self.about.get("subject", "")).split())
        if self.page_no() > 1:
            self.set_font("deva", "", 9)
            subject = self.fit_line(subject, width - 20)
        self.labelled(self.labels["subject"], subject, 5, 9)
        self.ln(3)


def _shown(text: str, labels: dict[str, Any]) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + " " + labels["cut"]


def _details(details: object) -> str:
    if not isinstance(details, dict):
        return canonical(details)
    return "\n".join(
        f"{key}: {value if isinstance(value, str) else canonical(value)}"
        for key, value in sorted(details.items())
    )


def _cells(
    entry: dict[str, Any], lang: str, posts: dict[str, str], labels: dict[str, Any]
) -> list[str]:
    actor = entry.get("actor") or {}
    action = str(entry.get("action", ""))
    if lang == "hi" and action in ACTIONS_HI:
        action = f"{action} ({ACTIONS_HI[action]})"
    post = entry.get("post_id")
    cells = [
        str(entry.get("seq", "")),
        local_time(entry.get("at"), seconds=True),
        action,
        _person(actor) if isinstance(actor, dict) and "name" in actor else str(actor),
        _person(actor.get("on_behalf_of")) if isinstance(actor, dict) else "",
        str(posts.get(post, post) if post else ""),
        _details(entry.get("details")),
        str(entry.get("hash", "")),
        str(entry.get("prev_hash", "")),
    ]
    return [_shown(cell, labels) for cell in cells]


def history_pdf(
    subject: dict[str, Any],
    entries: list[dict[str, Any]],
    lang: str = "hi",
    font_dir: Path | None = None,
) -> bytes:
    """The history as a table in Hindi or English, ending with whether the chain verifies and
    its last hash, so the recipient can check the CSV copy against it offline.

    ``subject``: ``kind`` (``receipt``/``file``), ``number``, ``subject``, ``office``, and
    optionally ``posts`` ({post id: name}) to show posts by name."""
    labels = labels_for(lang, LABELS)
    posts = subject.get("posts") or {}
    pdf = _HistoryPdf(subject, labels, font_dir)
    stamped = content_date(e.get("at") for e in entries if e.get("at"))
    if stamped:
        pdf.set_creation_date(stamped)
    pdf.add_page()
    pdf.set_font("deva", "", 7)
    with pdf.table(
        col_widths=COLUMN_WIDTHS,
        width=sum(COLUMN_WIDTHS),
        line_height=3.4,
        text_align=Align.L,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        cell_fill_color=(246, 246, 246),
        cell_fill_mode=TableCellFillMode.ROWS,
        padding=1,
        repeat_headings=1,
    ) as table:
        table.row(labels["columns"])
        for entry in entries:
            table.row(_cells(entry, lang, posts, labels))
    check = history.verify(entries)
    last = check.get("last_hash") or "—"
    pdf.ln(4)
    pdf.set_font("deva", "B", 10)
    line = (
        labels["intact"].format(n=check["entries"], h=last)
        if check["intact"]
        else labels["broken"].format(k=check["broken_at"])
    )
    pdf.multi_cell(0, 5.5, line, align="L")
    pdf.ln(1)
    pdf.set_font("deva", "", 8)
    pdf.multi_cell(0, 4.2, labels["how"].format(h=last), align="L")
    return bytes(pdf.output())
