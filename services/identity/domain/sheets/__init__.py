"""The master data sheet (Employee Master Data): the template, reading it, checking each row,
and the dry-run plan. Pure: bytes in, values out; nothing here touches a database.

A nodal officer uploads a few hundred staff in the morning and everyone must log in by the
afternoon, so every rule works row by row: a bad row is rejected with stable reason codes (the
gateway words them in Hindi or English) and never blocks or damages a good one. The plan is
deterministic and idempotent: uploading the same sheet twice changes nothing, and a corrected
sheet updates people in place by employee code.

One concept per module: ``layout`` (the fields), ``template``, ``reading``, ``checking`` (one
row) and ``planning``; the names below are what the service and the tests use.
"""

from common.sheets import parse_date
from services.identity.domain.sheets.checking import (
    RowCheck,
    SheetRules,
    normalise_mobile,
    validate_row,
)
from services.identity.domain.sheets.layout import DESIGNATIONS, FIELDS, MAX_ROWS, OPTIONAL
from services.identity.domain.sheets.planning import Action, RowPlan, plan, summarise
from services.identity.domain.sheets.reading import MAX_ROW_NUMBER, field_for_header, read_sheet
from services.identity.domain.sheets.template import template_xlsx
from services.identity.schemas import COLUMNS

__all__ = [
    "COLUMNS",
    "DESIGNATIONS",
    "FIELDS",
    "MAX_ROWS",
    "MAX_ROW_NUMBER",
    "OPTIONAL",
    "Action",
    "RowCheck",
    "RowPlan",
    "SheetRules",
    "field_for_header",
    "normalise_mobile",
    "parse_date",
    "plan",
    "read_sheet",
    "summarise",
    "template_xlsx",
    "validate_row",
]
