"""Every table of every area, imported in one place for the metadata and migrations."""

from .auth.models import LoginFailure, PendingSignIn, RecoveryCode, User, UserToken  # noqa: F401
from .auth.seen import SeenMark  # noqa: F401
from .auth.sessions import AuthSession  # noqa: F401
from .core.events import HandledEvent, OutboxEvent  # noqa: F401
from .core.models import AuditEvent, OutboxEmail  # noqa: F401
from .core.scheduled_runs import ScheduledRun  # noqa: F401
from .core.storage import StoredFile  # noqa: F401
from .helpdesk.models import ContactMessage  # noqa: F401
from .matching.models import Match, MatchingSetting  # noqa: F401
from .memoranda.issued import IssuedPdf  # noqa: F401
from .memoranda.models import (  # noqa: F401
    Memorandum,
    MemorandumApproval,
    MemorandumComment,
    MemorandumTemplate,
    MemorandumVersion,
)
from .notifications.models import (  # noqa: F401
    Notification,
    NotificationDigest,
    NotificationPreference,
)
from .organisations.models import Item, Organisation  # noqa: F401
from .outreach.models import CatalogueJob  # noqa: F401
from .partnerships.models import Partnership, PartnershipEvent  # noqa: F401
from .programme.models import (  # noqa: F401
    CaseEvent,
    Centre,
    ChildCase,
    ChildIdentity,
    Consent,
    FollowUp,
    Group,
    Placement,
    ProgressNote,
)
