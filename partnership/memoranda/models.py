"""Memorandum templates, memoranda per partnership, their immutable versions, comments and
approvals."""

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..extensions import db


class MemorandumState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    AGREED = "agreed"
    SIGNED = "signed"
    SUPERSEDED = "superseded"
    TERMINATED = "terminated"


class Party(enum.StrEnum):
    """Who approves: each organisation (by a manager) and the embassy (by an officer)."""

    UKRAINIAN = "ukrainian"
    KAZAKH = "kazakh"
    EMBASSY = "embassy"


class MemorandumTemplate(db.Model):
    """One version of the framework memorandum's text; a change makes a new row, never an
    update, so drafts made from an older version keep their text."""

    __tablename__ = "memorandum_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(nullable=False, unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                  nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    author = relationship("User")


class Memorandum(db.Model):
    """The framework memorandum of one partnership, from first draft to signature."""

    __tablename__ = "memorandum"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), nullable=False, index=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_template.id", ondelete="RESTRICT"), nullable=False)
    state: Mapped[MemorandumState] = mapped_column(
        str_enum(MemorandumState, "memorandum_state"), nullable=False,
        default=MemorandumState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Agreement: the frozen version, the SHA-256 of its canonical text, the public code.
    agreed_number: Mapped[int | None] = mapped_column(nullable=True)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    text_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    verification_code: Mapped[str | None] = mapped_column(String(40), nullable=True,
                                                          unique=True)
    # Signature, recorded by an embassy officer with the signed scan.
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    signed_place: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    signatories: Mapped[str] = mapped_column(Text, nullable=False, default="")
    scan_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    scan_size: Mapped[int | None] = mapped_column(nullable=True)
    scan_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")

    partnership = relationship("Partnership")
    template = relationship("MemorandumTemplate")
    versions: Mapped[list["MemorandumVersion"]] = relationship(
        back_populates="memorandum", order_by="MemorandumVersion.number",
        cascade="all, delete-orphan")


class MemorandumVersion(db.Model):
    """One saved state of a memorandum's text, never changed: the clauses and the values of
    the variables in each language. Two saves of the same number cannot both be stored."""

    __tablename__ = "memorandum_version"
    __table_args__ = (UniqueConstraint("memorandum_id", "number", name="uq_memorandum_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(nullable=False)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_template.id", ondelete="RESTRICT"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                  nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    note: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # [{"key": .., "title": {lang: ..}, "text": {lang: ..}}, ...] in their order
    clauses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    # {"particulars": {name: {lang: value}}, "values": {lang: {variable: value}}}
    variables: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)

    memorandum: Mapped[Memorandum] = relationship(back_populates="versions")
    template = relationship("MemorandumTemplate")
    author = relationship("User")


class MemorandumComment(db.Model):
    """A remark on one clause, with the version it was made on."""

    __tablename__ = "memorandum_comment"
    __table_args__ = (Index("ix_memorandum_comment_memorandum", "memorandum_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum.id", ondelete="CASCADE"), nullable=False)
    clause_key: Mapped[str] = mapped_column(String(40), nullable=False)
    version_number: Mapped[int] = mapped_column(nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                  nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    body: Mapped[str] = mapped_column(Text, nullable=False)

    author = relationship("User")


class MemorandumApproval(db.Model):
    """One party's approval of one version; an approval of an older version no longer counts."""

    __tablename__ = "memorandum_approval"
    __table_args__ = (UniqueConstraint("version_id", "party", name="uq_memorandum_approval"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    memorandum_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum.id", ondelete="CASCADE"), nullable=False, index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum_version.id", ondelete="CASCADE"), nullable=False)
    party: Mapped[Party] = mapped_column(str_enum(Party, "memorandum_party"), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship("User")
    version = relationship("MemorandumVersion")
