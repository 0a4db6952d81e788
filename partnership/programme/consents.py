"""The legal representative's consent: recorded with its signed document, withdrawn at any
time. A withdrawal stops the case (frees the seat, tells the coordinator and the centre) when
no valid consent still covers what the case's state needs; otherwise it is recorded, audited
and the coordinators are told, and the case goes on."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..core import unit_of_work
from ..core.access import NotVisible
from ..core.audit import record
from ..core.database import utcnow
from ..core.services import ServiceError
from ..core.storage import storage
from ..core.uploads import delete_upload, read_upload, store_upload
from ..extensions import db
from . import crypto, workflow
from .access import require_coordinator
from .cases import _enter, facts, notify
from .models import CaseState, ChildCase, Consent
from .timeline import add_event

UPLOAD_AREA = "programme"
DOCUMENT_KINDS = ("pdf", "jpeg", "png")


@dataclass
class ConsentData:
    relationship_to_child: str
    participation: bool
    travel: bool
    sharing_with_centre: bool
    photos: bool
    given_on: date
    child_assent: bool
    valid_until: date | None = None  # the last day it holds; None: no end


def record_consent(actor: User, case: ChildCase, data: ConsentData, document=None) -> Consent:
    """Record a consent, with its signed document (PDF, JPEG or PNG) when one is given."""
    require_coordinator(actor)
    if case.state in (CaseState.CLOSED, CaseState.CONSENT_WITHDRAWN, CaseState.WITHDRAWN):
        raise ServiceError(_("This case has ended: record a new referral instead."))
    if data.given_on > utcnow().date():
        raise ServiceError(_("The date of the consent cannot be in the future."), "given_on")
    if data.valid_until is not None and data.valid_until <= data.given_on:
        raise ServiceError(_("The consent must be valid until a date after the date it was "
                             "given."), "valid_until")
    if not (data.participation or data.travel or data.sharing_with_centre or data.photos):
        raise ServiceError(_("Tick at least one thing the consent covers."), "participation")
    consent = Consent(case=case, relationship_to_child=data.relationship_to_child.strip(),
                      participation=data.participation, travel=data.travel,
                      sharing_with_centre=data.sharing_with_centre, photos=data.photos,
                      given_on=data.given_on, valid_until=data.valid_until,
                      child_assent=data.child_assent,
                      recorded_at=utcnow(), recorded_by_id=actor.id)
    if document is not None:
        # It shows the child's name and signatures: stored encrypted with the identity keys.
        stored = store_upload(document, UPLOAD_AREA, kinds=DOCUMENT_KINDS, field="document",
                              seal=crypto.encrypt_document)
        consent.document_name, consent.document_media_type = stored.name, stored.media_type
    try:
        db.session.add(consent)
        db.session.flush()
        scope = [name for name in ("participation", "travel", "sharing_with_centre", "photos")
                 if getattr(consent, name)]
        add_event(case, actor, "consent_recorded", scope=scope, child_assent=data.child_assent)
        record("programme.consent_recorded", actor=actor, obj=case, code=case.code,
               consent_id=consent.id, scope=scope, document=bool(consent.document_name),
               valid_until=data.valid_until.isoformat() if data.valid_until else None)
    except (ServiceError, IntegrityError):
        discard_document(consent)
        raise
    return consent


def discard_document(consent: Consent) -> None:
    """Remove a stored document whose transaction did not (or will not) commit."""
    if consent.document_name:
        delete_upload(UPLOAD_AREA, consent.document_name)


def get_consent(actor: User, consent_id: int) -> Consent:
    require_coordinator(actor)
    consent = db.session.get(Consent, consent_id)
    if consent is None:
        raise NotVisible()
    return consent


def withdraw_consent(actor: User, consent: Consent) -> bool:
    """Withdraw a consent. When no valid consent still covers what the case's state needs
    (``workflow.withdrawal_stops``), the case moves to consent_withdrawn, the placement ends,
    and the coordinators and (when placed) the centre are told by case code; otherwise the
    withdrawal is recorded and the coordinators are told. True when the case was stopped."""
    require_coordinator(actor)
    if consent.withdrawn_at is not None:
        raise ServiceError(_("This consent is already withdrawn."))
    case = consent.case
    consent.withdrawn_at = utcnow()
    stops = workflow.withdrawal_stops(case.state, facts(case))
    add_event(case, actor, "consent_withdrawn", consent_id=consent.id)
    record("programme.consent_withdrawn", actor=actor, obj=case, code=case.code,
           consent_id=consent.id, stopped=stops)
    if not stops:
        if case.state in workflow.CONSENT_WITHDRAWAL_FROM:
            notify(case, "consent_partly_withdrawn", actor=actor)
        return False
    placement = case.current_placement
    centre_id = placement.group.centre_id if placement is not None else None
    _enter(actor, case, CaseState.CONSENT_WITHDRAWN, kind="state")
    notify(case, "consent_withdrawn", centre_id, actor=actor)
    return True


def consent_document(actor: User, consent: Consent) -> tuple[bytes, str, str]:
    """A consent's signed document, decrypted: its bytes, media type and file extension
    (coordinator only; audited)."""
    require_coordinator(actor)
    if not consent.document_name:
        raise NotVisible()
    try:
        data = crypto.decrypt_document(read_upload(UPLOAD_AREA, consent.document_name))
    except FileNotFoundError:
        raise NotVisible() from None
    unit_of_work.keep_read(record("programme.consent_document_read", actor=actor,
                                  obj=consent.case, code=consent.case.code,
                                  consent_id=consent.id))
    extension = "." + consent.document_name.rsplit(".", 1)[-1]
    return data, consent.document_media_type, extension


def reencrypt_documents() -> int:
    """Re-encrypt every stored consent document not yet under the newest identity key (key
    rotation); how many were re-encrypted. The old keys must still be configured."""
    rotated = 0
    names = db.session.scalars(select(Consent.document_name)
                               .where(Consent.document_name.is_not(None)))
    for name in names:
        try:
            ciphertext = read_upload(UPLOAD_AREA, name)
        except FileNotFoundError:
            continue
        if crypto.under_newest_key(ciphertext):
            continue
        storage().put(UPLOAD_AREA, name, crypto.reencrypt(ciphertext)[0],
                      "application/octet-stream")
        rotated += 1
    return rotated


def erase_documents(case: ChildCase) -> int:
    """Delete the stored documents of a case's consents (retention); how many were removed."""
    removed = 0
    for consent in db.session.scalars(select(Consent).where(Consent.case_id == case.id)):
        if consent.document_name:
            removed += delete_upload(UPLOAD_AREA, consent.document_name)
            consent.document_name = consent.document_media_type = None
    return removed
