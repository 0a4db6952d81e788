"""The platform's seal on issued PDFs, and what an uploaded PDF's signatures say.

Agreed and signed memorandum PDFs carry a PAdES signature (pyHanko) made with the platform's
key, so a PDF reader shows the file unchanged since the embassy issued it. In production the
key and certificate are configured (``MEMORANDUM_SIGNING_KEY``, ``MEMORANDUM_SIGNING_CERT``,
optional ``MEMORANDUM_SIGNING_CHAIN`` and ``MEMORANDUM_SIGNING_PASSPHRASE``; see
docs/configuration.md). Development and tests make a self-signed pair in
``instance/signing/`` on first use; production refuses to seal without a configured one.

``check_seal`` validates an uploaded file against the platform's certificate: intact, made by
that certificate, and covering the whole file (a byte changed or appended makes it invalid).
``signers`` lists the subject names of any digital signatures in a PDF, without judging their
legal status.
"""

import asyncio
import datetime
import functools
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app

from ..core.files import private_folder

log = logging.getLogger(__name__)
FIELD = "EmbassyPlatformSeal"
SELF_SIGNED_NAME = "Partnership platform (development seal)"


class SealUnavailable(RuntimeError):
    """No key to seal with (production without MEMORANDUM_SIGNING_KEY/CERT)."""


@dataclass(frozen=True)
class SealCheck:
    """What validating an uploaded PDF against the platform's certificate found."""

    sealed: bool        # it carries at least one signature
    valid: bool         # the platform's seal, intact, covering the whole file
    signed_at: datetime.datetime | None = None


@dataclass(frozen=True)
class KeyFiles:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    passphrase: bytes | None


def key_files() -> KeyFiles:
    """The configured key and certificate, or a self-signed pair outside production."""
    config = current_app.config
    key, cert = config.get("MEMORANDUM_SIGNING_KEY"), config.get("MEMORANDUM_SIGNING_CERT")
    passphrase = config.get("MEMORANDUM_SIGNING_PASSPHRASE")
    chain = tuple(Path(part.strip()) for part in
                  (config.get("MEMORANDUM_SIGNING_CHAIN") or "").split(",") if part.strip())
    if key and cert:
        return KeyFiles(Path(key), Path(cert), chain,
                        passphrase.encode() if passphrase else None)
    if config.get("ENV_NAME") == "production":
        raise SealUnavailable("set MEMORANDUM_SIGNING_KEY and MEMORANDUM_SIGNING_CERT "
                              "(see docs/configuration.md)")
    folder = Path(current_app.instance_path) / "signing"
    return _self_signed(folder)


def _self_signed(folder: Path) -> KeyFiles:
    """A development key and certificate in ``folder``, made once (never committed)."""
    key_path, cert_path = folder / "seal-key.pem", folder / "seal-cert.pem"
    if not (key_path.is_file() and cert_path.is_file()):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        private_folder(folder)
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SELF_SIGNED_NAME),
                          x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(
                    digital_signature=True, content_commitment=True, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=False,
                    crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                               critical=False)
                .sign(key, hashes.SHA256()))
        _write_private(key_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        log.warning("made a self-signed memorandum seal in %s (development only)", folder)
    return KeyFiles(key_path, cert_path, (), None)


def _write_private(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.write(data)
    os.replace(temporary, path)


def _stamp(files: KeyFiles) -> tuple:
    """What identifies the key files' current content (path and modification time)."""
    return tuple((str(path), path.stat().st_mtime_ns)
                 for path in (files.key, files.cert, *files.chain))


def _signer():
    files = key_files()
    return _load_signer(_stamp(files), files.passphrase)


@functools.lru_cache(maxsize=4)
def _load_signer(stamp: tuple, passphrase: bytes | None):
    from pyhanko.sign import signers

    paths = [path for path, _mtime in stamp]
    signer = signers.SimpleSigner.load(paths[0], paths[1], ca_chain_files=paths[2:] or None,
                                       key_passphrase=passphrase)
    if signer is None:
        raise SealUnavailable("the memorandum signing key or certificate cannot be read")
    return signer


def certificate():
    """The platform's signing certificate (asn1crypto), as the seal carries it."""
    return _signer().signing_cert


def fingerprint() -> str:
    """A short SHA-256 of the signing certificate: part of the cache key of sealed PDFs."""
    return hashlib.sha256(certificate().dump()).hexdigest()[:16]


def seal(data: bytes, reason: str = "Issued by the partnership platform of the Embassy of "
                                     "Ukraine in the Republic of Kazakhstan") -> bytes:
    """The PDF with the platform's PAdES signature appended (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location="Astana",
        certify=True, docmdp_permissions=fields.MDPPerm.NO_CHANGES)
    output = BytesIO()
    signing = signers.async_sign_pdf(writer, metadata, signer=_signer(), output=output)
    _run_to_the_end(signing)
    return output.getvalue()


def _run_to_the_end(coroutine) -> None:
    """Run pyHanko's signing coroutine. ``asyncio.run`` refuses to start inside a thread that
    already runs an event loop (an async server, a browser driver): there it runs on a thread
    of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def _embedded(data: bytes):
    """The embedded signatures of a PDF (an empty list for a PDF without any); raises
    ValueError on a file pyHanko cannot read."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        return reader, list(reader.embedded_signatures)
    except (PdfError, KeyError, TypeError, AttributeError, IndexError, ValueError,
            AssertionError, RecursionError, OSError) as error:
        raise ValueError(str(error)[:200]) from error


def check_seal(data: bytes) -> SealCheck:
    """Whether the PDF carries the platform's valid seal over all of its bytes."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        _reader, embedded = _embedded(data)
    except ValueError:
        return SealCheck(sealed=False, valid=False)
    if not embedded:
        return SealCheck(sealed=False, valid=False)
    ours = certificate()
    context = ValidationContext(trust_roots=[ours], allow_fetching=False)
    for signature in embedded:
        try:
            if signature.signer_cert.dump() != ours.dump():
                continue
            status = validate_pdf_signature(signature, signer_validation_context=context)
        except Exception:  # noqa: BLE001 - a malformed signature is just not a valid seal
            log.info("an uploaded PDF's signature could not be validated", exc_info=True)
            continue
        if (status.intact and status.valid and status.trusted
                and status.coverage == SignatureCoverageLevel.ENTIRE_FILE):
            return SealCheck(sealed=True, valid=True, signed_at=status.signer_reported_dt)
    return SealCheck(sealed=True, valid=False)


def signers(data: bytes) -> list[str]:
    """The subject names of the digital signatures a PDF carries (none for a plain scan);
    nothing is said about whether they are qualified or valid."""
    try:
        _reader, embedded = _embedded(data)
    except ValueError:
        return []
    names = []
    for signature in embedded:
        try:
            names.append(signature.signer_cert.subject.human_friendly)
        except Exception:  # noqa: BLE001 - a broken signature object has no readable signer
            log.info("a signature's signer could not be read", exc_info=True)
    return names
