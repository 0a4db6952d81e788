"""Centres, groups and children's cases. Nothing here names a child: names, dates of birth,
documents, addresses and contacts live only in ``ChildIdentity.ciphertext`` (see crypto.py)."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class Focus(enum.StrEnum):
    PSYCHOLOGICAL = "psychological"
    PHYSICAL = "physical"
    BOTH = "both"


class CaseState(enum.StrEnum):
    REFERRED = "referred"
    REGISTERED = "registered"
    ASSESSMENT = "assessment"
    PLACEMENT_MATCHED = "placement_matched"
    TRAVEL_READY = "travel_ready"
    IN_PROGRAMME = "in_programme"
    COMPLETED = "completed"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"
    CONSENT_WITHDRAWN = "consent_withdrawn"


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


class Circumstances(enum.StrEnum):
    PARENT_DECEASED = "parent_deceased"
    PARENT_MISSING = "parent_missing"
    BOTH = "both"  # both parents deceased or missing


class RepresentativeType(enum.StrEnum):
    SURVIVING_PARENT = "surviving_parent"
    RELATIVE = "relative"
    FOSTER_FAMILY = "foster_family"
    GUARDIANSHIP_AUTHORITY = "guardianship_authority"
    INSTITUTION = "institution"


class Centre(db.Model):
    """A verified Kazakh organisation enrolled in the programme."""

    __tablename__ = "programme_centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    organisation = relationship("Organisation", lazy="joined")
    groups: Mapped[list["Group"]] = relationship(back_populates="centre",
                                                 order_by="Group.starts_on")


class Group(db.Model):
    """A cohort of children at one centre, with a fixed number of places."""

    __tablename__ = "programme_group"
    __table_args__ = (
        CheckConstraint("placed_count >= 0", name="placed_not_negative"),
        CheckConstraint("placed_count <= capacity", name="within_capacity"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(
        ForeignKey("programme_centre.id", ondelete="RESTRICT"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    capacity: Mapped[int] = mapped_column(nullable=False)
    placed_count: Mapped[int] = mapped_column(nullable=False, default=0)
    language: Mapped[str] = mapped_column(String(8), nullable=False)
    focus: Mapped[Focus] = mapped_column(str_enum(Focus, "programme_focus"), nullable=False)
    accompanying_staff: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    centre: Mapped[Centre] = relationship(back_populates="groups")

    @property
    def free_places(self) -> int:
        return self.capacity - self.placed_count


class ChildCase(db.Model):
    """A child in the programme, known by a random code; the pseudonymous case data only."""

    __tablename__ = "child_case"
    __table_args__ = (
        CheckConstraint("birth_year BETWEEN 2000 AND 2100", name="birth_year_plausible"),
        # "My work": the coordinator's list of adults' names to review (few of many cases)
        Index("ix_child_case_adult_review", "adult_name_to_review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    birth_year: Mapped[int] = mapped_column(nullable=False)
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "child_sex"), nullable=False)
    region: Mapped[str] = mapped_column(String(40), nullable=False)
    circumstances: Mapped[Circumstances] = mapped_column(
        str_enum(Circumstances, "child_circumstances"), nullable=False)
    representative_type: Mapped[RepresentativeType] = mapped_column(
        str_enum(RepresentativeType, "representative_type"), nullable=False)
    needs: Mapped[str] = mapped_column(Text, nullable=False, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The accompanying adult's name is in the identity record; here only whether one is named
    # and how they relate to the child ("grandmother", "programme volunteer").
    has_accompanying_adult: Mapped[bool] = mapped_column(nullable=False, default=False)
    accompanying_adult_relation: Mapped[str] = mapped_column(String(80), nullable=False,
                                                             default="")
    # An identity kept before the adult's name was split into given name and surname, that
    # the conversion could not split safely: the coordinator splits it (adults.py); until then
    # the centre sees the relation only.
    adult_name_to_review: Mapped[bool] = mapped_column(nullable=False, default=False,
                                                       server_default=false())
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState, "case_state"), nullable=False,
                                             default=CaseState.REFERRED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    identity_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    identity: Mapped["ChildIdentity | None"] = relationship(back_populates="case",
                                                            cascade="all, delete-orphan")
    consents: Mapped[list["Consent"]] = relationship(back_populates="case",
                                                     order_by="Consent.id")
    placements: Mapped[list["Placement"]] = relationship(back_populates="case",
                                                         order_by="Placement.id")
    events: Mapped[list["CaseEvent"]] = relationship(back_populates="case",
                                                     order_by="CaseEvent.id")
    notes: Mapped[list["ProgressNote"]] = relationship(back_populates="case",
                                                       order_by="ProgressNote.id")
    follow_ups: Mapped[list["FollowUp"]] = relationship(back_populates="case",
                                                        order_by="FollowUp.due_on")

    @property
    def current_placement(self) -> "Placement | None":
        return next((p for p in self.placements if p.ended_at is None), None)


class ChildIdentity(db.Model):
    """The identity of one child, encrypted with a key kept outside the database."""

    __tablename__ = "child_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, unique=True)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    case: Mapped[ChildCase] = relationship(back_populates="identity")


class Consent(db.Model):
    """The legal representative's consent and the child's assent; withdrawable at any time.
    Who gave it is named in the identity record; here only the relationship to the child."""

    __tablename__ = "programme_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    relationship_to_child: Mapped[str] = mapped_column(String(80), nullable=False)
    participation: Mapped[bool] = mapped_column(nullable=False, default=False)
    travel: Mapped[bool] = mapped_column(nullable=False, default=False)
    sharing_with_centre: Mapped[bool] = mapped_column(nullable=False, default=False)
    photos: Mapped[bool] = mapped_column(nullable=False, default=False)
    given_on: Mapped[date] = mapped_column(Date, nullable=False)
    # The last day the consent holds (None: no end). Expired, it counts as no consent.
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    child_assent: Mapped[bool] = mapped_column(nullable=False, default=False)
    # The stored file's random name; the original file name may name the child: not kept.
    document_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    document_media_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    case: Mapped[ChildCase] = relationship(back_populates="consents")

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    @classmethod
    def holding(cls, today: date) -> tuple:
        """The SQL conditions of ``holds``: not withdrawn, not expired."""
        return (cls.withdrawn_at.is_(None),
                or_(cls.valid_until.is_(None), cls.valid_until >= today))

    def holds(self, today: date) -> bool:
        """Neither withdrawn nor expired: it counts for what the case needs."""
        return self.withdrawn_at is None and not self.expired(today)


class Placement(db.Model):
    """A child's place in a group; at most one open placement per case."""

    __tablename__ = "programme_placement"
    __table_args__ = (
        Index("uq_programme_placement_open", "case_id", unique=True,
              sqlite_where=db.text("ended_at IS NULL"),
              postgresql_where=db.text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("programme_group.id", ondelete="RESTRICT"),
                                          nullable=False, index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    placed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    case: Mapped[ChildCase] = relationship(back_populates="placements")
    group: Mapped[Group] = relationship()


class ProgressNote(db.Model):
    """A centre staff member's (or the coordinator's) note on how the child is doing."""

    __tablename__ = "programme_progress_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                  nullable=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    case: Mapped[ChildCase] = relationship(back_populates="notes")
    author = relationship("User")


class CaseEvent(db.Model):
    """One step in a case's timeline (state changes, consents, placements, identity reads)."""

    __tablename__ = "programme_case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                 nullable=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    from_state: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    case: Mapped[ChildCase] = relationship(back_populates="events")
    actor = relationship("User")


class FollowUp(db.Model):
    """A check on the child 1, 3 or 6 months after the programme ended."""

    __tablename__ = "programme_follow_up"
    __table_args__ = (UniqueConstraint("case_id", "months"),
                      CheckConstraint("months IN (1, 3, 6)", name="months_allowed"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("child_case.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    months: Mapped[int] = mapped_column(nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")

    case: Mapped[ChildCase] = relationship(back_populates="follow_ups")
