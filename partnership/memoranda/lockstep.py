"""Language versions in lockstep: which language of a clause (or of a per-language particular)
lags behind a change made in another language. No Flask, no database.

Each version stores, in ``variables["lockstep"]``::

    {"clauses":     {key:  {"changed": {lang: n}, "revised": n}},
     "particulars": {name: {"changed": {lang: n}, "revised": n}},
     "confirmed":   [{"kind", "key", "language", "user_id", "by", "at"}]}

``changed[lang]`` is the version in which that language's text was last changed (or confirmed
unchanged); ``revised`` is the version of the latest change made in a language that was in
step. A language whose ``changed`` is older than ``revised`` needs an update. A save that
changes only lagging languages brings them into step without making the others lag; a save
that changes an in-step language is a new revision, and every language it left alone lags.
``confirmed`` lists the explicit "no change needed in this language" confirmations made in
that version. Versions saved before this existed have no ``lockstep``: everything is in step.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LANGUAGES = ("uk", "kk", "en")
CLAUSE, PARTICULAR = "clause", "particular"
KINDS = (CLAUSE, PARTICULAR)


@dataclass(frozen=True)
class Lagging:
    """One clause or particular with languages that need an update."""

    kind: str                     # "clause" or "particular"
    key: str                      # clause key or particular name
    number: int | None            # the clause's number in the version (None for particulars)
    languages: tuple[str, ...]    # the languages that lag, in LANGUAGES order
    leading: tuple[str, ...]      # the languages changed in the latest revision
    revised: int                  # the version of that revision


def _in_step(number: int = 0) -> dict:
    return {"changed": dict.fromkeys(LANGUAGES, number), "revised": number}


def _entry(stored: Mapping | None, kind: str, key: str) -> dict:
    found = ((stored or {}).get(_plural(kind)) or {}).get(key)
    if not found:
        return _in_step()
    changed = {lang: int(found.get("changed", {}).get(lang, 0)) for lang in LANGUAGES}
    return {"changed": changed, "revised": int(found.get("revised", 0))}


def _plural(kind: str) -> str:
    return "clauses" if kind == CLAUSE else "particulars"


def _per_language(value) -> bool:
    return isinstance(value, Mapping) and any(lang in value for lang in LANGUAGES)


def _clause_language(clause: Mapping, lang: str) -> tuple:
    return (clause.get("title", {}).get(lang, ""), clause.get("text", {}).get(lang, ""))


def _step(entry: dict, changed: Iterable[str], number: int) -> dict:
    """The entry after a save (version ``number``) that changed the languages ``changed``."""
    changed = [lang for lang in LANGUAGES if lang in set(changed)]
    if not changed:
        return entry
    result = {"changed": dict(entry["changed"]), "revised": entry["revised"]}
    in_step = {lang for lang in LANGUAGES if entry["changed"][lang] >= entry["revised"]}
    for lang in changed:
        result["changed"][lang] = number
    if in_step & set(changed):  # a new revision: whatever it left alone now lags
        result["revised"] = number
    return result


def advance(stored: Mapping | None, old_clauses: Sequence[Mapping] | None,
            old_particulars: Mapping | None, clauses: Sequence[Mapping], particulars: Mapping,
            number: int, confirmations: Sequence[Mapping] = ()) -> dict:
    """The lockstep record of version ``number`` made from a version with ``stored`` record
    and the old clauses/particulars (None for a first version: everything in step).
    ``confirmations``: [{"kind", "key", "language", ...}] confirmed unchanged in this save."""
    result: dict = {"clauses": {}, "particulars": {}, "confirmed": list(confirmations)}
    confirmed = {(c["kind"], c["key"], c["language"]) for c in confirmations}
    old_by_key = {c["key"]: c for c in old_clauses or ()}
    for clause in clauses:
        key = clause["key"]
        before = old_by_key.get(key)
        if old_clauses is None or before is None:
            entry = _in_step(number)
        else:
            entry = _step(_entry(stored, CLAUSE, key),
                          [lang for lang in LANGUAGES
                           if _clause_language(before, lang) != _clause_language(clause, lang)
                           or (CLAUSE, key, lang) in confirmed], number)
        result["clauses"][key] = entry
    for name, value in (particulars or {}).items():
        if not _per_language(value):
            continue
        before = (old_particulars or {}).get(name)
        if old_particulars is None or not _per_language(before):
            entry = _in_step(number)
        else:
            entry = _step(_entry(stored, PARTICULAR, name),
                          [lang for lang in LANGUAGES
                           if (before.get(lang) or "").strip() != (value.get(lang) or "").strip()
                           or (PARTICULAR, name, lang) in confirmed], number)
        result["particulars"][name] = entry
    return result


def record_of(version) -> dict | None:
    """The version's stored lockstep record (None for versions saved before it existed)."""
    return (version.variables or {}).get("lockstep")


def lagging_languages(stored: Mapping | None, kind: str, key: str) -> tuple[str, ...]:
    entry = _entry(stored, kind, key)
    return tuple(lang for lang in LANGUAGES if entry["changed"][lang] < entry["revised"])


def lagging(version) -> list[Lagging]:
    """Every clause (in order) and particular of a version with languages needing update."""
    stored = record_of(version)
    if not stored:
        return []
    found = []
    for number, clause in enumerate(version.clauses, 1):
        found.extend(_lagging(stored, CLAUSE, clause["key"], number))
    for name in (version.variables.get("particulars") or {}):
        found.extend(_lagging(stored, PARTICULAR, name, None))
    return found


def _lagging(stored, kind: str, key: str, number: int | None) -> list[Lagging]:
    languages = lagging_languages(stored, kind, key)
    if not languages:
        return []
    entry = _entry(stored, kind, key)
    leading = tuple(lang for lang in LANGUAGES if entry["changed"][lang] >= entry["revised"])
    return [Lagging(kind, key, number, languages, leading, entry["revised"])]


def by_key(version, kind: str = CLAUSE) -> dict[str, Lagging]:
    """The lagging clauses (or particulars) of a version by key."""
    return {item.key: item for item in lagging(version) if item.kind == kind}


def confirmations(version) -> list[dict]:
    """The "no change needed" confirmations recorded in this version."""
    return list((record_of(version) or {}).get("confirmed") or [])
