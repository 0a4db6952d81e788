"""Memorandum operations: template versions, a memorandum per partnership, immutable versions
(with optimistic locking), comments. Approvals and signature are in ``approvals``."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..core import unit_of_work
from ..core.access import NotVisible, require_role
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import MemorandumChanged, emit
from ..core.roles import Role
from ..core.services import ServiceError
from ..extensions import db
from ..organisations import access
from ..partnerships import services as partnerships
from ..partnerships import workflow as partnership_workflow
from ..partnerships.models import Partnership, PartnershipStatus
from . import content, lockstep, workflow
from . import template as texts
from .models import (
    Memorandum,
    MemorandumApproval,
    MemorandumComment,
    MemorandumState,
    MemorandumTemplate,
    MemorandumVersion,
    Party,
)

TEMPLATE_EDITORS = (Role.EMBASSY_OFFICER, Role.ADMIN)


class EditConflict(ServiceError):
    """The save was based on an older version: someone saved in between."""

    def __init__(self):
        super().__init__(_("Someone saved a newer version while you were editing."))


class ClauseRemoved(EditConflict):
    """The clause being edited (or the one to add after) is not in the newest version."""

    def __init__(self, adding: bool = False):
        ServiceError.__init__(self, _(
            "The clause after which you were adding a new one was removed by someone else "
            "meanwhile. Nothing was saved; your text is below.") if adding else _(
            "This clause was removed by someone else while you were editing. Nothing was "
            "saved; your text is below."))


class TextFrozen(EditConflict):
    """The memorandum left draft and review (agreed, ended ...) while someone was editing."""

    def __init__(self):
        ServiceError.__init__(self, _(
            "The text was frozen while you were editing: this memorandum is no longer a "
            "draft. Nothing was saved; your text is below to keep."))


# A partnership in one of these takes no memorandum step (comments aside).
CLOSED_PARTNERSHIP = (PartnershipStatus.ON_HOLD, *partnership_workflow.ENDED)


def require_open_partnership(partnership: Partnership) -> None:
    """Memorandum actions (except comments) wait while the partnership is on hold or ended."""
    if partnership.status in CLOSED_PARTNERSHIP:
        raise ServiceError(_("The partnership is on hold or has ended: the memorandum cannot "
                             "be changed, submitted, approved or signed now."))


# --- template versions --------------------------------------------------------------------

def current_template() -> MemorandumTemplate:
    """The newest template version. Version 1 is the shipped JSON, stored here on first use
    (not in the migration: the tests' and a fresh installation's databases get it the same
    way, and the file may still improve until the first memorandum is made from it)."""
    found = db.session.scalar(select(MemorandumTemplate)
                              .order_by(MemorandumTemplate.number.desc()).limit(1))
    if found is not None:
        return found
    shipped = texts.load_template()
    first = MemorandumTemplate(number=shipped.version, content=texts.as_data(shipped),
                               note="shipped with the application", created_at=utcnow())
    try:
        if unit_of_work.in_safe_request():  # a page that only reads: stored apart
            with unit_of_work.apart() as apart:
                apart.add(first)
        else:
            with db.session.begin_nested():
                db.session.add(first)
            return first
    except IntegrityError:  # another request stored it at the same moment
        pass
    return db.session.scalar(select(MemorandumTemplate)
                             .where(MemorandumTemplate.number == shipped.version))


def template_versions(actor: User) -> list[MemorandumTemplate]:
    require_role(actor, *TEMPLATE_EDITORS)
    current_template()
    return list(db.session.scalars(select(MemorandumTemplate)
                                   .options(joinedload(MemorandumTemplate.author))
                                   .order_by(MemorandumTemplate.number.desc())))


def save_template(actor: User, base_number: int, titles: dict, texts_by_key: dict,
                  note: str) -> MemorandumTemplate:
    """A new template version with changed clause titles and texts (embassy). Existing
    memoranda keep the version they were made from."""
    require_role(actor, *TEMPLATE_EDITORS)
    current = current_template()
    if base_number != current.number:
        raise ServiceError(_("Someone saved template version %(number)d while you were "
                             "editing. Your text is below; compare and save again.",
                             number=current.number))
    data = current.content
    changed = {"title": data["title"], "variables": data["variables"], "clauses": [
        {"key": c["key"], "title": titles.get(c["key"], c["title"]),
         "text": texts_by_key.get(c["key"], c["text"])} for c in data["clauses"]]}
    if changed == data:
        raise ServiceError(_("Nothing was changed."))
    _check_texts(changed, _template_field)
    new = MemorandumTemplate(number=current.number + 1, content=changed, note=note.strip(),
                             author_id=actor.id, created_at=utcnow())
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:
        raise ServiceError(_("Someone saved a newer template version at the same moment. "
                             "Your text is below; save again.")) from None
    record("memorandum_template.saved", actor=actor, obj=new, number=new.number)
    return new


def _check_texts(data: dict, field_of=None) -> None:
    """Refuse texts that cannot be used; the message goes next to the form field that
    ``field_of(key, part, language)`` names for the first problem (else it is flashed)."""
    found = texts.located_problems(texts.from_data(data))
    if not found:
        return
    fields = (field_of(*where) for where, _message in found if where and field_of)
    raise ServiceError(_("The text cannot be used: %(problems)s",
                         problems="; ".join(str(message) for _where, message in found)),
                       next((field for field in fields if field), None))


def _template_field(key: str, part: str, language: str) -> str:
    """The template editor's field of one clause's title or text in one language."""
    return f"{key}__{part}__{language}"


def _clause_field(edited: str):
    """The clause editor's fields: the edited clause's title and text in each language."""
    return lambda key, part, language: f"{part}_{language}" if key == edited else None


# --- access ----------------------------------------------------------------------------------

def can_edit(actor: User, partnership: Partnership) -> bool:
    """The embassy and both organisations' managers edit; members read and comment."""
    return partnerships.can_edit_objectives(actor, partnership)


