"""Errors keep their meaning when they cross the bus."""

from nameko.exceptions import deserialize, serialize

from common.errors import Conflict, OfficeError


def test_an_error_arrives_as_its_own_class_with_typed_details():
    sent = Conflict("VERSION_CONFLICT", {"current_version": 3, "by": None, "note": "नस्ती"})
    arrived = deserialize(serialize(sent))
    assert isinstance(arrived, Conflict) and isinstance(arrived, OfficeError)
    assert arrived.status == 409 and arrived.code == "VERSION_CONFLICT"
    assert arrived.details == {"current_version": 3, "by": None, "note": "नस्ती"}
