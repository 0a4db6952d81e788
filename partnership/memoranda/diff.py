"""What changed between two versions of a memorandum, clause by clause and word by word.

Clauses are matched by their stable key, so a clause that was added, removed or moved shows as
such instead of as a cascade of changed texts. Inside a clause each language's text is compared
as a sequence of words, whitespace and punctuation marks (Cyrillic letters, apostrophes and
hyphens inside words count as letters). No Flask, no database.
"""

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# A word (letters, digits, inner apostrophes or hyphens), a run of whitespace, or one other mark.
TOKEN = re.compile(r"[^\W_]+(?:['’ʼ\-][^\W_]+)*|\s+|[^\w\s]|_", re.UNICODE)


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same ("equal"), only in the new text ("insert") or only in
    the old one ("delete")."""

    kind: str
    text: str


@dataclass(frozen=True)
class ClauseDiff:
    key: str
    status: str                          # same, changed, added, removed, moved
    old_number: int | None
    new_number: int | None
    title: Mapping[str, tuple[Piece, ...]]
    text: Mapping[str, tuple[Piece, ...]]

    @property
    def changed(self) -> bool:
        return self.status != "same"


def tokens(text: str) -> list[str]:
    """The text cut into words, whitespace and marks; joined they give the text back."""
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """Pieces that turn ``old`` into ``new``, word by word, neighbouring pieces merged."""
    a, b = tokens(old), tokens(new)
    pieces: list[Piece] = []

    def add(kind: str, words: list[str]) -> None:
        text = "".join(words)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return tuple(pieces)


def _moved_keys(old_keys: Sequence[str], new_keys: Sequence[str]) -> set[str]:
    """Keys whose relative order changed: those outside the longest common subsequence."""
    common = [k for k in old_keys if k in set(new_keys)]
    kept = [k for k in new_keys if k in set(old_keys)]
    matcher = difflib.SequenceMatcher(None, common, kept, autojunk=False)
    stay = {common[i + n] for i, _j, size in matcher.get_matching_blocks() for n in range(size)}
    return set(common) - stay


def _pieces(old: Mapping[str, str], new: Mapping[str, str],
            languages: Sequence[str]) -> dict[str, tuple[Piece, ...]]:
    return {lang: word_diff(old.get(lang, ""), new.get(lang, "")) for lang in languages}


def diff_versions(old_clauses: Sequence[Mapping], new_clauses: Sequence[Mapping],
                  languages: Sequence[str] = ("uk", "kk", "en")) -> list[ClauseDiff]:
    """The clauses of the new version in order, each compared with its old self; removed
    clauses follow at the place they had. Clauses are dicts with key, title and text."""
    old = {c["key"]: (n, c) for n, c in enumerate(old_clauses, 1)}
    new = {c["key"]: (n, c) for n, c in enumerate(new_clauses, 1)}
    moved = _moved_keys(list(old), list(new))
    empty: dict[str, str] = {}
    result: list[ClauseDiff] = []
    for key, (number, clause) in new.items():
        if key not in old:
            result.append(ClauseDiff(key, "added", None, number,
                                     _pieces(empty, clause["title"], languages),
                                     _pieces(empty, clause["text"], languages)))
            continue
        old_number, before = old[key]
        title = _pieces(before["title"], clause["title"], languages)
        text = _pieces(before["text"], clause["text"], languages)
        edited = any(p.kind != "equal" for parts in (*title.values(), *text.values())
                     for p in parts)
        status = "moved" if key in moved else "changed" if edited else "same"
        result.append(ClauseDiff(key, status, old_number, number, title, text))
    for key, (old_number, clause) in old.items():
        if key not in new:
            position = next((i for i, d in enumerate(result)
                             if d.old_number is not None and d.old_number > old_number),
                            len(result))
            result.insert(position, ClauseDiff(key, "removed", old_number, None,
                                               _pieces(clause["title"], empty, languages),
                                               _pieces(clause["text"], empty, languages)))
    return result


def summary(diffs: Sequence[ClauseDiff]) -> dict[str, int]:
    """How many clauses are same, changed, added, removed and moved."""
    counts = dict.fromkeys(("same", "changed", "added", "removed", "moved"), 0)
    for d in diffs:
        counts[d.status] += 1
    return counts
