"""The quarterly report for the Ambassador: the dashboard's figures and charts as a PDF in
one language, laid out by WeasyPrint with the app's own fonts (the memorandum's URL fetcher:
nothing is read from the network or from outside ``static/fonts`` and ``static/img``)."""

from flask import render_template
from flask_babel import force_locale

from ..memoranda.pdf import HTML, base_url, url_fetcher
from .figures import Dashboard
from .page import page_context


def report_html(board: Dashboard, language: str, today) -> str:
    """The report as the HTML page WeasyPrint lays out, in ``language``."""
    with force_locale(language):
        return render_template("dashboard/report_pdf.html", language=language, today=today,
                               **page_context(board, chart_prefix="pdf"))


def report_pdf(board: Dashboard, language: str, today) -> bytes:
    """The report as PDF bytes (needs an app context)."""
    html = HTML(string=report_html(board, language, today), base_url=base_url(),
                url_fetcher=url_fetcher())
    return html.write_pdf(full_fonts=True)
