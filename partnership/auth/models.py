"""Users, their one-time tokens, second-factor recovery codes, sign-ins waiting for the second
factor and failed log-ins."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, str_enum, utcnow
from ..core.roles import Role
from ..extensions import db


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    INVITATION = "invitation"
    EMAIL_CONFIRMATION = "email_confirmation"



class User(UserMixin, db.Model):
    """A person who signs in. No password until an invitation is accepted."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), nullable=False)
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), nullable=True, index=True)

    organisation = relationship("Organisation", lazy="select")
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active and self.password_hash is not None

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserToken(db.Model):
    """A single-use link token (password reset, invitation); only its hash is stored."""

    __tablename__ = "user_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "token_purpose"),
                                                  nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A single-use second-factor recovery code; only its hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class PendingSignIn(db.Model):
    """A sign-in past the password and waiting for the second factor (five minutes, used once).

    The visitor's cookie holds only a random token whose SHA-256 names this row, so the cookie
    says nothing about who is signing in; the secret of a second factor being set up waits here
    too.
    """

    __tablename__ = "pending_sign_in"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie token
    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    next_url: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow,
                                                 index=True)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A failed log-in for an e-mail address (known or not), for the per-account lock."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_email_at", "email", "at"),
        CheckConstraint("email <> ''", name="email_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(64), nullable=True)
