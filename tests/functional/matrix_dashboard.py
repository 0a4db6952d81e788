"""The dashboard's rows of the access matrix (see test_access_matrix.py): the embassy's roles
only (its programme part is tested in test_dashboard.py)."""

from partnership.core.roles import Role

ANON = "anonymous"
SIGNED_IN = [role.value for role in Role]
EMBASSY = {"embassy_officer", "admin"}
ONLY_EMBASSY = {ANON: 302, **{r: (200 if r in EMBASSY else 403) for r in SIGNED_IN}}

ROUTES: dict = {
    "dashboard.page": ("/embassy/dashboard", ONLY_EMBASSY),
    "dashboard.table_csv": ("/embassy/dashboard/funnel.csv", ONLY_EMBASSY),
    "dashboard.tables_xlsx": ("/embassy/dashboard/tables.xlsx", ONLY_EMBASSY),
    "dashboard.report_pdf": ("/embassy/dashboard/report.pdf?language=en", ONLY_EMBASSY),
}


def make_world() -> None:
    """Nothing beyond the matrix's own world."""
