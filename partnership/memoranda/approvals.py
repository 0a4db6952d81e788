"""The memorandum's workflow: review, approvals by the three parties, agreement (frozen text,
hash, verification code), signature with the signed scan, supersession and termination. The
partnership's status follows the memorandum's."""

import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..core import hooks, unit_of_work
from ..core.access import AccessDenied, NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.events import MemorandumChanged, emit
from ..core.roles import EMBASSY_ROLES, Role
from ..core.services import ServiceError
from ..core.storage import PieceReader
from ..core.uploads import delete_upload, store_upload, stream_upload
from ..extensions import db
from ..partnerships import services as partnerships
from ..partnerships.models import PartnershipStatus
from ..partnerships.workflow import MOVED
from . import content, lockstep, services, workflow
from .models import (
    Memorandum,
    MemorandumApproval,
    MemorandumState,
    MemorandumTemplate,
    Party,
)

UPLOAD_AREA = "memoranda"
PARTIES = (Party.UKRAINIAN, Party.KAZAKH, Party.EMBASSY)

def _move(actor: User, memorandum: Memorandum, action: str, **details) -> None:
    try:
        target = workflow.next_state(memorandum.state, action)
    except workflow.IllegalMove:
        raise ServiceError(_("This step is not possible now: the memorandum is %(state)s.",
                             state=state_label(memorandum.state))) from None
    before = memorandum.state
    memorandum.state = target
    record(f"memorandum.{action}", actor=actor, obj=memorandum, before=str(before),
           after=str(target), **details)
    emit(MemorandumChanged(memorandum_id=memorandum.id, change=action, state=str(target),
                           actor_id=getattr(actor, "id", None)))
    workflow.follow(actor, memorandum)


def state_label(state) -> str:
    from .labels import STATES

    return str(STATES.get(str(state), state))


def submit_for_review(actor: User, memorandum: Memorandum) -> None:
    """The draft goes to the parties for approval."""
    require(submit_refusal(actor, memorandum))
    _move(actor, memorandum, "submit")


def return_to_draft(actor: User, memorandum: Memorandum) -> None:
    """Back to drafting; the approvals given so far stop counting. Approvals belong to a
    version, so when the newest one has any, the same text is saved again as a new version
    ("returned to draft"): the approvals stay recorded on the older version, counted as
    withdrawn, and resubmitting the unchanged text needs three new approvals."""
    require(return_refusal(actor, memorandum))
    services.lock(memorandum)
    _move(actor, memorandum, "return")
    newest = services.latest(memorandum)
    withdrawn = len(current_approvals(memorandum))
    if withdrawn:
        template = db.session.get(MemorandumTemplate, newest.template_id)
        created = services._add_version(
            actor, memorandum, newest.number + 1, newest.clauses,
            newest.variables["particulars"], _("Returned to draft: approvals withdrawn"),
            title=newest.variables["title"], template=template, base=newest)
        record("memorandum.version", actor=actor, obj=memorandum, number=created.number,
               note="returned to draft", approvals_withdrawn=withdrawn)


def current_approvals(memorandum: Memorandum) -> dict[Party, MemorandumApproval]:
    """The approvals of the newest version, by party."""
    newest = services.latest(memorandum)
    return {a.party: a for a in db.session.scalars(
        select(MemorandumApproval).where(MemorandumApproval.version_id == newest.id)
        .options(joinedload(MemorandumApproval.user)))}


def withdrawn_approvals(memorandum: Memorandum) -> int:
    """How many approvals were given to older versions (withdrawn by later edits)."""
    newest = services.latest(memorandum)
    return len(db.session.scalars(select(MemorandumApproval.id).where(
        MemorandumApproval.memorandum_id == memorandum.id,
        MemorandumApproval.version_id != newest.id)).all())


