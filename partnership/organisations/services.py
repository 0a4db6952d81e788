"""Organisation operations: registration, confirmation, profile, colleagues."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import TokenPurpose, User, UserToken
from ..auth.passwords import hash_password, password_problems
from ..auth.services import find_user, find_valid_token, issue_token, normalise_email
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import ColleagueInvited, OrganisationChanged, emit
from ..core.language import language_of
from ..core.links import external_url
from ..core.mail import mail_each, queue_email
from ..core.models import AuditEvent
from ..core.roles import ORG_ROLES, ROLE_LABELS, Role
from ..core.services import ServiceError
from ..extensions import db
from ..notifications.services import notify
from ..notifications.texts import in_each_language, translated
from . import access, registry, rules
from .models import Country, Organisation, Status
from .search import search_key

PROFILE_FIELDS = (
    "kind", "name_uk", "name_kk", "name_en", "name_ru", "region", "city", "languages", "beds",
    "staff", "description", "contact_name", "contact_email", "contact_phone", "website",
    "open_to_cooperation", "public_listing",
)


@dataclass
class Registration:
    """What a person fills in to register an organisation and become its manager."""

    country: str
    registry_code: str
    manager_name: str
    manager_email: str
    password: str
    profile: dict

def active_managers(organisation_id: int) -> list[User]:
    """The organisation's managers who may sign in: they hear of its proposals and decisions."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.role == Role.ORG_MANAGER,
        User.active.is_(True)).order_by(User.id)))


def active_people(organisation_id: int) -> list[User]:
    """The organisation's managers and members who may sign in: they hear of its partner
    proposals, partnerships and memoranda."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation_id, User.role.in_(ORG_ROLES),
        User.active.is_(True)).order_by(User.id)))


def names_of(organisation: Organisation) -> dict[str, str]:
    """The organisation's name in each interface language (for a notification's text)."""
    return in_each_language(organisation.name)


def tell_of_invitation(organisation_id: int, invitee_id: int, actor_id: int | None) -> None:
    """The organisation's other managers hear that a colleague was invited (the invitee has
    the invitation e-mail; the inviter knows)."""
    organisation, invitee = db.session.get(Organisation, organisation_id), db.session.get(
        User, invitee_id)
    if organisation is None or invitee is None:
        return
    managers = [m for m in active_managers(organisation_id) if m.id != invitee_id]
    notify(managers, "colleague_invited",
           {"organisation": names_of(organisation), "email": invitee.email,
            "role": translated(ROLE_LABELS[invitee.role])},
           endpoint="organisations.manage", link_args={"organisation_id": organisation_id},
           actor_id=actor_id)


def get_organisation(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def check_profile(country: str, profile: dict) -> None:
    """Rules the form cannot check alone: native name present, region and kind of the country
    (``rules``, which the import calls too); every one broken is reported at once."""
    problems = rules.profile_problems(country, profile)
    if problems:
        raise ServiceError.of(problems)


def profile_problems(country: str, profile: dict) -> list[rules.Problem]:
    """The profile's rules that join fields, to show with the form's own errors in one round."""
    return rules.profile_problems(country, profile)


def registry_code_problem(country: str, code: str,
                          exclude_id: int | None = None) -> rules.Problem | None:
    """What is wrong with the code: its shape for the country, or that it is registered."""
    message = rules.registry_code_problem(country, code)
    if message:
        return rules.Problem("registry_code", message)
    taken = db.session.scalar(select(Organisation.id).where(
        Organisation.registry_code == registry.normalise(code)))
    if taken is not None and taken != exclude_id:
        return rules.Problem("registry_code", _(
            "An organisation with this registry code is already registered. Ask its manager "
            "to invite you."))
    return None


def check_registry_code(country: str, code: str, exclude_id: int | None = None) -> str:
    """The normalised code, if valid for the country and not registered yet."""
    problem = registry_code_problem(country, code, exclude_id)
    if problem:
        raise ServiceError(problem.message, field=problem.field)
    return registry.normalise(code)


def registration_problems(form: Registration) -> list[rules.Problem]:
    """Every rule the registration breaks, found in one round: the registry code (its exact
    fault, or that it is taken), the rules that join profile fields, the password's strength.
    The form's shape checks add theirs; registration itself refuses the same problems."""
    _existing, stale = _existing_account(form.manager_email)
    return _registration_problems(form, stale)


