"""What a view does with one service call: run it, let the request's unit of work commit when it
holds, and put a broken rule's message next to its field."""

from dataclasses import dataclass


class ServiceError(Exception):
    """A rule broken by the user: a translated message, optionally tied to a form field.

    ``problems`` holds every rule broken, as (field, message) pairs, so a form shows them all in
    one round; a single broken rule is the first of them."""

    def __init__(self, message: str, field: str | None = None,
                 problems: list[tuple[str | None, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or [(field, message)]

    @classmethod
    def of(cls, problems) -> "ServiceError":
        """One error for several broken rules (objects with ``field`` and ``message``)."""
        pairs = [(problem.field, problem.message) for problem in problems]
        return cls(pairs[0][1], field=pairs[0][0], problems=pairs)


def show_error(form, error: ServiceError) -> None:
    """Undo the refused service call (the unit of work ends with a rollback, though the page
    answers 200) and put its message next to its field, or flash it when it concerns no field."""
    from flask import flash

    from . import unit_of_work

    unit_of_work.abandon()
    for name, message in error.problems:
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")


def add_problems(form, problems) -> None:
    """Put the messages of the rules a service found broken next to their fields, except on a
    field whose own shape check already failed (one message per field, the first that
    applies), so the page shows every field's problem in one round."""
    for problem in problems:
        field = getattr(form, problem.field, None)
        if field is not None and not field.errors:
            field.errors = [*field.errors, problem.message]


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
