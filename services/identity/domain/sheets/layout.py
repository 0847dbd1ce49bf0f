"""What a master data sheet holds: its fields (the columns of ``schemas.COLUMNS``), how many
rows, the designations it may use, and the sample row's employee code."""

from services.identity.domain.departments import POLICE
from services.identity.schemas import COLUMNS, Column

MAX_ROWS = 20_000

# The designations a sheet may use where neither the deployment nor the office's department
# has a list of its own: the police's (services/identity/domain/departments.py).
DESIGNATIONS = POLICE.designations

SAMPLE_EMPLOYEE_CODE = "SAMPLE-0001"

FIELDS = tuple(c.field for c in COLUMNS)
OPTIONAL = frozenset(c.field for c in COLUMNS if c.optional)


def header_text(column: Column) -> str:
    return column.header


def column_of(name: str) -> Column:
    return next(c for c in COLUMNS if c.field == name)
