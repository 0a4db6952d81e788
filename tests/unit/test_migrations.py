"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from partnership.extensions import db
from partnership.organisations.fulltext import DERIVED_PREFIX


def _models_only(name, type_, _parent_names) -> bool:
    # The full-text index (search_document, the FTS5 table and its own tables) is derived data
    # that migration 0013 builds outside the models.
    return not (type_ == "table" and name.startswith(DERIVED_PREFIX))


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_name": _models_only})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
