"""Configurations: Development (SQLite in instance/), Testing, Production (all from the environment)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask.helpers import get_debug_flag

ROOT = Path(__file__).resolve().parent
INSTANCE = ROOT / "instance"


class Config:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'award.db'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_FOLDER = str(INSTANCE / "uploads")
    # Where uploaded and made files live: "local" (UPLOAD_FOLDER) or "s3" (an S3-compatible bucket, shared by
    # several app servers; see award_app/storage.py).
    STORAGE_BACKEND = "local"
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_PREFIX = ""
    REDIS_URL: str | None = None
    # Names this platform's keys on a shared Redis: the RQ queue and the rate limits' key prefix.
    REDIS_PREFIX = "award"
    # Without Redis, the work a request starts (jobs, e-mails) runs in a background thread of the web
    # process once the response is ready; True runs it inside the request, which then answers only when
    # the work is done (the tests' client expects the job finished when the POST returns).
    JOBS_RUN_INLINE = False
    # How often a job's page asks for its progress.
    JOB_PROGRESS_POLL_SECONDS = 2.0
    # Flask-WTF tokens live as long as the session: a juror writing long comments keeps the form.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    UPLOAD_MAX_FILE_MB = 20
    UPLOAD_MAX_DOSSIER_MB = 200
    # The largest /my-data.zip made (the files' total); beyond it the user is asked to contact the secretariat.
    PERSONAL_DATA_MAX_MB = 1024
    # The largest request read at all. A file over UPLOAD_MAX_FILE_MB within it is dropped as it arrives (never
    # kept beyond the limit, award_app/uploads.py) and the form comes back with what was typed and the file's size;
    # a larger request is refused unread (413), the page then showing the draft as last saved.
    MAX_CONTENT_LENGTH = 80 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "giaithuong@localhost"
    # The address users reach the platform at: every link that leaves a request (e-mails, QR codes) is built
    # from it, never from the request's Host. Development and `make run` read it from the environment.
    PUBLIC_URL = "http://127.0.0.1:5000"
    # Without SMTP, development prints each e-mail to the server's console (its links are secrets of the
    # recipient, hidden on the outbox page); the tests and production keep them in the outbox only.
    MAIL_TO_CONSOLE = False
    MINISTRY_NAME = "Bộ Nông nghiệp và Môi trường"
    MINISTRY_NAME_EN = "Ministry of Agriculture and Environment"
    PRIVACY_NOTICE_VERSION = "2026-1"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "award"
    # Sign-in throttling (award_app/accounts/rules.py), counted where RATELIMIT_STORAGE_URI says (Redis in
    # production). Per account and client address: SIGN_IN_FREE_FAILURES free failures, then a wait that doubles
    # from 2 seconds up to SIGN_IN_MAX_DELAY_SECONDS, remembered SIGN_IN_MEMORY_HOURS. Per account from anywhere:
    # past SIGN_IN_ACCOUNT_FAILURES in SIGN_IN_ACCOUNT_WINDOW_MINUTES, each address that has failed on it waits
    # the full SIGN_IN_MAX_DELAY_SECONDS (an address that has not failed is never held back). Per client address
    # over every account: SIGN_IN_ADDRESS_FAILURES in SIGN_IN_ADDRESS_WINDOW_MINUTES, then nothing until the
    # window ends.
    SIGN_IN_FREE_FAILURES = 5
    SIGN_IN_MAX_DELAY_SECONDS = 900
    SIGN_IN_MEMORY_HOURS = 24
    SIGN_IN_ACCOUNT_FAILURES = 30
    SIGN_IN_ACCOUNT_WINDOW_MINUTES = 60
    SIGN_IN_ADDRESS_FAILURES = 30
    SIGN_IN_ADDRESS_WINDOW_MINUTES = 15
    # Number of proxies (nginx) in front of gunicorn whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0
    PASSWORD_RESET_HOURS = 1
    # A new account's e-mail confirmation link works once, within this many hours; the account may ask for a
    # new one from the page "E-mail address", at most EMAIL_CONFIRMATION_RESEND_LIMITS (Flask-Limiter's notation).
    EMAIL_CONFIRMATION_HOURS = 48
    EMAIL_CONFIRMATION_RESEND_LIMITS = "3/hour"
    # A session ends after this many minutes without a request (staff, endorsers, jurors), or for an account
    # that only applies, after SESSION_IDLE_MINUTES_APPLICANT; and in any case SESSION_LIFETIME_HOURS after
    # signing in. Pages warn SESSION_WARNING_MINUTES before the idle end.
    SESSION_IDLE_MINUTES = 30
    SESSION_IDLE_MINUTES_APPLICANT = 120
    SESSION_LIFETIME_HOURS = 12
    SESSION_WARNING_MINUTES = 5
    # A council invitation link works once, for the signed-in invitee, within this many days of being sent.
    INVITATION_DAYS = 7
    # Downloads of one user's personal data archive (each reads every file and is audited): Flask-Limiter's notation.
    PERSONAL_DATA_DOWNLOAD_LIMITS = "10/hour"
    # Registrations per client address (each one hashes a password with scrypt): Flask-Limiter's notation.
    REGISTRATION_RATE_LIMITS = "5/minute;20/hour"
    # Registrations, and password reset requests, naming one e-mail address (each sends it a message, whether or
    # not it has an account), and reset requests per client address: Flask-Limiter's notation.
    REGISTRATION_EMAIL_RATE_LIMITS = "3/hour"
    PASSWORD_RESET_EMAIL_RATE_LIMITS = "3/hour"
    PASSWORD_RESET_RATE_LIMITS = "10/hour"
    # PEM files of the key and certificate that sign issued certificates (PAdES); unsigned when unset.
    CERTIFICATE_SIGNING_KEY: str | None = None
    CERTIFICATE_SIGNING_CERT: str | None = None
    DEMO_PASSWORD = None
    PASSWORD_HASH_METHOD = "scrypt"
    # The second factor (award_app.accounts.second_factor): an irreversible act (approve, publish, revoke, reopen
    # a score sheet, change roles, reset a second factor) asks for a code again when the session last passed
    # the second factor more than this many minutes ago.
    STEP_UP_MINUTES = 10
    # Wrong second-factor codes per account, whichever session or server sent them: Flask-Limiter's notation.
    SECOND_FACTOR_RATE_LIMITS = "5/minute;20/hour;50/day"
    # The name authenticator apps show beside the account's e-mail.
    SECOND_FACTOR_ISSUER = "ASEAN Awards VN"
    # The demo accounts' authenticator secret (development and tests only; production refuses it).
    DEMO_TOTP_SECRET: str | None = None

    @classmethod
    def init_app(cls, config: dict) -> None:
        """Settings read when the app is built, not when this module is imported."""

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with settings that are unsafe, once every override is applied."""


