"""Proposed matches between a need and an offer, and the embassy's settings for matching."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class MatchStatus(enum.StrEnum):
    PROPOSED = "proposed"
    INTEREST_NEED = "interest_need"      # the organisation with the need is interested
    INTEREST_OFFER = "interest_offer"    # the organisation with the offer is interested
    MUTUALLY_ACCEPTED = "mutually_accepted"
    VETTED = "vetted"                    # the embassy vetted it: part of a partnership
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"              # an item was withdrawn or an organisation left
    EXPIRED = "expired"                  # an item passed its date
    HIDDEN = "hidden"                    # the embassy hid it, with a reason


OPEN_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INTEREST_NEED, MatchStatus.INTEREST_OFFER,
                 MatchStatus.MUTUALLY_ACCEPTED)


class Origin(enum.StrEnum):
    ENGINE = "engine"
    MANUAL = "manual"


class Match(db.Model):
    """A need of one organisation and an offer of another, proposed with a score and reasons."""

    __tablename__ = "match"
    __table_args__ = (
        Index("ix_match_need_organisation", "need_organisation_id", "status"),
        Index("ix_match_offer_organisation", "offer_organisation_id", "status"),
        Index("ix_match_status_score", "status", "score"),
        Index("ix_match_status_updated", "status", "updated_at"),  # "My work": the oldest
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint("need_organisation_id <> offer_organisation_id", name="two_parties"),
        Index("uq_match_pair", "need_id", "offer_id", unique=True),
        # The dashboard's funnel counts read this index only.
        Index("ix_match_funnel", "created_at", "interest_at", "mutual_at", "vetted_at"),
        ForeignKeyConstraint(["need_id", "need_organisation_id"],
                             ["item.id", "item.organisation_id"],
                             name="fk_match_need_id_item", ondelete="CASCADE"),
        ForeignKeyConstraint(["offer_id", "offer_organisation_id"],
                             ["item.id", "item.organisation_id"],
                             name="fk_match_offer_id_item", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Each side's item and organisation are one key to the item (migration 0026): the
    # organisation stored is the item's own, and a full run checks two keys a row, not four.
    need_id: Mapped[int] = mapped_column(nullable=False)
    offer_id: Mapped[int] = mapped_column(nullable=False, index=True)
    need_organisation_id: Mapped[int] = mapped_column(nullable=False)
    offer_organisation_id: Mapped[int] = mapped_column(nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    components: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus, "match_status"),
                                                nullable=False, default=MatchStatus.PROPOSED)
    origin: Mapped[Origin] = mapped_column(str_enum(Origin, "match_origin"), nullable=False,
                                           default=Origin.ENGINE)
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The items' updated_at when proposed: a declined pair comes back only if one changed.
    need_version: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    offer_version: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership.id", ondelete="SET NULL"), nullable=True, index=True)
    # Read by ranges only, through ix_match_funnel (its first column; migration 0024).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # When the pair reached each step of the funnel (the embassy's dashboard); set by
    # decisions._act from migration 0016 on, earlier ones backfilled from the audit log.
    interest_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    mutual_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    vetted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    need = relationship("Item", primaryjoin="Item.id == foreign(Match.need_id)")
    offer = relationship("Item", primaryjoin="Item.id == foreign(Match.offer_id)")
    need_organisation = relationship(
        "Organisation", primaryjoin="Organisation.id == foreign(Match.need_organisation_id)")
    offer_organisation = relationship(
        "Organisation", primaryjoin="Organisation.id == foreign(Match.offer_organisation_id)")


class MatchingSetting(db.Model):
    """A switch of the embassy's (the agreed-list gate), with who changed it and when."""

    __tablename__ = "matching_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)


class AreaSupply(db.Model):
    """Supply and demand of one area of medicine as the last matching run left it: current
    needs and offers, and those no proposal pairs (the dashboard reads these rows instead of
    counting every item on each visit; ``matching.figures.store_supply_and_demand``)."""

    __tablename__ = "area_supply"

    area: Mapped[str] = mapped_column(String(60), primary_key=True)
    needs: Mapped[int] = mapped_column(nullable=False)
    offers: Mapped[int] = mapped_column(nullable=False)
    unmet_needs: Mapped[int] = mapped_column(nullable=False)
    unneeded_offers: Mapped[int] = mapped_column(nullable=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
