"""The framework memorandum's text: numbered clauses in Ukrainian, Kazakh and English.

The first version ships as ``data/memorandum_template.json``. Clause texts may use variables
(``{{ ua.name }}``, ``{{ term_years }}`` ...) and nothing else; they are rendered in Jinja's
immutable sandbox with autoescaping and strict undefined, because the embassy edits them:
a clause can neither reach Python objects nor inject markup into the PDF. No database; Flask
only for the lazily translated messages of ``problems`` (they read as English outside a request).
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

LANGUAGES = ("uk", "kk", "en")
VARIABLE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")
ANY_TAG = re.compile(r"\{[{%#]")
_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)

_ENVIRONMENT = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Clause:
    key: str
    title: Mapping[str, str]
    text: Mapping[str, str]


@dataclass(frozen=True)
class Template:
    version: int
    title: Mapping[str, str]
    variables: Mapping[str, str]
    clauses: tuple[Clause, ...]


def load_template(text: str | None = None) -> Template:
    """The template from JSON text, or the one shipped with the package."""
    if text is None:
        text = resources.files("partnership").joinpath("data/memorandum_template.json"
                                                       ).read_text("utf-8")
    data = json.loads(text)
    return Template(
        version=int(data["version"]), title=data["title"], variables=data["variables"],
        clauses=tuple(Clause(c["key"], c["title"], c["text"]) for c in data["clauses"]))


def variables_in(text: str) -> set[str]:
    """The variables a text uses."""
    return set(VARIABLE.findall(text))


def problems(template: Template) -> list:
    """What is wrong with a template (empty when it can be used), as lazily translated
    messages: they read in the language of whoever sees them (``str()`` them to join)."""
    found = []
    used: set[str] = set()
    for number, clause in enumerate((Clause("title", template.title, template.title),
                                     *template.clauses)):
        for part in ("title", "text"):
            texts = getattr(clause, part)
            for language in LANGUAGES:
                value = texts.get(language, "")
                if not value.strip():
                    found.append(_l("%(key)s: the title in %(language)s is empty", key=clause.key,
                                    language=language) if part == "title" else
                                 _l("%(key)s: the text in %(language)s is empty", key=clause.key,
                                    language=language))
                if len(ANY_TAG.findall(value)) != len(VARIABLE.findall(value)):
                    found.append(_l("%(key)s: only {{ variable }} may be used in the title "
                                    "(%(language)s)", key=clause.key, language=language)
                                 if part == "title" else
                                 _l("%(key)s: only {{ variable }} may be used in the text "
                                    "(%(language)s)", key=clause.key, language=language))
            sets = {language: variables_in(texts.get(language, "")) for language in LANGUAGES}
            if len({frozenset(s) for s in sets.values()}) > 1:
                found.append(_l("%(key)s: the title uses different variables per language",
                                key=clause.key) if part == "title" else
                             _l("%(key)s: the text uses different variables per language",
                                key=clause.key))
            for names in sets.values():
                used |= names
        if number and not clause.key:
            found.append(_l("clause %(number)d: no key", number=number))
    unknown = used - set(template.variables)
    if unknown:
        found.append(_l("unknown variables: %(names)s", names=", ".join(sorted(unknown))))
    return found


def render(text: str, context: Mapping[str, object]) -> Markup:
    """One clause text as safe HTML: the text's own characters and the variables' values are
    both escaped, and the variables filled in (a missing one raises)."""
    source = "".join(part if _TAG.fullmatch(part) else str(escape(part))
                     for part in _TAG.split(text))
    html = _ENVIRONMENT.from_string(source).render(context)
    return Markup(html)  # noqa: S704 - the text was escaped above, the values by autoescape


def from_data(data: Mapping, version: int = 1) -> Template:
    """A template from its stored form (title, variables, clauses as plain dicts)."""
    return Template(version=version, title=dict(data["title"]),
                    variables=dict(data["variables"]),
                    clauses=tuple(Clause(c["key"], dict(c["title"]), dict(c["text"]))
                                  for c in data["clauses"]))


def as_data(template: Template) -> dict:
    """The template as plain dicts, as stored in the database and in the JSON file."""
    return {"title": dict(template.title), "variables": dict(template.variables),
            "clauses": [{"key": c.key, "title": dict(c.title), "text": dict(c.text)}
                        for c in template.clauses]}
