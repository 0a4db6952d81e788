"""A world for the notification tests: two partner organisations and an unrelated one (each
with an actor, a colleague, a member and a deactivated manager), the embassy, the programme's
coordinators and two centres. ``deliver`` commits and dispatches the events, as a request's
unit of work does."""

from datetime import date, timedelta

from sqlalchemy import select

from partnership.core import events
from partnership.core.models import OutboxEmail
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.models import Match
from partnership.notifications.models import Notification
from partnership.organisations.models import Country, Direction, Kind, Status

from . import factories_programme as fp
from .factories import ItemFactory, OrganisationFactory, UserFactory


def deliver() -> None:
    """Commit the test's work, then hand its events to the handlers."""
    db.session.commit()
    events.dispatch_pending()


class Hub:
    def __init__(self):
        self.ua = OrganisationFactory()
        self.kz = OrganisationFactory(country=Country.KZ)
        self.other = OrganisationFactory()
        self.people = {}
        for prefix, organisation in (("ua", self.ua), ("kz", self.kz), ("other", self.other)):
            self._person(f"{prefix}_actor", Role.ORG_MANAGER, organisation=organisation)
            self._person(f"{prefix}_manager", Role.ORG_MANAGER, organisation=organisation)
            self._person(f"{prefix}_member", Role.ORG_MEMBER, organisation=organisation)
            self._person(f"{prefix}_gone", Role.ORG_MANAGER, organisation=organisation,
                         active=False)
        self._person("officer", Role.EMBASSY_OFFICER)
        self._person("officer2", Role.EMBASSY_OFFICER)
        self._person("officer_gone", Role.EMBASSY_OFFICER, active=False)
        self._person("admin", Role.ADMIN)
        self._person("coordinator", Role.PROGRAMME_COORDINATOR)
        self._person("coordinator2", Role.PROGRAMME_COORDINATOR)
        self._person("coordinator_gone", Role.PROGRAMME_COORDINATOR, active=False)
        self.centre_org = OrganisationFactory(country=Country.KZ, kind=Kind.REHABILITATION_CENTRE)
        self.other_centre_org = OrganisationFactory(country=Country.KZ,
                                                    kind=Kind.REHABILITATION_CENTRE)
        self._person("centre_staff", Role.CENTRE_STAFF, organisation=self.centre_org)
        self._person("centre_gone", Role.CENTRE_STAFF, organisation=self.centre_org,
                     active=False)
        self._person("other_centre_staff", Role.CENTRE_STAFF,
                     organisation=self.other_centre_org)
        need = ItemFactory(organisation=self.ua, direction=Direction.NEED,
                           area="paediatric_rehabilitation")
        offer = ItemFactory(organisation=self.kz, area="paediatric_rehabilitation")
        self.match = Match(need_id=need.id, offer_id=offer.id, need_organisation_id=self.ua.id,
                           offer_organisation_id=self.kz.id, score=0.9,
                           need_version=need.updated_at, offer_version=offer.updated_at)
        db.session.add(self.match)
        db.session.commit()
        self.checkpoint()

    def _person(self, name, role, **fields):
        self.people[name] = UserFactory(role=role, full_name=name, **fields)
        setattr(self, name, self.people[name])

    def checkpoint(self) -> None:
        """From here on: what the next step tells whom."""
        db.session.commit()
        self.after_notification = db.session.scalar(
            select(db.func.max(Notification.id))) or 0
        self.after_email = db.session.scalar(select(db.func.max(OutboxEmail.id))) or 0

    def told(self) -> dict[str, set[str]]:
        """kind -> the names of the people told since the checkpoint."""
        names = {u.id: n for n, u in self.people.items()}
        found: dict[str, set[str]] = {}
        for n in db.session.scalars(select(Notification).where(
                Notification.id > self.after_notification)):
            found.setdefault(n.kind, set()).add(names.get(n.user_id, f"user {n.user_id}"))
        return found

    def emailed(self) -> list[OutboxEmail]:
        return list(db.session.scalars(select(OutboxEmail).where(
            OutboxEmail.id > self.after_email)))

    def pending_organisation(self):
        organisation = OrganisationFactory(status=Status.PENDING)
        self._person("pending_manager", Role.ORG_MANAGER, organisation=organisation)
        self._person("pending_member", Role.ORG_MEMBER, organisation=organisation)
        return organisation

    def expiring_item(self):
        return ItemFactory(organisation=self.ua, valid_until=date.today() + timedelta(days=10))

    def centre_group(self):
        fp.centre_with_group(self.coordinator, organisation=self.other_centre_org)
        return fp.centre_with_group(self.coordinator, organisation=self.centre_org)[1]
