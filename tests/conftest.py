"""Test set-up: one app per session on a real database (SQLite, or PostgreSQL with --db=postgresql), each test
inside a transaction that is rolled back, and factories that build data through the real services."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests import servers

os.environ.setdefault("PORTAL_INSTANCE", "/nonexistent-use-config")


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--db",
        default="sqlite",
        choices=["sqlite", "postgresql"],
        help="database the tests run against (PostgreSQL: a throwaway cluster is started)",
    )


@pytest.fixture(scope="session")
def db_kind(request: Any) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: Any, db_kind: str) -> Iterator[str | None]:
    if db_kind != "postgresql":
        yield None
        return
    # Not under pytest's temporary folder: that one is private to root and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="hana-pg-"))
    try:
        with servers.postgres(folder) as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def database_url(kind: str, pg_server: str | None, folder: Path, name: str) -> str:
    """A fresh, empty database of the kind under test."""
    if kind == "postgresql":
        assert pg_server
        return servers.create_database(pg_server, name)
    return f"sqlite:///{folder / (name + '.db')}"


def test_settings(instance: Path, url: str, **extra: Any) -> dict[str, Any]:
    """Settings every test app shares."""
    settings = {
        "PORTAL_INSTANCE": str(instance),
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key-" + "x" * 20,
        "TESTING": True,
        "JOBS_IMMEDIATE": True,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "PORTAL_BASE_URL": "http://portal.test",
        "MAIL_ADDRESSES": "support@hana.example",
        "SMTP_URL": None,
        "SERVER_NAME": None,
    }
    settings.update(extra)
    return settings


test_settings.__test__ = False  # a helper, not a test, when imported into a test module


def make_app(settings: dict[str, Any]) -> Flask:
    """An app with its schema built by the real migrations."""
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(settings)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory: Any, db_kind: str, pg_server: str | None) -> Flask:
    folder = tmp_path_factory.mktemp("instance")
    url = database_url(db_kind, pg_server, folder, "portal_test")
    return make_app(test_settings(folder, url))


def _sqlite_savepoints(engine: sa.Engine) -> None:
    # pysqlite begins transactions lazily and breaks SAVEPOINT; tests need real nested transactions.
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def _engine_ready(app: Flask) -> None:
    from portal.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_savepoints(db.engine)
            db.engine.dispose()


@pytest.fixture()
def db(app: Flask, _engine_ready: None) -> Iterator[Any]:
    """The test's database: everything it writes is rolled back at the end."""
    from portal.extensions import db as database

    with app.app_context():
        engines = database.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection  # every session of this test joins the outer transaction
        factory = database.session.session_factory
        factory.kw["join_transaction_mode"] = "create_savepoint"
        try:
            yield database
        finally:
            database.session.remove()
            factory.kw.pop("join_transaction_mode", None)
            engines[None] = engine
            if outer.is_active:
                outer.rollback()
            connection.close()


class Client(FlaskClient):
    """A test client whose every request runs in its own application context, as in production: a fresh
    database session and a fresh `g` (signed-in user, locale), whatever the test holds."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from portal.extensions import db

        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept-Language", "en")  # tests read English unless they ask for Korean
        with self.application.app_context():
            response = super().open(*args, headers=headers, **kwargs)
        db.session.expire_all()  # the test's own objects show what the request changed
        return response

    def login(self, email: str, password: str = "password-123") -> Any:
        response = self.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response


@pytest.fixture()
def client(app: Flask, db: Any) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture()
def make_client(app: Flask, db: Any) -> Any:
    """More clients (another customer, a second agent)."""
    app.test_client_class = Client

    def make() -> Client:
        return app.test_client()  # type: ignore[return-value]

    return make


# ---------------------------------------------------------------- factories (through the real services)

PASSWORD = "password-123"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


@pytest.fixture()
def make_user(db: Any) -> Any:
    from portal.accounts import service

    def make(role: str = "customer", **overrides: Any) -> Any:
        n = _next()
        email = overrides.pop("email", f"{role}{n}@example.com")
        name = overrides.pop("name", f"{role.title()} {n}")
        user = service.create_user(
            email, name, password=overrides.pop("password", PASSWORD), role=role, **overrides
        )
        db.session.commit()
        return user

    return make


@pytest.fixture()
def agent(make_user: Any) -> Any:
    return make_user("agent", name="김민준")


@pytest.fixture()
def admin(make_user: Any) -> Any:
    return make_user("admin", name="이서연")


@pytest.fixture()
def customer_user(make_user: Any) -> Any:
    return make_user("customer", name="최유나")


@pytest.fixture()
def make_inbound() -> Any:
    from portal.customers.service import Hints
    from portal.tickets.inbound import Inbound

    def make(channel: str = "web", **overrides: Any) -> Inbound:
        n = _next()
        sender = overrides.pop("sender", None) or Hints(
            email=overrides.pop("email", f"sender{n}@example.com"),
            name=overrides.pop("name", f"Sender {n}"),
            phone=overrides.pop("phone", None),
            chat=overrides.pop("chat", None),
            user_id=overrides.pop("user_id", None),
        )
        fields = {"subject": f"Question {n}", "text": f"Help me with thing {n}", "notify": False}
        fields.update(overrides)
        return Inbound(channel=channel, sender=sender, **fields)

    return make


@pytest.fixture()
def make_ticket(db: Any, make_inbound: Any) -> Any:
    """A ticket opened through the one door (intake), committed."""
    from portal.tickets.intake import receive

    def make(channel: str = "web", **overrides: Any) -> Any:
        result = receive(make_inbound(channel, **overrides))
        db.session.commit()
        return result.ticket

    return make


class QueryCounter:
    """Counts the SQL statements run while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(db: Any) -> Any:
    """with count_queries() as counter: …; counter.count"""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        bind = db.engines[None]
        engine = bind.engine if isinstance(bind, sa.Connection) else bind
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[servers.SmtpSink]:
    sink = servers.SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture()
def smtp(app: Flask, smtp_sink: servers.SmtpSink, monkeypatch: Any) -> servers.SmtpSink:
    """Mail goes to a real SMTP server (aiosmtpd) for this test."""
    smtp_sink.clear()
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_sink.url)
    return smtp_sink
