"""search on PostgreSQL: the words of the index for typos, and rows the search reads quickly

Two things made a search slow on PostgreSQL with 10,000 organisations:
- A typo was caught by ``word_similarity`` of the query against each document's whole word list:
  0.6-0.8 s, as the trigram index narrowed 10,000 documents only to 6,000. PostgreSQL's manual
  (pg_trgm, "Text Search Integration") keeps the distinct words apart and looks the misspelt one
  up among them; ``search_word`` is that list, with a GiST trigram index that hands back the
  nearest words first (1 ms). The corrected words then
  run as an ordinary full-text query, and the documents' own trigram index goes (upkeep on every
  save that nothing reads).
- A row of ``search_document`` was about 3 kB, so PostgreSQL compressed its ``tsv`` inline and
  every search decompressed thousands of them. The texts the vector is made of (read by nobody
  on PostgreSQL once the vector is made) now go out of line first, and the vector stays inline
  uncompressed (``STORAGE MAIN``): the rows are written anew to take the new layout.

SQLite is unchanged (FTS5 has its own vocabulary and storage).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 12:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE TABLE search_word (word text NOT NULL, CONSTRAINT pk_search_word PRIMARY KEY (word))",
    # GiST, not GIN: it returns the nearest words in order (``ORDER BY word <-> term LIMIT``).
    "CREATE INDEX ix_search_word_trigram ON search_word USING gist (word gist_trgm_ops)",
    """INSERT INTO search_word (word)
       SELECT DISTINCT word FROM search_document, unnest(string_to_array(fuzzy, ' ')) AS word
       WHERE word <> '' ORDER BY word""",
    """ALTER TABLE search_document ALTER COLUMN names SET STORAGE EXTERNAL,
       ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN fuzzy SET STORAGE EXTERNAL,
       ALTER COLUMN tsv SET STORAGE MAIN""",
    "DROP INDEX ix_search_document_fuzzy",
    """CREATE TEMPORARY TABLE search_document_copy AS
       SELECT organisation_id, names, place, body, fuzzy FROM search_document""",
    "DELETE FROM search_document",
    """INSERT INTO search_document (organisation_id, names, place, body, fuzzy)
       SELECT organisation_id, names, place, body, fuzzy FROM search_document_copy""",
    "DROP TABLE search_document_copy",
    "ANALYZE search_word",
    "ANALYZE search_document",
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""ALTER TABLE search_document ALTER COLUMN names SET STORAGE EXTENDED,
                  ALTER COLUMN body SET STORAGE EXTENDED, ALTER COLUMN fuzzy SET STORAGE EXTENDED,
                  ALTER COLUMN tsv SET STORAGE EXTENDED""")
    op.execute("CREATE INDEX ix_search_document_fuzzy ON search_document "
               "USING gin (fuzzy gin_trgm_ops)")
    op.execute("DROP TABLE search_word")
