"""Sorting organisations by name in the page's language, as ``Organisation.name`` reads it."""

from sqlalchemy import case, func
from sqlalchemy.orm import aliased

from .models import Country, Organisation

LANGUAGES = ("uk", "kk", "en", "ru")


def name_in(language: str, organisation=Organisation):
    """The SQL expression of ``organisation.name(language)``: the name in that language, else
    the native one, else any; lower-cased so capitals do not sort apart (SQLite lowers ASCII
    only; PostgreSQL every letter)."""
    def column(code):
        return func.nullif(getattr(organisation, f"name_{code}"), "")

    native = case((organisation.country == Country.UA, column("uk")),
                  else_=func.coalesce(column("kk"), column("ru")))
    own = [column(language)] if language in LANGUAGES else []
    return func.lower(func.coalesce(*own, native, column("en"), column("uk"), column("kk"),
                                    column("ru"), organisation.registry_code))


def alias():
    """Another name for the organisation table, for a query that names two organisations."""
    return aliased(Organisation)
