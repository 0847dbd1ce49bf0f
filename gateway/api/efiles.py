"""E-files: heads of the scheme, files, notes, correspondence, movement, history; the sent list
and search across receipts and files."""

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from gateway.actions import FILE_MOVES, Move
from gateway.api import api
from gateway.api.common import caller, json_body, page_limit, versioned_body
from gateway.openapi import choice, documented, page_size
from gateway.rpc import long_rpc, rpc
from gateway.uploads import download
from services.files.schemas import (
    ChainCheck,
    EFile,
    Head,
    Heads,
    History,
    NewFile,
    NewHead,
    NewNote,
    Page,
    PutInFile,
)
from services.files.search_schemas import SearchPage

SEARCH_FILTERS = ("kind", "year", "section", "status")


@api.get("/heads")
@documented(
    "The heads of your office's filing scheme: your department's standard ones and your "
    "office's own",
    response=Heads,
)
def heads() -> Response:
    return jsonify(rpc().files.heads(caller()))


@api.post("/heads")
@documented(
    "Set up a head of the functional scheme (admin)",
    body=NewHead,
    response=Head,
    status=201,
    errors=(403, 404, 409),
)
def add_head() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().files.add_head(actor, json_body())), 201


@api.post("/files")
@documented(
    "Open a file at your desk, under a head of the scheme or outside it",
    body=NewFile,
    response=EFile,
    status=201,
    errors=(404, 409),
)
def create_file() -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().files.create_file(actor, json_body())), 201


@api.get("/files/<file_id>")
@documented(
    "A file: its notes and correspondence (the holder's first open is recorded)",
    response=EFile,
    errors=(404,),
)
def get_file(file_id: str) -> Response:
    return jsonify(rpc().files.get_file(caller(), file_id))


@api.post("/files/<file_id>/notes")
@documented(
    "Write a yellow (draft) note on a file you hold",
    body=NewNote,
    response=EFile,
    status=201,
    errors=(404, 409),
)
def add_note(file_id: str) -> tuple[Response, int]:
    actor = caller()
    return jsonify(rpc().files.add_note(actor, file_id, json_body())), 201


@api.patch("/files/<file_id>/notes/<note_id>")
@documented("Change your own yellow note", body=NewNote, response=EFile, errors=(404, 409))
def edit_note(file_id: str, note_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.edit_note(actor, file_id, note_id, json_body()))


@api.delete("/files/<file_id>/notes/<note_id>")
@documented("Discard your own yellow note", response=EFile, errors=(404, 409))
def discard_note(file_id: str, note_id: str) -> Response:
    return jsonify(rpc().files.discard_note(caller(), file_id, note_id))


@api.post("/files/<file_id>/notes/<note_id>/confirm")
@documented(
    "Confirm your yellow note: it turns green, gets its paragraph numbers, never changes",
    response=EFile,
    errors=(404, 409),
)
def confirm_note(file_id: str, note_id: str) -> Response:
    return jsonify(rpc().files.confirm_note(caller(), file_id, note_id))


@api.post("/receipts/<receipt_id>/put-in-file")
@documented(
    "Put a receipt you hold into a file you hold, as its next pages",
    body=PutInFile,
    response=EFile,
    errors=(404, 409),
)
def put_in_file(receipt_id: str) -> Response:
    actor = caller()
    return jsonify(rpc().files.put_in_file(actor, receipt_id, json_body()))


def _move_view(path: str, move: Move) -> None:
    def view(file_id: str) -> ResponseReturnValue:
        actor = caller()
        body = versioned_body(optional=True)
        return jsonify(getattr(rpc().files, move.method)(actor, file_id, body))

    view.__name__ = f"file_{move.method}"
    documentation = documented(
        move.summary, body=move.request, body_optional=True, response=EFile, errors=(404, 409, 422)
    )
    api.add_url_rule(
        f"/files/<file_id>/{path}", view.__name__, documentation(view), methods=["POST"]
    )


for _path, _move in FILE_MOVES.items():
    _move_view(_path, _move)


@api.get("/files/<file_id>/history")
@documented(
    "Every action on the file, each entry chained to the one before by SHA-256",
    response=History,
    errors=(404,),
)
def file_history(file_id: str) -> Response:
    return jsonify(rpc().files.file_history(caller(), file_id))


@api.get("/files/<file_id>/history/verify")
@documented("Check the file's history chain", response=ChainCheck, errors=(404,))
def verify_file_history(file_id: str) -> Response:
    return jsonify(rpc().files.verify_file_history(caller(), file_id))


@api.get("/sent")
@documented(
    "What my posts sent on that is now with others",
    response=Page,
    query={"limit": page_size(200), "cursor": "from next_cursor"},
    errors=(400,),
)
def sent() -> Response:
    actor = caller()
    return jsonify(rpc().files.sent(actor, page_limit(), request.args.get("cursor")))


@api.get("/search")
@documented(
    "Receipts and files you may see with every word of q (in Hindi regardless of nukta, "
    "chandrabindu, half forms and digits; a word of three letters or more also as the start of "
    "a longer one) in their number, subject, sender or confirmed notes, or in the words read out "
    "of their documents (letters, issued letters, legacy scans): those found by their fields "
    "first, then by their documents' words, best first; each with a snippet whose hits are "
    "marked (segments of text, never HTML)",
    response=SearchPage,
    query={
        "q": "words (at most 200 characters)",
        "kind": choice("only", "receipt", "file", "letter", "legacy"),
        "year": (
            "diarised, opened or recorded in (a legacy file: its own year)",
            {"type": "integer", "minimum": 1800, "maximum": 2100},
        ),
        "section": ("a file's section (ESTT)", {"type": "string", "minLength": 1, "maxLength": 20}),
        "status": choice("only", "open", "parked", "closed", "recorded", "merged", "in_file"),
        "limit": page_size(200),
        "cursor": "from next_cursor",
    },
    errors=(400, 422),
)
def search() -> Response:
    actor = caller()
    filters = {f: request.args[f] for f in SEARCH_FILTERS if request.args.get(f)}
    found = rpc().files.search_text(
        actor, request.args.get("q", ""), filters, page_limit(), request.args.get("cursor")
    )
    return jsonify(found)


@api.get("/files/<file_id>/notesheet.pdf")
@documented(
    "The note sheet as a PDF, in Hindi or English labels",
    binary="application/pdf",
    query={"lang": choice("labels in (default: yours)", "hi", "en")},
    errors=(400, 404),
)
def note_sheet(file_id: str) -> Response:
    actor = caller()
    content = long_rpc().files.note_sheet(actor, file_id, request.args.get("lang") or actor["lang"])
    return download(content, "application/pdf", f"notesheet-{file_id[:8]}.pdf")


@api.get("/<any(receipts, files):kind>/<item_id>/history.<any(csv, pdf):fmt>")
@documented(
    "The whole history for a Right-to-Information reply, with its chain check and last "
    "hash (verify offline with tools/verify_history.py)",
    binary="text/csv",
    query={"lang": choice("labels in, for a PDF (default: yours)", "hi", "en")},
    errors=(400, 404),
)
def history_export(kind: str, item_id: str, fmt: str) -> Response:
    actor = caller()
    content = long_rpc().files.history_export(
        actor, kind, item_id, fmt, request.args.get("lang") or actor["lang"]
    )
    mimetype = "text/csv" if fmt == "csv" else "application/pdf"
    return download(content, mimetype, f"history-{kind[:-1]}-{item_id[:8]}.{fmt}")
