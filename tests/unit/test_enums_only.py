"""Roles and states are compared with their enums, never with their spelling: a renamed or
mistyped value must fail where it is written, not silently never match."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUOTED = r"""['"][a-z_]+['"]"""
ATTRIBUTE = r"(?:\b(?:role|status|state)|\.direction)"
COMPARISONS = [
    re.compile(rf"{ATTRIBUTE}\s*(?:==|!=)\s*{QUOTED}"),
    re.compile(rf"{QUOTED}\s*(?:==|!=)\s*[\w.]*{ATTRIBUTE}\b"),
    re.compile(rf"{ATTRIBUTE}\s+(?:not\s+)?in\s*[(\[]\s*{QUOTED}"),
    re.compile(rf"selectattr\(\s*'(?:role|status|state|direction)'\s*,\s*'equalto'\s*,\s*{QUOTED}"),
    re.compile(rf"\.direction\s+(?:not\s+)?in\s*[(\[]\s*{QUOTED}"),
    re.compile(rf"roles_required\(\s*{QUOTED}"),
    re.compile(rf"(?:role|status|state)\s*==\s*{QUOTED}"),
]
# The matching engine is pure (no database, no enums): its records carry plain strings.
PURE = {"partnership/matching/engine.py", "partnership/matching/pairs.py",
        "partnership/matching/world.py", "partnership/matching/records.py",
        "partnership/memoranda/diff.py",
        # The diff's own kinds of change (diff.py, pure), not a stored state.
        "templates/memoranda/diff.html"}


def spelled_out(text: str) -> list[str]:
    return [m.group(0) for pattern in COMPARISONS for m in pattern.finditer(text)]


def test_templates_and_code_compare_roles_and_states_with_enums():
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("partnership/**/*.py")]
    found = {}
    for path in sorted(files):
        name = str(path.relative_to(ROOT))
        if name in PURE:
            continue
        if hits := spelled_out(path.read_text(encoding="utf-8")):
            found[name] = hits
    assert found == {}, "compare with the enum (Role, MatchStatus, ...), not a quoted value"


def test_the_check_sees_each_way_of_spelling_one_out():
    for text in ("{% if current_user.role == 'embassy_officer' %}",
                 "{% if memorandum.state in ('superseded', 'terminated') %}",
                 "{% if case.state not in ('closed', 'withdrawn') %}",
                 "items|selectattr('status', 'equalto', 'active')",
                 'if status == "mutually_accepted" else',
                 '@roles_required("admin")',
                 'actor.role == "org_manager" and'):
        assert spelled_out(text), text
    assert not spelled_out("{% if match.status == MatchStatus.PROPOSED %}")
