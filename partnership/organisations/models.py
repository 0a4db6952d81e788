"""Organisations, and what each offers and needs."""

import enum
from datetime import date, datetime

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class Country(enum.StrEnum):
    UA = "UA"
    KZ = "KZ"


class Kind(enum.StrEnum):
    HOSPITAL = "hospital"
    CHILDRENS_HOSPITAL = "childrens_hospital"
    REHABILITATION_CENTRE = "rehabilitation_centre"
    CLINIC = "clinic"
    UNIVERSITY = "university"
    EMERGENCY_SERVICE = "emergency_service"
    BUSINESS = "business"
    CHARITY = "charity"


class Status(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    # Returned by the embassy for changes: treated like pending everywhere (not public, not
    # matched) until a manager sends it for verification again.
    CHANGES_REQUESTED = "changes_requested"


class Direction(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


class Dimension(enum.StrEnum):
    TECHNOLOGICAL = "technological"
    PROFESSIONAL = "professional"
    SCIENTIFIC = "scientific"
    ADMINISTRATIVE = "administrative"


class Form(enum.StrEnum):
    TRAINING = "training"
    STAFF_EXCHANGE = "staff_exchange"
    TELECONSULTATION = "teleconsultation"
    JOINT_RESEARCH = "joint_research"
    MANAGEMENT_MENTORING = "management_mentoring"
    EQUIPMENT_SUPPLIES = "equipment_supplies"
    RECONSTRUCTION = "reconstruction"
    REHABILITATION_PLACEMENT = "rehabilitation_placement"
    # Treatment of patients at the partner's hospital, in any area (oncology, burns, ...).
    PATIENT_PLACEMENT = "patient_placement"
    FUNDING = "funding"


class Urgency(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ItemStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


WORKING_LANGUAGES = ("uk", "kk", "ru", "en")



class Organisation(db.Model):
    """A Ukrainian or Kazakh institution (or a Kazakh business or charity) on the platform."""

    __tablename__ = "organisation"
    __table_args__ = (
        Index("ix_organisation_directory", "status", "public_listing", "country"),
        # The dashboard's counts read these indexes only (per region; per month registered).
        Index("ix_organisation_status_region", "status", "region"),
        Index("ix_organisation_created_at", "created_at"),
        CheckConstraint("beds IS NULL OR beds >= 0", name="beds_not_negative"),
        CheckConstraint("staff IS NULL OR staff >= 0", name="staff_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[Country] = mapped_column(str_enum(Country, "country"), nullable=False)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "organisation_kind"), nullable=False)
    registry_code: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    name_uk: Mapped[str | None] = mapped_column(String(300), nullable=True)
    name_kk: Mapped[str | None] = mapped_column(String(300), nullable=True)
    name_en: Mapped[str | None] = mapped_column(String(300), nullable=True)
    name_ru: Mapped[str | None] = mapped_column(String(300), nullable=True)
    region: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    city: Mapped[str] = mapped_column(String(120), nullable=False)
    languages: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    beds: Mapped[int | None] = mapped_column(nullable=True)
    staff: Mapped[int | None] = mapped_column(nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    contact_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    contact_phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    website: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    status: Mapped[Status] = mapped_column(str_enum(Status, "organisation_status"), nullable=False,
                                           default=Status.PENDING)
    status_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    on_agreed_list: Mapped[bool] = mapped_column(nullable=False, default=False)
    open_to_cooperation: Mapped[bool] = mapped_column(nullable=False, default=True)
    public_listing: Mapped[bool] = mapped_column(nullable=False, default=False)
    search_key: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Set on every change of the row; the matching worker's warm world reads changes by it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow, index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    items: Mapped[list["Item"]] = relationship(back_populates="organisation",
                                               cascade="all, delete-orphan",
                                               order_by="Item.id")

    def name(self, language: str) -> str:
        """The name in ``language``, else the native name, else any name."""
        # A Kazakh organisation may be known by its Russian name only: that is its native one.
        native = self.name_uk if self.country == Country.UA else (self.name_kk or self.name_ru)
        for candidate in (getattr(self, f"name_{language}", None), native, self.name_en,
                          self.name_uk, self.name_kk, self.name_ru):
            if candidate:
                return candidate
        return self.registry_code

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.country} {self.registry_code}>"


class Item(db.Model):
    """Something an organisation offers or needs, valid until a date unless renewed."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_area_direction", "area", "direction", "status"),
        # Covers the dashboard's supply and demand (current items per area and direction).
        Index("ix_item_supply", "area", "direction", "status", "valid_until"),
        CheckConstraint("direction = 'need' OR urgency IS NULL", name="urgency_only_for_needs"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        UniqueConstraint("organisation_id", "direction", "area", "form", "dimension",
                         "description_key", name="uq_item_natural_key"),
        # What a proposal's keys refer to: an item together with its own organisation
        # (matching.models.Match, migration 0026).
        Index("uq_item_id_organisation", "id", "organisation_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "item_direction"),
                                                 nullable=False)
    area: Mapped[str] = mapped_column(String(60), nullable=False)
    dimension: Mapped[Dimension] = mapped_column(str_enum(Dimension, "item_dimension"),
                                                 nullable=False)
    form: Mapped[Form] = mapped_column(str_enum(Form, "item_form"), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    # A short fingerprint of the description, so the natural key fits an index on every database.
    description_key: Mapped[str] = mapped_column(String(64), nullable=False)
    quantity: Mapped[int | None] = mapped_column(nullable=True)
    # A need whose quantity may be shared by several offers (matching: a smaller offer fits).
    splittable: Mapped[bool] = mapped_column(nullable=False, default=False,
                                             server_default=false())
    urgency: Mapped[Urgency | None] = mapped_column(str_enum(Urgency, "item_urgency"),
                                                    nullable=True)
    languages: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, "item_status"), nullable=False,
                                               default=ItemStatus.ACTIVE)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Set on every change of the row; the matching worker's warm world reads changes by it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="items")

    def is_current(self, today: date) -> bool:
        """Active and not past its date: takes part in matching."""
        return self.status == ItemStatus.ACTIVE and self.valid_until >= today


class ImportKind(enum.StrEnum):
    ORGANISATIONS = "organisations"
    ITEMS = "items"


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(db.Model):
    """One upload to the import page: its file until it has run, its progress and its report."""

    __tablename__ = "import_job"
    __table_args__ = (
        Index("ix_import_job_status_created", "status", "created_at"),
        CheckConstraint("rows_total >= 0 AND rows_checked >= 0 AND created_count >= 0 "
                        "AND updated_count >= 0 AND unchanged_count >= 0",
                        name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(str_enum(ImportKind, "import_kind"), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)  # shown, never opened
    dry_run: Mapped[bool] = mapped_column(nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False)  # of the report's messages
    status: Mapped[ImportStatus] = mapped_column(str_enum(ImportStatus, "import_status"),
                                                 nullable=False, default=ImportStatus.QUEUED)
    # The uploaded file, kept only until the job has run (the worker may be another machine).
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    rows_total: Mapped[int] = mapped_column(nullable=False, default=0)
    rows_checked: Mapped[int] = mapped_column(nullable=False, default=0)
    created_count: Mapped[int] = mapped_column(nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(nullable=False, default=0)
    # Every problem found: [{"row": 3, "column": "beds", "message": "..."}]
    errors: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    created_by = relationship("User")

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
