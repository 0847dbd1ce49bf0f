"""What a master data sheet holds: its fields (the columns of ``schemas.COLUMNS``), how many
rows, the designations it may use, and the sample row's employee code."""

from services.identity.schemas import COLUMNS, Column

MAX_ROWS = 20_000

# The designations a sheet may use, unless the deployment configures its own list.
DESIGNATIONS = (
    "Director General of Police",
    "Additional Director General of Police",
    "Inspector General of Police",
    "Deputy Inspector General of Police",
    "Superintendent of Police",
    "Additional Superintendent of Police",
    "Deputy Superintendent of Police",
    "Inspector",
    "Sub-Inspector",
    "Assistant Sub-Inspector",
    "Head Constable",
    "Constable",
    "Head Clerk",
    "Senior Clerk",
    "Junior Clerk",
    "Senior Assistant",
    "Junior Assistant",
    "Stenographer",
    "Computer Operator",
    "Data Entry Operator",
    "Office Superintendent",
    "Accountant",
    "Class IV Employee",
)

SAMPLE_EMPLOYEE_CODE = "SAMPLE-0001"

FIELDS = tuple(c.field for c in COLUMNS)
OPTIONAL = frozenset(c.field for c in COLUMNS if c.optional)


def header_text(column: Column) -> str:
    return f"{column.en} / {column.hi}"


def column_of(name: str) -> Column:
    return next(c for c in COLUMNS if c.field == name)
