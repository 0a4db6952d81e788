"""Participating centres (verified Kazakh organisations) and their groups."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.services import ServiceError
from ..extensions import db
from ..organisations.models import Country, Organisation, Status
from .access import require_coordinator
from .models import Centre, Group


def centres(actor: User) -> list[Centre]:
    """Every enrolled centre with its groups."""
    require_coordinator(actor)
    return list(db.session.scalars(select(Centre).options(selectinload(Centre.groups))
                                   .order_by(Centre.id)))


def enrollable(actor: User) -> list[Organisation]:
    """Verified Kazakh organisations not enrolled yet."""
    require_coordinator(actor)
    return list(db.session.scalars(
        select(Organisation).where(Organisation.country == Country.KZ,
                                   Organisation.status == Status.VERIFIED,
                                   Organisation.id.not_in(select(Centre.organisation_id)))
        .order_by(Organisation.name_en, Organisation.id)))


def enrol_centre(actor: User, organisation_id: int) -> Centre:
    """Enrol a verified Kazakh organisation as a participating centre."""
    require_coordinator(actor)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.country != Country.KZ \
            or organisation.status != Status.VERIFIED:
        raise ServiceError(_("Only a verified Kazakh organisation can take part."),
                           "organisation_id")
    if db.session.scalar(select(Centre.id).where(Centre.organisation_id == organisation.id)):
        raise ServiceError(_("This organisation already takes part."), "organisation_id")
    centre = Centre(organisation_id=organisation.id, enrolled_at=utcnow(), active=True)
    db.session.add(centre)
    db.session.flush()
    record("programme.centre_enrolled", actor=actor, obj=centre,
           organisation_id=organisation.id)
    return centre


def get_centre(actor: User, centre_id: int) -> Centre:
    require_coordinator(actor)
    centre = db.session.get(Centre, centre_id)
    if centre is None:
        raise NotVisible()
    return centre


def get_group(actor: User, group_id: int) -> Group:
    require_coordinator(actor)
    group = db.session.get(Group, group_id)
    if group is None:
        raise NotVisible()
    return group


@dataclass
class GroupData:
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    language: str
    focus: str
    accompanying_staff: str


def _check(data: GroupData, placed: int = 0) -> None:
    if data.ends_on < data.starts_on:
        raise ServiceError(_("The group cannot end before it starts."), "ends_on")
    if data.capacity < max(1, placed):
        raise ServiceError(_("The capacity cannot be less than the %(n)d children already "
                             "placed.", n=placed) if placed else
                           _("The capacity must be at least 1."), "capacity")


def save_group(actor: User, centre: Centre, data: GroupData, group: Group | None = None) -> Group:
    """Create a group at a centre, or change one (never below the children already placed)."""
    require_coordinator(actor)
    _check(data, group.placed_count if group else 0)
    if group is None:
        group = Group(centre=centre, placed_count=0, created_at=utcnow())
        db.session.add(group)
    group.name, group.starts_on, group.ends_on = data.name.strip(), data.starts_on, data.ends_on
    group.capacity, group.language, group.focus = data.capacity, data.language, data.focus
    group.accompanying_staff = data.accompanying_staff.strip()
    try:
        db.session.flush()
    except IntegrityError:
        # Children were placed in the group since the form was read (the CHECK constraint).
        raise ServiceError(_("The group changed meanwhile: more children are placed now. Open "
                             "it again and check the capacity."), "capacity") from None
    record("programme.group_saved", actor=actor, obj=group, centre_id=centre.id,
           capacity=group.capacity)
    return group
