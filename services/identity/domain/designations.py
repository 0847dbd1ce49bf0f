"""A department's designations and the short forms offices really write in their sheets
("Dy. SP", "SI", "Naib Tehsildar", "ADM (Admin)"): reading what was written as one full name.

Matching forgives case, dots, brackets and spaces the way the sheet always has (only letters,
digits and their marks count), so "DY.SP", "Dy SP" and "dy. s.p." are one short form."""

import unicodedata
from dataclasses import dataclass, field


def designation_key(text: str) -> str:
    """What a written designation is matched by: its letters and digits (with the vowel signs
    of Devanagari), case folded."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFC", text).casefold()
        if ch.isalnum() or unicodedata.category(ch).startswith("M")
    )


@dataclass(frozen=True)
class Reading:
    """A written designation read as a full name; ``short_form`` when it was an abbreviation
    (the sheet report says which full name it became)."""

    name: str
    short_form: bool


@dataclass(frozen=True)
class Designations:
    """The designations a sheet may use for one department: full ``names`` and ``short_forms``
    (``(as written, full name)`` pairs). A short form whose full name is not in ``names`` is
    ignored; one that would mean two different names is ambiguous and ignored too, so a sheet
    never gets a designation nobody wrote."""

    names: tuple[str, ...]
    short_forms: tuple[tuple[str, str], ...] = ()
    _by_key: dict[str, Reading] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "short_forms", tuple(tuple(p) for p in self.short_forms))
        full = {designation_key(n): Reading(n, short_form=False) for n in self.names}
        short: dict[str, str | None] = {}
        for written, name in self.short_forms:
            key, known = designation_key(written), full.get(designation_key(name))
            if not key or key in full or known is None:
                continue
            short[key] = known.name if short.get(key, known.name) == known.name else None
        lookup = dict(full)
        lookup.update({k: Reading(n, short_form=True) for k, n in short.items() if n})
        object.__setattr__(self, "_by_key", lookup)

    def read(self, written: str) -> Reading | None:
        """The full name a written designation stands for, or None when it is not one."""
        return self._by_key.get(designation_key(written))

    def __contains__(self, name: object) -> bool:
        found = self.read(name) if isinstance(name, str) else None
        return found is not None and not found.short_form
