"""Redirect targets stay on this site."""

import pytest

from partnership.core.urls import safe_next


@pytest.mark.parametrize(("target", "expected"), [
    ("/account", "/account"),
    ("/admin/users?page=2", "/admin/users?page=2"),
    ("https://evil.example/", "/"),
    ("//evil.example/path", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("http:/evil.example", "/"),
    ("/ok\r\nSet-Cookie: x=1", "/"),
    ("account", "/"),
    ("", "/"),
    (None, "/"),
])
def test_safe_next(target, expected):
    assert safe_next(target, "/") == expected
