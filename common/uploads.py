"""Uploads as they cross the bus: base64 text in a request, decoded once, refused by name."""

import base64

from common.errors import InvalidInput


def decode_base64(text: object, error_code: str) -> bytes:
    """The bytes ``text`` encodes in standard base64 (``validate``: no stray characters).

    Anything else (not text, not base64, a non-ASCII character) is ``InvalidInput(error_code)``,
    so each upload says which of its fields was wrong (``PDF_NOT_BASE64``).
    """
    if not isinstance(text, str):
        raise InvalidInput(error_code)
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error, and a non-ASCII character in the text
        raise InvalidInput(error_code) from None
