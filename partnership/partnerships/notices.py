"""Who hears that a partnership opened or changed status: both organisations' people (the
handlers of ``PartnershipOpened`` and ``PartnershipStatusChanged`` call these)."""

from ..extensions import db
from ..notifications.services import notify
from ..notifications.texts import translated
from ..organisations.services import active_people, names_of
from .labels import PARTNERSHIP_STATUSES
from .models import Partnership, PartnershipStatus

# Statuses that follow the memorandum's steps: the memorandum's own notices tell of those.
FOLLOWS_MEMORANDUM = (PartnershipStatus.MOU_DRAFTING, PartnershipStatus.MOU_REVIEW,
                      PartnershipStatus.MOU_AGREED, PartnershipStatus.SIGNED)


def _tell_both(partnership: Partnership, kind: str, params: dict, actor_id) -> None:
    sides = ((partnership.ukrainian_organisation, partnership.kazakh_organisation),
             (partnership.kazakh_organisation, partnership.ukrainian_organisation))
    for organisation, partner in sides:
        notify(active_people(organisation.id), kind,
               {**params, "partner": names_of(partner), "reference": partnership.reference},
               endpoint="partnerships.page", link_args={"partnership_id": partnership.id},
               actor_id=actor_id)


def tell_of_opening(partnership_id: int, actor_id: int | None) -> None:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is not None:
        _tell_both(partnership, "partnership_opened", {}, actor_id)


def tell_of_status(partnership_id: int, status: str, actor_id: int | None) -> None:
    """The embassy moved the partnership (steps that follow the memorandum are told by it)."""
    partnership = db.session.get(Partnership, partnership_id)
    status = PartnershipStatus(status)
    if partnership is None or status in FOLLOWS_MEMORANDUM:
        return
    _tell_both(partnership, "partnership_status",
               {"status": translated(PARTNERSHIP_STATUSES[status])}, actor_id)
