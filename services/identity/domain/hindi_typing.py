"""How a person types Hindi in the office's text boxes, remembered so that every browser they
log in on starts the same way: off (the keyboard as it is), phonetic (roman letters spelt out
in Devanagari as they are typed) or InScript (the standard Devanagari keyboard)."""

from typing import Any

from common.errors import Refused

MODES = ("off", "phonetic", "inscript")
OFF = MODES[0]


def chosen_mode(mode: str) -> str:
    """The mode asked for, or a refusal that names the ones there are."""
    if mode not in MODES:
        raise Refused("TYPING_MODE_UNKNOWN", {"modes": list(MODES)})
    return mode


def mode_of(person: dict[str, Any]) -> str:
    """A person's mode: off until they choose one."""
    mode = person.get("typing", OFF)
    return mode if mode in MODES else OFF
