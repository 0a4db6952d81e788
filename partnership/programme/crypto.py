"""Encryption of child identity records: Fernet (AES-128-CBC + HMAC-SHA256) keys kept outside
the database, newest first, each known by a short id stored next to the ciphertext.

Keys come from ``PROGRAMME_IDENTITY_KEYS`` (comma-separated, newest first) or, when that is
not set, from ``instance/identity_keys`` (one key a line, newest first, mode 0600), which
development and testing create once. Production without a key refuses identity operations
with a clear message; the rest of the application keeps working.
"""

import hashlib
import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.files import private_folder
from ..core.services import ServiceError

KEY_FILE = "identity_keys"


class IdentityKeysMissing(ServiceError):
    """No identity key is configured (production): identity operations are refused."""


def key_id(key: bytes | str) -> str:
    """A short, non-secret name of a key (first 12 hex digits of its SHA-256)."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(raw.strip()).hexdigest()[:12]


def key_file() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _read_file(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Write the keys (newest first) atomically, readable by the owner only."""
    private_folder(path.parent)
    temporary = path.with_name(path.name + ".new")
    if temporary.exists():
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def keys_from_environment() -> bool:
    return bool(current_app.config.get("PROGRAMME_IDENTITY_KEYS"))


def identity_keys() -> list[str]:
    """The configured keys, newest first; creates the development key file once."""
    configured = current_app.config.get("PROGRAMME_IDENTITY_KEYS")
    if configured:
        return [key.strip() for key in configured.split(",") if key.strip()]
    path = key_file()
    if path.exists():
        return _read_file(path)
    if current_app.config["ENV_NAME"] == "production":
        raise IdentityKeysMissing(_l(
            "Children's identity records cannot be opened: no encryption key is configured. "
            "Set PROGRAMME_IDENTITY_KEYS (see docs/programme.md)."))
    key = Fernet.generate_key().decode()
    write_key_file(path, [key])
    return [key]


def readiness() -> tuple[str, str | None]:
    """For ``/readyz``: whether identity records can be opened (no key is created here)."""
    configured = current_app.config.get("PROGRAMME_IDENTITY_KEYS")
    if configured:
        keys = [key.strip() for key in configured.split(",") if key.strip()]
    elif key_file().exists():
        keys = _read_file(key_file())
    elif current_app.config["ENV_NAME"] == "production":
        keys = []
    else:
        return "identity_keys", None  # development and testing create one on first use
    if not keys:
        return "identity_keys", "missing"
    try:
        _fernets(keys)
    except IdentityKeysMissing:
        return "identity_keys", "invalid"
    return "identity_keys", None


def _fernets(keys: list[str]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise IdentityKeysMissing(_l(
            "An identity encryption key is not a valid key. Check PROGRAMME_IDENTITY_KEYS "
            "(see docs/programme.md).")) from None


def encrypt(record: dict) -> tuple[bytes, str]:
    """The record as ciphertext under the newest key, and that key's id."""
    keys = identity_keys()
    plain = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return _fernets(keys[:1]).encrypt(plain), key_id(keys[0])


def decrypt(ciphertext: bytes) -> dict:
    """The record, with whichever configured key made it."""
    try:
        plain = _fernets(identity_keys()).decrypt(bytes(ciphertext))
    except InvalidToken:
        raise IdentityKeysMissing(_l(
            "This identity record was encrypted with a key that is no longer configured."
        )) from None
    return json.loads(plain.decode("utf-8"))


def reencrypt(ciphertext: bytes) -> tuple[bytes, str]:
    """The same record under the newest key (old keys must still be configured)."""
    keys = identity_keys()
    try:
        rotated = _fernets(keys).rotate(bytes(ciphertext))
    except InvalidToken:
        raise IdentityKeysMissing(_l(
            "This identity record was encrypted with a key that is no longer configured."
        )) from None
    return rotated, key_id(keys[0])


def encrypt_document(data: bytes) -> bytes:
    """A document's bytes (a signed consent) as ciphertext under the newest key."""
    return _fernets(identity_keys()[:1]).encrypt(data)


def decrypt_document(ciphertext: bytes) -> bytes:
    """A document's bytes, with whichever configured key encrypted them."""
    try:
        return _fernets(identity_keys()).decrypt(bytes(ciphertext))
    except InvalidToken:
        raise IdentityKeysMissing(_l(
            "This document was encrypted with a key that is no longer configured.")) from None


def under_newest_key(ciphertext: bytes) -> bool:
    """Whether ``ciphertext`` was made with the newest key (rotation skips it then)."""
    try:
        _fernets(identity_keys()[:1]).decrypt(bytes(ciphertext))
    except InvalidToken:
        return False
    return True


def add_new_key() -> str:
    """Put a fresh key first in the key file and return its id (file-held keys only)."""
    path = key_file()
    existing = identity_keys()
    key = Fernet.generate_key().decode()
    write_key_file(path, [key, *existing])
    return key_id(key)
