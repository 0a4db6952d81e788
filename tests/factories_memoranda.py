"""Test data for memoranda: a partnership with both organisations' managers and an officer."""

import pyotp

from partnership.core.roles import Role
from partnership.extensions import db
from partnership.matching.models import Match
from partnership.memoranda import services
from partnership.organisations.models import Country, Direction
from partnership.partnerships.models import Partnership

from .factories import ItemFactory, OrganisationFactory, UserFactory


class World:
    """A partnership (from one match) and the people around it."""

    def __init__(self, reference: str = "UA-KZ-2026-0001"):
        self.ua = OrganisationFactory(name_uk="Миколаївська обласна дитяча лікарня",
                                      name_kk="Николаев облыстық балалар ауруханасы",
                                      name_en="Mykolaiv Regional Children's Hospital",
                                      city="Миколаїв")
        self.kz = OrganisationFactory(country=Country.KZ, name_uk="Реабілітаційний центр «Шаңырақ»",
                                      name_kk="«Шаңырақ» оңалту орталығы",
                                      name_en="Shanyrak Rehabilitation Centre", city="Астана")
        need = ItemFactory(organisation=self.ua, direction=Direction.NEED,
                           area="paediatric_rehabilitation", urgency="high")
        offer = ItemFactory(organisation=self.kz, area="paediatric_rehabilitation")
        self.partnership = Partnership(reference=reference,
                                       ukrainian_organisation_id=self.ua.id,
                                       kazakh_organisation_id=self.kz.id)
        db.session.add(self.partnership)
        db.session.flush()
        db.session.add(Match(need_id=need.id, offer_id=offer.id, need_organisation_id=self.ua.id,
                             offer_organisation_id=self.kz.id, score=0.9,
                             need_version=need.updated_at, offer_version=offer.updated_at,
                             partnership_id=self.partnership.id, status="vetted"))
        db.session.commit()
        self.ua_manager = UserFactory(role=Role.ORG_MANAGER, organisation=self.ua,
                                      full_name="Оксана Мельник")
        self.kz_manager = UserFactory(role=Role.ORG_MANAGER, organisation=self.kz,
                                      full_name="Айгерим Сапарова")
        self.ua_member = UserFactory(role=Role.ORG_MEMBER, organisation=self.ua)
        self.officer_secret = pyotp.random_base32()
        self.officer = UserFactory(role=Role.EMBASSY_OFFICER, totp_secret=self.officer_secret,
                                   full_name="Андрій Коваленко")
        self.stranger = UserFactory(role=Role.ORG_MANAGER, organisation=OrganisationFactory())

    def memorandum(self):
        """A draft memorandum made by the Ukrainian manager, committed."""
        memorandum = services.create_memorandum(self.ua_manager, self.partnership)
        db.session.commit()
        return memorandum