class DevelopmentConfig(Config):
    DEBUG = False
    # A fixed key for the local demo only; Production refuses to start without its own.
    SECRET_KEY = "dev-only-not-secret"  # noqa: S105
    DEMO_PASSWORD = "bong-sen-no-ven-ho-tay"  # noqa: S105 - the README lists it for the demo accounts
    # The README lists it too: `flask --app award_app accounts demo-code` prints its current code.
    DEMO_TOTP_SECRET = "XANHSACHDEPDEMOXANHSACHDEPDEMO22"  # noqa: S105
    MAIL_TO_CONSOLE = True

    @classmethod
    def init_app(cls, config: dict) -> None:
        url = database_url(os.environ.get("DATABASE_URL"))
        if url:
            config["SQLALCHEMY_DATABASE_URI"] = url
        # `make run PORT=5001` serves on another port: the QR codes of its certificates open that port.
        config["PUBLIC_URL"] = os.environ.get("PUBLIC_URL") or Config.PUBLIC_URL


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    # Fast hashing keeps the suite quick; every other configuration uses scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    DEMO_PASSWORD = "bong-sen-no-ven-ho-tay"  # noqa: S105
    DEMO_TOTP_SECRET = DevelopmentConfig.DEMO_TOTP_SECRET
    JOBS_RUN_INLINE = True


