"""``flask`` commands of the programme: key rotation, retention, reminders."""

import click
from sqlalchemy import select

from ..core import unit_of_work
from ..extensions import db


@click.command("rotate-identity-key")
@click.option("--reencrypt-only", is_flag=True,
              help="Add no key: re-encrypt every record under the newest configured key "
                   "(after putting a new key first in PROGRAMME_IDENTITY_KEYS).")
@click.option("--print-new-key", is_flag=True,
              help="Only print a fresh key for PROGRAMME_IDENTITY_KEYS; change nothing.")
def rotate_identity_key(reencrypt_only: bool, print_new_key: bool) -> None:
    """Add a new identity key and re-encrypt every child identity record with it."""
    from cryptography.fernet import Fernet

    from . import crypto
    from .consents import reencrypt_documents
    from .models import ChildIdentity

    if print_new_key:
        click.echo(Fernet.generate_key().decode())
        return
    if not reencrypt_only:
        if crypto.keys_from_environment():
            raise click.ClickException(
                "The keys come from PROGRAMME_IDENTITY_KEYS. Run with --print-new-key, put "
                "the new key first in the variable (keep the old ones after it), restart, "
                "then run with --reencrypt-only.")
        try:
            new_id = crypto.add_new_key()
        except crypto.IdentityKeysMissing as error:
            raise click.ClickException(str(error.message)) from None
        click.echo(f"New key {new_id} added to {crypto.key_file()}.")
    newest = crypto.key_id(crypto.identity_keys()[0])
    rows = list(db.session.scalars(select(ChildIdentity).where(ChildIdentity.key_id != newest)))
    try:
        for row in rows:
            row.ciphertext, row.key_id = crypto.reencrypt(row.ciphertext)
        documents = reencrypt_documents()
    except crypto.IdentityKeysMissing as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"{len(rows)} identity record(s) re-encrypted with key {newest}, and "
               f"{documents} consent document(s). Old keys stay configured: remove them once no "
               "backup you keep needs them.")


@click.command("purge-programme-identities")
@click.option("--dry-run", is_flag=True, help="List the cases; erase nothing.")
def purge_programme_identities(dry_run: bool) -> None:
    """Erase identity records and consent documents of cases closed longer than
    PROGRAMME_RETENTION_DAYS; keep the anonymous case data (run daily)."""
    from .retention import purge_identities

    report = purge_identities(dry_run=dry_run)
    if dry_run:
        unit_of_work.fail()  # nothing is written
        click.echo(f"Dry run: {len(report.codes)} case(s) would be erased: "
                   + (", ".join(report.codes) or "none") + ".")
        return
    click.echo(f"{len(report.codes)} case(s) erased ({report.documents} document(s)): "
               + (", ".join(report.codes) or "none") + ".")


@click.command("convert-accompanying-adults")
def convert_accompanying_adults() -> None:
    """Split the accompanying adults' names kept as one free text into given name and
    surname where that is beyond doubt; the rest stay on the coordinator's review list
    (run once after upgrading to migration 0008; safe to run again)."""
    from ..core.services import ServiceError
    from .adults import convert_adult_names

    try:
        report = convert_adult_names()
    except ServiceError as error:  # no key configured, or a record under a removed key
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Accompanying adults: {report.converted} converted, {report.left} left for "
               "review by a programme coordinator.")


@click.command("remind-follow-ups")
def remind_follow_ups() -> None:
    """Tell the coordinators of follow-ups due within a week, once each (run daily)."""
    from ..core.mail import send_pending_emails
    from .notices import tell_of_follow_ups_due

    count = tell_of_follow_ups_due()
    unit_of_work.after_commit(send_pending_emails)
    click.echo(f"{count} follow-up(s) due.")


@click.command("remind-consents")
def remind_consents() -> None:
    """Tell the coordinators of consents expiring within 30 days or expired, once each (run
    daily): by case code only."""
    from ..core.mail import send_pending_emails
    from .notices import tell_of_consents_expiring

    count = tell_of_consents_expiring()
    unit_of_work.after_commit(send_pending_emails)
    click.echo(f"{count} consent(s) expiring or expired.")


COMMANDS = (rotate_identity_key, purge_programme_identities, convert_accompanying_adults,
           remind_follow_ups, remind_consents)
