"""Turning request data into models with errors a person can act on."""

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from common.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: object) -> M:
    """Validate ``data`` against ``model`` or raise ``InvalidInput`` listing each bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("BODY_NOT_AN_OBJECT")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = [
            {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "problem": err["type"]}
            for err in exc.errors()
        ]
        raise InvalidInput("INVALID_FIELDS", {"fields": fields}) from None


def whole_number(text: str) -> int | None:
    """A non-negative whole number written in ASCII digits (a version, a position), or None.
    Not ``str.isdigit`` alone: it says yes to "³" and "१", which ``int`` refuses or reads."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)
