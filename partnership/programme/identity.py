"""The child's identity record: written encrypted, read only by the coordinator through
``read_identity`` (each read audited by case code), and by the child's own centre only as the
minimum card (first name and accompanying adult) through ``centre_card``."""

from dataclasses import asdict, dataclass, fields

from ..auth.models import User
from ..core.database import utcnow
from ..core.services import NotVisible, record
from . import crypto
from .access import is_centre_staff, require_coordinator
from .models import ChildCase, ChildIdentity


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
    accompanying_adult_name: str = ""

    @classmethod
    def from_record(cls, data: dict) -> "Identity":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def store_identity(case: ChildCase, person: Identity) -> None:
    """Encrypt and keep the identity record of ``case`` (caller checked the actor)."""
    values = {k: (v or "").strip() for k, v in asdict(person).items()}
    ciphertext, key_id = crypto.encrypt(values)
    if case.identity is None:
        case.identity = ChildIdentity(ciphertext=ciphertext, key_id=key_id, updated_at=utcnow())
    else:
        case.identity.ciphertext, case.identity.key_id = ciphertext, key_id
        case.identity.updated_at = utcnow()
    case.has_accompanying_adult = bool(values["accompanying_adult_name"])


def read_identity(actor: User, case: ChildCase, purpose: str = "view") -> Identity | None:
    """The decrypted identity (coordinator only); every read leaves an audit event that names
    the case by its code and nothing else. None when retention has erased it."""
    require_coordinator(actor)
    if case.identity is None:
        return None
    person = Identity.from_record(crypto.decrypt(case.identity.ciphertext))
    record("programme.identity_read", actor=actor, obj=case, code=case.code, purpose=purpose)
    from .cases import add_event

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
    data = crypto.decrypt(case.identity.ciphertext)
    record("programme.centre_card_read", actor=actor, obj=case, code=case.code)
    adult = without_surname(data.get("accompanying_adult_name", ""), data.get("surname", ""))
    return CentreCard(data.get("first_name", ""), adult)


def without_surname(name: str, surname: str) -> str:
    """The adult's name with the child's surname (in any gendered form: Вигаданий, Вигадана)
    cut to its initial, so that naming a relative does not name the child."""
    surname = surname.strip().casefold()
    if not surname:
        return name
    needed = max(4, len(surname) - 2)
    words = []
    for word in name.split():
        folded = word.casefold()
        common = next((i for i, (a, b) in enumerate(zip(folded, surname, strict=False))
                       if a != b), min(len(folded), len(surname)))
        words.append(f"{word[0]}." if common >= needed or folded == surname else word)
    return " ".join(words)
