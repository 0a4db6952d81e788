"""What a view does with one service call: run it, let the request's unit of work commit when it
holds, and put a broken rule's message next to its field."""

from dataclasses import dataclass


class ServiceError(Exception):
    """A rule broken by the user: a translated message, optionally tied to a form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def show_error(form, error: ServiceError) -> None:
    """Undo the refused service call (the unit of work ends with a rollback, though the page
    answers 200) and put its message next to its field, or flash it when it concerns no field."""
    from flask import flash

    from . import unit_of_work

    unit_of_work.abandon()
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
    """Run one service call for a view. When it breaks a rule, undo it and show the message
    next to its field, or as a flash; the request's unit of work commits what succeeded."""
    try:
        value = operation()
    except ServiceError as error:
        show_error(form, error)
        return Outcome(False)
    return Outcome(True, value)
