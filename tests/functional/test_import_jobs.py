"""Large imports (issue 10, item 9): capped rows, early refusal while streaming, recorded jobs
with progress, in the background with Redis and inline without, all or nothing either way."""

import io
import re
import time

import pyotp
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching import jobs
from partnership.organisations import import_jobs, imports, tables
from partnership.organisations.models import ImportJob, ImportStatus, Organisation
from partnership.organisations.tables import FileProblem, read_table

from ..conftest import log_in, post_form
from ..factories import UserFactory, edrpou

HEADER = ["registry_code", "country", "kind", "name_uk", "name_kk", "name_en", "region",
          "city", "languages", "beds", "contact_name", "contact_email"]


def org_rows(n: int, bad: set[int] = frozenset()) -> list[list[str]]:
    """``n`` good organisation rows; those whose index is in ``bad`` have a bad bed count.

    Short contacts: 5,001 rows stay under the 500 KB at which the test client spills the
    upload to a temporary file it never closes."""
    return [[edrpou(100_000 + i), "UA", "hospital", f"Лікарня {i}", "", f"Hospital {i}",
             "ua_lviv", "Львів", "uk", "many" if i in bad else str(i), "Ol",
             "p@lviv.ua"] for i in range(n)]


def csv_file(rows) -> bytes:
    return "\n".join(",".join(row) for row in [HEADER, *rows]).encode("utf-8") + b"\n"


def xlsx_file(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id)))


def officer_client(app):
    """A signed-in embassy officer's client on ``app`` (with its second factor)."""
    secret = pyotp.random_base32()
    user = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=secret)
    client = app.test_client()
    assert log_in(client, user, secret=secret).status_code == 302
    return client, user


