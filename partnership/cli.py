"""``flask`` commands: create-admin, seed-demo, demo-logins, send-emails, purge-sessions, ...

Every command is one unit of work (``core.unit_of_work.transactional``): it commits when the
command returns and rolls back when it fails, whatever it had done by then."""

import os
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import delete

from .core import unit_of_work
from .core.database import utcnow
from .core.services import ServiceError
from .extensions import db


def register(app: Flask) -> None:
    """Attach the commands to the application."""
    from .memoranda.commands import COMMANDS as memoranda_commands
    from .organisations.commands import COMMANDS as organisations_commands
    from .programme.commands import COMMANDS as programme_commands

    for command in (create_admin, seed_demo, demo_logins, send_emails, purge_sessions,
                    import_organisations, import_items, send_reminders, propose_matches,
                    export_matches, worker, dispatch_events, send_digests,
                    purge_notifications, backup, restore, restore_drill, migrate_uploads,
                    *programme_commands,
                    *memoranda_commands, *organisations_commands):
        if not getattr(command.callback, "in_unit_of_work", False):
            command.callback = unit_of_work.transactional(command.callback)
            command.callback.in_unit_of_work = True
        app.cli.add_command(command)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="", help="Full name.")
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    from .auth.services import create_admin as create

    try:
        user = create(email, password, name)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Administrator {user.email} created. Two-step sign-in is set up at first log-in.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
@click.option("--organisations", "generated", type=click.IntRange(min=1), default=None,
              help="Instead: add N generated organisations (load tests), 10 items each.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed of the generated organisations (same seed, same data).")
def seed_demo(if_empty: bool, generated: int | None, seed: int) -> None:
    """Load demo accounts and organisations (not in production)."""
    from .demo import database_is_empty, seed_demo_users, write_logins
    from .organisations import demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo does not run in production.")
    if generated:
        count = demo.generate(generated, seed)
        click.echo(f"{count} generated organisations added (seed {seed}).")
        return
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has users; seed an empty database.")
    from .demo import seed_demo_partnership
    from .memoranda.demo import seed_demo_memoranda
    from .programme.demo import seed_demo_programme

    organisations = demo.load_hand_written()
    lines = seed_demo_users(current_app.config["TOTP_REQUIRED_ROLES"], organisations)
    seed_demo_partnership()
    seed_demo_programme()
    seed_demo_memoranda()
    db.session.flush()  # the log-ins file is written only for data that holds
    path = write_logins(current_app.instance_path, lines)
    click.echo(f"Demo data loaded: {len(organisations)} organisations. Log-ins saved in {path}; "
               "`flask demo-logins` prints them.")


@click.command("demo-logins")
def demo_logins() -> None:
    """Print the demo log-ins saved by seed-demo."""
    path = Path(current_app.instance_path) / "demo-logins.txt"
    if path.exists():
        click.echo("Demo log-ins (role, e-mail, password):")
        click.echo(path.read_text().rstrip())


@click.command("send-emails")
def send_emails() -> None:
    """Send the e-mails waiting in the outbox."""
    from .core.mail import send_pending_emails

    click.echo(f"{send_pending_emails()} e-mail(s) sent.")


@click.command("purge-sessions")
def purge_sessions() -> None:
    """Delete server sessions past the absolute time-out."""
    from .auth.sessions import AuthSession

    cutoff = utcnow() - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    count = db.session.execute(delete(AuthSession).where(AuthSession.created_at < cutoff)).rowcount
    click.echo(f"{count} expired session(s) deleted.")


def _print_report(report) -> None:
    from flask_babel import gettext as _

    def where(problem) -> str:
        if not problem.row:
            return _("file")
        if problem.column:
            return _("row %(row)d, column %(column)s", row=problem.row, column=problem.column)
        return _("row %(row)d", row=problem.row)

    for error in report.errors:
        click.echo(f"{where(error)}: {error.message}", err=True)
    for warning in report.warnings:
        click.echo(_("%(where)s: warning: %(message)s", where=where(warning),
                     message=warning.message), err=True)
    click.echo(_("%(rows)d rows: %(created)d new, %(updated)d changed, %(unchanged)d "
                 "unchanged; %(problems)d problems, %(warnings)d warnings.",
                 rows=report.rows, created=report.created, updated=report.updated,
                 unchanged=report.unchanged, problems=len(report.errors),
                 warnings=len(report.warnings)))


