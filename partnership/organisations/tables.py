"""Reading and writing spreadsheets: CSV (UTF-8, comma or semicolon) and XLSX."""

import csv
import io
import re
import zipfile
from datetime import date, datetime

from flask_babel import gettext as _

# A spreadsheet runs a cell as a formula when it starts with one of these; Excel and LibreOffice
# also read the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) as their ASCII twins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


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


MAX_COLUMNS = 100  # a header wider than this is no file of ours


def read_table(data: bytes, filename: str, max_rows: int | None = None
               ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (normalised names) and (row number, cells) of the non-blank rows.

    The rows are read one at a time: a file with more than ``max_rows`` data rows is refused as
    soon as the row after the last allowed one is read, so a huge file costs little.
    """
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        rows, close = _xlsx_rows(data, max_rows)
    else:
        rows, close = _csv_rows(data), None
    try:
        return _take(rows, max_rows)
    finally:
        if close:
            close()


def _take(rows, max_rows: int | None):
    first = next(rows, None)
    if not first or not any(first):
        raise FileProblem(_("The file is empty."))
    header = [cell.strip().lower().replace(" ", "_") for cell in first[:MAX_COLUMNS]]
    body, blank = [], 0
    for number, cells in enumerate(rows, start=2):
        cells = cells[:len(header)]
        if not any(cell.strip() for cell in cells):
            blank += 1
            # Empty rows cost time too: a sheet of a million of them is refused as well.
            if max_rows is not None and blank > 10 * max_rows + 1000:
                raise FileProblem(_("The file has too many empty rows."))
            continue
        if max_rows is not None and len(body) >= max_rows:
            raise _too_many_rows(max_rows)
        body.append((number, cells))
    if not body:
        raise FileProblem(_("The file has a header row but no data rows."))
    return header, body


def _too_many_rows(max_rows: int) -> FileProblem:
    return FileProblem(_("The file has more than %(max)d data rows: split it into files of at "
                         "most %(max)d rows and import them one by one.", max=max_rows))


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(_("The file is not UTF-8 text (byte %(position)d). Save it as "
                            "\"CSV UTF-8\" and upload it again.",
                            position=error.start + 1)) from None
    # No cell is longer than the file: the import reports an overlong cell by its row and
    # column (csv's own limit, 131,072 characters, would end the request with an error).
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for row in reader:
                yield [cell.strip() for cell in row[:MAX_COLUMNS]]
        except csv.Error as error:
            raise FileProblem(_("The file is not readable CSV (line %(line)d).",
                                line=reader.line_num)) from error

    return rows()


def _xlsx_rows(data: bytes, max_rows: int | None):
    from openpyxl import load_workbook

    # openpyxl reads the whole shared-strings table before the first row: for a sheet of
    # 300,000 rows that alone takes many seconds. Counting the sheet's rows in its compressed
    # XML first refuses such a file in a fraction of a second.
    if max_rows is not None and _xlsx_row_elements_exceed(data, max_rows + 1 + XLSX_ROW_SLACK):
        raise _too_many_rows(max_rows)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileProblem(_("The file is not a readable XLSX workbook.")) from error

    def rows():
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in row[:MAX_COLUMNS]]
        except FileProblem:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged sheet fails while streaming
            raise FileProblem(_("The file is not a readable XLSX workbook.")) from error

    return rows(), workbook.close


XLSX_ROW_SLACK = 1000  # formatted empty rows that do not count as data rows
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_FIRST_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_RELATIONSHIP = rb"<(?:\w+:)?Relationship\b[^>]*?\bId=\"%s\"[^>]*?\bTarget=\"([^\"]+)\""


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The first worksheet's path in the package (the sheet openpyxl opens as the first)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
        first = _FIRST_SHEET.search(workbook)
        target = re.search(_RELATIONSHIP % re.escape(first[1]), relations)[1].decode()
    except (KeyError, TypeError, zipfile.BadZipFile):
        return "xl/worksheets/sheet1.xml"
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _xlsx_row_elements_exceed(data: bytes, limit: int) -> bool:
    """True when the first sheet has more than ``limit`` rows; reads no further than that."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        stream = archive.open(_first_sheet_path(archive))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False  # let openpyxl say what is wrong with the file
    count, tail = 0, b""
    with archive, stream:
        while chunk := stream.read(1 << 16):
            block = tail + chunk
            # A tag wholly inside the carried-over tail was counted with the previous chunk.
            count += sum(1 for m in _ROW_TAG.finditer(block) if m.end() > len(tail))
            if count > limit:
                return True
            tail = block[-16:]
    return False


def neutralise(value):
    """Make a text cell safe for spreadsheets: a leading = + - @ (or its full-width form, a tab
    or a carriage return) would start a formula."""
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
