"""Extension points: how an area lets the areas above it take part without importing them.

A lower area names a point ("partnership.moved", "partnership.page") and calls what is
registered there; an area above registers its part when its blueprint is registered on the
application. So the partnership's status change ends the memoranda, and the partnership page
shows them, while ``partnerships`` never imports ``memoranda``. The registrations live on the
application (``app.extensions``), not in a module: each application built has its own.
"""

from collections.abc import Callable

from flask import Flask, current_app

_KEY = "partnership.hooks"


def add(app: Flask, point: str, name: str, function: Callable) -> None:
    """Register ``function`` at ``point`` under ``name`` (registering a name again replaces it)."""
    app.extensions.setdefault(_KEY, {}).setdefault(point, {})[name] = function


def registered(point: str) -> list[Callable]:
    """What the areas registered at ``point``, in the order they registered."""
    return list(current_app.extensions.get(_KEY, {}).get(point, {}).values())


def call(point: str, *args, **kwargs) -> None:
    """Call everything registered at ``point`` (in the caller's transaction)."""
    for function in registered(point):
        function(*args, **kwargs)


def gather(point: str, *args, **kwargs) -> dict:
    """Merge the dictionaries returned by what is registered at ``point`` (page sections)."""
    merged: dict = {}
    for function in registered(point):
        merged.update(function(*args, **kwargs))
    return merged
