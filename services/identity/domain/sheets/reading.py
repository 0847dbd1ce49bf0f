"""The master data sheet, read by the common sheet reader with its own columns."""

from collections.abc import Callable
from typing import Any

from common import sheets
from common.sheets import HEADER_SEARCH_ROWS, SheetLayout
from services.identity.domain.sheets.layout import MAX_ROWS
from services.identity.schemas import COLUMNS

MASTER_DATA = SheetLayout(COLUMNS, MAX_ROWS)
field_for_header = MASTER_DATA.field_for_header
# The furthest row number a master data sheet may name (see ``common.sheets.read_sheet``).
MAX_ROW_NUMBER = HEADER_SEARCH_ROWS + MAX_ROWS


def read_sheet(
    content: bytes,
    filename: str = "",
    out_of_time: Callable[[], bool] = lambda: False,
    layout: SheetLayout = MASTER_DATA,
) -> list[dict[str, Any]]:
    """The rows of an uploaded sheet, the master data sheet's columns unless ``layout`` says."""
    return sheets.read_sheet(content, filename, out_of_time, layout)
