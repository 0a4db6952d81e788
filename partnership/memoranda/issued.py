"""The PDFs the platform issued, and what the public verification page says of an upload.

Each sealed memorandum PDF the platform renders is remembered by its SHA-256, so an uploaded
file can be recognised as exactly an issued one. A file that is not, but carries the
platform's intact seal over all its bytes, is a validly sealed copy (issued before this record
existed, say). Anything else is neither: changed, re-saved, printed and scanned, or not ours.
"""

import enum
import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import unit_of_work, uploads
from ..core.database import UTCDateTime, utcnow
from ..core.services import ServiceError
from ..core.uploads import MAX_UPLOAD_BYTES, detect_kind
from ..extensions import db
from . import seal
from .models import Memorandum

SCAN_AREA = "memoranda"  # where approvals.sign keeps the signed scans


class IssuedPdf(db.Model):
    """A sealed memorandum PDF as the platform issued it (its bytes' SHA-256)."""

    __tablename__ = "issued_pdf"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    memorandum_id: Mapped[int] = mapped_column(
        ForeignKey("memorandum.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(nullable=False)
    languages: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    memorandum: Mapped[Memorandum] = relationship()


class Answer(enum.StrEnum):
    EXACT = "exact"      # byte for byte a PDF the platform issued
    SEALED = "sealed"    # the platform's intact seal over the whole file, not on record
    NEITHER = "neither"


@dataclass
class Verdict:
    answer: Answer
    issued: IssuedPdf | None = None
    signers: list[str] = field(default_factory=list)  # subject names of any signatures
    signed_at: datetime | None = None


def remember(memorandum: Memorandum, version: int, languages: tuple[str, ...], state: str,
             data: bytes) -> None:
    """Record an issued sealed PDF, apart from the request's unit (a download is a GET)."""
    digest = hashlib.sha256(data).hexdigest()
    row = {"sha256": digest, "memorandum_id": memorandum.id, "version": version,
           "languages": "-".join(languages), "state": str(state), "issued_at": utcnow()}
    if unit_of_work.in_safe_request():
        with unit_of_work.apart() as session:
            if session.scalar(select(IssuedPdf.id).where(IssuedPdf.sha256 == digest)) is None:
                session.add(IssuedPdf(**row))
        return
    if db.session.scalar(select(IssuedPdf.id).where(IssuedPdf.sha256 == digest)) is None:
        db.session.add(IssuedPdf(**row))


def read_upload(stream, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """An uploaded file's bytes when it is a PDF of at most ``max_bytes``; else ServiceError."""
    data = stream.read(max_bytes + 1) if stream is not None else b""
    if not data:
        raise ServiceError(_l("The file is empty."), "document")
    if len(data) > max_bytes:
        raise ServiceError(_l("The file is larger than %(size)s MB.",
                              size=max_bytes // (1024 * 1024)), "document")
    if detect_kind(data[:16]) != "pdf":
        raise ServiceError(_l("This file is not a PDF."), "document")
    return data


def verify_upload(data: bytes) -> Verdict:
    """Whether ``data`` is exactly an issued PDF, a validly sealed copy, or neither."""
    digest = hashlib.sha256(data).hexdigest()
    issued = db.session.scalar(select(IssuedPdf).where(IssuedPdf.sha256 == digest))
    names = seal.signers(data)
    if issued is not None:
        return Verdict(Answer.EXACT, issued=issued, signers=names)
    check = seal.check_seal(data)
    if check.valid:
        return Verdict(Answer.SEALED, signers=names, signed_at=check.signed_at)
    return Verdict(Answer.NEITHER, signers=names)


def scan_signers(memorandum: Memorandum) -> list[str]:
    """The subject names of the digital signatures in the memorandum's signed scan (none for a
    scan on paper); nothing is said about whether they are qualified."""
    if not memorandum.scan_name or not memorandum.scan_sha256:
        return []
    return list(_signers_of(memorandum.scan_name, memorandum.scan_sha256))


@functools.lru_cache(maxsize=256)
def _signers_of(name: str, sha256: str) -> tuple[str, ...]:
    try:
        data = uploads.read_upload(SCAN_AREA, name)
    except FileNotFoundError:
        return ()
    return tuple(seal.signers(data))

