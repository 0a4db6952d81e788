"""The accompanying adult's name kept, before issue 10, as one free text in the identity
record: converted to given name and surname when the split is beyond doubt, otherwise put on
the coordinator's review list. Until then the centre sees the adult's relation only."""

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..core.audit import record
from ..core.services import ServiceError
from ..extensions import db
from . import crypto
from .access import require_coordinator
from .identity import ONE_NAME, Identity, check_adult, read_identity, store_identity
from .models import ChildCase
from .timeline import add_event

# Endings of Ukrainian surnames (and patronymics) in Cyrillic and in Latin spelling: a first
# word with one of them may be a surname written first ("Ковальчук Олена").
SURNAME_ENDINGS = (
    "енко", "ук", "юк", "чук", "ський", "ська", "цький", "цька", "зький", "зька", "ишин",
    "ович", "евич", "івна", "ївна", "овна", "ов", "ова", "ев", "ева", "ий", "ая",
    "enko", "uk", "iuk", "yuk", "chuk", "skyi", "sky", "ska", "tskyi", "tska", "ovych",
    "ivna", "ov", "ova", "ev", "eva", "yi", "iy",
)


def _script(word: str) -> str | None:
    """CYRILLIC or LATIN when every letter of ``word`` is of that script; None otherwise."""
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in word if c.isalpha()}
    return scripts.pop() if len(scripts) == 1 and scripts <= {"CYRILLIC", "LATIN"} else None


def _same_stem(word: str, surname: str) -> bool:
    """Whether ``word`` reads as (a gendered form of) one part of the child's surname."""
    word = word.casefold()
    for part in re.split(r"[-\s]+", surname.casefold()):
        if len(part) < 3:
            continue
        needed = max(3, len(part) - 2)
        if word[:needed] == part[:needed]:
            return True
    return False


def split_safely(text: str, child_surname: str) -> tuple[str, str] | None:
    """(given name, surname) when the free text is beyond doubt "Given Surname"; else None.

    Exactly two words; each a plain name (letters, inner apostrophe; no hyphen, bracket, digit
    or punctuation), capitalised and not all capitals; both in one script, and that of the
    child's surname; the first word neither reads as the child's surname nor ends like a
    surname (which would mean "Surname Given")."""
    words = text.split()
    if len(words) != 2:
        return None
    given, surname = words
    for word in words:
        if "-" in word or not ONE_NAME.fullmatch(word):
            return None
        if not (word[0].isupper() and word[1:] == word[1:].lower()):
            return None
    script = _script(given)
    if script is None or _script(surname) != script:
        return None
    if child_surname.strip() and _script(child_surname.replace("-", "")) != script:
        return None
    if _same_stem(given, child_surname) or given.casefold().endswith(SURNAME_ENDINGS):
        return None
    return given, surname


@dataclass
class ConversionReport:
    converted: int = 0
    left: int = 0


def convert_adult_names() -> ConversionReport:
    """Split the free-text names of the cases on the review list where the split is safe
    (``split_safely``); leave the others on the list. Caller commits."""
    report = ConversionReport()
    for case in db.session.scalars(select(ChildCase).where(
            ChildCase.adult_name_to_review.is_(True)).order_by(ChildCase.id)):
        if case.identity is None:
            case.adult_name_to_review = False
            continue
        person = Identity.from_record(crypto.decrypt(case.identity.ciphertext))
        split = split_safely(person.accompanying_adult_name, person.surname)
        if split is None and person.accompanying_adult_name.strip():
            report.left += 1
            continue
        person.accompanying_adult_given_name, person.accompanying_adult_surname = (
            split or ("", ""))
        person.accompanying_adult_name = ""
        store_identity(case, person)
        if split:
            report.converted += 1
            record("programme.adult_name_converted", obj=case, code=case.code)
    db.session.flush()
    return report


def adults_to_review(actor: User) -> list[ChildCase]:
    """The cases whose adult's name the coordinator must split (nothing decrypted)."""
    require_coordinator(actor)
    return list(db.session.scalars(select(ChildCase).where(
        ChildCase.adult_name_to_review.is_(True)).order_by(ChildCase.code)))


def open_for_review(actor: User, case: ChildCase) -> str:
    """The adult's name as it was typed: a recorded opening of the identity."""
    person = read_identity(actor, case, purpose="adult_review")
    if person is None or not case.adult_name_to_review:
        raise ServiceError(_("This case has no accompanying adult's name to review."))
    return person.accompanying_adult_name


def review_adult(actor: User, case: ChildCase, given_name: str, surname: str) -> None:
    """The coordinator splits the adult's name: the case leaves the review list."""
    require_coordinator(actor)
    if case.identity is None or not case.adult_name_to_review:
        raise ServiceError(_("This case has no accompanying adult's name to review."))
    if not (given_name.strip() and surname.strip()):
        raise ServiceError(_("Give both the given name and the surname of the accompanying "
                             "adult, or neither."), "surname" if given_name.strip()
                           else "given_name")
    check_adult(given_name, surname, "given_name", "surname")
    person = Identity.from_record(crypto.decrypt(case.identity.ciphertext))
    person.accompanying_adult_given_name, person.accompanying_adult_surname = (
        given_name.strip(), surname.strip())
    person.accompanying_adult_name = ""
    store_identity(case, person)
    add_event(case, actor, "adult_reviewed")
    record("programme.adult_name_reviewed", actor=actor, obj=case, code=case.code)
