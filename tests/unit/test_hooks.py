"""Hooks: an upper area registers on the application; a lower one calls without importing it."""

from flask import Flask

from partnership.core import hooks
from partnership.partnerships.views import PAGE_SECTIONS
from partnership.partnerships.workflow import MOVED


def test_registrations_belong_to_their_application():
    first, second = Flask("first"), Flask("second")
    heard = []
    hooks.add(first, "point", "listener", heard.append)
    hooks.add(first, "point", "listener", heard.append)  # registering again replaces
    with first.app_context():
        hooks.call("point", 1)
    with second.app_context():
        hooks.call("point", 2)
        assert hooks.gather("point") == {}
    assert heard == [1]


def test_gather_merges_what_each_area_adds():
    app = Flask("pages")
    hooks.add(app, "page", "a", lambda obj: {"a": obj})
    hooks.add(app, "page", "b", lambda obj: {"b": obj * 2})
    with app.app_context():
        assert hooks.gather("page", 3) == {"a": 3, "b": 6}


def test_the_factory_wires_the_upper_areas_into_the_lower_ones(app):
    assert [f.__qualname__ for f in hooks.registered(MOVED)] == ["follow_partnership"]
    assert [f.__qualname__ for f in hooks.registered(PAGE_SECTIONS)] == ["partnership_section"]
