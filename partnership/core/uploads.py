"""Uploaded files (signed memoranda, consent documents): checked by content, kept outside
``static/`` under random names, read back only through a service that checked access.

The folder is ``UPLOAD_FOLDER`` (default ``instance/uploads``), one sub-folder per area. A
stored file is known by its random name alone; the original name is kept by the caller's
model for display and never touches the file system.
"""

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from . import unit_of_work
from .files import private_folder
from .services import ServiceError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# kind -> (leading bytes, media type, extension)
SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf", "pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
}
_NAME_ALPHABET = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class StoredFile:
    """What the caller keeps about a stored upload."""

    name: str          # random name inside the area's folder
    media_type: str
    size: int
    sha256: str


def detect_kind(head: bytes) -> str | None:
    """The kind of file these leading bytes start, or None when it is none we accept."""
    for kind, (magic, _media, _ext) in SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


def area_folder(area: str) -> Path:
    """The folder of one area's uploads (created with owner-only permissions)."""
    root = Path(current_app.config.get("UPLOAD_FOLDER")
                or Path(current_app.instance_path) / "uploads")
    folder = root / area
    return private_folder(folder)


def store_upload(stream, area: str, kinds=("pdf",), max_bytes: int = MAX_UPLOAD_BYTES,
                 field: str | None = None) -> StoredFile:
    """Check ``stream`` (a file object) by its content and size and keep it under a random name.

    Raises ServiceError (tied to ``field``) when the file is empty, too large, or not one of
    ``kinds``; nothing is left on disk then.
    """
    data = stream.read(max_bytes + 1)
    if not data:
        raise ServiceError(_l("The file is empty."), field)
    if len(data) > max_bytes:
        raise ServiceError(_l("The file is larger than %(size)s MB.",
                              size=max_bytes // (1024 * 1024)), field)
    kind = detect_kind(data[:16])
    if kind not in kinds:
        allowed = ", ".join(SIGNATURES[k][2].upper() for k in kinds)
        raise ServiceError(_l("This file is not an accepted type (%(allowed)s).",
                              allowed=allowed), field)
    if kind == "pdf" and b"%%EOF" not in data[-2048:]:
        raise ServiceError(_l("This PDF file is incomplete or damaged."), field)
    _magic, media_type, extension = SIGNATURES[kind]
    name = f"{secrets.token_urlsafe(24)}.{extension}"
    path = area_folder(area) / name
    # O_EXCL: never overwrite; 0600: only the application's user may read it.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.write(data)
    # The file belongs to rows of the current unit of work: gone if they do not commit.
    unit_of_work.on_rollback(lambda: delete_upload(area, name))
    return StoredFile(name=name, media_type=media_type, size=len(data),
                      sha256=hashlib.sha256(data).hexdigest())


def upload_path(area: str, name: str) -> Path:
    """The path of a stored upload; refuses any name that is not one we made."""
    if not name or set(name.lower()) - _NAME_ALPHABET or name.startswith(".") or "/" in name:
        raise FileNotFoundError(name)
    path = area_folder(area) / name
    if not path.is_file():
        raise FileNotFoundError(name)
    return path


def delete_upload(area: str, name: str) -> bool:
    """Remove a stored upload; True when there was one to remove."""
    try:
        upload_path(area, name).unlink()
    except FileNotFoundError:
        return False
    return True
