"""The cooperation package's rows of the access matrix (see test_access_matrix.py), and the
public PDF check on /verify.

Catalogue job 1 has finished, but its files are not in this test's cache: its download is 404
for the embassy (and 403 for everyone else, who may not even ask).
"""

ROLES = ("org_member", "org_manager", "centre_staff", "embassy_officer",
         "programme_coordinator", "admin")
EMBASSY = ("embassy_officer", "admin")


def _embassy(status=200):
    return {"anonymous": 302, **{r: status if r in EMBASSY else 403 for r in ROLES}}


ROUTES: dict = {
    "outreach.package": ("/embassy/cooperation-package", _embassy()),
    "outreach.job": ("/embassy/cooperation-package/1", _embassy()),
    "outreach.download": ("/embassy/cooperation-package/1/pdf", _embassy(404)),
    "memoranda.verify_upload": ("/verify", {"anonymous": 200, **dict.fromkeys(ROLES, 200)}),
}


def make_world() -> None:
    from partnership.extensions import db
    from partnership.outreach.models import CatalogueJob, CatalogueStatus

    db.session.add(CatalogueJob(key="f" * 64, language="kk", filters={},
                                status=CatalogueStatus.SUCCEEDED, organisations=0,
                                progress=100))