def approve(actor: User, memorandum: Memorandum, version_number: int) -> MemorandumApproval:
    """The actor's party approves the version it read; the third party's approval of the same
    version makes the memorandum agreed."""
    # Whose approval it is, read once (before the lock, as two approvals may arrive together).
    party = services.party_of(actor, memorandum.partnership)
    require(approve_refusal(actor, memorandum, party))
    services.lock(memorandum)
    # Asked again now the memorandum is locked: a step taken meanwhile counts.
    require(approve_refusal(actor, memorandum, party))
    newest = services.latest(memorandum)
    if version_number != newest.number:
        raise ServiceError(_("Version %(number)d was saved after the one you read; read it "
                             "and approve again.", number=newest.number))
    approval = MemorandumApproval(memorandum_id=memorandum.id, version_id=newest.id,
                                  party=party, user_id=actor.id, created_at=utcnow())
    db.session.add(approval)
    try:
        db.session.flush()
    except IntegrityError:
        raise ServiceError(_("Your side has already approved this version.")) from None
    # Read again after this write: an approval or an edit committed meanwhile counts.
    if services.latest(memorandum).id != newest.id:
        raise ServiceError(_("Version %(number)d was saved after the one you read; read it "
                             "and approve again.", number=services.latest(memorandum).number))
    if services.state_now(memorandum) not in workflow.APPROVABLE:
        raise ServiceError(_("Approvals are given while the memorandum is in review."))
    record("memorandum.approved", actor=actor, obj=memorandum, version=newest.number,
           party=str(party))
    emit(MemorandumChanged(memorandum_id=memorandum.id, change="approved",
                           state=str(memorandum.state), actor_id=actor.id, party=str(party),
                           version=newest.number))
    if set(current_approvals(memorandum)) == set(PARTIES):
        _agree(actor, memorandum, newest)
    return approval


def _agree(actor: User, memorandum: Memorandum, version) -> None:
    """Freeze the text: record the version, its SHA-256 and an unguessable public code."""
    require(divergence_refusal(memorandum))  # never agree a text whose languages diverge
    memorandum.agreed_number = version.number
    memorandum.agreed_at = utcnow()
    memorandum.text_hash = content.text_hash(version.variables["title"], version.clauses,
                                             version.variables["values"])
    memorandum.verification_code = secrets.token_urlsafe(18)
    _move(actor, memorandum, "agree", version=version.number, sha256=memorandum.text_hash)


def require_signable(actor: User, memorandum: Memorandum) -> None:
    """Only an embassy officer signs, only an agreed memorandum of an open partnership."""
    require(sign_refusal(actor, memorandum))


def sign(actor: User, memorandum: Memorandum, *, signed_on: date, place: str,
         signatories: str, scan) -> None:
    """An embassy officer records the signature and keeps the signed scan (PDF only)."""
    require_signable(actor, memorandum)
    if signed_on > date.today():
        raise ServiceError(_("The date of signature cannot be in the future."), "signed_on")
    if memorandum.agreed_at and signed_on < memorandum.agreed_at.date():
        raise ServiceError(_("The memorandum was signed before it was agreed? Check the date."),
                           "signed_on")
    stored = store_upload(scan, UPLOAD_AREA, kinds=("pdf",), field="scan")
    memorandum.signed_on, memorandum.signed_place = signed_on, place.strip()
    memorandum.signatories = signatories.strip()
    memorandum.scan_name, memorandum.scan_size = stored.name, stored.size
    memorandum.scan_sha256 = stored.sha256
    _move(actor, memorandum, "sign", signed_on=signed_on.isoformat(), place=place.strip(),
          scan_sha256=stored.sha256)


def scan_file(actor: User, memorandum: Memorandum):
    """The signed scan as a file object read in pieces from the shared storage, for the
    partnership's people and the embassy only."""
    if not partnerships.can_view(actor, memorandum.partnership) or not memorandum.scan_name:
        raise NotVisible()
    try:
        scan = PieceReader(stream_upload(UPLOAD_AREA, memorandum.scan_name))
    except FileNotFoundError:
        raise NotVisible() from None
    unit_of_work.keep_read(record("memorandum.scan_read", actor=actor, obj=memorandum))
    return scan


def terminate(actor: User, memorandum: Memorandum, reason: str) -> None:
    """The embassy ends a memorandum, with the reason."""
    require(end_refusal(actor, memorandum, "terminate"))
    if not reason.strip():
        raise ServiceError(_("Say why the memorandum ends."), "reason")
    memorandum.end_reason = reason.strip()
    _move(actor, memorandum, "terminate", reason=reason.strip())


