"""How a file moves: each move's word in the address (``/files/<id>/<word>``), the files call
that makes it and its request, one table for the API and the file page alike."""

from dataclasses import dataclass

from pydantic import BaseModel

from services.files.schemas import CloseFile, FileAction, LinkFile, MergeFile, RecordFile, SendFile


@dataclass(frozen=True)
class Move:
    """One move of a file."""

    method: str  # the files service's call
    request: type[BaseModel]  # what it takes (the API documents it)
    summary: str  # what it does, as the API's documentation says it


FILE_MOVES: dict[str, Move] = {
    "send": Move(
        "send_file", SendFile, "Send a file you hold to another post (skipped levels are named)"
    ),
    "send-back": Move("send_back", FileAction, "Return a file to the post that sent it"),
    "pull-back": Move("pull_back", FileAction, "Take back a file you sent, while still unopened"),
    "park": Move("park", FileAction, "Set a file aside"),
    "unpark": Move("unpark", FileAction, "Take a parked file up again"),
    "close": Move("close_file", CloseFile, "Close a file you opened, citing an officer's approval"),
    "reopen": Move(
        "reopen_file", CloseFile, "Reopen a file you closed, citing an officer's approval"
    ),
    "link": Move("link_file", LinkFile, "Link a file you hold to another file you may see"),
    "delink": Move("delink_file", LinkFile, "Remove a link between two files"),
    "merge": Move(
        "merge_file",
        MergeFile,
        "Merge another physical file of the same section you hold into this one, with a reason",
    ),
    "record": Move(
        "record_file", RecordFile, "Send a closed physical file to the record room (A, B or C)"
    ),
}
