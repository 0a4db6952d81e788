"""The clause check and the renderer agree: a text the check accepts always renders.

A clause text is user input (the embassy edits the template, the parties edit their
memorandum); it is rendered in the sandbox on every page view and every PDF. Whatever braces,
percent and hash signs it holds, it is either refused when it is saved or it renders.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from partnership.memoranda import template as texts
from partnership.memoranda.specimen import context as specimen_context

MALFORMED = ["{{{ ua.name }}", "{{{ ua.name }}}", "{{{ ua.name }}{{ kz.name }}"]
VARIABLES = texts.load_template().variables


def one_clause(text: str, title: str = "Title") -> texts.Template:
    """A template whose only clause has ``text`` and ``title`` in every language."""
    return texts.Template(version=1, title=dict.fromkeys(texts.LANGUAGES, "Memorandum"),
                          variables=VARIABLES,
                          clauses=(texts.Clause("purpose", dict.fromkeys(texts.LANGUAGES, title),
                                                dict.fromkeys(texts.LANGUAGES, text)),))


@pytest.mark.parametrize("text", MALFORMED)
def test_a_clause_with_three_braces_is_refused_and_says_where(text):
    found = [str(problem) for problem in texts.problems(one_clause(f"Between {text} and us"))]
    assert found
    assert any("“{{{ ua.name }}”" in problem and "is not a variable" in problem
               for problem in found), found


@pytest.mark.parametrize("text", MALFORMED)
def test_a_clause_title_with_three_braces_is_refused(text):
    assert texts.problems(one_clause("Text", title=text))


def test_the_problems_say_where_they_are():
    located = texts.located_problems(one_clause("Text {{{ ua.name }}", title="{% if x %}"))
    assert {where for where, _message in located} == {
        ("purpose", "title", language) for language in texts.LANGUAGES} | {
        ("purpose", "text", language) for language in texts.LANGUAGES}


@pytest.mark.parametrize("text", ["{{ ua.name }} and {{kz.name}}", "50 % of {costs}",
                                  "# 1: {{ term_years }} years }} {", "{ ua.name }", "%} #}"])
def test_well_formed_texts_pass_and_render(text):
    assert texts.problems(one_clause(text)) == []
    for language in texts.LANGUAGES:
        texts.render(text, specimen_context(language, dated=True))


TOKENS = ["{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "%", "#", " ", "\n", "-", "+", "~",
          "ua.name", "kz.name", "term_years", "ua", ".", "name", "nobody", "|", "|attr('x')",
          "|upper", "attr", "__class__", "__mro__", "(", ")", "[", "]", "'", '"', ",", ":",
          "for x in ua", "endfor", "if", "endif", "raw", "endraw", "set", "=", "macro",
          "include 'x'", "{{ ua.name }}", "{{ kz.registry_code }}", "{% raw %}",
          "{% endraw %}", "{{-", "-}}", "{%-", "-%}", "Ґ", "қ", "<b>", "&amp;", "\\"]
texts_made_of_tokens = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
long_texts = st.text(alphabet="{}%#|_ .uaknme\n-", max_size=5000)


def accepted_or_renders(text: str) -> None:
    """Either the check refuses the text (as text and as title), or it renders in every
    language with the values a memorandum has."""
    if texts.problems(one_clause(text, title=text)):
        return
    for language in texts.LANGUAGES:
        texts.render(text, specimen_context(language, dated=False))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_made_of_tokens)
@example("{{{ ua.name }}")
@example("{{{ ua.name }}}")
@example("{{{ ua.name }}{{ kz.name }}")
@example("{{ ua.name }}}}{{ kz.name }}")
@example("{% raw %}{{ ua.name }}{% endraw %}")
@example("{{ ua.name|attr('__class__') }}")
@example("{# {{ ua.name }} #}")
@example("{{ {{ ua.name }} }}")
def test_fuzz_every_text_is_refused_or_renders(text):
    accepted_or_renders(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_texts)
@example("{" * 3000 + " ua.name " + "}" * 3000)
@example("{{ ua.name }}" * 2000)
@example("{{{ ua.name }}" * 500)
def test_fuzz_long_and_nested_braces_are_refused_or_render(text):
    accepted_or_renders(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts_made_of_tokens, long_texts))
@example("{{{ ua.name }}")
@example("{{ nobody.name }}")
@example("{{ ua.name|attr('__class__') }}")
def test_fuzz_a_stored_text_never_fails_to_show(text):
    """Texts saved before the check was complete: shown as typed when they cannot render."""
    html = texts.render_or_none(text, specimen_context("uk", dated=True))
    if html is None:
        assert texts.problems(one_clause(text)), "the check must refuse what cannot render"