def supersede(actor: User, memorandum: Memorandum) -> Memorandum:
    """The embassy replaces an agreed or signed memorandum by a new draft that starts from its
    text (for an amendment); the old one stays readable and verifiable as superseded."""
    require(end_refusal(actor, memorandum, "supersede"))
    previous = services.latest(memorandum)
    _move(actor, memorandum, "supersede")
    return services.create_memorandum(actor, memorandum.partnership, clauses=previous.clauses,
                                      particulars=previous.variables["particulars"])


def end_with_partnership(actor: User, partnership, note: str) -> None:
    """The partnership is terminated: its open memoranda (not yet superseded or terminated,
    signed ones included) end with it, the partnership's note as the reason."""
    for memorandum in services.memoranda_of(partnership):
        if memorandum.state in workflow.ENDED:
            continue
        memorandum.end_reason = (_("The partnership was terminated: %(note)s", note=note)
                                 if note else _("The partnership was terminated."))
        _move(actor, memorandum, "terminate", reason=memorandum.end_reason,
              partnership_terminated=True)


def discard_scan(memorandum: Memorandum) -> None:
    """Remove a stored scan whose transaction did not commit."""
    if memorandum.scan_name:
        delete_upload(UPLOAD_AREA, memorandum.scan_name)


def follow_partnership(actor: User, partnership, target: PartnershipStatus, note: str) -> None:
    """The embassy moved the partnership (hook ``partnerships.workflow.MOVED``): its memoranda
    follow in the same transaction."""
    if target == PartnershipStatus.TERMINATED:
        # Terminated is final: an open memorandum (draft .. signed) ends with it, rather than
        # refusing the termination and making the embassy end each memorandum first.
        end_with_partnership(actor, partnership, note)
    elif target == PartnershipStatus.FORMING:
        # Resumed from hold: the open memorandum, if any, says where the partnership stands.
        for memorandum in services.memoranda_of(partnership):
            if memorandum.state not in workflow.ENDED:
                workflow.follow(actor, memorandum)
                break


def register(app) -> None:
    """Take part in the partnership's life: its memoranda follow when the embassy moves it."""
    hooks.add(app, MOVED, "memoranda", follow_partnership)


# --- who may do what: the services raise these refusals, the page shows the buttons -----

Refusal = Exception | None
ENDING_ROLES = EMBASSY_ROLES


def require(refusal: Refusal) -> None:
    """Raise the refusal, if there is one."""
    if refusal is not None:
        raise refusal


def _open(memorandum: Memorandum) -> Refusal:
    try:
        services.require_open_partnership(memorandum.partnership)
    except ServiceError as error:
        return error
    return None


def _step(memorandum: Memorandum, action: str) -> Refusal:
    if action in workflow.allowed(memorandum.state):
        return None
    return ServiceError(_("This step is not possible now: the memorandum is %(state)s.",
                          state=state_label(memorandum.state)))


def editor_refusal(actor: User, memorandum: Memorandum) -> Refusal:
    """The embassy and both organisations' managers change and move the text."""
    if not partnerships.can_view(actor, memorandum.partnership):
        return NotVisible()
    if not services.can_edit(actor, memorandum.partnership):
        return ServiceError(_("Only the embassy and the organisations' managers may do this."))
    return _open(memorandum)


def edit_refusal(actor: User, memorandum: Memorandum) -> Refusal:
    """Editing clauses and particulars: an editor, while the text is not frozen."""
    return services.edit_refusal(actor, memorandum)


class LanguagesOutOfStep(ServiceError):
    """Some clause or particular changed in one language and not (yet) in another."""

    def __init__(self, items: list):
        self.items = items
        parts = []
        for item in items:
            languages = ", ".join(services.language_label(lang) for lang in item.languages)
            if item.kind == lockstep.CLAUSE:
                parts.append(_("clause %(number)d in %(languages)s", number=item.number,
                               languages=languages))
            else:
                parts.append(_("“%(name)s” in %(languages)s",
                               name=services.particular_label(item.key), languages=languages))
        super().__init__(_(
            "The language versions are not in step: %(items)s. Update those texts, or confirm "
            "for each that no change is needed in that language.", items="; ".join(parts)))


def divergence_refusal(memorandum: Memorandum) -> Refusal:
    """Refused while any clause or particular of the newest version has a language that
    needs an update (changed in another language, neither updated nor confirmed)."""
    found = lockstep.lagging(services.latest(memorandum))
    return LanguagesOutOfStep(found) if found else None


