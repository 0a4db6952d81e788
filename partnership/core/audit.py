"""The audit trail: who did what to which object, recorded in the same transaction."""

from flask import has_request_context, request

from ..extensions import db
from .database import utcnow
from .models import AuditEvent


def record(action: str, actor=None, obj=None, *, object_type=None, object_id=None, **details):
    """Add an audit event for ``action`` by ``actor`` on ``obj``; the caller commits."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_role=getattr(actor, "role", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
        client_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