def cli_language(option: str | None) -> str:
    """The language of the command's messages: ``--language``, else the environment's
    (LC_ALL, LC_MESSAGES, LANG: "kk_KZ.UTF-8" is Kazakh), else the platform's default."""
    languages = current_app.config["LANGUAGES"]
    candidates = [option] if option else [os.environ.get(name, "") for name in (
        "LC_ALL", "LC_MESSAGES", "LANG")]
    for value in candidates:
        code = (value or "").split(".")[0].split("_")[0].split("-")[0].lower()
        if code in languages:
            return code
    if option:
        raise click.BadParameter(f"choose one of {', '.join(languages)}",
                                 param_hint="--language")
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _run_import(importer, path: str, dry_run: bool, language: str | None) -> None:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    data = Path(path).read_bytes()
    with force_locale(cli_language(language)):
        report = importer(None, data, Path(path).name, dry_run=dry_run)
        _print_report(report)
        if not report.ok:
            raise click.ClickException(_("Nothing was imported: fix the rows above."))
        if dry_run:
            unit_of_work.fail()
            click.echo(_("Dry run: nothing written."))
        else:
            click.echo(_("Imported."))


@click.command("import-organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@click.option("--language", help="Language of the messages (uk, kk, en); default: LANG.")
def import_organisations(path: str, dry_run: bool, language: str | None) -> None:
    """Import organisations from CSV or XLSX (columns in docs/importing.md)."""
    from .organisations.imports import import_organisations as importer

    _run_import(importer, path, dry_run, language)


@click.command("import-items")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@click.option("--language", help="Language of the messages (uk, kk, en); default: LANG.")
def import_items(path: str, dry_run: bool, language: str | None) -> None:
    """Import offers and needs from CSV or XLSX (columns in docs/importing.md)."""
    from .organisations.imports import import_items as importer

    _run_import(importer, path, dry_run, language)


@click.command("send-reminders")
def send_reminders() -> None:
    """E-mail managers about offers and needs that expire within 30 days (run daily)."""
    from .core.mail import send_pending_emails
    from .organisations.items import send_expiry_reminders

    count = send_expiry_reminders()
    unit_of_work.after_commit(send_pending_emails)
    click.echo(f"{count} item(s) reminded.")


@click.command("send-digests")
def send_digests() -> None:
    """E-mail each user their daily digest of notifications (run daily; a second run the same
    day sends nothing more)."""
    from .core.mail import send_pending_emails
    from .notifications.services import send_digests as send

    count = send()
    unit_of_work.after_commit(send_pending_emails)
    click.echo(f"{count} digest(s) queued.")


@click.command("purge-notifications")
def purge_notifications() -> None:
    """Delete notifications older than 180 days (run daily)."""
    from .notifications.services import purge

    click.echo(f"{purge()} notification(s) deleted.")


@click.command("propose-matches")
@click.option("--organisation", "organisation_id", type=int, default=None,
              help="Only the proposals this organisation takes part in.")
def propose_matches(organisation_id: int | None) -> None:
    """Propose partners (for everyone, or after one organisation's change)."""
    import time

    from .matching.services import propose_matches as propose

    start = time.perf_counter()
    summary = propose(organisation_id)
    click.echo(f"{summary.proposals} proposals: {summary.created} new, {summary.updated} "
               f"rescored, {summary.reopened} reopened, {summary.closed} closed "
               f"({time.perf_counter() - start:.1f} s).")


@click.command("export-matches")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json")
@click.option("--status", default=None, help="Only matches in this status.")
def export_matches(fmt: str, status: str | None) -> None:
    """Print every match as JSON: items, organisations, score, components, reasons, status."""
    import json

    from .matching.exports import match_records

    click.echo(json.dumps(match_records(status), ensure_ascii=False, indent=1))


@click.command("dispatch-events")
def dispatch_events() -> None:
    """Hand undispatched domain events to their handlers (after a crash; safe to repeat)."""
    from .core.events import dispatch_pending

    click.echo(f"{dispatch_pending()} event(s) dispatched.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run background jobs (proposal recomputation) from the Redis queue."""
    from .matching.jobs import work

    try:
        work(burst=burst)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The archive to write (must not exist).")
def backup(output: str) -> None:
    """Back up the database (SQLite online backup, or pg_dump) and, with S3 storage, the
    stored files, into one archive with a manifest of row counts and SHA-256 hashes."""
    from .core.backup import BackupError, create_backup

    try:
        manifest = create_backup(Path(output))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {output} ({Path(output).stat().st_size} bytes): "
               f"{manifest.dialect}, {len(manifest.tables)} tables, "
               f"{sum(manifest.tables.values())} rows, {len(manifest.files)} stored file(s).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--database-url", default=None,
              help="Restore into this database instead of the application's own.")
@click.option("--no-files", is_flag=True,
              help="Leave the S3 bucket alone (restore the database only).")
@click.confirmation_option("--yes", prompt="This replaces every table of the target database "
                                           "with the archive's. Go on?")
def restore(archive: str, database_url: str | None, no_files: bool) -> None:
    """Restore a backup made by ``flask backup`` (stop the app hosts first), then check the
    restored row counts and files against the archive's manifest."""
    from .core import backup as backups

    target = database_url or db.engine.url.render_as_string(hide_password=False)
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the database being replaced
    try:
        manifest = backups.restore_backup(Path(archive), target, files=not no_files)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    files = (backups.file_hashes(target) if manifest.storage == "database"
             else backups.archived_file_hashes(Path(archive), manifest))
    report = backups.compare(manifest, backups.row_counts(target), files)
    _print_drill(report)
    if not report.ok:
        raise click.ClickException("The restored database differs from the archive's manifest.")
    click.echo(f"Restored {archive}: {sum(manifest.tables.values())} rows, "
               f"{len(manifest.files)} stored file(s), all as in the manifest.")


@click.command("restore-drill")
def restore_drill() -> None:
    """Back up, restore into a fresh database (a new SQLite file or PostgreSQL database,
    removed afterwards), compare row counts per table and file hashes; fails on a difference."""
    import tempfile

    from .core import backup as backups

    with tempfile.TemporaryDirectory(prefix="partnership-drill-") as scratch:
        try:
            report = backups.restore_drill(Path(scratch))
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from None
    _print_drill(report)
    if not report.ok:
        raise click.ClickException(f"{len(report.differences)} difference(s) after restoring.")
    click.echo(f"Drill passed: {len(report.tables)} tables and {report.files} stored file(s) "
               "restored as backed up.")


def _print_drill(report) -> None:
    width = max([len(name) for name, _before, _after in report.tables] + [5])
    click.echo(f"{'table':<{width}}  {'backed up':>10}  {'restored':>10}")
    for name, before, after in report.tables:
        mark = "" if before == after else "  <- differs"
        click.echo(f"{name:<{width}}  {before!s:>10}  {after!s:>10}{mark}")
    click.echo(f"stored files: {report.files} in the backup, "
               f"{sum(d.kind == 'file' for d in report.differences)} differ")
    for difference in report.differences:
        if difference.kind == "file":
            click.echo(f"  file {difference.name}: {difference.backed_up} -> "
                       f"{difference.restored}")


@click.command("migrate-uploads")
def migrate_uploads() -> None:
    """Move uploads and cached PDFs from this host's disk (instance/uploads, instance/cache)
    into the shared storage: each is read back and compared by SHA-256 before the local copy
    is deleted; consent documents are encrypted on the way. Safe to run again."""
    from .core.relocate import default_sources, migrate
    from .programme import crypto

    try:
        crypto.identity_keys()
    except crypto.IdentityKeysMissing as error:
        raise click.ClickException(str(error.message)) from None
    tallies = migrate(default_sources(crypto.encrypt_document, crypto.decrypt_document))
    for area, tally in tallies.items():
        click.echo(f"{area}: {tally.moved} moved, {tally.already} already stored, "
                   f"{len(tally.failed)} failed")
        for problem in tally.failed:
            click.echo(f"  {problem}")
    if any(tally.failed for tally in tallies.values()):
        raise click.ClickException("Some files were not moved; their local copies are kept.")
