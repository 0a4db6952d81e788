"""Import of large files: a 300,000-row XLSX refused at the row cap, and a file of the cap's
size (5,000 rows) checked and written, in-process.

Run:  .venv/bin/python benchmarks/import_large.py                     (SQLite in a temp folder)
      .venv/bin/python benchmarks/import_large.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
      add --uncapped to also time reading the whole 300,000-row file (what the page used to do)
The PostgreSQL database is emptied first. Prints the time and the peak Python memory
(tracemalloc, measured in a second run) of each step, and the process's peak RSS at the end.
"""

import argparse
import io
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.directory import build_app  # noqa: E402
from partnership.extensions import db  # noqa: E402
from partnership.organisations.imports import import_organisations  # noqa: E402
from partnership.organisations.tables import read_table  # noqa: E402
from tests.factories import edrpou  # noqa: E402

HEADER = ["registry_code", "country", "kind", "name_uk", "name_kk", "name_en", "region",
          "city", "languages", "beds", "description", "public_listing", "contact_name",
          "contact_email"]


def workbook(rows: int) -> bytes:
    """An XLSX of ``rows`` good organisations, written directly (openpyxl takes minutes to
    write 300,000 rows); shared strings, as Excel writes them."""
    strings: dict[str, int] = {}

    def cell(ref: str, value) -> str:
        if isinstance(value, int):
            return f'<c r="{ref}"><v>{value}</v></c>'
        index = strings.setdefault(value, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    columns = [chr(ord("A") + i) for i in range(len(HEADER))]
    lines = []
    for number in range(1, rows + 2):
        i = number - 2
        values = HEADER if number == 1 else [
            edrpou(i + 1), "UA", "hospital", f"Лікарня {i % 500}", "", f"Hospital {i % 500}",
            "ua_lviv", "Львів", "uk en", i % 900, "Багатопрофільна лікарня", "yes",
            "Олена Коваль", "partners@lviv-hospital.example"]
        cells = "".join(cell(f"{c}{number}", v) for c, v in zip(columns, values, strict=True)
                        if v != "")
        lines.append(f'<row r="{number}">{cells}</row>')
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(lines)}'
                         "</sheetData></worksheet>")
    return out.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>')


def measure(name: str, step) -> None:
    start = time.perf_counter()
    outcome = step()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    step()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:<58} {seconds:8.2f} s   peak {peak / 2**20:8.1f} MiB   {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--cap", type=int, default=5_000)
    parser.add_argument("--uncapped", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(options.database_url, Path(folder))
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            big, capped = workbook(options.rows), workbook(options.cap)
            print(f"files made in {time.perf_counter() - start:.1f} s: {options.rows:,} rows = "
                  f"{len(big) / 2**20:.1f} MiB, {options.cap:,} rows = "
                  f"{len(capped) / 2**20:.2f} MiB")

            def refuse():
                report = import_organisations(None, big, "big.xlsx", max_rows=options.cap)
                db.session.rollback()
                return report.errors[0].message[:60]

            def check_capped():
                report = import_organisations(None, capped, "capped.xlsx", dry_run=True,
                                              max_rows=options.cap)
                db.session.rollback()
                return f"ok={report.ok} new={report.created}"

            def write_capped():
                report = import_organisations(None, capped, "capped.xlsx",
                                              max_rows=options.cap)
                db.session.rollback()  # the second (memory) run writes the same rows again
                return f"ok={report.ok} new={report.created}"

            measure(f"{options.rows:,}-row XLSX refused at the {options.cap:,}-row cap",
                    refuse)
            measure(f"{options.cap:,}-row XLSX checked (dry run)", check_capped)
            measure(f"{options.cap:,}-row XLSX checked and written (rolled back)",
                    write_capped)
            if options.uncapped:
                measure(f"{options.rows:,}-row XLSX read whole (no cap, as before)",
                        lambda: f"{len(read_table(big, 'big.xlsx')[1]):,} rows")
            db.session.remove()
            db.engine.dispose()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
