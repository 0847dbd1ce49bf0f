"""Kinds of leave and their rules, as data per kind of department (police, revenue). A
department's record may one day carry its own copy, as its designations do; these are the
defaults a state starts from.

Each kind says how much may be taken (its yearly credit, or a yearly limit), how it is credited
(yearly, half-yearly, or not at all), whether half days are allowed, whether it may be joined to
holidays (prefixed or suffixed), how many days back an application may be dated, whether a
certificate must come with it, and which levels of the post chain see it: the last level named
sanctions it (casual leave: the reporting officer alone).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from common.errors import Refused

Level = Literal["reporting", "controlling", "sanctioning"]
Credit = Literal["yearly", "half_yearly"]


class Kind(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name_en: str
    name_hi: str
    credit: Credit | None  # how its balance grows; None: taken within a yearly limit
    days: float  # credited each period, or (no credit) the yearly limit
    lapses: bool  # what is left at the year's end is lost (casual) or carried on (earned)
    most_kept: float | None = None  # the balance carried on is capped (earned: 300 days)
    most_at_once: float | None = None
    half_days: bool = False
    joins_holidays: bool = True  # may be prefixed or suffixed to holidays
    days_back: int = 0  # how many days before today it may start (a sudden illness)
    certificate: bool = False
    levels: tuple[Level, ...] = ("reporting",)


class Department(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kinds: tuple[Kind, ...]

    def kind(self, code: str) -> Kind:
        """The kind of this code, or a refusal: this department does not have it."""
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise Refused("LEAVE_KIND_NOT_IN_DEPARTMENT", {"kind": code, "department": self.name})


ALL_LEVELS: tuple[Level, ...] = ("reporting", "controlling", "sanctioning")

CASUAL = Kind(
    code="casual",
    name_en="Casual leave",
    name_hi="आकस्मिक अवकाश",
    credit="yearly",
    days=14,
    lapses=True,
    most_at_once=10,
    half_days=True,
    days_back=3,
    levels=("reporting",),
)
EARNED = Kind(
    code="earned",
    name_en="Earned leave",
    name_hi="अर्जित अवकाश",
    credit="half_yearly",
    days=15,
    lapses=False,
    most_kept=300,
    most_at_once=120,
    levels=ALL_LEVELS,
)
MEDICAL = Kind(
    code="medical",
    name_en="Medical leave",
    name_hi="चिकित्सा अवकाश",
    credit="yearly",
    days=12,
    lapses=False,
    most_kept=365,
    days_back=30,
    certificate=True,
    levels=ALL_LEVELS,
)
RESTRICTED = Kind(
    code="restricted",
    name_en="Restricted holiday",
    name_hi="निर्बन्धित अवकाश",
    credit=None,
    days=2,
    lapses=True,
    most_at_once=1,
    joins_holidays=False,
    levels=("reporting",),
)
COMPENSATORY = Kind(
    code="compensatory",
    name_en="Compensatory leave",
    name_hi="प्रतिकर अवकाश",
    credit=None,
    days=10,
    lapses=True,
    most_at_once=2,
    joins_holidays=False,
    levels=("reporting",),
)
STATION = Kind(
    code="station",
    name_en="Station leave (leaving headquarters)",
    name_hi="मुख्यालय छोड़ने की अनुमति",
    credit=None,
    days=24,
    lapses=True,
    most_at_once=3,
    levels=("reporting", "controlling"),
)

# Police casual leave is more (its people work on holidays), and a policeman's holiday duty is
# not given back as compensatory leave: the police have no such kind.
DEPARTMENTS: dict[str, Department] = {
    "police": Department(
        name="police",
        kinds=(
            CASUAL.model_copy(update={"days": 30}),
            EARNED,
            MEDICAL.model_copy(update={"days": 20}),
            RESTRICTED,
            STATION,
        ),
    ),
    "revenue": Department(
        name="revenue",
        kinds=(CASUAL, EARNED, MEDICAL, RESTRICTED, COMPENSATORY, STATION),
    ),
}


def department(name: str | None) -> Department:
    """The rules of a kind of department; one whose leave is not set up refuses every kind."""
    found = DEPARTMENTS.get(name or "")
    if found is None:
        raise Refused("LEAVE_NOT_SET_UP_FOR_DEPARTMENT", {"department": name})
    return found
