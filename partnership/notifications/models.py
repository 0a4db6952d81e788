"""A notification for one user, and a user's choice of how to hear about each category."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class Category(enum.StrEnum):
    PROPOSALS = "proposals"
    PARTNERSHIPS = "partnerships"
    MEMORANDA = "memoranda"
    ORGANISATION = "organisation"
    PROGRAMME = "programme"
    SECURITY = "security"      # always on, always immediately


class Mode(enum.StrEnum):
    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    OFF = "off"


class Delivery(enum.StrEnum):
    """What became of the e-mail side of a notification."""

    EMAILED = "emailed"        # queued in the outbox at once
    DIGEST = "digest"          # waits for the user's daily digest
    DIGESTED = "digested"      # went out in a digest
    NONE = "none"              # the user switched e-mail off for its category


class Notification(db.Model):
    """Something that happened which one user should know: rendered from ``kind`` and
    ``params`` (ids, codes, short names; never a child's identity) in the reader's language."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
        Index("ix_notification_delivery", "delivery", "user_id"),
        UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         nullable=False)
    category: Mapped[Category] = mapped_column(str_enum(Category, "notification_category"),
                                               nullable=False)
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Where "open" leads: an endpoint and its arguments, or a path of our own site.
    endpoint: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    link_args: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    path: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # Set when something must be told once only (a follow-up due): a second notify is skipped.
    key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivery: Mapped[Delivery] = mapped_column(str_enum(Delivery, "notification_delivery"),
                                               nullable=False, default=Delivery.NONE)


class NotificationPreference(db.Model):
    """How a user hears about one category (no row: immediately)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "category", name="uq_notification_pref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         nullable=False)
    category: Mapped[Category] = mapped_column(str_enum(Category, "notification_category"),
                                               nullable=False)
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, "notification_mode"), nullable=False)


class NotificationDigest(db.Model):
    """The daily digest sent to a user on a day: at most one (running the job twice sends
    once)."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "sent_on", name="uq_notification_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         nullable=False)
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    count: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