def database_url(url: str | None) -> str | None:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    if url and url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    if url and url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    return url


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def init_app(cls, config: dict) -> None:
        """Read secrets and services from the environment at start-up; refuse to start without a strong key,
        without an address (PUBLIC_URL) or with the debugger."""
        env = os.environ
        config["SECRET_KEY"] = strong_secret_key(env.get("SECRET_KEY"))
        config["SECRET_KEY_FALLBACKS"] = fallback_keys(env.get("SECRET_KEY_FALLBACKS"))
        insecure_cookies = env.get("AWARD_INSECURE_COOKIES") == "1"
        config["PUBLIC_URL"] = public_url(env.get("PUBLIC_URL"), allow_http=insecure_cookies)
        # Requests naming another host are refused (400): the port is not compared.
        config["TRUSTED_HOSTS"] = [urlsplit(config["PUBLIC_URL"]).hostname]
        config["SQLALCHEMY_DATABASE_URI"] = (
            database_url(env.get("DATABASE_URL")) or Config.SQLALCHEMY_DATABASE_URI
        )
        config["REDIS_URL"] = env.get("REDIS_URL") or None
        config["REDIS_PREFIX"] = config["RATELIMIT_KEY_PREFIX"] = env.get("REDIS_PREFIX") or Config.REDIS_PREFIX
        if config["REDIS_URL"]:
            config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
        config["JOBS_RUN_INLINE"] = env.get("JOBS_RUN_INLINE", "0") == "1"
        config["JOB_PROGRESS_POLL_SECONDS"] = float(env.get("JOB_PROGRESS_POLL_SECONDS", "2"))
        config["TRUSTED_PROXIES"] = int(env.get("TRUSTED_PROXIES", "0"))
        config["UPLOAD_FOLDER"] = env.get("UPLOAD_FOLDER", Config.UPLOAD_FOLDER)
        config["PERSONAL_DATA_MAX_MB"] = int(env.get("PERSONAL_DATA_MAX_MB", Config.PERSONAL_DATA_MAX_MB))
        config["STORAGE_BACKEND"] = env.get("STORAGE_BACKEND") or "local"
        for name in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
            config[name] = env.get(name) or None
        config["S3_PREFIX"] = env.get("S3_PREFIX", "")
        if config["STORAGE_BACKEND"] not in ("local", "s3"):
            raise RuntimeError("STORAGE_BACKEND must be 'local' or 's3'.")
        if config["STORAGE_BACKEND"] == "s3" and not config["S3_BUCKET"]:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET in the environment.")
        config["MAIL_SERVER"] = env.get("MAIL_SERVER")
        config["MAIL_PORT"] = int(env.get("MAIL_PORT", "25"))
        config["MAIL_USE_TLS"] = env.get("MAIL_USE_TLS", "0") == "1"
        config["MAIL_USERNAME"] = env.get("MAIL_USERNAME")
        config["MAIL_PASSWORD"] = env.get("MAIL_PASSWORD")
        config["MAIL_DEFAULT_SENDER"] = env.get("MAIL_DEFAULT_SENDER", Config.MAIL_DEFAULT_SENDER)
        for name in ("SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES_APPLICANT", "SESSION_LIFETIME_HOURS",
                     "SESSION_WARNING_MINUTES", "STEP_UP_MINUTES"):
            config[name] = int(env.get(name) or getattr(Config, name))
        config["CERTIFICATE_SIGNING_KEY"] = env.get("CERTIFICATE_SIGNING_KEY") or None
        config["CERTIFICATE_SIGNING_CERT"] = env.get("CERTIFICATE_SIGNING_CERT") or None
        # The one documented exception: cookies over plain HTTP for a benchmark on 127.0.0.1.
        if insecure_cookies:
            config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = False

    @classmethod
    def check(cls, config: dict) -> None:
        """The Werkzeug debugger runs any code a visitor types: never in production, however it is asked for
        (FLASK_DEBUG=1, `flask run --debug`, DEBUG in the settings)."""
        if config.get("DEBUG") or get_debug_flag():
            raise RuntimeError("Production refuses to run in debug mode: unset FLASK_DEBUG and DEBUG.")
        if config.get("DEMO_TOTP_SECRET") or config.get("DEMO_PASSWORD"):
            raise RuntimeError("Production refuses the demo's password and second-factor secret: they are published.")


