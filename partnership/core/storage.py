"""Files every app host shares: uploads (signed scans, consent documents) and the PDF caches.

One small interface (``put``, ``get``, ``stream``, ``delete``, ``exists``, ``info``,
``listing``) over two backends, chosen by ``STORAGE_BACKEND``:

- ``database`` (default): the ``stored_file`` table (``bytea`` on PostgreSQL, ``BLOB`` on
  SQLite), so a backup of the database holds the files too;
- ``s3``: a bucket of S3-compatible object storage (``S3_*`` settings, boto3).

A file is known by its ``area`` (``memoranda``, ``programme``, ``memoranda-pdf``,
``catalogues``) and a ``key`` inside it. ``put(..., with_unit=True)`` belongs to the current
unit of work: in the database it commits or rolls back with the rows that name it; in S3 it
is deleted again if the unit rolls back. ``with_unit=False`` (caches written while answering
a GET) is kept at once.
"""

import functools
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import (
    BigInteger,
    LargeBinary,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import unit_of_work
from .database import UTCDateTime, utcnow

CHUNK = 1024 * 1024  # bytes read at a time when streaming


class StoredFile(db.Model):
    """One shared file of the database backend."""

    __tablename__ = "stored_file"
    __table_args__ = (UniqueConstraint("area", "key", name="uq_stored_file_area_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(40), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # of the stored bytes
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


@dataclass(frozen=True)
class FileInfo:
    """What the storage knows of a file, without its bytes."""

    area: str
    key: str
    content_type: str
    size: int
    sha256: str


def _info(area: str, key: str, data: bytes, content_type: str) -> FileInfo:
    return FileInfo(area, key, content_type, len(data), hashlib.sha256(data).hexdigest())


class DatabaseStorage:
    """Files in the ``stored_file`` table of the application's database."""

    name = "database"

    def put(self, area: str, key: str, data: bytes, content_type: str, *,
            with_unit: bool = True) -> FileInfo:
        """Store ``data``; replaces a file of the same key."""
        info = _info(area, key, data, content_type)
        if with_unit:
            # No autoflush: the caller may hold rows it has not added yet (a new consent).
            with db.session.no_autoflush:
                row = db.session.scalar(select(StoredFile).where(StoredFile.area == area,
                                                                 StoredFile.key == key))
            if row is None:
                row = StoredFile(area=area, key=key)
                db.session.add(row)
            row.content_type, row.size, row.sha256, row.data = (content_type, info.size,
                                                                info.sha256, data)
            row.created_at = utcnow()
            return info
        try:
            with unit_of_work.apart() as session:
                session.execute(delete(StoredFile).where(StoredFile.area == area,
                                                         StoredFile.key == key))
                session.add(StoredFile(area=area, key=key, content_type=content_type,
                                       size=info.size, sha256=info.sha256, data=data))
        except IntegrityError:
            pass  # another host stored the same key meanwhile: theirs is as good
        return info

    def get(self, area: str, key: str) -> bytes:
        """The file's bytes, or FileNotFoundError."""
        data = db.session.scalar(select(StoredFile.data).where(StoredFile.area == area,
                                                               StoredFile.key == key))
        if data is None:
            raise FileNotFoundError(f"{area}/{key}")
        return bytes(data)

    def info(self, area: str, key: str) -> FileInfo | None:
        row = db.session.execute(
            select(StoredFile.content_type, StoredFile.size, StoredFile.sha256)
            .where(StoredFile.area == area, StoredFile.key == key)).first()
        return FileInfo(area, key, *row) if row else None

    def exists(self, area: str, key: str) -> bool:
        return self.info(area, key) is not None

    def stream(self, area: str, key: str, chunk: int = CHUNK) -> Iterator[bytes]:
        """The file in pieces of ``chunk`` bytes, read by ``substr`` so the whole file is never
        in memory at once (FileNotFoundError at once when there is none)."""
        info = self.info(area, key)
        if info is None:
            raise FileNotFoundError(f"{area}/{key}")
        engine = db.engine  # the generator may run after the request's context has gone

        def pieces() -> Iterator[bytes]:
            with engine.connect() as connection:
                for start in range(0, info.size, chunk):
                    piece = connection.scalar(
                        select(func.substr(StoredFile.data, start + 1, chunk))
                        .where(StoredFile.area == area, StoredFile.key == key))
                    if piece is None:
                        return  # deleted meanwhile
                    yield bytes(piece)

        return pieces()

    def delete(self, area: str, key: str, *, with_unit: bool = True) -> bool:
        """Remove a file; True when there was one."""
        statement = delete(StoredFile).where(StoredFile.area == area, StoredFile.key == key)
        if with_unit:
            return bool(db.session.execute(statement).rowcount)
        with unit_of_work.apart() as session:
            return bool(session.execute(statement).rowcount)

    def listing(self, area: str | None = None) -> Iterator[FileInfo]:
        """Every stored file (of one area), without the bytes."""
        query = select(StoredFile.area, StoredFile.key, StoredFile.content_type,
                       StoredFile.size, StoredFile.sha256).order_by(StoredFile.id)
        if area is not None:
            query = query.where(StoredFile.area == area)
        for row in db.session.execute(query):
            yield FileInfo(*row)


class StorageUnavailable(Exception):
    """The shared storage does not answer: S3 unreachable, timing out, or failing (5xx). A
    page that needs a file answers 503 with a retry hint; a cache is skipped."""


def _answering(method):
    """Turn the S3 client's "cannot reach / server failing" errors into StorageUnavailable
    (a missing object stays FileNotFoundError or None)."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as Unreachable

        try:
            return method(self, *args, **kwargs)
        except (Unreachable, HTTPClientError) as error:
            raise StorageUnavailable(type(error).__name__) from error
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if status >= 500:
                raise StorageUnavailable(f"HTTP {status}") from error
            raise

    return call


class S3Storage:
    """Files as objects of an S3-compatible bucket (``S3_*`` settings)."""

    name = "s3"

    def __init__(self, config) -> None:
        import boto3  # only installations that use S3 need it
        from botocore.config import Config

        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET (docs/configuration.md).")
        self.bucket = config["S3_BUCKET"]
        self.prefix = config.get("S3_PREFIX") or ""
        # Short timeouts and few retries: while the storage does not answer, a person waits
        # seconds for a "try again" page rather than a minute per attempt (botocore's default).
        timeouts = Config(connect_timeout=config["S3_CONNECT_TIMEOUT"],
                          read_timeout=config["S3_READ_TIMEOUT"],
                          retries={"max_attempts": config["S3_MAX_ATTEMPTS"],
                                   "mode": "standard"})
        self.client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or None,
            aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None, config=timeouts)

    def _key(self, area: str, key: str) -> str:
        return f"{self.prefix}{area}/{key}"

    def _missing(self, error) -> bool:
        code = str(error.response.get("Error", {}).get("Code", ""))
        return code in {"404", "NoSuchKey", "NotFound"}

    @_answering
    def put(self, area: str, key: str, data: bytes, content_type: str, *,
            with_unit: bool = True) -> FileInfo:
        info = _info(area, key, data, content_type)
        self.client.put_object(Bucket=self.bucket, Key=self._key(area, key), Body=data,
                               ContentType=content_type, Metadata={"sha256": info.sha256})
        if with_unit:
            unit_of_work.on_rollback(lambda: self.delete(area, key, with_unit=False))
        return info

    def _object(self, area: str, key: str):
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(area, key))
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(f"{area}/{key}") from None
            raise

    @_answering
    def get(self, area: str, key: str) -> bytes:
        return self._object(area, key)["Body"].read()

    @_answering
    def info(self, area: str, key: str) -> FileInfo | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(area, key))
        except ClientError as error:
            if self._missing(error):
                return None
            raise
        return FileInfo(area, key, head.get("ContentType", "application/octet-stream"),
                        head["ContentLength"], head.get("Metadata", {}).get("sha256", ""))

    def exists(self, area: str, key: str) -> bool:
        return self.info(area, key) is not None

    @_answering
    def stream(self, area: str, key: str, chunk: int = CHUNK) -> Iterator[bytes]:
        body = self._object(area, key)["Body"]
        return body.iter_chunks(chunk)

    @_answering
    def delete(self, area: str, key: str, *, with_unit: bool = True) -> bool:
        existed = self.exists(area, key)
        if not existed:
            return False
        if with_unit:  # the row that names it may still roll back: remove it after the commit
            unit_of_work.after_commit(lambda: self.client.delete_object(
                Bucket=self.bucket, Key=self._key(area, key)))
        else:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(area, key))
        return True

    def listing(self, area: str | None = None) -> Iterator[FileInfo]:
        prefix = self.prefix + (f"{area}/" if area else "")
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                       Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", []):
                found_area, _slash, key = item["Key"][len(self.prefix):].partition("/")
                info = self.info(found_area, key)
                if info is not None:
                    yield info


class PieceReader(io.RawIOBase):
    """A read-only file object over an iterator of byte pieces (``stream``), so a download is
    sent piece by piece (``send_file``) without holding the whole file."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = iter(pieces)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._left:
            self._left = next(self._pieces, b"")
            if not self._left:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def storage():
    """The application's storage (one per application, made on first use)."""
    app = current_app._get_current_object()
    found = app.extensions.get("partnership.storage")
    if found is None:
        backend = (app.config.get("STORAGE_BACKEND") or "database").lower()
        if backend == "database":
            found = DatabaseStorage()
        elif backend == "s3":
            found = S3Storage(app.config)
        else:
            raise RuntimeError(f"STORAGE_BACKEND must be 'database' or 's3', not {backend!r}.")
        app.extensions["partnership.storage"] = found
    return found