def _existing_account(email: str | None) -> tuple[User | None, User | None]:
    """The account holding the address, and the same account again when it holds none
    (an invitation never accepted, a registration never confirmed), which may be replaced."""
    existing = find_user(normalise_email(email or ""))
    return existing, (existing if existing is not None and _holds_no_account(existing)
                      else None)


def _registration_problems(form: Registration, stale: User | None) -> list[rules.Problem]:
    country = form.country or ""
    problems = []
    message = rules.country_problem(country)
    if message:
        problems.append(rules.Problem("country", message))
    problem = registry_code_problem(country, form.registry_code or "",
                                    exclude_id=_cancellable_organisation_id(stale))
    if problem:
        problems.append(problem)
    if message:  # the rules that join fields need the country: only the kind is judged alone
        kind = rules.kind_problem(form.profile.get("kind"))
        problems.extend([rules.Problem("kind", kind)] if kind else [])
    else:
        problems.extend(rules.profile_problems(country, form.profile))
    weak = password_problems(form.password or "", form.manager_email or "")
    if form.password and weak:
        problems.append(rules.Problem("password", " ".join(weak)))
    return problems


def apply_profile(organisation: Organisation, profile: dict) -> dict:
    """Copy profile fields; return {field: (before, after)} of what changed."""
    changes = {}
    for name in PROFILE_FIELDS:
        if name not in profile:
            continue
        value = profile[name]
        if isinstance(value, str):
            value = value.strip()
        before = getattr(organisation, name)
        if before != value:
            changes[name] = (before, value)
            setattr(organisation, name, value)
    organisation.search_key = search_key(
        organisation.name_uk, organisation.name_kk, organisation.name_en, organisation.name_ru,
        organisation.city, organisation.description)
    return changes


def register(form: Registration) -> Organisation | None:
    """Create a pending organisation and its (not yet confirmed) manager, and e-mail a link.

    When the e-mail address already has an account nothing is created and that address is told
    so by e-mail. Both paths hash the password and write an e-mail and an audit event, so the
    page answers the same, as fast, either way: it does not reveal who has an account. An
    invitation never accepted, or a registration never confirmed, is no account: it is
    cancelled and this registration goes ahead.
    """
    email = normalise_email(form.manager_email)
    existing, stale = _existing_account(email)
    problems = _registration_problems(form, stale)
    if problems:
        raise ServiceError.of(problems)
    country = Country(form.country)
    code = registry.normalise(form.registry_code)
    password_hash = hash_password(form.password)  # on both paths: the same work and time
    if existing is not None and stale is None:
        _tell_owner_of_registration_attempt(existing)
        return None
    manager = _cancel_stale_account(stale) if stale is not None else None
    organisation = Organisation(country=country, registry_code=code, status=Status.PENDING,
                                created_at=utcnow())
    apply_profile(organisation, form.profile)
    if manager is None:
        manager = User(email=email, created_at=utcnow())
    manager.full_name = form.manager_name.strip()
    manager.role = Role.ORG_MANAGER
    manager.password_hash = password_hash
    manager.password_changed_at = utcnow()
    manager.active = False
    manager.locale = _current_language()
    _insert_registration(organisation, manager)
    token = issue_token(manager, TokenPurpose.EMAIL_CONFIRMATION,
                        current_app.config["INVITATION_TTL"])
    with force_locale(language_of(manager)):
        queue_email(email, _("Confirm your registration"), _(
            "Thank you for registering %(name)s on the medical partnerships platform of the "
            "Embassy of Ukraine in Kazakhstan.\n\nOpen this link within 7 days to confirm your "
            "e-mail address:\n\n%(link)s\n\nThe embassy then checks the organisation; you can "
            "fill in its profile meanwhile.", name=organisation.name(manager.locale or "uk"),
            link=external_url("organisations.confirm_registration", token=token)))
    record("organisation.registered", actor=manager, obj=organisation,
           registry_code=code, country=str(country))
    return organisation


def _insert_registration(organisation: Organisation, manager: User) -> None:
    """Write the organisation and its manager. Someone registering the same registry code or
    address at the same moment passed the same checks: the database refuses the second one,
    and that person gets the form back with the reason (the caller rolls back)."""
    try:
        db.session.add(organisation)
        db.session.flush()
        manager.organisation_id = organisation.id
        db.session.add(manager)
        db.session.flush()
    except IntegrityError as error:
        message = str(error.orig)
        if "registry_code" in message:
            raise ServiceError(_("An organisation with this registry code is already "
                                 "registered. Ask its manager to invite you."),
                               field="registry_code") from error
        if "email" in message:
            raise ServiceError(_("This e-mail address was used for another registration at "
                                 "the same moment. Please try again in a minute."),
                               field="manager_email") from error
        raise


