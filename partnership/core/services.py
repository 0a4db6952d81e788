"""What a view does with one service call: run it, commit when it holds, and put a broken
rule's message next to its field."""

from dataclasses import dataclass

from ..extensions import db


class ServiceError(Exception):
    """A rule broken by the user: a translated message, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def show_error(form, error: ServiceError) -> None:
    """Put a service's message next to its field (or flash it when it concerns no field)."""
    from flask import flash

    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@dataclass
class Outcome:
    """What ``attempt`` reports to a view: whether the service call held, and its result."""

    ok: bool
    value: object = None


def attempt(operation, form=None) -> Outcome:
    """Run one service call for a view (one commit per request): commit when it succeeds;
    when it breaks a rule, roll back and show the message next to its field, or as a flash."""
    try:
        value = operation()
    except ServiceError as error:
        db.session.rollback()
        show_error(form, error)
        return Outcome(False)
    db.session.commit()
    return Outcome(True, value)
