"""Redirect targets stay on this site; numbers from URLs stay in range; hosts are well formed."""

import pytest
from flask import Flask

from partnership.core.hosts import well_formed
from partnership.core.urls import float_param, id_or, int_param, safe_next


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


@pytest.mark.parametrize(("query", "expected"), [
    ("", 1), ("page=3", 3), ("page=0", 1), ("page=-5", 1), (f"page={2**63}", 2**31 - 1),
    ("page=abc", 1), ("page=1.5", 1), ("page=٣", 1), ("page=" + "9" * 40, 1), ("page= 7 ", 7),
])
def test_int_param_keeps_numbers_in_range(query, expected):
    with Flask(__name__).test_request_context(f"/?{query}"):
        assert int_param("page", 1, minimum=1) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("min_score=0.5", 0.5), ("min_score=nan", 0.0), ("min_score=inf", 0.0),
    ("min_score=1e309", 0.0), ("min_score=7", 1.0), ("min_score=-1", 0.0), ("min_score=x", 0.0),
])
def test_float_param_refuses_what_is_not_a_finite_number(query, expected):
    with Flask(__name__).test_request_context(f"/?{query}"):
        assert float_param("min_score", 0.0, minimum=0.0, maximum=1.0) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("0", 0), ("-1", -7), (str(2**31), -7), ("", -7), (None, -7), ("1e3", -7),
])
def test_id_or_accepts_only_what_an_id_column_holds(text, expected):
    assert id_or(text, -7) == expected


@pytest.mark.parametrize(("host", "ok"), [
    ("localhost", True), ("example.org:443", True), ("a-b.example.org.", True),
    ("[::1]:5000", True), ("my_service", True), ("a" * 64, False), ("a" * 63, True),
    ("-a.example", False), ("a..b", False), ("example.org:0", False), ("example.org:", False),
    ("[::1", False), ("[::1]x", False), ("ex ample", False), ("ф.example", False), ("", False),
    (".".join(["a" * 60] * 5), False),
])
def test_well_formed_hosts(host, ok):
    assert well_formed(host) is ok