def edit_refusal(actor: User, memorandum: Memorandum) -> Exception | None:
    """Why the actor may not change the text now, or None: the edit page's buttons and
    ``save_version`` both ask this."""
    if not partnerships.can_view(actor, memorandum.partnership):
        return NotVisible()
    if not can_edit(actor, memorandum.partnership):
        return ServiceError(_("Only the embassy and the organisations' managers edit the "
                              "memorandum."))
    try:
        require_open_partnership(memorandum.partnership)
    except ServiceError as error:
        return error
    if memorandum.state not in workflow.EDITABLE:
        return TextFrozen()
    return None


def _raise(refusal: Exception | None) -> None:
    if refusal is not None:
        raise refusal


def start_refusal(actor: User, partnership: Partnership) -> Exception | None:
    """Why the actor may not start a memorandum for the partnership now, or None."""
    if not can_edit(actor, partnership):
        return NotVisible()
    if partnership.status in CLOSED_PARTNERSHIP:
        return ServiceError(_("The partnership is on hold or has ended: no memorandum can be "
                              "started."))
    if _open_memorandum(partnership):
        return ServiceError(_("This partnership already has a memorandum."))
    return None


def can_start(actor: User, partnership: Partnership) -> bool:
    """Whether the actor may start a memorandum now: an editor, the partnership neither on hold
    nor ended, and no memorandum of it open (the partnership page's "Start the memorandum"
    button, and ``create_memorandum``'s guard)."""
    return start_refusal(actor, partnership) is None


def _open_memorandum(partnership: Partnership) -> bool:
    return bool(db.session.scalar(select(func.count(Memorandum.id)).where(
        Memorandum.partnership_id == partnership.id,
        Memorandum.state.not_in(workflow.ENDED))))


def party_of(actor: User, partnership: Partnership) -> Party | None:
    """Which approving party the actor speaks for, if any."""
    if not actor.is_authenticated:
        return None
    if actor.role == Role.EMBASSY_OFFICER:
        return Party.EMBASSY
    if actor.role == Role.ORG_MANAGER:
        if actor.organisation_id == partnership.ukrainian_organisation_id:
            return Party.UKRAINIAN
        if actor.organisation_id == partnership.kazakh_organisation_id:
            return Party.KAZAKH
    return None


def side_of(actor: User, partnership: Partnership) -> Party:
    """Which party's side the actor is on (members too): their organisation's, else the
    embassy's."""
    if actor.organisation_id == partnership.ukrainian_organisation_id:
        return Party.UKRAINIAN
    if actor.organisation_id == partnership.kazakh_organisation_id:
        return Party.KAZAKH
    return Party.EMBASSY


