"""The dashboard's tables as CSV (one table) and XLSX (one sheet per table)."""

import io
import re

from ..organisations.tables import neutralise, to_csv
from .tables import Table


def table_csv(table: Table) -> bytes:
    """One table as CSV (UTF-8 with a BOM, formulas neutralised)."""
    return to_csv([list(table.columns), *[list(row) for row in table.rows]])


def tables_xlsx(tables: list[Table], heading: str) -> bytes:
    """Every table in one workbook, a sheet each, the period in the first row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        name = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31].strip() or table.key
        while name in used:
            name = name[:28] + f" {len(used)}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append([neutralise(heading)])
        sheet.append([neutralise(column) for column in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([neutralise(cell) for cell in row])
        for index, column in enumerate(table.columns):
            width = max([len(str(column))] + [len(str(row[index])) for row in table.rows])
            sheet.column_dimensions[chr(ord("A") + index)].width = min(60, width + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
