"""Private files: the instance folder and what the server keeps there are for its user only.

Folders are created 0700 and files 0600 whatever the umask (the SQLite database, its -wal and
-shm files, which SQLite creates with the database file's mode, the secret key, the identity keys,
the PDF cache, uploads). An instance folder or database left world-readable by an older version
is tightened when the application starts, if this user owns it.
"""

import contextlib
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) for this user only; tighten it if it was wider."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    for folder in missing:
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is cut by the umask; parents get none
    _tighten(path, FOLDER_MODE)
    return path


def private_sqlite_file(database_uri: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would follow the umask)."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" \
            or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if not path.parent.exists():
        return  # SQLite cannot open it either; its own error says so
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        _tighten(companion, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    with contextlib.suppress(FileNotFoundError, PermissionError):
        status = path.stat()
        if status.st_uid == os.getuid() and status.st_mode & 0o777 & ~mode:
            os.chmod(path, mode)


def instance_secret_key(instance_path: Path) -> str:
    """Read the development secret key from the instance folder, creating it (mode 0600) once."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_folder(instance_path)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
