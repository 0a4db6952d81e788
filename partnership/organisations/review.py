"""What an officer reads before deciding on a registration: who registered and when, whether
their e-mail address is confirmed, the registry code's check, the organisation's history,
organisations that may be the same one registered twice, and the next registration waiting.

Every answer is a bounded number of queries: the history is the organisation's own audit
trail (indexed by object), the possible duplicates come from a few indexed look-ups (codes one
typo away, the same contact address or website, names sharing a distinctive word, the same
city and kind), never from comparing every organisation with every other.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from ..auth.models import TokenPurpose, User, UserToken
from ..core.access import require_role
from ..core.database import utcnow
from ..core.models import AuditEvent
from ..core.roles import EMBASSY_ROLES, Role
from ..extensions import db
from ..lexicon.transliteration import skeleton
from . import rules
from .models import Country, Organisation, Status

HISTORY_LIMIT = 50
SIMILAR_LIMIT = 10
CANDIDATE_LIMIT = 200
NAME_SIMILARITY = 0.5   # share of distinctive name words in common that counts as "similar"
STEM = 6                # the letters of a word that names are compared by (its stem)
MIN_WORD = 4            # shorter skeleton words ("kz", "no", "im") say nothing about identity
# Words every medical institution's name has, in their script-free skeletons (uk, kk, ru, en):
# two names that share only these are not alike.
GENERIC_WORDS = frozenset(skeleton(" ".join((
    "комунальне некомерційне підприємство державне приватне товариство обмеженою "
    "відповідальністю заклад охорони здоров'я лікарня лікарні клінічна клініка центр обласна "
    "обласний міська міський районна районний дитяча дитячий медичний медична національний "
    "університет інститут реабілітації реабілітаційний багатопрофільна благодійний фонд "
    "ради міської обласної",
    "мемлекеттік коммуналдық кәсіпорны шаруашылық жүргізу құқығындағы ауруханасы аурухана "
    "клиникасы орталығы облыстық қалалық балалар медициналық университеті оңалту қоры "
    "жауапкершілігі шектеулі серіктестік",
    "государственное коммунальное предприятие на праве хозяйственного ведения больница "
    "городская областная детская центр медицинский университет реабилитации фонд "
    "товарищество с ограниченной ответственностью",
    "hospital clinic clinical centre center city regional children's childrens medical "
    "university institute rehabilitation foundation charity national state municipal "
    "limited liability partnership llp company enterprise non-profit",
))).split())

HISTORY_LABELS = {
    "organisation.registered": _l("Organisation registered"),
    "organisation.imported": _l("Imported or updated from a file"),
    "organisation.updated": _l("Profile changed"),
    "organisation.verify": _l("Verified"),
    "organisation.reject": _l("Rejected"),
    "organisation.return": _l("Returned for changes"),
    "organisation.resubmit": _l("Sent for verification again"),
    "organisation.suspend": _l("Suspended"),
    "organisation.reinstate": _l("Reinstated"),
    "organisation.agreed_list": _l("Agreed list changed"),
    "organisation.colleague_invited": _l("Colleague invited"),
    "organisation.colleague_removed": _l("Colleague removed"),
    "organisation.registration_cancelled": _l("Unconfirmed registration cancelled"),
}


@dataclass
class Person:
    """Someone of the organisation, and whether their e-mail address is shown to be theirs."""

    user: User
    confirmed_at: datetime | None
    confirmed: bool
    link_valid_until: datetime | None   # an unused confirmation link still open


@dataclass
class CodeCheck:
    valid: bool
    explanation: str


@dataclass
class HistoryLine:
    at: datetime
    what: str
    who: str
    detail: str


@dataclass
class Similar:
    organisation: Organisation
    reasons: list[str] = field(default_factory=list)


@dataclass
class Review:
    registered_by: Person | None
    registered_at: datetime
    imported: bool
    managers: list[Person]
    code: CodeCheck
    history: list[HistoryLine]
    similar: list[Similar]
    next_pending_id: int | None


def review_of(actor: User, organisation: Organisation) -> Review:
    """Everything the review page shows beside the profile (embassy roles only)."""
    require_role(actor, *EMBASSY_ROLES)
    events = _history_events(organisation)
    registered = next((e for e in reversed(events) if e.action == "organisation.registered"),
                      None)
    people = _people(organisation, registered.actor_id if registered else None)
    registrant = next((p for p in people if registered and p.user.id == registered.actor_id),
                      None)
    return Review(
        registered_by=registrant,
        registered_at=registered.at if registered else organisation.created_at,
        imported=any(e.action == "organisation.imported" and e.details.get("created")
                     for e in events),
        managers=[p for p in people if p.user.role == Role.ORG_MANAGER],
        code=check_code(organisation.country, organisation.registry_code),
        history=_history_lines(events),
        similar=similar_organisations(organisation),
        next_pending_id=next_pending(organisation),
    )


# --- the registry code --------------------------------------------------------------------

def check_code(country: str, code: str) -> CodeCheck:
    """Valid or not, and why, in words an officer can check against the registry."""
    problem = rules.registry_code_problem(country, code)
    if problem:
        return CodeCheck(False, problem)
    if country == Country.UA:
        return CodeCheck(True, _(
            "An EDRPOU code of 8 digits; its last digit, %(digit)s, is the check digit the "
            "first seven give.", digit=code[7]))
    return CodeCheck(True, _(
        "A BIN of 12 digits: registered in %(month)s/%(year)s (digits 1 to 4), a legal entity "
        "(fifth digit %(kind)s); its last digit, %(digit)s, is the check digit the first "
        "eleven give.", month=code[2:4], year=code[0:2], kind=code[4], digit=code[11]))


# --- the people and the history -------------------------------------------------------------

def _people(organisation: Organisation, registrant_id: int | None) -> list[Person]:
    """The organisation's managers (and the registrant, whatever became of them), each with
    their confirmation: a confirmed address or an accepted invitation, or a sign-in."""
    users = list(db.session.scalars(select(User).where(or_(
        and_(User.organisation_id == organisation.id, User.role == Role.ORG_MANAGER),
        User.id == (registrant_id or -1))).order_by(User.created_at, User.id)))
    ids = [user.id for user in users]
    if not ids:
        return []
    confirmed = dict(db.session.execute(
        select(AuditEvent.object_id, func.min(AuditEvent.at))
        .where(AuditEvent.object_type == User.__tablename__,
               AuditEvent.object_id.in_([str(i) for i in ids]),
               AuditEvent.action.in_(("user.email_confirmed", "auth.invitation_accepted")))
        .group_by(AuditEvent.object_id)).all())
    links = dict(db.session.execute(
        select(UserToken.user_id, func.max(UserToken.expires_at))
        .where(UserToken.user_id.in_(ids), UserToken.used_at.is_(None),
               UserToken.purpose.in_((TokenPurpose.EMAIL_CONFIRMATION,
                                      TokenPurpose.INVITATION)),
               UserToken.expires_at > utcnow())
        .group_by(UserToken.user_id)).all())
    return [Person(user=user, confirmed_at=confirmed.get(str(user.id)),
                   confirmed=str(user.id) in confirmed or user.last_login_at is not None,
                   link_valid_until=links.get(user.id))
            for user in users]


def _history_events(organisation: Organisation) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == Organisation.__tablename__,
                                 AuditEvent.object_id == str(organisation.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(HISTORY_LIMIT)))


def _history_lines(events: list[AuditEvent]) -> list[HistoryLine]:
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    actors = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    lines = []
    for event in events:
        actor = actors.get(event.actor_id)
        who = (actor.full_name or actor.email) if actor else _("the platform")
        lines.append(HistoryLine(at=event.at, what=str(HISTORY_LABELS.get(event.action,
                                                                          event.action)),
                                 who=who, detail=_history_detail(event)))
    return lines


def _history_detail(event: AuditEvent) -> str:
    details = event.details or {}
    if details.get("reason"):
        return details["reason"]
    if details.get("fields"):
        return ", ".join(details["fields"])
    if "on_list" in details:
        return _("now on the list") if details["on_list"] else _("now off the list")
    return ""


# --- possible duplicates ----------------------------------------------------------------------

def near_codes(code: str) -> set[str]:
    """Every code one typo from ``code``: one digit changed, or two neighbours swapped."""
    found = set()
    for index, digit in enumerate(code):
        for other in "0123456789":
            if other != digit:
                found.add(code[:index] + other + code[index + 1:])
        if index + 1 < len(code) and code[index + 1] != digit:
            found.add(code[:index] + code[index + 1] + digit + code[index + 2:])
    return found


def name_words(organisation: Organisation) -> set[str]:
    """The distinctive words of all the organisation's names, in a script-free spelling."""
    words = set()
    for name in (organisation.name_uk, organisation.name_kk, organisation.name_en,
                 organisation.name_ru):
        if name:
            words.update(w for w in skeleton(name).split() if len(w) >= MIN_WORD)
    return words - GENERIC_WORDS


