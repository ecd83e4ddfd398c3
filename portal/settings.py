"""Settings: defaults (no secrets), then instance/config.py, then the environment, then create_app(config)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Names of the contract (../shared/CONTRACT.md) read from the environment.
ENV_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SMTP_URL",
    "MAIL_FROM",
    "MAIL_ADDRESSES",
    "PORTAL_BASE_URL",
    "SECRET_KEY",
    "MAIL_WEBHOOK_SECRET",
)

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: sqlite:///<instance>/portal.db
    "REDIS_URL": None,
    "SMTP_URL": None,  # None: mail is written to <instance>/outbox-mail/ instead of sent
    "MAIL_FROM": None,
    "MAIL_ADDRESSES": "support@hana.example",
    "PORTAL_BASE_URL": "http://127.0.0.1:5000",
    "COMPANY_NAME": "Hana",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: on when PORTAL_BASE_URL is https
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
    "MAX_CONTENT_LENGTH": 40 * 1024 * 1024,
    "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
    "ATTACHMENTS_PER_MESSAGE_MAX_BYTES": 35 * 1024 * 1024,
    "ATTACHMENT_BLOCKED_EXTENSIONS": "exe,bat,cmd,com,scr,js,vbs,msi,ps1,jar,dll,sh,apk",
    "BABEL_DEFAULT_LOCALE": "ko",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
    "LOCALES": ("ko", "en"),
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_LOGIN": "10 per minute;50 per hour",
    "RATELIMIT_SUBMIT": "20 per minute;200 per hour",
    "RATELIMIT_API": "600 per minute",
    "RATELIMIT_HEADERS_ENABLED": True,
    "JOBS_IMMEDIATE": False,  # tests: run background jobs in-process right after commit
    "JOBS_WORKERS": 4,
    "THREAD_BY_SUBJECT": True,
    "THREAD_BY_SUBJECT_DAYS": 14,
    "SIGNED_LINK_MAX_AGE": 60 * 60 * 24 * 90,
    "PASSWORD_RESET_MAX_AGE": 60 * 60 * 2,
    "COLLISION_WINDOW_SECONDS": 30,
    "QUEUE_PAGE_SIZE": 50,
    "SEARCH_ENABLED": True,
}


def instance_path() -> Path:
    """The folder that holds everything the app writes (PORTAL_INSTANCE, default instance/ in the checkout)."""
    return Path(os.environ.get("PORTAL_INSTANCE") or ROOT / "instance").resolve()


def load(instance: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Merge the settings layers into one dict; later layers win."""
    settings = dict(DEFAULTS)
    config_file = instance / "config.py"
    if config_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(config_file.read_text(), str(config_file), "exec"), namespace)  # noqa: S102 - admin's own file
        settings.update({k: v for k, v in namespace.items() if k.isupper()})
    for name in ENV_SETTINGS:
        if os.environ.get(name):
            settings[name] = os.environ[name]
    settings.update(overrides or {})
    return finish(settings, instance)


def finish(settings: dict[str, Any], instance: Path) -> dict[str, Any]:
    """Derive the settings that depend on others (database URL, secret key, mail addresses)."""
    settings["SQLALCHEMY_DATABASE_URI"] = settings.get("SQLALCHEMY_DATABASE_URI") or database_url(
        settings["DATABASE_URL"], instance
    )
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(settings["SQLALCHEMY_DATABASE_URI"])
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = instance_secret(instance)
    addresses = settings["MAIL_ADDRESSES"]
    if isinstance(addresses, str):
        addresses = [a.strip().lower() for a in addresses.split(",") if a.strip()]
    settings["MAIL_ADDRESSES"] = list(addresses)
    settings["MAIL_FROM"] = settings.get("MAIL_FROM") or (
        addresses[0] if addresses else "support@hana.example"
    )
    if settings.get("SESSION_COOKIE_SECURE") is None:
        secure = str(settings["PORTAL_BASE_URL"]).startswith("https://")
        settings["SESSION_COOKIE_SECURE"] = secure
        settings["REMEMBER_COOKIE_SECURE"] = secure
    settings["RATELIMIT_STORAGE_URI"] = settings.get("RATELIMIT_STORAGE_URI") or (
        settings["REDIS_URL"] or "memory://"
    )
    return settings


def database_url(url: str | None, instance: Path) -> str:
    """The SQLAlchemy URL: DATABASE_URL as given (postgres:// normalized to psycopg 3), else SQLite in the instance."""
    if not url:
        return f"sqlite:///{instance / 'portal.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict[str, Any]:
    """Engine options per backend: SQLite waits for the writer instead of failing at once."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}


def instance_secret(instance: Path) -> str:
    """A random secret key generated once into the instance folder (never committed)."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: concurrent first starts agree on one key.
        tmp = instance / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
