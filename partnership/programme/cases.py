"""Children's cases: referral, the coordinator's list and page, moving through the workflow,
the timeline and notices. Names never leave the identity record: notices use the case code."""

import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.roles import Role
from ..core.services import ServiceError
from ..core.sorting import SortOrder, lifecycle_order, sort_statement
from ..extensions import db
from ..notifications import services as notifications
from . import identity, workflow
from .access import require_coordinator
from .followups import schedule_follow_ups
from .models import CaseEvent, CaseState, ChildCase, Consent, Group, Placement
from .timeline import add_event

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud without doubt


def new_code() -> str:
    """A random case code such as PF-7KQ2-M9XD (about 40 bits; never derived from a name)."""
    while True:
        letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"PF-{letters[:4]}-{letters[4:]}"
        if db.session.scalar(select(ChildCase.id).where(ChildCase.code == code)) is None:
            return code


@dataclass
class CaseData:
    """The pseudonymous case data, as the referral form gives it."""

    birth_year: int
    sex: str
    region: str
    circumstances: str
    representative_type: str
    needs: str
    languages: list[str]
    accompanying_adult_relation: str = ""


def _check(data: CaseData) -> None:
    from ..organisations.labels import LANGUAGES
    from ..organisations.taxonomy import regions

    this_year = utcnow().year
    if not this_year - 18 <= data.birth_year <= this_year:
        raise ServiceError(_("The programme is for children: give a birth year between "
                             "%(first)d and %(last)d.", first=this_year - 18, last=this_year),
                           "birth_year")
    region = regions().get(data.region)
    if region is None or region.country != "UA":
        raise ServiceError(_("Choose a region of Ukraine from the list."), "region")
    if not data.languages or set(data.languages) - set(LANGUAGES):
        raise ServiceError(_("Choose the languages from the list."), "languages")


def _centre_text(data: CaseData) -> dict[str, str]:
    """The case's free text that the centre sees, by form field."""
    return {"needs": data.needs, "accompanying_adult_relation": data.accompanying_adult_relation}


def refer_case(actor: User, data: CaseData, person: identity.Identity) -> ChildCase:
    """Open a case in state referred, with its encrypted identity record."""
    require_coordinator(actor)
    _check(data)
    identity.check_identity(person)
    identity.check_free_text(person, _centre_text(data))
    now = utcnow()
    case = ChildCase(code=new_code(), birth_year=data.birth_year, sex=data.sex,
                     region=data.region, circumstances=data.circumstances,
                     representative_type=data.representative_type, needs=data.needs.strip(),
                     languages=list(data.languages),
                     accompanying_adult_relation=data.accompanying_adult_relation.strip(),
                     state=CaseState.REFERRED, created_at=now)
    db.session.add(case)
    db.session.flush()
    identity.store_identity(case, person)
    add_event(case, actor, "referred", to_state=CaseState.REFERRED)
    record("programme.case_referred", actor=actor, obj=case, code=case.code)
    return case


def update_case(actor: User, case: ChildCase, data: CaseData,
                person: identity.Identity | None = None) -> None:
    """Correct the case data, and the identity record when ``person`` is given (None: the
    identity was not opened and stays as it is)."""
    require_coordinator(actor)
    _check(data)
    if person is not None:
        identity.check_identity(person)
    known = person if person is not None else identity.stored_identity(case)
    if known is not None:
        identity.check_free_text(known, _centre_text(data))
    for name in ("birth_year", "sex", "region", "circumstances", "representative_type"):
        setattr(case, name, getattr(data, name))
    case.needs, case.languages = data.needs.strip(), list(data.languages)
    case.accompanying_adult_relation = data.accompanying_adult_relation.strip()
    if person is not None and case.identity_erased_at is None:
        identity.store_identity(case, person)
    case.updated_at = utcnow()  # the identity is a row of its own: the case's row may not change
    add_event(case, actor, "updated")
    record("programme.case_updated", actor=actor, obj=case, code=case.code)


