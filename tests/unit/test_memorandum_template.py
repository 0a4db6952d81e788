"""The shipped framework memorandum and its sandboxed rendering."""

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from partnership.memoranda.template import LANGUAGES, load_template, problems, render

KEYS = ["parties", "preamble", "purpose", "areas", "forms", "responsibilities", "coordinators",
        "work_plan", "monitoring", "costs", "confidentiality", "intellectual_property",
        "visiting_staff", "languages", "disputes", "final_provisions", "signatures"]


def context(language: str) -> dict:
    names = {"uk": ("Миколаївська обласна дитяча лікарня", "Реабілітаційний центр «Шаңырақ»"),
             "kk": ("Николаев облыстық балалар ауруханасы", "«Шаңырақ» оңалту орталығы"),
             "en": ("Mykolaiv Regional Children's Hospital", "Shanyrak Rehabilitation Centre")}
    ua, kz = names[language]
    return {
        "ua": {"name": ua, "registry_code": "25125636", "city": "Миколаїв",
               "signatory": "Олена Коваль", "position": "директор", "coordinator": "Тарас Бондар"},
        "kz": {"name": kz, "registry_code": "080240598767", "city": "Астана",
               "signatory": "Айгерім Сапарова", "position": "директор",
               "coordinator": "Данияр Ахметов"},
        "areas": "paediatric rehabilitation", "forms": "training", "term_years": 3,
        "prevailing_language": {"uk": "англійською", "kk": "ағылшын", "en": "English"}[language],
        "place": "Астана", "date": "26.11.2026"}


def test_the_shipped_template_is_complete_in_three_languages():
    template = load_template()
    assert problems(template) == []
    assert [clause.key for clause in template.clauses] == KEYS
    kazakh = " ".join(c.text["kk"] for c in template.clauses)
    ukrainian = " ".join(c.text["uk"] for c in template.clauses)
    assert set("әғқңөұүі") & set(kazakh)
    assert set("їєґ") & set(ukrainian)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_clause_renders_with_the_parties(language):
    template = load_template()
    rendered = [render(clause.text[language], context(language)) for clause in template.clauses]
    whole = " ".join(rendered)
    assert "25125636" in whole and "080240598767" in whole
    assert "{{" not in whole


def test_the_sandbox_refuses_python_internals():
    with pytest.raises(SecurityError):
        render("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})
    with pytest.raises(SecurityError):
        render("{{ ua.update(name='x') }}", {"ua": {"name": "a"}})


def test_markup_typed_into_a_clause_stays_text():
    assert render('<img src="http://127.0.0.1/x"> & {{ place }}', {"place": "Астана"}) == \
        "&lt;img src=&#34;http://127.0.0.1/x&#34;&gt; &amp; Астана"


def test_variables_are_escaped_and_missing_ones_are_errors():
    assert render("{{ ua.name }}", {"ua": {"name": "<script>x</script>"}}) == \
        "&lt;script&gt;x&lt;/script&gt;"
    with pytest.raises(UndefinedError):
        render("{{ nobody.name }}", {})


def test_problems_are_found():
    template = load_template('{"version": 1, "title": {"uk": "Т", "kk": "Т", "en": "T"}, '
                             '"variables": {"ua.name": "x"}, "clauses": [{"key": "a", '
                             '"title": {"uk": "А", "kk": "", "en": "A"}, "text": '
                             '{"uk": "{{ ua.name }}", "kk": "{% if x %}y{% endif %}", '
                             '"en": "{{ kz.name }}"}}]}')
    found = " ".join(str(problem) for problem in problems(template))
    assert "title in kk is empty" in found
    assert "only {{ variable }} may be used" in found
    assert "different variables per language" in found
    assert "unknown variables: kz.name" in found


def test_a_clause_compiles_once_and_an_edit_renders_at_once():
    from partnership.memoranda import template

    text = "Між {{ ua.name }} і {{ kz.name }} — пункт, що повторюється."
    context = {"ua": {"name": "Лікарня"}, "kz": {"name": "Аурухана"}}
    assert render(text, context) == render(text, context)
    before = template._compiled.cache_info()
    render(text, context)
    after = template._compiled.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    edited = render(text.replace("пункт", "новий пункт"), context)
    assert "новий пункт" in edited and "Лікарня" in edited
    with pytest.raises(UndefinedError):  # a cached template still checks its variables
        render(text, {"ua": {"name": "Лікарня"}})
