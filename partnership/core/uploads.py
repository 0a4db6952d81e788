"""Uploaded files (signed memoranda, consent documents): checked by content, kept in the shared
storage (``core/storage.py``) under random names, read back only through a service that checked
access.

A stored file is known by its area and random name alone; the original name is kept by the
caller's model for display and never reaches the storage. ``UPLOAD_FOLDER`` (default
``instance/uploads``, one sub-folder per area) is where files were kept on the host's own disk
before; ``flask migrate-uploads`` moves them into the storage.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from .files import private_folder
from .services import ServiceError
from .storage import storage

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# kind -> (leading bytes, media type, extension)
SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf", "pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
}
_NAME_ALPHABET = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


@dataclass(frozen=True)
class Upload:
    """What the caller keeps about a stored upload."""

    name: str          # random name inside the area
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
    """The folder where one area's uploads were kept on this host's disk before they moved to
    the shared storage (created with owner-only permissions)."""
    root = Path(current_app.config.get("UPLOAD_FOLDER")
                or Path(current_app.instance_path) / "uploads")
    folder = root / area
    return private_folder(folder)


def store_upload(stream, area: str, kinds=("pdf",), max_bytes: int = MAX_UPLOAD_BYTES,
                 field: str | None = None,
                 seal: Callable[[bytes], bytes] | None = None) -> Upload:
    """Check ``stream`` (a file object) by its content and size and keep it under a random name,
    with the current unit of work (gone if it does not commit).

    ``seal`` turns the checked bytes into what is stored (the programme encrypts its consent
    documents); the returned size and sha256 are those of the file as uploaded.
    Raises ServiceError (tied to ``field``) when the file is empty, too large, or not one of
    ``kinds``; nothing is stored then.
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
    stored = seal(data) if seal is not None else data
    storage().put(area, name, stored,
                  "application/octet-stream" if seal is not None else media_type)
    return Upload(name=name, media_type=media_type, size=len(data),
                  sha256=hashlib.sha256(data).hexdigest())


def valid_name(name: str) -> bool:
    """Whether ``name`` is one we could have made (anything else is never looked up)."""
    return bool(name) and not set(name.lower()) - _NAME_ALPHABET \
        and not name.startswith(".") and "/" not in name


def read_upload(area: str, name: str) -> bytes:
    """The bytes of a stored upload (as stored); FileNotFoundError when there is none."""
    if not valid_name(name):
        raise FileNotFoundError(name)
    return storage().get(area, name)


def stream_upload(area: str, name: str):
    """The stored upload in pieces, for a download; FileNotFoundError when there is none."""
    if not valid_name(name):
        raise FileNotFoundError(name)
    return storage().stream(area, name)


def upload_exists(area: str, name: str) -> bool:
    return valid_name(name) and storage().exists(area, name)


def delete_upload(area: str, name: str) -> bool:
    """Remove a stored upload, with the current unit of work; True when there was one."""
    if not valid_name(name):
        return False
    return storage().delete(area, name)
