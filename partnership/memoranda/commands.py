"""``flask render-memorandum``: a partnership's memorandum as a PDF file."""

from pathlib import Path

import click
from sqlalchemy import select

from ..core.services import ServiceError
from ..extensions import db


@click.command("render-memorandum")
@click.argument("partnership_id", type=int)
@click.option("--languages", default="uk,kk,en", show_default=True,
              help="Two or three of uk, kk, en, in column order (uk,kk or kk,en ...).")
@click.option("--version", "number", type=int, default=None,
              help="Version number (default: the newest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def render_memorandum(partnership_id: int, languages: str, number: int | None,
                      output: str) -> None:
    """Render the newest memorandum of a partnership to a PDF file."""
    from .models import Memorandum, MemorandumVersion
    from .printing import file_name, parse_languages, render

    try:
        chosen = parse_languages(languages)
    except ServiceError as error:
        raise click.BadParameter(error.message, param_hint="--languages") from None
    memorandum = db.session.scalar(select(Memorandum)
                                   .where(Memorandum.partnership_id == partnership_id)
                                   .order_by(Memorandum.id.desc()).limit(1))
    if memorandum is None:
        raise click.ClickException(f"Partnership {partnership_id} has no memorandum.")
    statement = select(MemorandumVersion).where(MemorandumVersion.memorandum_id == memorandum.id)
    statement = (statement.where(MemorandumVersion.number == number) if number
                 else statement.order_by(MemorandumVersion.number.desc()).limit(1))
    version = db.session.scalar(statement)
    if version is None:
        raise click.ClickException(f"The memorandum has no version {number}.")
    data = render(memorandum, version, chosen)
    Path(output).write_bytes(data)
    click.echo(f"{output}: {len(data)} bytes ({file_name(memorandum, version, chosen)}).")


COMMANDS = (render_memorandum,)