def get_memorandum(actor: User, memorandum_id: int) -> Memorandum:
    """The memorandum with its partnership and versions, if the actor may see it (else 404)."""
    memorandum = db.session.scalar(
        select(Memorandum).where(Memorandum.id == memorandum_id)
        .options(joinedload(Memorandum.partnership).joinedload(Partnership.ukrainian_organisation),
                 joinedload(Memorandum.partnership).joinedload(Partnership.kazakh_organisation),
                 selectinload(Memorandum.versions).joinedload(MemorandumVersion.author)))
    if memorandum is None or not partnerships.can_view(actor, memorandum.partnership):
        raise NotVisible()
    return memorandum


def memoranda_of(partnership: Partnership) -> list[Memorandum]:
    """A partnership's memoranda, newest first (older ones were superseded or ended)."""
    return list(db.session.scalars(select(Memorandum)
                                   .where(Memorandum.partnership_id == partnership.id)
                                   .order_by(Memorandum.id.desc())))


def latest(memorandum: Memorandum) -> MemorandumVersion:
    """The newest saved version (read from the database, not from a stale list)."""
    return db.session.scalar(select(MemorandumVersion)
                             .where(MemorandumVersion.memorandum_id == memorandum.id)
                             .order_by(MemorandumVersion.number.desc()).limit(1))


def lock(memorandum: Memorandum) -> None:
    """Take the memorandum's row for this transaction and read it afresh (PostgreSQL: SELECT
    ... FOR UPDATE), so saves and approvals of one memorandum happen one after the other.
    SQLite runs one writer at a time anyway; the checks after each flush cover its reads."""
    db.session.execute(select(Memorandum).where(Memorandum.id == memorandum.id)
                       .with_for_update().execution_options(populate_existing=True))


def state_now(memorandum: Memorandum) -> MemorandumState:
    """The state as committed now (after this transaction's writes began)."""
    return db.session.scalar(select(Memorandum.state).where(Memorandum.id == memorandum.id))


def version(memorandum: Memorandum, number: int) -> MemorandumVersion:
    found = db.session.scalar(select(MemorandumVersion).where(
        MemorandumVersion.memorandum_id == memorandum.id, MemorandumVersion.number == number))
    if found is None:
        raise NotVisible()
    return found


# --- creating and editing ------------------------------------------------------------------

def create_memorandum(actor: User, partnership: Partnership, clauses: list | None = None,
                      particulars: dict | None = None) -> Memorandum:
    """A draft memorandum for the partnership from the current template (an editor);
    the partnership moves to "memorandum being drafted". An amendment passes the clauses and
    particulars of the memorandum it replaces."""
    _raise(start_refusal(actor, partnership))
    template = current_template()
    memorandum = Memorandum(partnership=partnership, template=template,
                            state=MemorandumState.DRAFT, created_at=utcnow())
    db.session.add(memorandum)
    db.session.flush()
    if not hasattr(partnership, "matches"):
        partnership = partnerships.get_partnership(actor, partnership.id)
    if particulars is None:
        particulars = content.default_particulars(partnership, partnership.matches)
    _add_version(actor, memorandum, 1, clauses or template.content["clauses"], particulars,
                 _("Made from template version %(number)d", number=template.number),
                 title=template.content["title"], template=template)
    record("memorandum.created", actor=actor, obj=memorandum, partnership_id=partnership.id,
           template=template.number)
    workflow.follow(actor, memorandum)
    return memorandum


def _add_version(actor, memorandum, number, clauses, particulars, note, *, title,
                 template, base: MemorandumVersion | None = None,
                 confirmations=()) -> MemorandumVersion:
    """Store version ``number``; ``base`` is the version it was made from (None for a first
    version), whose language lockstep it carries on (see ``lockstep``)."""
    vals = content.values(memorandum.partnership, particulars)
    step = lockstep.advance(
        lockstep.record_of(base) if base is not None else None,
        base.clauses if base is not None else None,
        base.variables["particulars"] if base is not None else None,
        clauses, particulars, number, confirmations)
    created = MemorandumVersion(
        memorandum_id=memorandum.id, number=number, template_id=template.id,
        author_id=actor.id, created_at=utcnow(), note=note[:300], clauses=clauses,
        variables={"title": title, "particulars": particulars, "values": vals,
                   "lockstep": step})
    db.session.add(created)
    try:
        db.session.flush()
    except IntegrityError:
        # The database refused a second version with this number: someone saved first.
        raise EditConflict() from None
    return created


