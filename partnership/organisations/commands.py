"""``flask`` commands of the organisations area."""

import time

import click

from ..extensions import db
from . import fulltext


@click.command("reindex-search")
def reindex_search() -> None:
    """Rebuild the directory's full-text index from every organisation and its items."""
    started = time.perf_counter()
    count = fulltext.reindex(db.session)
    click.echo(f"{count} organisation(s) indexed in {time.perf_counter() - started:.1f} s.")


COMMANDS = (reindex_search,)
