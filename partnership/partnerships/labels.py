"""Words shown for a partnership's statuses, in the reader's language."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from .models import PartnershipStatus

S = PartnershipStatus
PARTNERSHIP_STATUSES = {
    S.FORMING: _l("Forming"),
    S.MOU_DRAFTING: _l("Memorandum being drafted"),
    S.MOU_REVIEW: _l("Memorandum under review"),
    S.MOU_AGREED: _l("Memorandum agreed"),
    S.SIGNED: _l("Signed"),
    S.ACTIVE: lazy_pgettext("partnership", "Active"),
    S.ANNUAL_REVIEW: _l("Annual review"),
    S.COMPLETED: _l("Completed"),
    S.TERMINATED: _l("Terminated"),
    S.ON_HOLD: _l("On hold"),
}


def register(app) -> None:
    """Make the labels (and the statuses, to compare with) available to templates."""
    app.jinja_env.globals.update(
        partnership_status_label=lambda s: PARTNERSHIP_STATUSES.get(str(s), s),
        PartnershipStatus=PartnershipStatus,
    )
