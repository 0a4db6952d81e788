"""What waits in memoranda, for "My work": one aggregate query per question, each answering
(how many, the oldest, the memorandum's id when there is exactly one)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, or_, select

from ..auth.seen import MEMORANDUM, SeenMark
from ..core.database import utcnow
from ..extensions import db
from ..partnerships.models import Partnership, PartnershipEvent
from ..partnerships.workflow import ENDED as PARTNERSHIP_ENDED
from . import workflow
from .models import Memorandum, MemorandumApproval, MemorandumComment, MemorandumVersion, Party

_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
QUIET_DAYS = 60


def _one(statement) -> tuple:
    count, when, single = db.session.execute(statement).one()
    return count or 0, when, single


def _approved_by(party: Party):
    """Whether ``party`` approved the memorandum's newest version (correlated, for a WHERE)."""
    newest = (select(func.max(MemorandumVersion.number))
              .where(MemorandumVersion.memorandum_id == Memorandum.id)
              .correlate(Memorandum).scalar_subquery())
    return (select(MemorandumApproval.id)
            .join(MemorandumVersion, MemorandumVersion.id == MemorandumApproval.version_id)
            .where(MemorandumApproval.memorandum_id == Memorandum.id,
                   MemorandumApproval.party == party, MemorandumVersion.number == newest)
            .correlate(Memorandum).exists())


def _waiting(*conditions) -> tuple:
    return _one(select(func.count(Memorandum.id), func.min(Memorandum.updated_at),
                       func.max(Memorandum.id))
                .join(Partnership, Partnership.id == Memorandum.partnership_id)
                .where(Memorandum.state.in_(workflow.APPROVABLE), *conditions))


def awaiting_organisation(organisation_id: int) -> tuple:
    """Memoranda in review whose newest version the organisation's side has not approved."""
    return _waiting(or_(
        and_(Partnership.ukrainian_organisation_id == organisation_id,
             ~_approved_by(Party.UKRAINIAN)),
        and_(Partnership.kazakh_organisation_id == organisation_id,
             ~_approved_by(Party.KAZAKH))))


def awaiting_embassy() -> tuple:
    """Memoranda in review whose newest version the embassy has not approved."""
    return _waiting(~_approved_by(Party.EMBASSY))


def with_new_comments(user_id: int, organisation_id: int) -> tuple:
    """The organisation's memoranda with comments by someone else since the user last opened
    each one (how many memoranda, the oldest such comment)."""
    last_look = (select(SeenMark.seen_at)
                 .where(SeenMark.user_id == user_id, SeenMark.topic == MEMORANDUM,
                        SeenMark.subject_id == MemorandumComment.memorandum_id)
                 .correlate(MemorandumComment).scalar_subquery())
    return _one(
        select(func.count(MemorandumComment.memorandum_id.distinct()),
               func.min(MemorandumComment.created_at), func.max(MemorandumComment.memorandum_id))
        .join(Memorandum, Memorandum.id == MemorandumComment.memorandum_id)
        .join(Partnership, Partnership.id == Memorandum.partnership_id)
        .where(or_(Partnership.ukrainian_organisation_id == organisation_id,
                   Partnership.kazakh_organisation_id == organisation_id),
               Memorandum.state.not_in(workflow.ENDED),
               or_(MemorandumComment.author_id.is_(None),
                   MemorandumComment.author_id != user_id),
               MemorandumComment.created_at > func.coalesce(last_look, _NEVER)))


def quiet_partnerships(now=None) -> tuple:
    """Partnerships still going with nothing done for 60 days: no change of the partnership,
    no step in its history, no change of its memoranda (here, since memoranda sit above
    partnerships). ``oldest``: the longest-quiet partnership's last change."""
    cutoff = (now or utcnow()) - timedelta(days=QUIET_DAYS)
    recent_step = (select(PartnershipEvent.id)
                   .where(PartnershipEvent.partnership_id == Partnership.id,
                          PartnershipEvent.at >= cutoff)
                   .correlate(Partnership).exists())
    recent_memorandum = (select(Memorandum.id)
                         .where(Memorandum.partnership_id == Partnership.id,
                                Memorandum.updated_at >= cutoff)
                         .correlate(Partnership).exists())
    return _one(select(func.count(Partnership.id), func.min(Partnership.updated_at),
                       func.max(Partnership.id))
                .where(Partnership.status.not_in(PARTNERSHIP_ENDED),
                       Partnership.updated_at < cutoff, ~recent_step, ~recent_memorandum))