def _shared_words(words: set[str], others: set[str]) -> set[str]:
    """Words of both names, a word also meeting its longer forms ("mikolaiv" the adjective
    "mikolaivska"): names are declined and made adjectives in every language."""
    return {word for word in words for other in others
            if word == other or (min(len(word), len(other)) >= STEM
                                 and (word.startswith(other) or other.startswith(word)))}


def _website_host(website: str) -> str:
    host = re.sub(r"^[a-z]+://", "", (website or "").strip().lower()).split("/")[0]
    return host.removeprefix("www.")


def similar_organisations(organisation: Organisation) -> list[Similar]:
    """Organisations that may be this one registered twice, each with why it is listed."""
    words = name_words(organisation)
    city = (organisation.city or "").strip().lower()
    host = _website_host(organisation.website)
    email = (organisation.contact_email or "").strip().lower()
    near = near_codes(organisation.registry_code)
    strong = [Organisation.registry_code.in_(sorted(near))]
    if email:
        strong.append(func.lower(Organisation.contact_email) == email)
    if host:
        strong.append(func.lower(Organisation.website).contains(host))
    for word in sorted(words, key=len, reverse=True)[:4]:
        strong.append(Organisation.search_key.contains(f" {word[:STEM]}"))
    others = Organisation.id != organisation.id
    candidates = list(db.session.scalars(select(Organisation).where(others, or_(*strong))
                                         .order_by(Organisation.id).limit(CANDIDATE_LIMIT)))
    if city:
        seen = {other.id for other in candidates}
        candidates += [other for other in db.session.scalars(
            select(Organisation).where(others, func.lower(Organisation.city) == city,
                                       Organisation.kind == organisation.kind)
            .order_by(Organisation.id).limit(SIMILAR_LIMIT)) if other.id not in seen]
    found = []
    for other in candidates:
        reasons = _reasons(organisation, other, words, near, city, email, host)
        if reasons:
            found.append(Similar(other, reasons))
    found.sort(key=lambda s: (-len(s.reasons), s.organisation.id))
    return found[:SIMILAR_LIMIT]


