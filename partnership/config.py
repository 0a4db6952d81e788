"""Settings: class defaults, then environment variables, then ``instance/config.py``.

The environment (``PARTNERSHIP_ENV``) is ``production`` unless said otherwise: a server started
without configuration refuses to run without a secret key rather than running with a weak one.
"""

import os
from datetime import timedelta
from pathlib import Path

from .core.links import DEVELOPMENT_ADDRESS
from .core.roles import Role

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "testing", "production")


class Config:
    """Defaults for every environment."""

    ENV_NAME = "production"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from the instance folder when empty
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    # The scheduler (core/scheduler.py, `flask scheduler`): its Redis lock's expiry, how often it
    # looks for due jobs, and how old its heartbeat may be before /readyz answers 503. Whether
    # /readyz expects a scheduler at all: None follows REDIS_URL (no scheduler without Redis).
    SCHEDULER_LOCK_TTL = 30
    SCHEDULER_TICK = 5
    SCHEDULER_HEARTBEAT_MAX_AGE = 90
    SCHEDULER_EXPECTED: bool | None = None
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # Redis down: the limits count in each process's memory until it answers again (checked
    # every few seconds) instead of the request failing; nothing goes unlimited.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATE_LIMIT_LOGIN = "20 per 10 minutes"
    RATE_LIMIT_RESET = "5 per 15 minutes"
    RATE_LIMIT_REGISTER = "10 per hour"
    RATE_LIMIT_REAUTH = "5 per 15 minutes"  # the password asked again (case export, 2-step)
    RATE_LIMIT_VERIFY_UPLOAD = "20 per 10 minutes"  # PDFs checked on the public /verify page
    RATE_LIMIT_CONTACT = "5 per hour"  # messages to the embassy, per client address

    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    IMPORT_MAX_ROWS = 5000  # data rows one file may hold on the import page
    IMPORT_BACKGROUND_ROWS = 500  # larger files run in the worker when REDIS_URL is set
    CATALOGUE_BACKGROUND_ORGANISATIONS = 150  # larger catalogues render in the worker (Redis)
    # The platform's seal on agreed memorandum PDFs (docs/configuration.md): PEM files; the
    # chain is comma-separated. Without them development and tests make a self-signed pair in
    # instance/signing/; production refuses to seal.
    MEMORANDUM_SIGNING_KEY: str | None = None
    MEMORANDUM_SIGNING_CERT: str | None = None
    MEMORANDUM_SIGNING_CHAIN: str | None = None
    MEMORANDUM_SIGNING_PASSPHRASE: str | None = None
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    SESSION_COOKIE_NAME = "pp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_IDLE_TIMEOUT_BY_ROLE = {Role.PROGRAMME_COORDINATOR: timedelta(minutes=15)}
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    SESSION_TOUCH_INTERVAL = timedelta(seconds=60)
    PENDING_LOGIN_TIMEOUT = timedelta(minutes=5)

    LOGIN_LOCK_THRESHOLD = 10
    LOGIN_LOCK_WINDOW = timedelta(minutes=15)
    PASSWORD_RESET_TTL = timedelta(hours=1)
    INVITATION_TTL = timedelta(days=7)
    TOTP_REQUIRED_ROLES = (Role.EMBASSY_OFFICER, Role.PROGRAMME_COORDINATOR, Role.ADMIN)
    TOTP_ISSUER = "Medical Partnerships UA-KZ"

    HSTS = True
    TRUSTED_PROXIES = 0  # how many reverse proxies set X-Forwarded-For in front of the app

    LANGUAGES = ("uk", "kk", "en")
    BABEL_DEFAULT_LOCALE = "uk"
    BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "partnership" / "translations")

    MAIL_SERVER: str | None = None  # no server: e-mails are written to the log
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_DEFAULT_SENDER = "no-reply@partnership.local"
    MAIL_SEND_INLINE = True  # without a worker, send right after the request commits
    # A request's domain events go to their handlers (notifications, e-mails) after its response
    # has been sent, so telling people never slows the page; False runs them before it.
    EVENTS_AFTER_RESPONSE = True
    PUBLIC_BASE_URL: str | None = None  # the host of links in e-mails and memorandum QR codes
    # Production answers only to PUBLIC_BASE_URL's host, loopback and these (comma-separated in
    # the environment; a leading dot admits subdomains). Elsewhere any well-formed host.
    TRUSTED_HOSTS: list[str] | None = None
    # Shown to people of a rejected organisation; without it, the officer who decided.
    EMBASSY_CONTACT_EMAIL: str | None = None

    LOG_LEVEL = "INFO"
    # json: one JSON object a line (time, level, logger, message, request id, ...), without
    # e-mail or IP addresses (core/logs.py); console: readable lines, for development.
    LOG_FORMAT = "json"
    # Prometheus scrapes /metrics with "Authorization: Bearer <this>"; unset, /metrics is a 404.
    METRICS_TOKEN: str | None = None
    # Where uploads (signed scans, consent documents) were kept before 0020: read only by
    # ``flask migrate-uploads``, which moves them into the shared storage below.
    UPLOAD_FOLDER: str | None = None  # default instance/uploads
    # Files every app host shares (core/storage.py): "database" (the stored_file table) or "s3".
    STORAGE_BACKEND = "database"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None  # an S3-compatible service (MinIO, Ceph ...); None: AWS
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_PREFIX = ""  # prepended to every object key, e.g. "partnership/"
    # While S3 does not answer, a page waits at most about attempts x connect timeout, then
    # answers 503 "try again" (core/storage.py); botocore's defaults were a minute per attempt.
    S3_CONNECT_TIMEOUT = 3  # seconds
    S3_READ_TIMEOUT = 20  # seconds
    S3_MAX_ATTEMPTS = 2  # the first try included
    # Children's identity records: Fernet keys, comma-separated, newest first (docs/programme.md);
    # without it, development and testing keep instance/identity_keys, production refuses.
    PROGRAMME_IDENTITY_KEYS: str | None = None
    PROGRAMME_RETENTION_DAYS = 365  # after a case is closed, its identity record is erased
    # Tests: a flush during a GET or HEAD request raises (they must write nothing).
    STRICT_SAFE_METHODS = False
    # Directory pages each app process keeps rendered until the directory's data changes
    # (organisations/directory_cache.py; up to about 60 kB of memory each); 0 keeps none.
    DIRECTORY_CACHE_ENTRIES = 500
    # Proposals pages each app process keeps rendered until a proposal, an organisation or an
    # item changes (matching/page_cache.py; 130-220 kB of memory each); 0 keeps none.
    PROPOSALS_CACHE_ENTRIES = 200


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The address `make run` serves (it passes its PORT): links never take the request's Host.
    PUBLIC_BASE_URL = DEVELOPMENT_ADDRESS
    SESSION_COOKIE_SECURE = False
    HSTS = False
    LOG_LEVEL = "DEBUG"
    LOG_FORMAT = "console"


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    PUBLIC_BASE_URL = None  # tests set it when they need it; links then follow the test client
    LOG_LEVEL = "WARNING"
    STRICT_SAFE_METHODS = True  # a GET that writes fails the test (core.unit_of_work)


