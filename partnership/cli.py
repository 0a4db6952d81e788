"""``flask`` commands: create-admin, seed-demo, demo-logins, send-emails, purge-sessions."""

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import delete

from .core.database import utcnow
from .core.services import ServiceError
from .extensions import db


def register(app: Flask) -> None:
    """Attach the commands to the application."""
    for command in (create_admin, seed_demo, demo_logins, send_emails, purge_sessions):
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
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created. Two-step sign-in is set up at first log-in.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users.")
def seed_demo(if_empty: bool) -> None:
    """Load demo accounts (development only) and print how to sign in."""
    from .demo import database_is_empty, seed_demo_users, write_logins

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo does not run in production.")
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has users; seed an empty database.")
    lines = seed_demo_users(current_app.config["TOTP_REQUIRED_ROLES"])
    db.session.commit()
    path = write_logins(current_app.instance_path, lines)
    click.echo(f"Demo data loaded. Log-ins saved in {path}; `flask demo-logins` prints them.")


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
    from .core.services import send_pending_emails

    click.echo(f"{send_pending_emails()} e-mail(s) sent.")


@click.command("purge-sessions")
def purge_sessions() -> None:
    """Delete server sessions past the absolute time-out."""
    from .core.sessions import AuthSession

    cutoff = utcnow() - current_app.config["SESSION_ABSOLUTE_TIMEOUT"]
    count = db.session.execute(delete(AuthSession).where(AuthSession.created_at < cutoff)).rowcount
    db.session.commit()
    click.echo(f"{count} expired session(s) deleted.")
