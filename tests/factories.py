"""factory_boy factories for test data."""

import itertools
from datetime import date, timedelta
from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from partnership.auth.models import User
from partnership.auth.passwords import hash_password
from partnership.core.database import utcnow
from partnership.core.roles import Role
from partnership.extensions import db
from partnership.organisations import registry
from partnership.organisations.items import description_key
from partnership.organisations.models import (
    Country,
    Dimension,
    Direction,
    Form,
    Item,
    ItemStatus,
    Kind,
    Organisation,
    Status,
)
from partnership.organisations.search import search_key

DEFAULT_PASSWORD = "correct horse battery staple"


@cache
def default_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    role = Role.ORG_MEMBER
    active = True
    locale = None
    password_hash = factory.LazyFunction(default_hash)
    created_at = factory.LazyFunction(utcnow)


# --- organisations ------------------------------------------------------------------------

_serial = itertools.count(1)


def edrpou(n: int) -> str:
    first = f"{2000000 + n * 7919 % 7000000:07d}"
    return first + str(registry.edrpou_check_digit(first))


def bin_code(n: int) -> str:
    for extra in range(10):
        first = f"2105{4}{(n * 104729 + extra) % 10**6:06d}"
        digit = registry.bin_check_digit(first)
        if digit is not None:
            return first + str(digit)
    raise AssertionError("no BIN")


class OrganisationFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Organisation
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    country = Country.UA
    kind = Kind.HOSPITAL
    registry_code = factory.LazyAttribute(
        lambda o: edrpou(next(_serial)) if o.country == Country.UA else bin_code(next(_serial)))
    name_uk = factory.Sequence(lambda n: f"Лікарня №{n}")
    name_kk = factory.Sequence(lambda n: f"№{n} аурухана")
    name_en = factory.Sequence(lambda n: f"Hospital No. {n}")
    region = factory.LazyAttribute(lambda o: "ua_kyiv_city" if o.country == Country.UA
                                   else "kz_astana")
    city = factory.LazyAttribute(lambda o: "Київ" if o.country == Country.UA else "Астана")
    languages = factory.LazyAttribute(lambda o: ["uk", "en"] if o.country == Country.UA
                                      else ["kk", "ru"])
    description = ""
    contact_name = "Contact Person"
    contact_email = "contact@hospital.example"
    contact_phone = "+380 44 000 00 00"
    status = Status.VERIFIED
    public_listing = True
    open_to_cooperation = True
    on_agreed_list = True
    search_key = factory.LazyAttribute(lambda o: search_key(o.name_uk, o.name_kk, o.name_en,
                                                            o.city, o.description))
    created_at = factory.LazyFunction(utcnow)
    updated_at = factory.LazyFunction(utcnow)


class ItemFactory(SQLAlchemyModelFactory):
    class Meta:
        model = Item
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    organisation = factory.SubFactory(OrganisationFactory)
    direction = Direction.OFFER
    area = "physical_rehabilitation"
    dimension = Dimension.PROFESSIONAL
    form = Form.TRAINING
    description = factory.Sequence(lambda n: f"Training course number {n}")
    description_key = factory.LazyAttribute(lambda o: description_key(o.description))
    quantity = 5
    urgency = None
    languages = factory.LazyFunction(lambda: ["uk", "en"])
    valid_until = factory.LazyFunction(lambda: date.today() + timedelta(days=200))
    status = ItemStatus.ACTIVE
    created_at = factory.LazyFunction(utcnow)
    updated_at = factory.LazyFunction(utcnow)
