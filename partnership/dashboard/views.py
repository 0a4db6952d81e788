"""The embassy's dashboard: the page, each table as CSV, every table as XLSX, the report PDF."""

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import roles_required
from ..core.database import utcnow
from ..core.language import current_language
from ..core.roles import EMBASSY_ROLES
from . import exports, pdf
from .figures import Period, dashboard, last_quarter
from .forms import REPORT_LANGUAGE_CODES, PeriodForm, ReportForm
from .page import page_context, period_label
from .tables import tables

bp = Blueprint("dashboard", __name__, url_prefix="/embassy/dashboard")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> date:
    return utcnow().date()


def _period(form: PeriodForm) -> Period:
    """The chosen period; the last quarter when none (or a wrong one) is chosen."""
    default = last_quarter(_today())
    if not form.validate():
        return default
    first, last = form.first.data, form.last.data
    if first and last:
        return Period(first, last)
    if first:
        return Period(first, max(first, _today()))
    if last:
        return Period(last - timedelta(days=91), last)
    return default


def _board(form_class=PeriodForm):
    form = form_class(request.args)
    period = _period(form)
    return form, dashboard(current_user, period, _today())


def _filename(board, suffix: str) -> str:
    return f"dashboard-{board.period.first.isoformat()}-{board.period.last.isoformat()}{suffix}"


@bp.route("")
@roles_required(*EMBASSY_ROLES)
def page():
    form, board = _board()
    if not form.errors:
        form.first.data, form.last.data = board.period.first, board.period.last
    report_form = ReportForm(request.args)
    if report_form.language.data not in REPORT_LANGUAGE_CODES or "language" not in request.args:
        report_form.language.data = current_language()
    return render_template("dashboard/page.html", form=form, report_form=report_form,
                           **page_context(board))


@bp.route("/<key>.csv")
@roles_required(*EMBASSY_ROLES)
def table_csv(key: str):
    _form, board = _board()
    found = {table.key: table for table in tables(board)}
    if key not in found:
        abort(404)
    return Response(exports.table_csv(found[key]), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={_filename(board, '-' + key + '.csv')}"})


@bp.route("/tables.xlsx")
@roles_required(*EMBASSY_ROLES)
def tables_xlsx():
    _form, board = _board()
    heading = _("Embassy dashboard: %(period)s", period=period_label(board))
    return Response(exports.tables_xlsx(tables(board), heading), mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename={_filename(board, '.xlsx')}"})


@bp.route("/report.pdf")
@roles_required(*EMBASSY_ROLES)
def report_pdf():
    form, board = _board(ReportForm)
    language = form.language.data if form.language.data in REPORT_LANGUAGE_CODES else "uk"
    body = pdf.report_pdf(board, language, _today())
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition":
            f"inline; filename={_filename(board, '-report-' + language + '.pdf')}"})
