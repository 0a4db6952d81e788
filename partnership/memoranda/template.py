"""The framework memorandum's text: numbered clauses in Ukrainian, Kazakh and English.

The first version ships as ``data/memorandum_template.json``. Clause texts may use variables
(``{{ ua.name }}``, ``{{ term_years }}`` ...) and nothing else; they are rendered in Jinja's
immutable sandbox with autoescaping and strict undefined, because the embassy edits them:
a clause can neither reach Python objects nor inject markup into the PDF. No database; Flask
only for the lazily translated messages of ``problems`` (they read as English outside a request).
"""

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
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
# How much of a malformed tag a message quotes.
QUOTED = 60

log = logging.getLogger(__name__)


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
    return [message for _where, message in located_problems(template)]


def located_problems(template: Template) -> list[tuple[tuple[str, str, str] | None, object]]:
    """``problems`` with where each one is: (clause key, "title" or "text", language), or
    None for a problem of the whole template. The memorandum's own title has the key
    "title"."""
    found: list = []
    used: set[str] = set()
    for number, clause in enumerate((Clause("title", template.title, template.title),
                                     *template.clauses)):
        for part in ("title", "text"):
            texts = getattr(clause, part)
            for language in LANGUAGES:
                where = (clause.key, part, language)
                value = texts.get(language, "")
                if not value.strip():
                    found.append((where, _l("%(key)s: the title in %(language)s is empty",
                                            key=clause.key, language=language)
                                  if part == "title" else
                                  _l("%(key)s: the text in %(language)s is empty",
                                     key=clause.key, language=language)))
                if len(ANY_TAG.findall(value)) != len(VARIABLE.findall(value)):
                    found.append((where, _l("%(key)s: only {{ variable }} may be used in the "
                                            "title (%(language)s)", key=clause.key,
                                            language=language)
                                  if part == "title" else
                                  _l("%(key)s: only {{ variable }} may be used in the text "
                                     "(%(language)s)", key=clause.key, language=language)))
                elif (malformed := _malformed(value, template.variables)) is not None:
                    found.append((where, _l("%(key)s: “%(part)s” in the title (%(language)s) "
                                            "is not a variable: write each one as "
                                            "{{ variable }}, with two braces on each side",
                                            key=clause.key, part=malformed,
                                            language=language)
                                  if part == "title" else
                                  _l("%(key)s: “%(part)s” in the text (%(language)s) is not "
                                     "a variable: write each one as {{ variable }}, with two "
                                     "braces on each side", key=clause.key, part=malformed,
                                     language=language)))
            sets = {language: variables_in(texts.get(language, "")) for language in LANGUAGES}
            if len({frozenset(s) for s in sets.values()}) > 1:
                found.append(((clause.key, part, LANGUAGES[0]),
                              _l("%(key)s: the title uses different variables per language",
                                 key=clause.key) if part == "title" else
                              _l("%(key)s: the text uses different variables per language",
                                 key=clause.key)))
            for names in sets.values():
                used |= names
        if number and not clause.key:
            found.append((None, _l("clause %(number)d: no key", number=number)))
    unknown = used - set(template.variables)
    if unknown:
        found.append((None, _l("unknown variables: %(names)s", names=", ".join(sorted(unknown)))))
    return found


def _malformed(text: str, variables: Mapping[str, str]) -> str | None:
    """The part of ``text`` that the renderer would not take as a variable (quoted in the
    message), or None when the text renders. Each tag the renderer cuts out must be exactly
    one ``{{ variable }}`` (``{{{ ua.name }}`` is counted as one tag and one variable, but
    is neither); then the text is rendered in the same sandbox with a sample value for every
    variable, so what passes here renders on every page and in every PDF."""
    for piece in _TAG.split(text):
        if _TAG.fullmatch(piece) and not VARIABLE.fullmatch(piece):
            return _quoted(piece)
    names = set(variables) | variables_in(text)  # unknown names have a message of their own
    try:
        render(text, _sample(names))
    except Exception:  # whatever the renderer refuses, the text is refused
        return _quoted(text)
    return None


def _quoted(piece: str) -> str:
    return piece if len(piece) <= QUOTED else piece[:QUOTED - 1] + "…"


def _sample(names) -> dict:
    """A context with a representative value for each variable name (``ua.name`` ...)."""
    context: dict = {}
    for name in sorted(names):
        head, _dot, field = name.partition(".")
        if field:
            if not isinstance(context.get(head), dict):
                context[head] = {}
            context[head][field] = f"«{name}»"
        else:
            context.setdefault(head, f"«{name}»")
    return context


def render(text: str, context: Mapping[str, object]) -> Markup:
    """One clause text as safe HTML: the text's own characters and the variables' values are
    both escaped, and the variables filled in (a missing one raises)."""
    source = "".join(part if _TAG.fullmatch(part) else str(escape(part))
                     for part in _TAG.split(text))
    html = _compiled(source).render(context)
    return Markup(html)  # noqa: S704 - the text was escaped above, the values by autoescape


@lru_cache(maxsize=4096)
def _compiled(source: str):
    """A clause's compiled template, kept: a memorandum's page renders every clause in three
    languages, and compiling them took most of its time. The sandbox's templates are immutable,
    so one may serve every thread; a changed text is a new key."""
    return _ENVIRONMENT.from_string(source)


def render_or_none(text: str, context: Mapping[str, object]) -> Markup | None:
    """``render`` for a text that is already stored: None (and a warning in the log) instead
    of an exception when it cannot render. Texts saved before the check was complete may
    hold tags that do not render; their pages and PDFs must still show."""
    try:
        return render(text, context)
    except Exception as error:  # stored data: shown as typed, never a 500
        log.warning("a stored memorandum text could not be rendered (%s: %s)",
                    type(error).__name__, error)
        return None


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