def submit_refusal(actor: User, memorandum: Memorandum) -> Refusal:
    return (editor_refusal(actor, memorandum) or _step(memorandum, "submit")
            or divergence_refusal(memorandum))


def return_refusal(actor: User, memorandum: Memorandum) -> Refusal:
    return editor_refusal(actor, memorandum) or _step(memorandum, "return")


_ASK = object()


def approve_refusal(actor: User, memorandum: Memorandum, party=_ASK) -> Refusal:
    """A manager of each organisation and an embassy officer approve, once per version, while
    the memorandum is in review. ``party``: the actor's, when the caller has read it."""
    if not partnerships.can_view(actor, memorandum.partnership):
        return NotVisible()
    if party is _ASK:
        party = services.party_of(actor, memorandum.partnership)
    if party is None:
        return ServiceError(_("Only a manager of each organisation and an embassy officer "
                              "approve a memorandum."))
    refusal = _open(memorandum)
    if refusal is not None:
        return refusal
    if memorandum.state not in workflow.APPROVABLE:
        return ServiceError(_("Approvals are given while the memorandum is in review."))
    if party in current_approvals(memorandum):
        return ServiceError(_("Your side has already approved this version."))
    return divergence_refusal(memorandum)


def sign_refusal(actor: User, memorandum: Memorandum) -> Refusal:
    """An embassy officer records the signature of an agreed memorandum."""
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.EMBASSY_OFFICER:
        return AccessDenied()
    refusal = _open(memorandum)
    if refusal is None and memorandum.state != MemorandumState.AGREED:
        return ServiceError(_("Only an agreed memorandum can be signed."))
    return refusal


def end_refusal(actor: User, memorandum: Memorandum, action: str) -> Refusal:
    """The embassy terminates or supersedes (``action``) a memorandum. Terminating also ends
    a memorandum whose partnership is on hold; superseding starts a new draft, which waits
    until the partnership is open again."""
    if not getattr(actor, "is_authenticated", False) or actor.role not in ENDING_ROLES:
        return AccessDenied()
    if action == "supersede":
        return _open(memorandum) or _step(memorandum, action)
    return _step(memorandum, action)


@dataclass(frozen=True)
class Permissions:
    """What the actor may do with the memorandum now: the page's buttons."""

    edit: bool
    submit: bool
    return_to_draft: bool
    approve: bool
    sign: bool
    terminate: bool
    supersede: bool
    # Why submitting / approving waits, when the only obstacle is languages out of step.
    submit_blocked: str | None = None
    approve_blocked: str | None = None

    @property
    def end(self) -> bool:
        return self.terminate or self.supersede


def can_edit(actor: User, memorandum: Memorandum) -> bool:
    return edit_refusal(actor, memorandum) is None


def can_submit(actor: User, memorandum: Memorandum) -> bool:
    return submit_refusal(actor, memorandum) is None


def can_return(actor: User, memorandum: Memorandum) -> bool:
    return return_refusal(actor, memorandum) is None


def can_approve(actor: User, memorandum: Memorandum) -> bool:
    return approve_refusal(actor, memorandum) is None


def can_sign(actor: User, memorandum: Memorandum) -> bool:
    return sign_refusal(actor, memorandum) is None


def can_terminate(actor: User, memorandum: Memorandum) -> bool:
    return end_refusal(actor, memorandum, "terminate") is None


def can_supersede(actor: User, memorandum: Memorandum) -> bool:
    return end_refusal(actor, memorandum, "supersede") is None


def permissions_of(actor: User, memorandum: Memorandum) -> Permissions:
    """Every step's answer for the actor, from the same functions that guard the steps."""
    submit, approve_ = submit_refusal(actor, memorandum), approve_refusal(actor, memorandum)
    return Permissions(
        edit=can_edit(actor, memorandum), submit=submit is None,
        return_to_draft=can_return(actor, memorandum),
        approve=approve_ is None, sign=can_sign(actor, memorandum),
        terminate=can_terminate(actor, memorandum),
        supersede=can_supersede(actor, memorandum),
        submit_blocked=_divergence_message(submit),
        approve_blocked=_divergence_message(approve_))


def _divergence_message(refusal: Refusal) -> str | None:
    """The reason a step the actor could otherwise take waits for the languages."""
    return refusal.message if isinstance(refusal, LanguagesOutOfStep) else None
