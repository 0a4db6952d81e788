"""Backups you can restore: one archive (a tar) holding the database, the stored files when
they live outside it (S3), and a manifest of row counts per table and the files' SHA-256.

- SQLite: SQLite's online backup API (a consistent copy while the application runs).
- PostgreSQL: ``pg_dump -Fc`` inside an exported snapshot, so the manifest's counts and hashes
  are those of exactly the dumped data; ``pg_restore`` puts it back.

``restore_drill`` backs up, restores into a fresh database, and compares.
"""

import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url

from ..extensions import db
from .database import utcnow
from .storage import StoredFile, storage

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore cannot be made; the message says why and what to do."""


# --- reading a database ---------------------------------------------------------------------

def row_counts(url: str | URL) -> dict[str, int]:
    """Rows per table of the database at ``url`` (Alembic's own table included)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _counts(connection)
    finally:
        engine.dispose()


def _counts(connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {name: connection.scalar(select(func.count()).select_from(table(name)))
            for name in names}


def file_hashes(url: str | URL) -> dict[str, str]:
    """``area/key`` -> SHA-256 of the bytes of every file in the database's ``stored_file``
    table, computed from the bytes themselves (not read from the ``sha256`` column)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _hashes(connection)
    finally:
        engine.dispose()


def _hashes(connection) -> dict[str, str]:
    if StoredFile.__tablename__ not in inspect(connection).get_table_names():
        return {}
    columns = StoredFile.__table__.c
    if connection.dialect.name == "postgresql":  # hashed by the server, one row at a time
        rows = connection.execute(select(columns.area, columns.key, func.encode(
            func.sha256(columns.data), "hex")).order_by(columns.id))
        return {f"{area}/{key}": digest for area, key, digest in rows}
    hashes = {}
    for row_id, area, key in connection.execute(
            select(columns.id, columns.area, columns.key).order_by(columns.id)).all():
        data = connection.scalar(select(columns.data).where(columns.id == row_id))
        hashes[f"{area}/{key}"] = hashlib.sha256(data).hexdigest()
    return hashes


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL as pg_dump and pg_restore take it, and the environment with its password (kept
    off the command line, which other users of the host can read)."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed or not on PATH. Install the PostgreSQL client tools of "
            "the server's major version or newer (Debian: apt install postgresql-client).")
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    finished = subprocess.run(command, env=environment, capture_output=True, text=True,  # noqa: S603
                              check=False)
    if finished.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: "
                          f"{finished.stderr.strip() or finished.stdout.strip()}")


# --- backup -----------------------------------------------------------------------------------

@dataclass
class Manifest:
    """What an archive holds: enough to restore it and to check the restored copy."""

    dialect: str
    database: str                      # the member holding the database
    database_sha256: str
    tables: dict[str, int]
    files: dict[str, str]              # area/key -> sha256
    storage: str                       # database: files are in the dump; s3: under files/
    created_at: str = ""
    format: int = FORMAT
    extra: dict = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        values = json.loads(data)
        if values.get("format") != FORMAT:
            raise BackupError("This archive is not a backup of this application.")
        return cls(**values)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for piece in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(piece)
    return digest.hexdigest()


def _new_private_file(path: Path):
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def create_backup(output: Path) -> Manifest:
    """Write one archive of the database (and of the S3 files) to ``output`` (must not exist)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name.")
    engine = db.engine
    with tempfile.TemporaryDirectory(prefix="partnership-backup-") as scratch:
        work = Path(scratch)
        if engine.dialect.name == "sqlite":
            member = "database.sqlite"
            copy = work / member
            source = sqlite3.connect(engine.url.database)
            destination = sqlite3.connect(copy)
            try:
                with destination:
                    source.backup(destination)
            finally:
                destination.close()
                source.close()
            copied = f"sqlite:///{copy}"
            tables, files = row_counts(copied), file_hashes(copied)
        elif engine.dialect.name == "postgresql":
            member = "database.dump"
            tables, files = _pg_dump(engine.url, work / member)
        else:
            raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")
        shared = storage()
        objects = []
        if shared.name != "database":  # the files live outside the database: archive them
            for info in shared.listing():
                data = shared.get(info.area, info.key)
                files[f"{info.area}/{info.key}"] = hashlib.sha256(data).hexdigest()
                objects.append((f"files/{info.area}/{info.key}", data))
        manifest = Manifest(dialect=engine.dialect.name, database=member,
                            database_sha256=_sha256_file(work / member), tables=tables,
                            files=files, storage=shared.name,
                            created_at=utcnow().isoformat(timespec="seconds"))
        with _new_private_file(output) as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            tar.add(work / member, arcname=member)
            for name, data in objects:
                _add_bytes(tar, name, data)
            _add_bytes(tar, MANIFEST, manifest.to_json())
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _pg_dump(url: URL, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Dump inside an exported snapshot and count what that snapshot holds."""
    pg_dump = _tool("pg_dump")
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            tables, files = _counts(connection), _hashes(connection)
            address, environment = _libpq(url)
            # The snapshot lives as long as this transaction: dump while it is open.
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}", f"--dbname={address}"],
                 environment)
            connection.rollback()
    finally:
        engine.dispose()
    return tables, files


# --- restore ----------------------------------------------------------------------------------

def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, mode="r") as tar:
        try:
            return Manifest.from_json(tar.extractfile(MANIFEST).read())
        except KeyError:
            raise BackupError(f"{archive} holds no {MANIFEST}: it is not a backup of this "
                              "application.") from None


def restore_backup(archive: Path, target_url: str, *, files: bool = True) -> Manifest:
    """Put the archive's database into ``target_url`` (its tables are replaced) and, for an
    archive of S3 files, the files back into the configured storage (``files``)."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    target = make_url(target_url)
    if target.get_backend_name() != manifest.dialect:
        raise BackupError(f"This archive holds a {manifest.dialect} database; the target is "
                          f"{target.get_backend_name()}.")
    with tempfile.TemporaryDirectory(prefix="partnership-restore-") as scratch, \
            tarfile.open(archive, mode="r") as tar:
        work = Path(scratch)
        tar.extract(manifest.database, work, filter="data")
        dumped = work / manifest.database
        if _sha256_file(dumped) != manifest.database_sha256:
            raise BackupError("The database in this archive does not match its manifest: the "
                              "archive is damaged.")
        if manifest.dialect == "sqlite":
            _restore_sqlite(dumped, Path(target.database))
        else:
            address, environment = _libpq(target)
            _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                  "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={address}", str(dumped)], environment)
        if files and manifest.storage != "database":
            shared = storage()
            for name, expected in manifest.files.items():
                data = tar.extractfile(f"files/{name}").read()
                if hashlib.sha256(data).hexdigest() != expected:
                    raise BackupError(f"The file {name} in this archive does not match its "
                                      "manifest: the archive is damaged.")
                area, _slash, key = name.partition("/")
                shared.put(area, key, data, "application/octet-stream", with_unit=False)
    return manifest


def _restore_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    copy = sqlite3.connect(source)
    destination = sqlite3.connect(target)
    try:
        with destination:
            copy.backup(destination)  # replaces every page of the target
    finally:
        destination.close()
        copy.close()


def archived_file_hashes(archive: Path, manifest: Manifest) -> dict[str, str]:
    """SHA-256 of each file held in the archive itself (S3 backups)."""
    hashes = {}
    with tarfile.open(archive, mode="r") as tar:
        for name in manifest.files:
            member = tar.extractfile(f"files/{name}")
            hashes[name] = hashlib.sha256(member.read()).hexdigest() if member else ""
    return hashes


# --- the drill --------------------------------------------------------------------------------

@dataclass
class Difference:
    kind: str          # table or file
    name: str
    backed_up: str
    restored: str


@dataclass
class DrillReport:
    tables: list[tuple[str, int, int | None]]
    files: int
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def compare(manifest: Manifest, tables: dict[str, int],
            files: dict[str, str]) -> DrillReport:
    """The restored copy's row counts and file hashes against the manifest's."""
    differences = []
    rows = []
    for name in sorted(set(manifest.tables) | set(tables)):
        before, after = manifest.tables.get(name), tables.get(name)
        rows.append((name, before, after))
        if before != after:
            differences.append(Difference("table", name, str(before), str(after)))
    for name in sorted(set(manifest.files) | set(files)):
        before, after = manifest.files.get(name), files.get(name)
        if before != after:
            differences.append(Difference("file", name, before or "missing",
                                          after or "missing"))
    return DrillReport(rows, len(manifest.files), differences)


def restore_drill(scratch: Path) -> DrillReport:
    """Back up the application's database, restore it into a fresh database (a new SQLite file,
    or a new PostgreSQL database on the same server, dropped afterwards) and compare."""
    scratch = Path(scratch)
    archive = scratch / f"drill-{secrets.token_hex(4)}.tar"
    manifest = create_backup(archive)
    source = db.engine.url
    if source.get_backend_name() == "sqlite":
        fresh = make_url(f"sqlite:///{scratch / f'drill-{secrets.token_hex(4)}.db'}")
        return _restore_and_compare(archive, manifest, fresh)
    name = f"{source.database}_drill_{secrets.token_hex(4)}"
    server = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            return _restore_and_compare(archive, manifest, source.set(database=name))
        finally:
            with server.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        server.dispose()


def _restore_and_compare(archive: Path, manifest: Manifest, fresh: URL) -> DrillReport:
    address = fresh.render_as_string(hide_password=False)
    restore_backup(archive, address, files=False)  # the live bucket is left alone
    tables = row_counts(address)
    if manifest.storage == "database":
        files = file_hashes(address)
    else:
        files = archived_file_hashes(archive, manifest)
    return compare(manifest, tables, files)