def _reasons(organisation, other, words, near, city, email, host) -> list[str]:
    """Why ``other`` may be the same organisation; empty when nothing points to it. The same
    city alone is a reason only for an organisation of the same kind."""
    reasons = []
    if other.registry_code in near:
        reasons.append(_("registry code %(code)s is one typo away from this one",
                         code=other.registry_code))
    other_words = name_words(other)
    shared = _shared_words(words, other_words)
    if shared and len(shared) / max(1, min(len(words), len(other_words))) >= NAME_SIMILARITY:
        reasons.append(_("a similar name (in common: %(words)s)",
                         words=", ".join(sorted(shared))))
    if email and (other.contact_email or "").strip().lower() == email:
        reasons.append(_("the same contact e-mail address"))
    if host and _website_host(other.website) == host:
        reasons.append(_("the same website"))
    same_city = bool(city) and (other.city or "").strip().lower() == city
    if same_city and other.kind == organisation.kind:
        reasons.append(_("the same city, %(city)s, and the same kind", city=other.city))
    elif same_city and reasons:
        reasons.append(_("the same city, %(city)s", city=other.city))
    return reasons


# --- the queue ------------------------------------------------------------------------------

def next_pending(organisation: Organisation) -> int | None:
    """The registration waiting after this one (oldest first), or the oldest when this is the
    last; None when no other waits."""
    waiting = and_(Organisation.status == Status.PENDING, Organisation.id != organisation.id)
    order = (Organisation.created_at, Organisation.id)
    later = db.session.scalar(select(Organisation.id).where(waiting, or_(
        Organisation.created_at > organisation.created_at,
        and_(Organisation.created_at == organisation.created_at,
             Organisation.id > organisation.id))).order_by(*order).limit(1))
    if later is not None:
        return later
    return db.session.scalar(select(Organisation.id).where(waiting).order_by(*order).limit(1))

