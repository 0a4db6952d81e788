"""Password policy and hashing: argon2id, 12 to 128 characters, no common passwords."""

import gzip
import unicodedata
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128

# OWASP's argon2id floor: 19 MiB of memory, 2 passes, 1 lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32,
                        salt_len=16, type=Type.ID)
# Verifying against this when no user matches takes as long as a real check.
_DUMMY_HASH = HASHER.hash("timing equaliser: no account has this password")


def normalise(password: str) -> str:
    """Fold Unicode so the same password typed on different keyboards hashes the same."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    data = resources.files("partnership").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def password_problems(password: str, email: str | None = None) -> list[str]:
    """Why this password is refused (translated), or an empty list."""
    password = normalise(password)
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    folded = password.casefold()
    if folded in common_passwords() or len(set(folded)) <= 2:
        problems.append(_("This password is too common. Choose a phrase only you would think of."))
    elif email and folded in (email.casefold(), email.split("@")[0].casefold()):
        problems.append(_("Do not use your e-mail address as a password."))
    return problems


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return HASHER.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches; takes the same time when there is no hash."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, normalise(password)) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return HASHER.check_needs_rehash(stored_hash)
