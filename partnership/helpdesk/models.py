"""A message someone sent to the embassy through the contact form."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, utcnow
from ..extensions import db

NAME_MAX = 200
EMAIL_MAX = 254
SUBJECT_MAX = 200
BODY_MAX = 5000


class ContactMessage(db.Model):
    """A visitor's or a user's message to the embassy, until an officer marks it answered."""

    __tablename__ = "contact_message"
    __table_args__ = (
        # The officers' "My work" counts the unanswered ones, oldest first.
        Index("ix_contact_message_unanswered", "answered_at", "created_at"),
        CheckConstraint("body <> ''", name="body_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), nullable=False)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)   # of the sender's page
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    sender = relationship("User", foreign_keys=[sender_id], lazy="joined")
    answered_by = relationship("User", foreign_keys=[answered_by_id], lazy="joined")