def save_version(actor: User, memorandum: Memorandum, base_number: int, *, clauses=None,
                 particulars=None, note: str = "", edited: str | None = None,
                 confirmations=()) -> MemorandumVersion:
    """A new immutable version from the newest one with changed clauses or particulars.
    ``base_number`` is the version the editor started from: an older one is a conflict.
    Approvals given to the previous version are withdrawn (they stay in the history)."""
    _raise(edit_refusal(actor, memorandum))
    lock(memorandum)
    _raise(edit_refusal(actor, memorandum))  # again, as the memorandum is now it is locked
    newest = latest(memorandum)
    if base_number != newest.number:
        raise EditConflict()
    clauses = newest.clauses if clauses is None else clauses
    particulars = newest.variables["particulars"] if particulars is None else particulars
    if (clauses == newest.clauses and particulars == newest.variables["particulars"]
            and not confirmations):
        raise ServiceError(_("Nothing was changed."))
    template = db.session.get(MemorandumTemplate, newest.template_id)
    _check_texts({"title": newest.variables["title"], "variables": template.content["variables"],
                  "clauses": clauses}, _clause_field(edited))
    created = _add_version(actor, memorandum, newest.number + 1, clauses, particulars, note,
                           title=newest.variables["title"], template=template, base=newest,
                           confirmations=confirmations)
    if state_now(memorandum) not in workflow.EDITABLE:  # agreed while this save waited
        raise TextFrozen()
    withdrawn = db.session.scalar(select(func.count(MemorandumApproval.id)).where(
        MemorandumApproval.version_id == newest.id))
    memorandum.updated_at = utcnow()  # a new version row: the memorandum's own row is unchanged
    record("memorandum.version", actor=actor, obj=memorandum, number=created.number,
           note=note[:300], approvals_withdrawn=withdrawn)
    emit(MemorandumChanged(memorandum_id=memorandum.id, change="edited",
                           state=str(memorandum.state)))
    return created


def _clause_index(clauses: list, key: str, adding: bool = False) -> int:
    for index, clause in enumerate(clauses):
        if clause["key"] == key:
            return index
    raise ClauseRemoved(adding)


def edit_clause(actor, memorandum, base_number: int, key: str, title: dict,
                text: dict) -> MemorandumVersion:
    """Change one clause's title and text in each language."""
    clauses = [dict(c) for c in latest(memorandum).clauses]
    index = _clause_index(clauses, key)
    clauses[index] = {"key": key, "title": dict(title), "text": dict(text)}
    return save_version(actor, memorandum, base_number, clauses=clauses,
                        note=_("Clause %(number)d changed", number=index + 1), edited=key)


def add_clause(actor, memorandum, base_number: int, after: str | None, title: dict,
               text: dict) -> MemorandumVersion:
    """A new clause after clause ``after`` (or first), with a new stable key."""
    clauses = list(latest(memorandum).clauses)
    position = 0 if not after else _clause_index(clauses, after, adding=True) + 1
    key = f"added-{secrets.token_hex(4)}"
    clauses.insert(position, {"key": key, "title": dict(title), "text": dict(text)})
    return save_version(actor, memorandum, base_number, clauses=clauses,
                        note=_("Clause %(number)d added", number=position + 1), edited=key)


def remove_clause(actor, memorandum, base_number: int, key: str) -> MemorandumVersion:
    clauses = list(latest(memorandum).clauses)
    index = _clause_index(clauses, key)
    del clauses[index]
    return save_version(actor, memorandum, base_number, clauses=clauses,
                        note=_("Clause %(number)d removed", number=index + 1))


def move_clause(actor, memorandum, base_number: int, key: str,
                direction: str) -> MemorandumVersion:
    """Move a clause one place up or down."""
    clauses = list(latest(memorandum).clauses)
    index = _clause_index(clauses, key)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(clauses):
        raise ServiceError(_("This clause cannot move further."))
    clauses[index], clauses[target] = clauses[target], clauses[index]
    return save_version(actor, memorandum, base_number, clauses=clauses,
                        note=_("Clause %(old)d moved to %(new)d", old=index + 1, new=target + 1))


