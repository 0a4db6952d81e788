"""Reading and writing spreadsheets: CSV (UTF-8, comma or semicolon) and XLSX."""

import csv
import io
from datetime import date, datetime

from flask_babel import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, format, emptiness)."""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (normalised names) and (row number, cells) of the non-blank rows."""
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    if not rows or not any(rows[0]):
        raise FileProblem(_("The file is empty."))
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    body = [(number, cells) for number, cells in enumerate(rows[1:], start=2)
            if any(cell.strip() for cell in cells)]
    if not body:
        raise FileProblem(_("The file has a header row but no data rows."))
    return header, body


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(_("The file is not UTF-8 text (byte %(position)d). Save it as "
                            "\"CSV UTF-8\" and upload it again.",
                            position=error.start + 1)) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [[cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileProblem(_("The file is not a readable XLSX workbook.")) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def neutralise(value):
    """Make a text cell safe for spreadsheets: a leading = + - @ would start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo ``neutralise`` on import, so an exported file imports back unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def to_csv(rows: list[list]) -> bytes:
    """CSV with a BOM so that spreadsheet programs read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) if cell is not None else "" for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list]) -> bytes:
    """An XLSX workbook; text cells are stored as text, never as formulas."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
