"""What waits in the organisations area, for "My work": one aggregate query per question,
each answering (how many, the oldest or soonest, the id when there is exactly one)."""

from datetime import date, timedelta

from sqlalchemy import func, select

from ..core.database import utcnow
from ..extensions import db
from .models import ImportJob, ImportStatus, Item, ItemStatus, Organisation, Status

EXPIRY_HORIZON_DAYS = 30
FAILED_IMPORTS_DAYS = 30


def _one(statement) -> tuple:
    count, when, single = db.session.execute(statement).one()
    return count or 0, when, single


def items_expiring(organisation_id: int, today: date | None = None) -> tuple:
    """The organisation's active offers and needs whose date falls within 30 days (soonest)."""
    today = today or utcnow().date()
    return _one(select(func.count(Item.id), func.min(Item.valid_until), func.max(Item.id))
                .where(Item.organisation_id == organisation_id,
                       Item.status == ItemStatus.ACTIVE, Item.valid_until >= today,
                       Item.valid_until <= today + timedelta(days=EXPIRY_HORIZON_DAYS)))


def registrations_to_verify() -> tuple:
    """Organisations waiting for the embassy's verification (oldest registration first)."""
    return _one(select(func.count(Organisation.id), func.min(Organisation.created_at),
                       func.max(Organisation.id))
                .where(Organisation.status == Status.PENDING))


def returned_for_changes(organisation_id: int) -> tuple:
    """The organisation, when the embassy returned it for changes: (1, since when, its id,
    what to change), or (0, None, None, "")."""
    row = db.session.execute(select(Organisation.updated_at, Organisation.status_reason)
                             .where(Organisation.id == organisation_id,
                                    Organisation.status == Status.CHANGES_REQUESTED)).first()
    if row is None:
        return 0, None, None, ""
    return 1, row[0], organisation_id, row[1]


def failed_imports(now=None) -> tuple:
    """Imports that failed in the last 30 days."""
    since = (now or utcnow()) - timedelta(days=FAILED_IMPORTS_DAYS)
    return _one(select(func.count(ImportJob.id), func.min(ImportJob.created_at),
                       func.max(ImportJob.id))
                .where(ImportJob.status == ImportStatus.FAILED, ImportJob.created_at >= since))
