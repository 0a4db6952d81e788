"""The child's identity record: written encrypted, read only by the coordinator through
``read_identity`` (each read audited by case code), and by the child's own centre only as the
minimum card (first name and accompanying adult) through ``centre_card``."""

import re
from dataclasses import asdict, dataclass, fields

from flask_babel import gettext as _

from ..auth.models import User
from ..core import unit_of_work
from ..core.access import NotVisible
from ..core.audit import record
from ..core.services import ServiceError
from . import crypto
from .access import is_centre_staff, require_coordinator
from .models import ChildCase, ChildIdentity
from .timeline import add_event

# One given name: letters, with inner hyphens or apostrophes (Анна-Марія, Мар'яна).
ONE_NAME = re.compile(r"[^\W\d_]+(?:[-'’ʼ][^\W\d_]+)*")
WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Identity:
    """Everything that names the child or the people around them."""

    first_name: str = ""
    surname: str = ""
    date_of_birth: str = ""          # ISO date
    documents: str = ""              # document types and numbers
    address: str = ""
    representative_name: str = ""
    representative_contacts: str = ""
    accompanying_adult_given_name: str = ""
    accompanying_adult_surname: str = ""
    # The adult's name as one free text, as records kept it before the name was split; only
    # until the conversion or the coordinator splits it (adults.py). Never shown to a centre.
    accompanying_adult_name: str = ""

    @classmethod
    def from_record(cls, data: dict) -> "Identity":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def adult_named(self) -> bool:
        return bool(self.accompanying_adult_given_name or self.accompanying_adult_name)


def check_identity(person: Identity) -> None:
    """The names the centre sees stay in their own fields: one given name in each given-name
    field, and the adult's given name and surname together or not at all."""
    check_given_name(person.first_name, "first_name")
    check_adult(person.accompanying_adult_given_name, person.accompanying_adult_surname)


def check_given_name(value: str, field: str) -> None:
    """One given name (letters, inner hyphens or apostrophes), so no surname rides along."""
    value = value.strip()
    if value and not ONE_NAME.fullmatch(value):
        raise ServiceError(_("Write only the given name here (one name, letters only); "
                             "the surname has its own field."), field)


def check_adult(given: str, surname: str, given_field: str = "accompanying_adult_given_name",
                surname_field: str = "accompanying_adult_surname") -> None:
    """The adult's given name and surname: together or not at all."""
    check_given_name(given, given_field)
    if bool(given.strip()) != bool(surname.strip()):
        raise ServiceError(_("Give both the given name and the surname of the accompanying "
                             "adult, or neither."),
                           surname_field if given.strip() else given_field)


def check_free_text(person: Identity, texts: dict[str, str]) -> None:
    """Free text the centre sees (needs, the adult's relation) must not carry the child's or
    the adult's surname: a safety net against an exact surname (or a part of a double-barrelled
    one), not a search for names in general; the forms ask for no names there."""
    surnames = {part for name in (person.surname, person.accompanying_adult_surname)
                for part in WORD.findall(name.casefold()) if len(part) >= 3}
    for field, text in texts.items():
        if surnames & set(WORD.findall(text.casefold())):
            raise ServiceError(_("The centre sees this text: leave the surname out."), field)


def stored_identity(case: ChildCase) -> Identity | None:
    """The record for a check inside a service (nothing is shown, so it is not an opening)."""
    if case.identity is None:
        return None
    return Identity.from_record(crypto.decrypt(case.identity.ciphertext))


def store_identity(case: ChildCase, person: Identity) -> None:
    """Encrypt and keep the identity record of ``case`` (caller checked the actor).
    An adult's name kept as one free text stays until a given name and surname replace it."""
    values = {k: (v or "").strip() for k, v in asdict(person).items()}
    if values["accompanying_adult_given_name"]:
        values["accompanying_adult_name"] = ""
    elif not values["accompanying_adult_name"] and case.identity is not None:
        values["accompanying_adult_name"] = crypto.decrypt(case.identity.ciphertext).get(
            "accompanying_adult_name", "")
    ciphertext, key_id = crypto.encrypt(values)
    if case.identity is None:
        case.identity = ChildIdentity(ciphertext=ciphertext, key_id=key_id)
    else:
        case.identity.ciphertext, case.identity.key_id = ciphertext, key_id
    case.has_accompanying_adult = Identity.from_record(values).adult_named
    case.adult_name_to_review = bool(values["accompanying_adult_name"])


def read_identity(actor: User, case: ChildCase, purpose: str = "view") -> Identity | None:
    """The decrypted identity (coordinator only); every read leaves an audit event that names
    the case by its code and nothing else. None when retention has erased it."""
    require_coordinator(actor)
    if case.identity is None:
        return None
    person = Identity.from_record(crypto.decrypt(case.identity.ciphertext))
    record("programme.identity_read", actor=actor, obj=case, code=case.code, purpose=purpose)
    add_event(case, actor, "identity_read", purpose=purpose)
    return person


@dataclass(frozen=True)
class CentreCard:
    """What the child's own centre sees of the identity: first name and accompanying adult."""

    first_name: str
    accompanying_adult_name: str


def centre_card(actor: User, case: ChildCase) -> CentreCard:
    """The minimum a centre needs, for the staff of the centre where the child is placed now,
    when sharing with the centre is consented; the caller checked that (``placement_for``)."""
    if not is_centre_staff(actor):
        raise NotVisible()
    if case.identity is None:
        return CentreCard("", "")
    person = Identity.from_record(crypto.decrypt(case.identity.ciphertext))
    unit_of_work.keep_read(record("programme.centre_card_read", actor=actor, obj=case,
                                  code=case.code))
    return CentreCard(person.first_name, adult_for_centre(person))


def adult_for_centre(person: Identity) -> str:
    """The adult as the centre sees them: the given name and the surname's initial
    ("Ніна В."). A name still kept as one free text is not shown at all (the centre then sees
    the relation only): which of its words is the surname is not guessed."""
    given = person.accompanying_adult_given_name.strip()
    letters = [c for c in person.accompanying_adult_surname if c.isalpha()]
    if not given:
        return ""
    return f"{given} {letters[0].upper()}." if letters else given