def _tell_owner_of_registration_attempt(owner: User) -> None:
    with force_locale(language_of(owner)):
        queue_email(owner.email, _("Registration on the medical partnerships platform"), _(
            "Someone tried to register an organisation with this e-mail address, but you "
            "already have an account. Sign in, or reset your password if you have "
            "forgotten it:\n\n%(link)s", link=external_url("auth.request_reset")))
    record("organisation.registration_for_existing_account", obj=owner)


def _holds_no_account(user: User) -> bool:
    """Nobody has shown that this address is theirs: a colleague invited who never chose a
    password, or a registration whose e-mail address was never confirmed. Such an account
    never keeps the address's owner from registering."""
    if user.role not in ORG_ROLES or user.last_login_at is not None:
        return False
    if user.password_hash is None:
        return True
    confirmations = db.session.scalars(select(UserToken.used_at).where(
        UserToken.user_id == user.id,
        UserToken.purpose == TokenPurpose.EMAIL_CONFIRMATION)).all()
    return not user.active and bool(confirmations) and all(
        used is None for used in confirmations)


def _cancellable_organisation_id(stale: User | None) -> int | None:
    """The pending organisation an unconfirmed registration made, if nobody else is in it."""
    if stale is None or stale.password_hash is None or stale.organisation is None:
        return None
    organisation = stale.organisation
    others = db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == organisation.id, User.id != stale.id))
    if organisation.status != Status.PENDING or others or organisation.items:
        return None
    return organisation.id


def _cancel_stale_account(user: User) -> User | None:
    """Cancel an invitation never accepted or a registration never confirmed: its links stop
    working. An invited account is deleted; a registration's account (the actor of its audited
    registration) is returned to be reused, and its empty pending organisation is deleted."""
    record("organisation.stale_account_cancelled", obj=user,
           organisation_id=user.organisation_id, reason="registration")
    db.session.execute(delete(UserToken).where(UserToken.user_id == user.id))
    if user.password_hash is None:
        db.session.delete(user)
        db.session.flush()
        return None
    organisation_id = _cancellable_organisation_id(user)
    user.organisation_id = None
    db.session.flush()
    db.session.expire(user, ["organisation"])
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        record("organisation.registration_cancelled", obj=organisation,
               registry_code=organisation.registry_code)
        db.session.delete(organisation)
        db.session.flush()
    return user


def _current_language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def confirm_registration(token: str) -> User:
    """Activate a manager who registered, from the e-mailed link."""
    found = find_valid_token(token, TokenPurpose.EMAIL_CONFIRMATION)
    if found is None:
        raise ServiceError(_("This link has expired or has already been used."))
    user = found.user
    user.active = True
    found.used_at = utcnow()
    record("user.email_confirmed", actor=user, obj=user)
    _notify_embassy(user.organisation)
    return user


def _notify_embassy(organisation: Organisation) -> None:
    officers = db.session.scalars(select(User).where(User.role == Role.EMBASSY_OFFICER,
                                                     User.active.is_(True))).all()
    mail_each(officers, lambda _officer, language: (
        _("A new organisation waits for verification"),
        _("%(name)s has registered and waits for verification:\n\n%(link)s",
          name=organisation.name(language),
          link=external_url("verification.organisation", organisation_id=organisation.id))))


@dataclass
class Rejection:
    """What people of a rejected organisation read: the decision, its reason, whom to write."""

    organisation: Organisation
    reason: str
    decided_at: datetime | None
    contact_email: str | None


def rejection_of(actor: User) -> Rejection:
    """The embassy's decision on the actor's own organisation, if it was rejected."""
    if not access.sees_only_the_decision(actor):
        raise NotVisible()
    organisation = actor.organisation
    decision = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.reject",
                                 AuditEvent.object_type == Organisation.__tablename__,
                                 AuditEvent.object_id == str(organisation.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))
    contact = current_app.config.get("EMBASSY_CONTACT_EMAIL")
    if not contact and decision is not None and decision.actor_id is not None:
        officer = db.session.get(User, decision.actor_id)
        contact = officer.email if officer is not None and officer.active else None
    return Rejection(organisation=organisation, reason=organisation.status_reason or "",
                     decided_at=decision.at if decision is not None else None,
                     contact_email=contact)


def workspace(actor: User, organisation_id: int) -> Organisation:
    """The organisation's own page, for its people and the embassy."""
    organisation = get_organisation(organisation_id)
    if organisation is None or not access.can_view_workspace(actor, organisation):
        raise NotVisible()
    return organisation


