"""memorandum template: a new version whose last clause ("Signatures") no longer holds the
signing lines; the PDF's signature block carries the signatories, positions, place and date
per language. Only databases that already hold template versions get the new one (a fresh
database stores the shipped version 2 on first use). Memoranda keep the version they were
made from, so agreed texts stay byte for byte as they were.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 15:00:00

"""
import json
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

NOTE = "signing lines moved from the last clause to the signature block"

template = sa.table(
    "memorandum_template",
    sa.column("id", sa.Integer), sa.column("number", sa.Integer),
    sa.column("content", sa.JSON), sa.column("note", sa.Text),
    sa.column("author_id", sa.Integer), sa.column("created_at", sa.DateTime(timezone=True)))


def without_signing_lines(text: str) -> str:
    """A clause text up to its first paragraph with a signing line ("____ {{ ua.signatory }}")."""
    kept = []
    for paragraph in text.split("\n\n"):
        if "____" in paragraph and "signatory" in paragraph:
            break
        kept.append(paragraph)
    return "\n\n".join(kept)


def upgrade():
    connection = op.get_bind()
    newest = connection.execute(sa.select(template.c.number, template.c.content)
                                .order_by(template.c.number.desc()).limit(1)).first()
    if newest is None:
        return
    content = newest.content if isinstance(newest.content, dict) else json.loads(newest.content)
    clauses = []
    for clause in content["clauses"]:
        texts = {language: without_signing_lines(text) for language, text in clause["text"].items()}
        clauses.append({**clause, "text": texts})
    if clauses == content["clauses"]:
        return
    connection.execute(template.insert().values(
        number=newest.number + 1, content={**content, "clauses": clauses}, note=NOTE,
        author_id=None, created_at=datetime.now(timezone.utc)))


def downgrade():
    connection = op.get_bind()
    connection.execute(sa.text(
        "DELETE FROM memorandum_template WHERE note = :note AND NOT EXISTS (SELECT 1 FROM "
        "memorandum WHERE memorandum.template_id = memorandum_template.id) AND NOT EXISTS "
        "(SELECT 1 FROM memorandum_version WHERE memorandum_version.template_id = "
        "memorandum_template.id)"), {"note": NOTE})
