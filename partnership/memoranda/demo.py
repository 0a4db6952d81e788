"""Demo memoranda: one partnership with a memorandum in each state (draft, in review, agreed,
signed), made through the same services people use. Caller commits."""

import io
import secrets
from datetime import date

from sqlalchemy import select

from ..auth.models import Role, User
from ..auth.passwords import hash_password
from ..core.database import utcnow
from ..extensions import db
from ..organisations.models import Country, Organisation, Status
from ..partnerships.models import Partnership, PartnershipEvent
from . import approvals, printing, services


def _manager(organisation: Organisation) -> User:
    """The organisation's manager; an active account is needed to act, so a demo manager
    without a password gets a random one nobody knows (a password reset opens it)."""
    found = db.session.scalar(select(User).where(User.organisation_id == organisation.id,
                                                 User.role == Role.ORG_MANAGER).limit(1))
    if found is None:
        found = User(email=f"manager.{organisation.id}@demo.partnership.local",
                     full_name=organisation.contact_name or f"Manager {organisation.id}",
                     role=Role.ORG_MANAGER, active=True, organisation_id=organisation.id,
                     locale="uk" if organisation.country == Country.UA else "kk",
                     created_at=utcnow())
        db.session.add(found)
    if found.password_hash is None:
        found.password_hash = hash_password(secrets.token_urlsafe(24))
    db.session.flush()
    return found


def _partnership(officer: User, ua: Organisation, kz: Organisation) -> Partnership:
    partnership = Partnership(reference="pending", ukrainian_organisation_id=ua.id,
                              kazakh_organisation_id=kz.id, created_at=utcnow(),
                              objectives="Demo: a partnership whose memorandum shows one state.")
    db.session.add(partnership)
    db.session.flush()
    partnership.reference = f"UA-KZ-{utcnow().year}-{partnership.id:04d}"
    partnership.events.append(PartnershipEvent(actor_id=officer.id, to_status="forming"))
    db.session.flush()
    return partnership


def _fill_particulars(actor: User, memorandum, ua: Organisation, kz: Organisation) -> None:
    newest = services.latest(memorandum)
    particulars = dict(newest.variables["particulars"])
    particulars.update({
        "ua.signatory": {"uk": "Олена Коваль", "kk": "Олена Коваль", "en": "Olena Koval"},
        "ua.position": {"uk": "генеральний директор", "kk": "бас директор",
                        "en": "Director General"},
        "kz.signatory": {"uk": "Айгерім Сапарова", "kk": "Әйгерім Сапарова",
                         "en": "Aigerim Saparova"},
        "kz.position": {"uk": "директор", "kk": "директор", "en": "Director"},
        "place": {"uk": "Астана", "kk": "Астана", "en": "Astana"},
    })
    services.save_particulars(actor, memorandum, newest.number, particulars)


def _approve_all(memorandum, ua_manager, kz_manager, officer) -> None:
    number = services.latest(memorandum).number
    for actor in (ua_manager, kz_manager, officer):
        approvals.approve(actor, memorandum, number)


def seed_demo_memoranda() -> None:
    """A memorandum in each state; the demo partnership (if any) gets the draft."""
    officer = db.session.scalar(select(User).where(User.role == Role.EMBASSY_OFFICER).limit(1))
    if officer is None:
        return
    taken = {p.ukrainian_organisation_id for p in db.session.scalars(select(Partnership))}
    verified = list(db.session.scalars(select(Organisation).where(
        Organisation.status == Status.VERIFIED).order_by(Organisation.id)))
    ukrainian = [o for o in verified if o.country == Country.UA and o.id not in taken]
    kazakh = [o for o in verified if o.country == Country.KZ]
    first = db.session.scalar(select(Partnership).order_by(Partnership.id).limit(1))
    pairs = [(first.ukrainian_organisation, first.kazakh_organisation, first)] if first else []
    for ua, kz in zip(ukrainian, reversed(kazakh), strict=False):
        if len(pairs) == 4:
            break
        pairs.append((ua, kz, None))
    for state, (ua, kz, partnership) in zip(("draft", "in_review", "agreed", "signed"), pairs,
                                            strict=False):
        partnership = partnership or _partnership(officer, ua, kz)
        ua_manager, kz_manager = _manager(ua), _manager(kz)
        memorandum = services.create_memorandum(officer, partnership)
        _fill_particulars(ua_manager, memorandum, ua, kz)
        services.add_comment(kz_manager, memorandum, "costs",
                             "Пропонуємо уточнити, хто оплачує проживання стажистів.", 2)
        if state == "draft":
            continue
        approvals.submit_for_review(ua_manager, memorandum)
        if state == "in_review":
            approvals.approve(ua_manager, memorandum, services.latest(memorandum).number)
            continue
        _approve_all(memorandum, ua_manager, kz_manager, officer)
        if state == "signed":
            # The "scan" is the agreed PDF itself: nothing binary ships with the code.
            scan = printing.render(memorandum, services.latest(memorandum), ("uk", "kk", "en"))
            approvals.sign(officer, memorandum, signed_on=date.today(), place="Астана",
                           signatories="Олена Коваль, генеральний директор\n"
                                       "Әйгерім Сапарова, директор", scan=io.BytesIO(scan))