def for_manager(actor: User, organisation_id: int) -> Organisation:
    """The organisation, if ``actor`` is one of its managers."""
    organisation = get_organisation(organisation_id)
    if organisation is None:
        raise NotVisible()
    access.require_manager(actor, organisation)
    return organisation


def update_profile(actor: User, organisation: Organisation, profile: dict) -> None:
    """Change the profile (managers of the organisation); audited field by field."""
    access.require_manager(actor, organisation)
    check_profile(organisation.country, profile)
    changes = apply_profile(organisation, profile)
    if changes:
        record("organisation.updated", actor=actor, obj=organisation,
               fields=sorted(changes))
        emit(OrganisationChanged(organisation_id=organisation.id, fields=tuple(sorted(changes))))


def colleagues(organisation: Organisation) -> list[User]:
    return db.session.scalars(select(User).where(User.organisation_id == organisation.id)
                              .order_by(User.full_name)).all()


def invite_colleague(actor: User, organisation: Organisation, email: str, full_name: str,
                     role: str) -> User | None:
    """Invite a colleague as member or manager; they choose a password from the e-mail.

    Only verified organisations invite. When the address already has an account nothing is
    created and its owner (not the inviter) is told by e-mail; the inviter sees the same answer
    either way, so the form does not reveal who has an account.
    """
    from ..auth.services import send_invitation

    access.require_manager(actor, organisation)
    if not access.can_invite(actor, organisation):
        raise ServiceError(not_verified_message())
    role = Role(role)
    if role not in (Role.ORG_MEMBER, Role.ORG_MANAGER):
        raise ServiceError(_("Choose member or manager."), field="role")
    email = normalise_email(email)
    existing = find_user(email)
    if existing is not None:
        _tell_owner_of_invitation(existing, actor, organisation)
        # The managers hear of it as of any invitation: the same work either way, so the
        # answer's timing does not tell whether the address has an account.
        emit(ColleagueInvited(organisation_id=organisation.id, user_id=existing.id,
                              actor_id=actor.id))
        return None
    user = User(email=email, full_name=full_name.strip(), role=role,
                organisation_id=organisation.id, active=True, created_at=utcnow(),
                locale=actor.locale)
    db.session.add(user)
    db.session.flush()
    record("organisation.colleague_invited", actor=actor, obj=organisation, user_id=user.id,
           role=str(role))
    emit(ColleagueInvited(organisation_id=organisation.id, user_id=user.id, actor_id=actor.id))
    send_invitation(user, actor)
    return user


def not_verified_message() -> str:
    return _("Only verified organisations can invite colleagues. The embassy checks your "
             "organisation first; then you can invite them here.")


def _tell_owner_of_invitation(owner: User, actor: User, organisation: Organisation) -> None:
    """The address has an account: tell its owner, and record it as the other path does."""
    record("organisation.colleague_invited", actor=actor, obj=organisation, user_id=owner.id,
           existing_account=True)
    with force_locale(language_of(owner)):
        language = language_of(owner)
        queue_email(owner.email, _("An invitation on the medical partnerships platform"), _(
            "%(person)s of %(organisation)s invited you to the medical partnerships platform "
            "with this e-mail address, but you already have an account. If you should join "
            "%(organisation)s, ask the embassy to move your account; if you have forgotten "
            "your password, you can reset it:\n\n%(link)s",
            person=actor.full_name or actor.email, organisation=organisation.name(language),
            link=external_url("auth.request_reset")))
    record("user.invited", actor=actor, obj=owner, existing_account=True)


def can_remove_colleague(actor: User, organisation: Organisation, user: User) -> bool:
    """A manager removes a colleague of the organisation, never themselves (the page's button
    and ``remove_colleague``'s guard)."""
    return (access.can_manage(actor, organisation) and user.organisation_id == organisation.id
            and user.id != actor.id)


def remove_colleague(actor: User, organisation: Organisation, user_id: int) -> None:
    """Remove a colleague: the account is deactivated and its sessions end."""
    from ..auth.sessions import end_user_sessions

    access.require_manager(actor, organisation)
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != organisation.id:
        raise NotVisible()
    if not can_remove_colleague(actor, organisation, user):
        raise ServiceError(_("You cannot remove yourself. Ask another manager or the embassy."))
    user.active = False
    user.organisation_id = None
    end_user_sessions(user.id)
    record("organisation.colleague_removed", actor=actor, obj=organisation, user_id=user.id)