def save_particulars(actor, memorandum, base_number: int, particulars: dict) -> MemorandumVersion:
    """Signatories, coordinators, cities, areas, forms, place, term, prevailing language."""
    if str(particulars.get("prevailing_language")) not in content.PREVAILING:
        raise ServiceError(_("Choose the prevailing language from the list."),
                           "prevailing_language")
    return save_version(actor, memorandum, base_number, particulars=particulars,
                        note=_("Particulars changed"))


def confirm_unchanged(actor, memorandum, base_number: int, kind: str, key: str,
                      language: str) -> MemorandumVersion:
    """An editor confirms that a clause (or particular) needs no change in ``language`` after
    it changed in another language: a new version records who confirmed it and when, and
    the language is in step again (the audit trail has it too)."""
    _raise(edit_refusal(actor, memorandum))
    if kind not in lockstep.KINDS or language not in content.LANGUAGES:
        raise ServiceError(_("Nothing to confirm here."))
    based_on = version(memorandum, base_number) if base_number > 0 else None
    if based_on is None:
        raise EditConflict()
    if language not in lockstep.lagging_languages(lockstep.record_of(based_on), kind, key):
        raise ServiceError(_("This language is already in step: nothing to confirm."))
    language_name = language_label(language)
    if kind == lockstep.CLAUSE:
        number = _clause_index(based_on.clauses, key) + 1
        note = _("Clause %(number)d: no change needed in %(language)s", number=number,
                 language=language_name)
    else:
        note = _("Particular “%(name)s”: no change needed in %(language)s",
                 name=particular_label(key), language=language_name)
    confirmation = {"kind": kind, "key": key, "language": language, "user_id": actor.id,
                    "by": actor.full_name or actor.email, "at": utcnow().isoformat()}
    created = save_version(actor, memorandum, base_number, note=note,
                           confirmations=[confirmation])
    record("memorandum.language_confirmed", actor=actor, obj=memorandum,
           version=created.number, kind=kind, key=key, language=language)
    return created


def language_label(language: str) -> str:
    """A language's name in the reader's language ("Kazakh", "казахська" ...)."""
    from .forms import LANGUAGE_NAMES

    return str(LANGUAGE_NAMES.get(language, language))


def particular_label(name: str) -> str:
    """A particular's label in the reader's language (its name when there is none)."""
    from .forms import PARTICULAR_LABELS

    return str(PARTICULAR_LABELS.get(name, name))


# --- comments --------------------------------------------------------------------------------

def add_comment(actor: User, memorandum: Memorandum, clause_key: str, body: str,
                version_number: int) -> MemorandumComment:
    """A remark on a clause by anyone of the partnership or the embassy."""
    if not partnerships.can_view(actor, memorandum.partnership):
        raise NotVisible()
    if memorandum.state not in workflow.EDITABLE:
        raise ServiceError(_("Comments are closed: the text is frozen."))
    newest = latest(memorandum)
    if clause_key not in {c["key"] for c in newest.clauses}:
        raise ServiceError(_("Choose a clause of the current version."), "clause_key")
    if not 0 < version_number <= newest.number:
        version_number = newest.number
    comment = MemorandumComment(memorandum_id=memorandum.id, clause_key=clause_key,
                                version_number=version_number, author_id=actor.id,
                                created_at=utcnow(), body=body.strip())
    db.session.add(comment)
    db.session.flush()
    record("memorandum.comment", actor=actor, obj=memorandum, comment_id=comment.id,
           clause=clause_key)
    emit(MemorandumChanged(memorandum_id=memorandum.id, change="commented",
                           state=str(memorandum.state), actor_id=actor.id,
                           party=str(side_of(actor, memorandum.partnership))))
    return comment


def comments_of(memorandum: Memorandum) -> dict[str, list[MemorandumComment]]:
    """Comments by clause key, oldest first."""
    found: dict[str, list[MemorandumComment]] = {}
    for comment in db.session.scalars(select(MemorandumComment)
                                      .where(MemorandumComment.memorandum_id == memorandum.id)
                                      .options(joinedload(MemorandumComment.author))
                                      .order_by(MemorandumComment.id)):
        found.setdefault(comment.clause_key, []).append(comment)
    return found


def is_embassy(actor: User) -> bool:
    return access.is_embassy(actor)