class ProductionConfig(Config):
    # Database errors then name the statement but not its values: free text (a child's needs,
    # progress notes) never reaches a log through an error message.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}


_CLASSES = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

_ENV_STRINGS = (
    "SECRET_KEY", "REDIS_URL", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER", "PUBLIC_BASE_URL", "LOG_LEVEL", "UPLOAD_FOLDER",
    "PROGRAMME_IDENTITY_KEYS", "EMBASSY_CONTACT_EMAIL",
    "MEMORANDUM_SIGNING_KEY", "MEMORANDUM_SIGNING_CERT", "MEMORANDUM_SIGNING_CHAIN",
    "MEMORANDUM_SIGNING_PASSPHRASE", "RATE_LIMIT_LOGIN", "STORAGE_BACKEND", "S3_BUCKET",
    "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX",
    "LOG_FORMAT", "METRICS_TOKEN",
)
_ENV_INTS = ("MAIL_PORT", "TRUSTED_PROXIES", "MAX_CONTENT_LENGTH", "PROGRAMME_RETENTION_DAYS",
             "IMPORT_MAX_ROWS", "IMPORT_BACKGROUND_ROWS", "CATALOGUE_BACKGROUND_ORGANISATIONS",
             "SCHEDULER_LOCK_TTL", "SCHEDULER_TICK", "SCHEDULER_HEARTBEAT_MAX_AGE",
             "S3_CONNECT_TIMEOUT", "S3_READ_TIMEOUT", "S3_MAX_ATTEMPTS",
             "DIRECTORY_CACHE_ENTRIES", "PROPOSALS_CACHE_ENTRIES")
_ENV_BOOLS = ("MAIL_USE_TLS", "RATELIMIT_ENABLED", "SCHEDULER_EXPECTED")
_ENV_LISTS = ("TRUSTED_HOSTS",)


def environment_name(explicit: str | None = None) -> str:
    """The environment this process runs in: development, testing or production."""
    name = (explicit or os.environ.get("PARTNERSHIP_ENV") or "production").lower()
    if name not in ENVIRONMENTS:
        allowed = ", ".join(ENVIRONMENTS)
        raise RuntimeError(f"PARTNERSHIP_ENV must be one of {allowed}, not {name!r}")
    return name


def from_environment(environ=os.environ) -> dict:
    """Settings taken from environment variables."""
    values: dict = {}
    for key in _ENV_STRINGS:
        if environ.get(key):
            values[key] = environ[key]
    for key in _ENV_INTS:
        if environ.get(key):
            values[key] = int(environ[key])
    for key in _ENV_BOOLS:
        if environ.get(key):
            values[key] = environ[key].strip().lower() in ("1", "true", "yes", "on")
    for key in _ENV_LISTS:
        if environ.get(key):
            values[key] = [part.strip() for part in environ[key].split(",") if part.strip()]
    if environ.get("DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    if values.get("REDIS_URL"):
        values["RATELIMIT_STORAGE_URI"] = values["REDIS_URL"]
    return values


def normalise_database_url(url: str) -> str:
    """Point plain ``postgres://`` and ``postgresql://`` URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def config_class(name: str) -> type[Config]:
    """The defaults class of an environment."""
    return _CLASSES[name]