# The keys written in this repository sign nothing in production.
REPOSITORY_KEYS = frozenset({DevelopmentConfig.SECRET_KEY, TestingConfig.SECRET_KEY})
# Nor does a second-factor secret written here pass anywhere but where the configuration names it.
PUBLISHED_TOTP_SECRETS = frozenset({DevelopmentConfig.DEMO_TOTP_SECRET})
MIN_KEY_LENGTH = 32
MIN_KEY_CHARACTERS = 8


def strong_secret_key(key: str | None) -> str:
    """SECRET_KEY signs sessions, CSRF tokens and reset links: at least 32 characters, at least 8 different
    ones ("aaaa…" is not a key), and not a key from this repository."""
    key = (key or "").strip()
    if not key:
        raise RuntimeError("SECRET_KEY must be set in the environment for production.")
    if key in REPOSITORY_KEYS:
        raise RuntimeError("SECRET_KEY is a key published in this repository: generate a new one.")
    if len(key) < MIN_KEY_LENGTH or len(set(key)) < MIN_KEY_CHARACTERS or _patterned(key) or _guessable(key):
        raise RuntimeError(f"SECRET_KEY is too weak: use at least {MIN_KEY_LENGTH} random characters, not a repeated "
                           "pattern, e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'.")
    return key


def fallback_keys(value: str | None) -> list[str]:
    """Earlier keys, comma-separated, while a new SECRET_KEY takes over: second-factor secrets sealed under
    them are still read (and sealed again under the new key at their next use). A key of this repository is
    refused here too."""
    keys = [key.strip() for key in (value or "").split(",") if key.strip()]
    if any(key in REPOSITORY_KEYS for key in keys):
        raise RuntimeError("SECRET_KEY_FALLBACKS holds a key published in this repository.")
    return keys


def _patterned(key: str) -> bool:
    """A key typed by a person rather than drawn at random: a repeated run ("changeme" four times, a hex
    string twice: under 3/4 of its 4-character pieces differ) or a run of neighbouring characters
    ("abcdefgh…", "0123…": over half of its steps move by at most one). A drawn key passes: a random hex key
    moves by at most one on about a sixth of its steps."""
    pieces = [key[i:i + 4] for i in range(len(key) - 3)]
    steps = [abs(ord(b) - ord(a)) <= 1 for a, b in zip(key, key[1:], strict=False)]
    return len(set(pieces)) < 0.75 * len(pieces) or sum(steps) > len(steps) / 2


def _guessable(key: str) -> bool:
    """A key made of words, keyboard rows or dates ("my-super-secret-flask-key…", "qwertyuiop…"): zxcvbn
    (offline) guesses it in far fewer tries than its length allows. A drawn key costs about 10**length
    guesses (never under 10**(0.85 × length) in thousands of draws); under 10**(0.8 × length) is refused."""
    from zxcvbn import zxcvbn

    sample = key[:100]  # zxcvbn measures at most 100 characters
    return zxcvbn(sample)["guesses_log10"] < 0.8 * len(sample)


def public_url(url: str | None, *, allow_http: bool) -> str:
    """PUBLIC_URL, the address users reach the platform at: https (plain http only with the benchmark's
    AWARD_INSECURE_COOKIES=1), a host, no query, no fragment, no user; given without its trailing slash."""
    url = (url or "").strip()
    if not url:
        raise RuntimeError("PUBLIC_URL must be set in the environment for production, e.g. "
                           "https://giaithuong.example.gov.vn: every e-mailed link and QR code is built from it.")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise RuntimeError("PUBLIC_URL must start with https:// (http:// only with AWARD_INSECURE_COOKIES=1).")
    try:
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        parts = parts._replace(netloc="")
    if not parts.hostname or parts.query or parts.fragment or parts.username or parts.password:
        raise RuntimeError("PUBLIC_URL must be an address such as https://giaithuong.example.gov.vn, "
                           "without a query, a fragment or a user.")
    return url.rstrip("/")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