def get_case(actor: User, case_id: int) -> ChildCase:
    """A case with its consents, placements, timeline and notes (coordinator only; 404 else)."""
    require_coordinator(actor)
    case = db.session.scalar(
        select(ChildCase).where(ChildCase.id == case_id).options(
            selectinload(ChildCase.consents),
            selectinload(ChildCase.placements).joinedload(Placement.group)
            .joinedload(Group.centre),
            selectinload(ChildCase.events).joinedload(CaseEvent.actor),
            selectinload(ChildCase.notes),
            selectinload(ChildCase.follow_ups)))
    if case is None:
        raise NotVisible()
    return case


def _cases(state: str, centre_id: int | None):
    statement = select(ChildCase).options(
        selectinload(ChildCase.placements).joinedload(Placement.group).joinedload(Group.centre))
    if state in CaseState.__members__.values():
        statement = statement.where(ChildCase.state == state)
    if centre_id:
        statement = statement.where(ChildCase.id.in_(
            select(Placement.case_id).join(Group).where(Group.centre_id == centre_id,
                                                        Placement.ended_at.is_(None))))
    return statement


def list_cases(actor: User, state: str = "", centre_id: int | None = None) -> list[ChildCase]:
    """The coordinator's case list, optionally by state or by the centre of the placement."""
    require_coordinator(actor)
    return list(db.session.scalars(_cases(state, centre_id)
                                   .order_by(ChildCase.updated_at.desc())))


# The columns the case list sorts by (``?sort=``); the state in its lifecycle's order.
CASE_SORTS = {"code": (ChildCase.code,),
              "state": (lifecycle_order(ChildCase.state, list(CaseState)),),
              "born": (ChildCase.birth_year,),
              "updated": (ChildCase.updated_at,)}
CASES_PER_PAGE = 50
LATEST_FIRST = SortOrder("updated", descending=True)


def cases_page(actor: User, state: str = "", centre_id: int | None = None, page: int = 1,
               sort: SortOrder = LATEST_FIRST):
    """A page of the coordinator's case list, filtered as ``list_cases``, in the order asked."""
    require_coordinator(actor)
    statement = sort_statement(_cases(state, centre_id), sort, CASE_SORTS, ChildCase.id)
    return db.paginate(statement, page=page, per_page=CASES_PER_PAGE, error_out=False)


def valid_consents(case: ChildCase, today: date | None = None) -> list[Consent]:
    """The consents that count: neither withdrawn nor expired (an expired consent blocks
    what a missing one blocks)."""
    today = today or utcnow().date()
    return [consent for consent in case.consents if consent.holds(today)]


def expired_consents(case: ChildCase, today: date | None = None) -> list[Consent]:
    """Consents not withdrawn whose date has passed: the case page warns of them."""
    today = today or utcnow().date()
    return [consent for consent in case.consents
            if consent.withdrawn_at is None and consent.expired(today)]


def expiry_warning(case: ChildCase, today: date | None = None) -> tuple[list, list[str]]:
    """For the case page: the expired consents of a case still going, and what its current
    state needs that is no longer covered (messages). The case is not stopped on its own:
    whether an expiry stops a case is the coordinator's decision (see docs/programme.md)."""
    if case.state in (CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.CONSENT_WITHDRAWN):
        return [], []
    expired = expired_consents(case, today)
    if not expired:
        return [], []
    uncovered = workflow.consents_needed(case.state, facts(case))
    return expired, [refusal_message(code) for code in uncovered]


def facts(case: ChildCase) -> workflow.Facts:
    """What the workflow's guards need to know about this case."""
    consents = valid_consents(case)
    return workflow.Facts(
        participation_consent=any(c.participation for c in consents),
        travel_consent=any(c.travel for c in consents),
        sharing_consent=any(c.sharing_with_centre for c in consents),
        accompanying_adult=case.has_accompanying_adult,
        placed=case.current_placement is not None)


