"""Log lines as an operator reads them: JSON objects (EOFFICE_LOG_FORMAT=json) or key=value
pairs, ours and the libraries' alike, with the request id of the action they belong to; and the
request id kept with the events an action causes."""

import io
import json
import logging

import pytest
import structlog

from common import logs
from common.outbox import relay, with_events, with_first_events
from common.storage import Storage


@pytest.fixture
def stream(monkeypatch):
    """Every line written during the test, through the formatter the processes use."""
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    monkeypatch.setattr(logs, "_HANDLER", handler)
    root = logging.getLogger()
    level = root.level
    yield written
    root.removeHandler(handler)
    root.setLevel(level)
    structlog.reset_defaults()


def lines(written: io.StringIO) -> list[str]:
    return written.getvalue().splitlines()


def test_every_line_is_one_json_object_with_the_request_id(monkeypatch, stream):
    monkeypatch.setenv("EOFFICE_LOG_FORMAT", "json")
    logs.configure(handler=True)
    with logs.bound_request_id("abc-123"):
        structlog.get_logger().info("file.sent", file_id="f1")
        logging.getLogger("nameko.containers").warning("worker %s stopped", 7)
    structlog.get_logger().info("relayed")

    ours, nameko, later = (json.loads(line) for line in lines(stream))
    assert ours == {
        "event": "file.sent",
        "file_id": "f1",
        "level": "info",
        "request_id": "abc-123",
        "timestamp": ours["timestamp"],
    }
    assert nameko == {
        "event": "worker 7 stopped",
        "level": "warning",
        "logger": "nameko.containers",
        "request_id": "abc-123",
        "timestamp": nameko["timestamp"],
    }
    assert "request_id" not in later  # bound for the action only


def test_an_exception_is_part_of_its_json_line(monkeypatch, stream):
    monkeypatch.setenv("EOFFICE_LOG_FORMAT", "json")
    logs.configure(handler=True)
    try:
        raise ValueError("no such post")
    except ValueError:
        logging.getLogger("kombu").exception("publish failed")
    (line,) = lines(stream)
    assert "ValueError: no such post" in json.loads(line)["exception"]


def test_key_value_lines_are_the_default(monkeypatch, stream):
    monkeypatch.delenv("EOFFICE_LOG_FORMAT", raising=False)
    logs.configure(handler=True)
    with logs.bound_request_id("abc-123"):
        structlog.get_logger().info("file.sent", file_id="f1")
    (line,) = lines(stream)
    assert line.startswith("timestamp=") and "event='file.sent'" in line
    assert "request_id='abc-123'" in line and "file_id='f1'" in line


def test_an_unknown_format_is_refused(monkeypatch):
    monkeypatch.setenv("EOFFICE_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="EOFFICE_LOG_FORMAT"):
        logs.formatter()


@pytest.mark.parametrize(
    ("given", "kept"),
    [("abc-123", "abc-123"), ("a.B_9", "a.B_9"), ("x" * 64, "x" * 64), ("x" * 65, None)]
    + [("", None), ("a b", None), ("a\nb", None), (None, None), (7, None)],
)
def test_a_request_id_is_passed_on_only_in_its_shape(given, kept):
    assert logs.valid_request_id(given) == kept


def test_the_events_an_action_causes_carry_its_request_id_to_the_broker(tmp_path):
    storage = Storage("files", {"EOFFICE_DATA_DIR": str(tmp_path), "MONGODB_URI": ""})
    db = storage.db
    event = {"event_id": "e1", "type": "receipt.sent"}
    with logs.bound_request_id("abc-123"):
        db.receipts.insert_one(with_first_events({"_id": "r1"}, event))
        db.receipts.update_one(
            {"_id": "r1"}, with_events({"$set": {"holder": "p"}}, {**event, "event_id": "e2"})
        )
    db.receipts.insert_one(with_first_events({"_id": "r2"}, {**event, "event_id": "e3"}))

    published = []
    relay(db, published.extend, dict, ["receipts"])
    # The envelope goes out as it was made; the id goes beside it (a message header).
    assert [(e.event, e.request_id) for e in published] == [
        ({"event_id": "e1", "type": "receipt.sent"}, "abc-123"),
        ({"event_id": "e2", "type": "receipt.sent"}, "abc-123"),
        ({"event_id": "e3", "type": "receipt.sent"}, None),
    ]
    storage.close()
