"""Partnerships between a Ukrainian and a Kazakh organisation, and their history."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class PartnershipStatus(enum.StrEnum):
    FORMING = "forming"
    MOU_DRAFTING = "mou_drafting"
    MOU_REVIEW = "mou_review"
    MOU_AGREED = "mou_agreed"
    SIGNED = "signed"
    ACTIVE = "active"
    ANNUAL_REVIEW = "annual_review"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    ON_HOLD = "on_hold"


class Partnership(db.Model):
    """Two organisations working together, born from vetted matches."""

    __tablename__ = "partnership"
    __table_args__ = (
        CheckConstraint("ukrainian_organisation_id <> kazakh_organisation_id",
                        name="two_organisations"),
        Index("ix_partnership_updated_at", "updated_at"),  # "My work": quiet partnerships
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    ukrainian_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True)
    kazakh_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True)
    status: Mapped[PartnershipStatus] = mapped_column(
        str_enum(PartnershipStatus, "partnership_status"), nullable=False,
        default=PartnershipStatus.FORMING)
    objectives: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    ukrainian_organisation = relationship("Organisation",
                                          foreign_keys=[ukrainian_organisation_id])
    kazakh_organisation = relationship("Organisation", foreign_keys=[kazakh_organisation_id])
    events: Mapped[list["PartnershipEvent"]] = relationship(
        back_populates="partnership", order_by="PartnershipEvent.id",
        cascade="all, delete-orphan")


class PartnershipEvent(db.Model):
    """One step in a partnership's history: a change of status, with who and why."""

    __tablename__ = "partnership_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                 nullable=True)
    from_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_status: Mapped[str] = mapped_column(String(40), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    partnership: Mapped[Partnership] = relationship(back_populates="events")
    actor = relationship("User")