def refusal_message(code: str) -> str:
    return {
        "not_allowed": _("A case cannot move from this state to that one."),
        "consent_participation": _("A valid consent to participation is needed first."),
        "consent_sharing": _("A valid consent to sharing with the centre is needed first."),
        "consent_travel": _("A valid consent to travel is needed first."),
        "accompanying_adult": _("Name the accompanying adult in the identity record first."),
        "placed": _("Place the child in a group first."),
    }[code]


def next_states(case: ChildCase) -> list[CaseState]:
    """Targets the buttons offer now: allowed by the table, guards met, no form needed."""
    known = facts(case)
    return [target for target in workflow.TRANSITIONS[case.state]
            if (known.placed or target not in workflow.NEEDS_PLACEMENT_FORM)
            and not workflow.refusals(case.state, target, known)]


def change_state(actor: User, case: ChildCase, target: str, note: str = "") -> None:
    """Move the case along the table, when its guards hold; the step joins the timeline."""
    require_coordinator(actor)
    try:
        target = CaseState(target)
    except ValueError:
        raise ServiceError(_("Choose a state from the list.")) from None
    known = facts(case)
    if target in workflow.NEEDS_PLACEMENT_FORM and not known.placed:
        raise ServiceError(_("Place the child in a group with the placement form."))
    problems = workflow.refusals(case.state, target, known)
    if problems:
        raise ServiceError(refusal_message(problems[0]))
    _enter(actor, case, target, note)


def _enter(actor: User | None, case: ChildCase, target: CaseState, note: str = "",
           kind: str = "state") -> None:
    before = case.state
    if target in workflow.ENDS_PLACEMENT:
        end_placement(case)
    now = utcnow()
    case.state = target
    if target == CaseState.COMPLETED:
        case.completed_at = now
        schedule_follow_ups(case)
    if target == CaseState.CLOSED:
        case.closed_at = now
    add_event(case, actor, kind, from_state=before, to_state=target, note=note)
    record("programme.case_state", actor=actor, obj=case, code=case.code, before=str(before),
           after=str(target))


def end_placement(case: ChildCase) -> Placement | None:
    """End the current placement and free its seat (one conditional update)."""
    placement = case.current_placement
    if placement is None:
        return None
    placement.ended_at = utcnow()
    db.session.execute(update(Group).where(Group.id == placement.group_id,
                                           Group.placed_count > 0)
                       .values(placed_count=Group.placed_count - 1))
    db.session.flush()
    db.session.expire(placement.group, ["placed_count"])
    return placement


def coordinators() -> list[User]:
    """The programme's coordinators who may sign in."""
    return list(db.session.scalars(select(User).where(
        User.role == Role.PROGRAMME_COORDINATOR, User.active.is_(True)).order_by(User.id)))


def centre_staff(centre_id: int | None) -> list[User]:
    """The staff of a centre who may sign in (none without a centre)."""
    if centre_id is None:
        return []
    from .models import Centre

    centre = db.session.get(Centre, centre_id)
    if centre is None:
        return []
    return list(db.session.scalars(select(User).where(
        User.role == Role.CENTRE_STAFF, User.active.is_(True),
        User.organisation_id == centre.organisation_id).order_by(User.id)))


def notify(case: ChildCase, kind: str, centre_id: int | None = None,
           actor: User | None = None) -> int:
    """Tell the coordinators (and that centre's staff) about a case, by its code only, each
    with a link they can open; the actor is not told of their own step."""
    params = {"code": case.code}
    actor_id = getattr(actor, "id", None)
    told = notifications.notify(coordinators(), kind, params, endpoint="programme.case_page",
                                link_args={"case_id": case.id}, actor_id=actor_id)
    told += notifications.notify(centre_staff(centre_id), kind, params,
                                 endpoint="programme.my_centre", actor_id=actor_id)
    return len(told)

