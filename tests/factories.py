"""factory_boy factories for test data."""

from functools import cache

import factory
from factory.alchemy import SQLAlchemyModelFactory

from partnership.auth.models import Role, User
from partnership.auth.passwords import hash_password
from partnership.core.database import utcnow
from partnership.extensions import db

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
