"""Time-based one-time passwords (RFC 6238) and recovery codes."""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    """A fresh base32 TOTP secret."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code (no inline script, no data: URL, so the CSP allows it)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b2545", light="#ffffff",
                                                 title="QR")


def matching_step(secret: str, code: str, last_step: int | None, now: float | None = None):
    """The time step the code belongs to (±1 step of drift), or None; a step is used once."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes(count: int = 10) -> list[str]:
    """Readable single-use codes like ``k7mq-2xzp-9hdt``."""
    def one() -> str:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    return [one() for _ in range(count)]


def hash_recovery_code(code: str) -> str:
    """SHA-256 of the normalised code (60 random bits: a fast hash is enough)."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()