def upload(client, data: bytes, name: str, dry_run: bool = False):
    form = {"kind": "organisations", "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return post_form(client, "/embassy/import", form, content_type="multipart/form-data")


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalar(select(ImportJob).order_by(ImportJob.id.desc()))


# --- the caps ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_over_the_row_cap_is_refused_with_a_message_and_nothing_written(make_app, fmt):
    app = make_app(IMPORT_MAX_ROWS=40)
    with app.app_context():
        client, _user = officer_client(app)
        data = (csv_file if fmt == "csv" else xlsx_file)(org_rows(41))
        response = upload(client, data, f"orgs.{fmt}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "more than 40 data rows" in html and "Nothing was imported" in html
        job = latest_job()
        assert job.status == ImportStatus.FAILED and job.content is None
        assert organisations() == 0
        # 40 rows are fine.
        upload(client, (csv_file if fmt == "csv" else xlsx_file)(org_rows(40)), f"o.{fmt}")
        assert latest_job().status == ImportStatus.SUCCEEDED and organisations() == 40


def test_the_default_cap_is_5000_rows_on_the_web(client, login_as):
    login_as(Role.EMBASSY_OFFICER)
    started = time.perf_counter()
    response = upload(client, csv_file(org_rows(5001)), "orgs.csv")
    assert "more than 5000 data rows" in response.get_data(as_text=True)
    assert time.perf_counter() - started < 20  # refused before a single row is checked
    assert organisations() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_reader_stops_right_after_the_cap(monkeypatch, fmt):
    """A 20,000-row file with a cap of 100: the reader reads 101 rows and stops."""
    read = []
    if fmt == "xlsx":
        original = tables._cell_text
        monkeypatch.setattr(tables, "_cell_text", lambda v: read.append(v) or original(v))
        data = xlsx_file(org_rows(20_000))
    else:
        data = csv_file(org_rows(20_000))
    with pytest.raises(FileProblem, match="more than 100 data rows"):
        read_table(data, f"orgs.{fmt}", max_rows=100)
    if fmt == "xlsx":
        assert len(read) <= 102 * len(HEADER)


def test_a_sheet_of_empty_rows_is_refused_too():
    data = ("registry_code,country\n" + ",\n" * 5000 + "14360570,UA\n").encode()
    with pytest.raises(FileProblem):
        read_table(data, "orgs.csv", max_rows=100)


def test_the_command_line_has_no_row_cap(app, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_file(org_rows(60)))
    app.config["IMPORT_MAX_ROWS"] = 10
    result = app.test_cli_runner().invoke(args=["import-organisations", str(path)])
    assert result.exit_code == 0, result.output
    assert organisations() == 60


# --- jobs without Redis: inline, recorded -----------------------------------------------------

def test_without_redis_a_large_import_runs_inline_and_is_recorded(make_app):
    app = make_app(IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, user = officer_client(app)
        response = upload(client, csv_file(org_rows(30)), "orgs.csv")
        assert response.status_code == 200
        assert "30 rows: 30 new, 0 changed, 0 unchanged" in response.get_data(as_text=True)
        job = latest_job()
        assert (job.status, job.rows_total, job.rows_checked, job.created_count) == (
            ImportStatus.SUCCEEDED, 30, 30, 30)
        assert job.content is None and job.created_by_id == user.id and job.finished_at
        assert organisations() == 30
        page = client.get(f"/embassy/import/{job.id}").get_data(as_text=True)
        assert "30 rows: 30 new" in page and 'http-equiv="refresh"' not in page
        assert "orgs.csv" in client.get("/embassy/import").get_data(as_text=True)


def test_every_bad_row_is_reported_and_nothing_written_by_a_job(make_app):
    app = make_app(IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, _user = officer_client(app)
        response = upload(client, csv_file(org_rows(30, bad={3, 17, 29})), "orgs.csv")
        html = response.get_data(as_text=True)
        assert "Nothing was imported" in html
        job = latest_job()
        assert job.status == ImportStatus.FAILED and job.content is None
        assert [(e["row"], e["column"]) for e in job.errors] == [
            (5, "beds"), (19, "beds"), (31, "beds")]
        assert organisations() == 0


def test_a_dry_run_job_writes_nothing(make_app):
    app = make_app(IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, _user = officer_client(app)
        upload(client, csv_file(org_rows(12)), "orgs.csv", dry_run=True)
        job = latest_job()
        assert job.status == ImportStatus.SUCCEEDED and job.dry_run and job.created_count == 12
        assert organisations() == 0


def test_an_unexpected_failure_is_recorded_and_writes_nothing(make_app, monkeypatch):
    app = make_app()
    with app.app_context():
        client, _user = officer_client(app)
        real = imports.import_organisations

        def breaks_after_writing(*args, **kwargs):
            real(*args, **kwargs)  # writes (flushes) every row, then fails
            raise RuntimeError("disk full")

        monkeypatch.setitem(import_jobs.IMPORTERS, "organisations", breaks_after_writing)
        response = upload(client, csv_file(org_rows(8)), "orgs.csv")
        assert response.status_code == 200
        assert "unexpected error" in response.get_data(as_text=True)
        job = latest_job()
        assert job.status == ImportStatus.FAILED and job.content is None
        assert organisations() == 0


def test_progress_is_written_while_the_rows_are_checked(make_app, monkeypatch):
    app = make_app()
    with app.app_context():
        client, _user = officer_client(app)
        monkeypatch.setattr(imports, "PROGRESS_EVERY", 5)
        seen = []
        real_progress = import_jobs._progress

        def watching(job_id):
            tell = real_progress(job_id)

            def spy(checked):
                tell(checked)
                with db.engine.connect() as other:  # what the status page would read now
                    seen.append(other.scalar(select(ImportJob.rows_checked)
                                             .where(ImportJob.id == job_id)))
            return spy

        monkeypatch.setattr(import_jobs, "_progress", watching)
        upload(client, csv_file(org_rows(23)), "orgs.csv")
        assert seen == [5, 10, 15, 20]
        assert latest_job().rows_checked == 23


def test_the_status_page_of_a_running_job_refreshes_itself(make_app):
    app = make_app()
    with app.app_context():
        client, user = officer_client(app)
        job = ImportJob(kind="organisations", filename="big <b>file</b>.xlsx", dry_run=False,
                        language="en", status=ImportStatus.RUNNING, rows_total=4000,
                        rows_checked=1250, created_by_id=user.id)
        db.session.add(job)
        db.session.commit()
        html = client.get(f"/embassy/import/{job.id}").get_data(as_text=True)
        assert '<meta http-equiv="refresh" content="3">' in html
        assert "1250 of 4000 rows checked" in html
        assert f'href="/embassy/import/{job.id}"' in html  # works without JavaScript
        assert "big &lt;b&gt;file&lt;/b&gt;.xlsx" in html
        assert client.get("/embassy/import/999").status_code == 404


# --- jobs with Redis: in the worker -----------------------------------------------------------

def test_with_redis_a_large_import_runs_in_the_worker(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, _user = officer_client(app)
        response = upload(client, xlsx_file(org_rows(40)), "orgs.xlsx")
        assert response.status_code == 302
        job_id = int(re.search(r"/embassy/import/(\d+)$", response.headers["Location"])[1])
        page = client.get(f"/embassy/import/{job_id}").get_data(as_text=True)
        assert "waiting for its turn" in page and 'http-equiv="refresh"' in page
        job = latest_job()
        assert job.status == ImportStatus.QUEUED and job.content  # kept for the worker
        assert organisations() == 0
        jobs.work(burst=True)
        job = latest_job()
        assert job.status == ImportStatus.SUCCEEDED and job.created_count == 40
        assert job.content is None and organisations() == 40
        page = client.get(f"/embassy/import/{job_id}").get_data(as_text=True)
        assert "40 rows: 40 new" in page and 'http-equiv="refresh"' not in page


def test_with_redis_a_bad_large_file_writes_nothing(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, _user = officer_client(app)
        assert upload(client, csv_file(org_rows(40, bad={0, 39})), "o.csv").status_code == 302
        jobs.work(burst=True)
        job = latest_job()
        assert job.status == ImportStatus.FAILED and job.content is None
        assert [(e["row"], e["column"]) for e in job.errors] == [(2, "beds"), (41, "beds")]
        assert organisations() == 0


def test_with_redis_a_small_import_still_runs_at_once(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url, IMPORT_BACKGROUND_ROWS=50)
    with app.app_context():
        client, _user = officer_client(app)
        assert upload(client, csv_file(org_rows(3)), "o.csv").status_code == 200
        assert latest_job().status == ImportStatus.SUCCEEDED and organisations() == 3


def test_the_xlsx_row_count_is_exact_across_chunks():
    """The quick count of a sheet's rows (before openpyxl loads anything) reads the XML in
    chunks; tags cut by a chunk's end are counted once."""
    data = xlsx_file(org_rows(20_000))
    assert not tables._xlsx_row_elements_exceed(data, 20_001)
    assert tables._xlsx_row_elements_exceed(data, 20_000)


def test_a_huge_xlsx_is_refused_before_openpyxl_opens_it(monkeypatch):
    import openpyxl

    def never(*_args, **_kwargs):
        raise AssertionError("openpyxl was asked to open the file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(FileProblem, match="more than 100 data rows"):
        read_table(xlsx_file(org_rows(2_000)), "orgs.xlsx", max_rows=100)


def test_when_redis_is_down_a_large_import_runs_at_once(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", IMPORT_BACKGROUND_ROWS=5)
    with app.app_context():
        client, _user = officer_client(app)
        response = upload(client, csv_file(org_rows(12)), "orgs.csv")
        assert response.status_code == 200
        assert latest_job().status == ImportStatus.SUCCEEDED and organisations() == 12
